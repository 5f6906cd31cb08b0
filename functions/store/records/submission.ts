import { randomUUID } from 'node:crypto';
import type { Db } from '../db.ts';
import { COMPLAINT_COLUMNS, COMPLAINT_VALUES, complaintParams, type ComplaintRow } from './complaints.ts';
import { insertEvidence, type NewEvidence } from './evidence.ts';
import { OUTBOX_COLUMNS, OUTBOX_VALUES, composeLaterParams, type MailComposedLater } from './outbox.ts';

const EVENT_COLUMNS = '(id, complaint_id, seq, at, type, from_status, to_status, actor_agency_id, reason, data)';
const EVENT_VALUES = "(?, ?, 1, ?, 'submitted', NULL, 'submitted', NULL, NULL, NULL), (?, ?, 2, ?, 'routed', NULL, 'submitted', NULL, ?, ?)";

/** Everything one submission stores: the complaint, its `submitted` and `routed` events, evidence, queued mail. */
export interface Submission {
  complaint: ComplaintRow;
  routed: { reason: string; data: { rule: string; agencyId: string } };
  evidence: readonly NewEvidence[];
  mails: readonly MailComposedLater[];
  host: string;
}

/**
 * Stores a submission atomically; throws on a repeated idempotency key or reference (UNIQUE), storing nothing.
 * Only after this returns may the caller answer 201.
 */
export async function insertSubmission(db: Db, s: Submission): Promise<void> {
  const c = s.complaint;
  const at = c.created_at;
  const eventParams = [randomUUID(), c.id, at, randomUUID(), c.id, at, s.routed.reason, JSON.stringify(s.routed.data)];
  const mailParams = s.mails.map((mail) => composeLaterParams(mail, at, s.host));
  if (db.dialect === 'postgres' && !s.evidence.length) {
    // PostgreSQL: the same rows in one statement (data-modifying CTEs), atomic on its own — one round trip
    // instead of six, which is most of a submission's cost there.
    await db.run(
      `WITH c AS (INSERT INTO complaints ${COMPLAINT_COLUMNS} VALUES ${COMPLAINT_VALUES} RETURNING id),
            e AS (INSERT INTO complaint_events ${EVENT_COLUMNS} VALUES ${EVENT_VALUES})
       INSERT INTO outbox ${OUTBOX_COLUMNS} VALUES ${s.mails.map(() => OUTBOX_VALUES).join(', ')} ON CONFLICT (message_id) DO NOTHING`,
      [...complaintParams(c), ...eventParams, ...mailParams.flat()],
    );
    return;
  }
  await db.transaction(async (tx) => {
    await tx.run(`INSERT INTO complaints ${COMPLAINT_COLUMNS} VALUES ${COMPLAINT_VALUES}`, complaintParams(c));
    await tx.run(`INSERT INTO complaint_events ${EVENT_COLUMNS} VALUES ${EVENT_VALUES}`, eventParams);
    for (const file of s.evidence) await insertEvidence(tx, c.id, file);
    for (const params of mailParams) {
      await tx.run(`INSERT INTO outbox ${OUTBOX_COLUMNS} VALUES ${OUTBOX_VALUES} ON CONFLICT (message_id) DO NOTHING`, params);
    }
  });
}
