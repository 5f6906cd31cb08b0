import { rowId } from '../row-id.ts';
import type { AckSlot } from './ack-quota.ts';
import { complaintParams, type ComplaintRow } from './complaints.ts';
import { evidenceParams, type NewEvidence } from './evidence.ts';
import { composeLaterParams, type MailComposedLater } from './outbox.ts';

export const EVENT_COLUMNS = '(id, complaint_id, seq, at, type, from_status, to_status, actor_agency_id, reason, data)';
export const EVENT_VALUES = "(?, ?, 1, ?, 'submitted', NULL, 'submitted', NULL, NULL, NULL), (?, ?, 2, ?, 'routed', NULL, 'submitted', NULL, ?, ?)";

/** Everything one submission stores: the complaint, its `submitted` and `routed` events, evidence, queued mail. */
export interface Submission {
  complaint: ComplaintRow;
  routed: { reason: string; data: { rule: string; agencyId: string; region?: string } };
  evidence: readonly NewEvidence[];
  mails: readonly MailComposedLater[];
  /** The acknowledgement: queued only if its address still has a slot today (ack-quota.ts). */
  ack?: { mail: MailComposedLater; slot: AckSlot };
  host: string;
}

/** A submission's rows as the statements' parameters: for COMPLAINT_VALUES, EVENT_VALUES, EVIDENCE_VALUES, OUTBOX_VALUES. */
export interface SubmissionParams {
  complaint: unknown[];
  events: unknown[];
  evidence: unknown[][];
  mails: unknown[][];
  ack?: AckSlot & { mail: unknown[] };
}

export function submissionParams(s: Submission): SubmissionParams {
  const c = s.complaint;
  const at = c.created_at;
  return {
    complaint: complaintParams(c),
    events: [rowId(), c.id, at, rowId(), c.id, at, s.routed.reason, JSON.stringify(s.routed.data)],
    evidence: s.evidence.map((file) => evidenceParams(c.id, file)),
    mails: s.mails.map((mail) => composeLaterParams(mail, at, s.host)),
    ...(s.ack ? { ack: { ...s.ack.slot, mail: composeLaterParams(s.ack.mail, at, s.host) } } : {}),
  };
}
