import { rowId } from '../row-id.ts';
import type { Db } from '../db.ts';
import { COMPLAINT_COLUMNS, COMPLAINT_VALUES, complaintParams, type ComplaintRow } from './complaints.ts';
import { EVIDENCE_COLUMNS, EVIDENCE_VALUES, evidenceParams, insertEvidence, type NewEvidence } from './evidence.ts';
import { OUTBOX_COLUMNS, OUTBOX_VALUES, composeLaterParams, type MailComposedLater } from './outbox.ts';
import { ackSlotParams, TAKE_ACK_SLOT, type AckSlot } from './ack-quota.ts';

const EVENT_COLUMNS = '(id, complaint_id, seq, at, type, from_status, to_status, actor_agency_id, reason, data)';
const EVENT_VALUES = "(?, ?, 1, ?, 'submitted', NULL, 'submitted', NULL, NULL, NULL), (?, ?, 2, ?, 'routed', NULL, 'submitted', NULL, ?, ?)";

/** Everything one submission stores: the complaint, its `submitted` and `routed` events, evidence, queued mail. */
export interface Submission {
  complaint: ComplaintRow;
  routed: { reason: string; data: { rule: string; agencyId: string } };
  evidence: readonly NewEvidence[];
  mails: readonly MailComposedLater[];
  /** The acknowledgement: queued only if its address still has a slot today (ack-quota.ts). */
  ack?: { mail: MailComposedLater; slot: AckSlot };
  host: string;
}

/**
 * Stores a submission atomically; throws on a repeated idempotency key or reference (UNIQUE), storing nothing.
 * Only after this returns may the caller answer 201.
 */
export async function insertSubmission(db: Db, s: Submission): Promise<void> {
  const c = s.complaint;
  const at = c.created_at;
  const eventParams = [rowId(), c.id, at, rowId(), c.id, at, s.routed.reason, JSON.stringify(s.routed.data)];
  const mailParams = s.mails.map((mail) => composeLaterParams(mail, at, s.host));
  const ackParams = s.ack ? composeLaterParams(s.ack.mail, at, s.host) : undefined;
  if (db.dialect === 'postgres') {
    // PostgreSQL: the same rows in one statement (data-modifying CTEs), atomic on its own — one round trip
    // instead of six (seven with evidence), which is most of a submission's cost there. The acknowledgement row is
    // selected FROM the slot insert: no slot taken, no row.
    const evidence = s.evidence.length ? `, v AS (INSERT INTO evidence ${EVIDENCE_COLUMNS} VALUES ${s.evidence.map(() => EVIDENCE_VALUES).join(', ')})` : '';
    const ack = s.ack
      ? `, q AS (${TAKE_ACK_SLOT} RETURNING slot),
            a AS (INSERT INTO outbox ${OUTBOX_COLUMNS} SELECT ${OUTBOX_VALUES.slice(1, -1)} FROM q ON CONFLICT (message_id) DO NOTHING)`
      : '';
    await db.run(
      `WITH c AS (INSERT INTO complaints ${COMPLAINT_COLUMNS} VALUES ${COMPLAINT_VALUES} RETURNING id),
            e AS (INSERT INTO complaint_events ${EVENT_COLUMNS} VALUES ${EVENT_VALUES})${evidence}${ack}
       INSERT INTO outbox ${OUTBOX_COLUMNS} VALUES ${s.mails.map(() => OUTBOX_VALUES).join(', ')} ON CONFLICT (message_id) DO NOTHING`,
      [
        ...complaintParams(c),
        ...eventParams,
        ...s.evidence.flatMap((file) => evidenceParams(c.id, file)),
        ...(s.ack ? [...ackSlotParams(s.ack.slot), ...ackParams!] : []),
        ...mailParams.flat(),
      ],
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
    if (s.ack && (await tx.run(TAKE_ACK_SLOT, ackSlotParams(s.ack.slot))) === 1) {
      await tx.run(`INSERT INTO outbox ${OUTBOX_COLUMNS} VALUES ${OUTBOX_VALUES} ON CONFLICT (message_id) DO NOTHING`, ackParams!);
    }
  });
}

/**
 * Deletes a complaint and everything stored with it — evidence (so its download links stop at once), events,
 * queued mail and their attempts, notices, used action links — in one transaction. The acknowledgement slots
 * carry no complaint and stay until their day is over.
 */
export async function deleteComplaint(db: Db, complaintId: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    await tx.run('DELETE FROM outbox_attempts WHERE outbox_id IN (SELECT id FROM outbox WHERE complaint_id = ?)', [complaintId]);
    for (const table of ['outbox', 'evidence', 'notices', 'action_uses', 'complaint_events']) {
      await tx.run(`DELETE FROM ${table} WHERE complaint_id = ?`, [complaintId]);
    }
    return (await tx.run('DELETE FROM complaints WHERE id = ?', [complaintId])) === 1;
  });
}
