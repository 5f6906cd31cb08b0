import type { Db } from '../db.ts';
import { ackSlotParams, TAKE_ACK_SLOT } from './ack-quota.ts';
import { COMPLAINT_COLUMNS, COMPLAINT_VALUES } from './complaints.ts';
import { EVIDENCE_COLUMNS, EVIDENCE_VALUES } from './evidence.ts';
import { OUTBOX_COLUMNS, OUTBOX_VALUES } from './outbox.ts';
import { EVENT_COLUMNS, EVENT_VALUES, submissionParams, type Submission } from './submission-params.ts';
import { insertSubmissionsPostgres } from './submissions-postgres.ts';

export type { Submission } from './submission-params.ts';

/** What a stored submission queued beyond its own rows. */
export interface Stored {
  /** Its acknowledgement was queued (the address still had a slot today); false without one. */
  ackQueued: boolean;
}

/**
 * Stores a submission atomically; throws on a repeated idempotency key or reference (UNIQUE), storing nothing.
 * Only after this returns may the caller answer 201. Concurrent submissions share a commit: on SQLite through the
 * store's group commit (sqlite.ts), on PostgreSQL in one statement (submissions-postgres.ts).
 */
export async function insertSubmission(db: Db, s: Submission): Promise<Stored> {
  const p = submissionParams(s);
  if (db.dialect === 'postgres') return insertSubmissionsPostgres(db, p);
  return db.transaction(async (tx) => {
    await tx.run(`INSERT INTO complaints ${COMPLAINT_COLUMNS} VALUES ${COMPLAINT_VALUES}`, p.complaint);
    await tx.run(`INSERT INTO complaint_events ${EVENT_COLUMNS} VALUES ${EVENT_VALUES}`, p.events);
    for (const file of p.evidence) await tx.run(`INSERT INTO evidence ${EVIDENCE_COLUMNS} VALUES ${EVIDENCE_VALUES}`, file);
    for (const mail of p.mails) await tx.run(`INSERT INTO outbox ${OUTBOX_COLUMNS} VALUES ${OUTBOX_VALUES} ON CONFLICT (message_id) DO NOTHING`, mail);
    // The acknowledgement is queued only with a slot taken (ack-quota.ts).
    const slot = !!p.ack && (await tx.run(TAKE_ACK_SLOT, ackSlotParams(p.ack))) === 1;
    const queued =
      slot && (await tx.run(`INSERT INTO outbox ${OUTBOX_COLUMNS} VALUES ${OUTBOX_VALUES} ON CONFLICT (message_id) DO NOTHING`, p.ack!.mail)) === 1;
    return { ackQueued: queued };
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
