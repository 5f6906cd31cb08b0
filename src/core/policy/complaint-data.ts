import { z } from 'zod';
import { citation, positiveInt } from './fields.ts';

/** How long complainants' personal information is kept once a complaint is closed (then purged). */
export const complaintDataPolicySchema = z
  .object({
    /** Years after 办结/不予受理 until contact details, contents, evidence and stored mails are removed. */
    keepYearsAfterClosed: positiveInt('complaintData.keepYearsAfterClosed', '年数').default(3),
    /** Hours the evidence files of a no-JS complaint are kept while its check page waits for 确认提交. */
    draftEvidenceHours: positiveInt('complaintData.draftEvidenceHours', '小时数').default(2),
    citation,
  })
  .strict();

export type ComplaintDataPolicy = z.infer<typeof complaintDataPolicySchema>;
