import { z } from 'zod';
import { isoDate } from '../dates.ts';

/** One quoted provision: an item of a list in an article, quoted exactly, with its article reference. */
export const provisionSchema = z
  .object({
    /** Stable code, unique within the regulation; complaint categories are `<regulation>:<id>`. */
    id: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/, { message: 'id 只能用小写字母、数字、点和连字符' }),
    /** Article reference as printed, e.g. `第十条第（一）项`. */
    article: z.string().min(1),
    /** The exact words of the regulation. */
    text: z.string().min(1),
    /** Optional plain-language restatement for citizens; the quoted text stays authoritative. */
    plain: z.string().min(1).optional(),
  })
  .strict();

export const deadlinesSchema = z
  .object({
    /** Working days (weekends skipped) from submission to 受理/不予受理. */
    acceptWorkingDays: z.number().int().positive(),
    /** Calendar days from acceptance to 办结. */
    resolveDays: z.number().int().positive(),
  })
  .strict();

/** A jurisdiction's rule set (办法) as data: drives the verification page and the complaint categories. */
export const regulationSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
    title: z.string().min(1),
    jurisdiction: z.string().min(1),
    /** `in-force` for a promulgated measure, `draft` for a consultation draft (征求意见稿). */
    status: z.enum(['in-force', 'draft']),
    /** Legal effect date; absent when the text ties it to an event (e.g. 自印发之日起施行). */
    effectiveDate: isoDate.optional(),
    /** The article that sets the effect date, quoted. */
    effectiveClause: z.string().min(1),
    source: z.string().min(1),
    /** Articles stating that auxiliaries have no enforcement power of their own. */
    noEnforcementPower: z.array(provisionSchema).min(1),
    permittedDuties: z.array(provisionSchema).min(1),
    forbiddenDuties: z.array(provisionSchema).min(1),
    prohibitedConduct: z.array(provisionSchema),
    /** Publication and complaint-channel duties of the agency, quoted. */
    disclosure: z.array(provisionSchema).min(1),
    deadlines: deadlinesSchema,
  })
  .strict();

export type Provision = z.infer<typeof provisionSchema>;
export type Regulation = z.infer<typeof regulationSchema>;
