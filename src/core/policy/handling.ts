import { z } from 'zod';
import { citation, positiveInt } from './fields.ts';

/**
 * How long agencies have to handle a complaint, and what the platform does when they miss it. Neither regulation
 * sets any of this: these are the deployment's rules.
 */
export const handlingPolicySchema = z
  .object({
    /** Working days from reaching an agency to its 受理/不予受理 (a transfer restarts the clock). */
    acceptWorkingDays: positiveInt('handling.acceptWorkingDays', '工作日数').default(5),
    /** Calendar days from 受理 to 办结. */
    resolveDays: positiveInt('handling.resolveDays', '天数').default(60),
    /** A reminder to the handling agency once a deadline has passed. */
    remind: z.boolean({ error: 'handling.remind 应为 true 或 false（是否催办）' }).default(true),
    /** Working days after a missed deadline until the report to the agency's parent and oversight. */
    escalateAfterWorkingDays: positiveInt('handling.escalateAfterWorkingDays', '工作日数').default(3),
    /** Days after the deadline it serves that an agency's action link stays valid (never less than 30 days from its mail). */
    linkDaysAfterDeadline: positiveInt('handling.linkDaysAfterDeadline', '天数').default(7),
    citation,
  })
  .strict();

export type HandlingPolicy = z.infer<typeof handlingPolicySchema>;
