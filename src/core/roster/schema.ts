import { z } from 'zod';
import { isoDate } from '../dates.ts';

/** revoked: the certificate was withdrawn (收回, 吊销); cancelled: it was cancelled (注销, 作废), e.g. on re-issue. */
export const statusValues = ['active', 'suspended', 'revoked', 'cancelled', 'left'] as const;
export const employmentValues = ['direct', 'dispatch'] as const;

/**
 * One published auxiliary. These are exactly the fields allowed to reach `dist/` (pages, search index,
 * open data): anything else in a roster export is dropped at import.
 */
export const auxiliarySchema = z
  .object({
    /** Normalized (normalizeCertificateNo): half-width, upper-case, no spaces. Unique across the site. */
    certificateNo: z.string().min(1),
    name: z.string().min(1),
    agencyId: z.string().min(1),
    post: z.string().min(1).optional(),
    status: z.enum(statusValues),
    statusSince: isoDate.optional(),
    issuedOn: isoDate.optional(),
    validUntil: isoDate.optional(),
    employment: z.enum(employmentValues).optional(),
    dispatcher: z.string().min(1).optional(),
    /** Photo file name relative to the roster's folder; copied to the site only when present. */
    photo: z.string().min(1).optional(),
  })
  .strict();

export type Auxiliary = z.infer<typeof auxiliarySchema>;
export type AuxiliaryStatus = (typeof statusValues)[number];
export type Employment = (typeof employmentValues)[number];

/** The published fields, in the order used by open data. */
export const publishedFields = Object.keys(auxiliarySchema.shape) as (keyof Auxiliary)[];
