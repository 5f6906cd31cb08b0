import { z } from 'zod';
import { citation, positiveInt } from './fields.ts';

/**
 * Years a complaint that is never closed keeps its complainant's personal information, counted from its filing,
 * when policy.yaml does not say — and `keepYearsAfterClosed` is not longer (then that many years: see below).
 */
export const DEFAULT_KEEP_YEARS_IF_NEVER_CLOSED = 5;

/**
 * How long complainants' personal information is kept (then purged: functions/retention/purge.ts): after a
 * complaint is closed, and — for one that is never closed (the agency never acted, or left the registry) — after it
 * was filed. Neither regulation sets either period: both are the deployment's rule, labelled so (or cited).
 *
 * `keepYearsIfNeverClosed` may not be shorter than `keepYearsAfterClosed`: a complaint still open must not lose its
 * contents sooner than one filed the same day and closed at once would. Left out, it is
 * DEFAULT_KEEP_YEARS_IF_NEVER_CLOSED, or `keepYearsAfterClosed` when that is longer — so raising the one period
 * alone never makes the file wrong.
 */
export const complaintDataPolicySchema = z
  .object({
    /** Years after 办结/不予受理 until contact details, contents, evidence and stored mails are removed. */
    keepYearsAfterClosed: positiveInt('complaintData.keepYearsAfterClosed', '年数').default(3),
    /** Years after filing until the same is removed from a complaint that is still not closed (any open status). */
    keepYearsIfNeverClosed: positiveInt('complaintData.keepYearsIfNeverClosed', '年数').optional(),
    /** Hours the evidence files of a no-JS complaint are kept while its check page waits for 确认提交. */
    draftEvidenceHours: positiveInt('complaintData.draftEvidenceHours', '小时数').default(2),
    citation,
  })
  .strict()
  .superRefine((p, ctx) => {
    const open = p.keepYearsIfNeverClosed;
    // Compared only when both are good: a wrong value has its own message.
    const good = (n: number | undefined): n is number => Number.isInteger(n) && n! > 0;
    if (good(open) && good(p.keepYearsAfterClosed) && open < p.keepYearsAfterClosed) {
      ctx.addIssue({
        code: 'custom',
        path: ['keepYearsIfNeverClosed'],
        message: `complaintData.keepYearsIfNeverClosed（${open} 年）不能少于 complaintData.keepYearsAfterClosed（${p.keepYearsAfterClosed} 年）：未办结的投诉不应比提交当天就办结的投诉更早删除个人信息，请改为 ${p.keepYearsAfterClosed} 或更大`,
      });
    }
  })
  .transform(({ keepYearsIfNeverClosed, ...p }) => ({
    ...p,
    keepYearsIfNeverClosed: keepYearsIfNeverClosed ?? Math.max(DEFAULT_KEEP_YEARS_IF_NEVER_CLOSED, p.keepYearsAfterClosed),
  }));

export type ComplaintDataPolicy = z.infer<typeof complaintDataPolicySchema>;

/** Whose rule the retention periods are, wherever they are stated: the adopting document, or the platform's own. */
export function complaintDataBasis(policy: Pick<ComplaintDataPolicy, 'citation'>): string {
  return policy.citation ? `依据${policy.citation}` : '这是本平台设定的保存期限，不是《办法》的规定';
}
