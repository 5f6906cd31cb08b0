import { randomUUID } from 'node:crypto';
import type { Db } from './db.ts';

/**
 * Typed access to the complaint tables, shared by intake (issue 4) and handling/deadlines/stats (issue 5).
 * Every writer takes the transaction's Db so several writes commit together.
 */
export const complaintStatuses = ['submitted', 'accepted', 'rejected', 'transferred', 'resolved'] as const;
export type ComplaintStatus = (typeof complaintStatuses)[number];
export const eventTypes = ['submitted', 'routed', 'accepted', 'rejected', 'transferred', 'resolved', 'reminded', 'escalated'] as const;
export type EventType = (typeof eventTypes)[number];

export interface ComplaintRow {
  id: string;
  reference: string;
  tracking_hash: string;
  kind: 'complaint' | 'report';
  status: ComplaintStatus;
  /** The agency currently handling it. */
  agency_id: string;
  regulation_id: string | null;
  category: string;
  /** JSON: whom the complaint is about (see functions/complaints/schema.ts `Target`). */
  target: string;
  /** JSON: the private part (description, when, where, complainant). Never logged, never published. */
  contents: string;
  idempotency_key: string | null;
  /** sha256 of what was submitted with `idempotency_key` (binds the key to its submission). */
  submission_hash?: string | null;
  created_at: string;
  updated_at: string;
  accept_due_at: string | null;
  resolve_due_at: string | null;
}

export interface EventRow {
  id: string;
  complaint_id: string;
  seq: number;
  at: string;
  type: EventType;
  from_status: string | null;
  to_status: string | null;
  actor_agency_id: string | null;
  reason: string | null;
  /** JSON or null: e.g. the routing rule of a `routed` event. */
  data: string | null;
}

export async function insertComplaint(tx: Db, row: ComplaintRow): Promise<void> {
  await tx.run(
    `INSERT INTO complaints (id, reference, tracking_hash, kind, status, agency_id, regulation_id, category, target, contents,
       idempotency_key, submission_hash, created_at, updated_at, accept_due_at, resolve_due_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      row.id, row.reference, row.tracking_hash, row.kind, row.status, row.agency_id, row.regulation_id, row.category,
      row.target, row.contents, row.idempotency_key, row.submission_hash ?? null, row.created_at, row.updated_at, row.accept_due_at, row.resolve_due_at,
    ],
  );
}

export interface NewEvent {
  type: EventType;
  at: string;
  fromStatus?: string | null;
  toStatus?: string | null;
  actorAgencyId?: string | null;
  reason?: string | null;
  data?: unknown;
}

/** Appends an event with the next sequence number of its complaint. */
export async function appendEvent(tx: Db, complaintId: string, event: NewEvent): Promise<EventRow> {
  const [last] = await tx.query<{ seq: number | string | null }>(
    'SELECT MAX(seq) AS seq FROM complaint_events WHERE complaint_id = ?',
    [complaintId],
  );
  const row: EventRow = {
    id: randomUUID(),
    complaint_id: complaintId,
    seq: Number(last?.seq ?? 0) + 1,
    at: event.at,
    type: event.type,
    from_status: event.fromStatus ?? null,
    to_status: event.toStatus ?? null,
    actor_agency_id: event.actorAgencyId ?? null,
    reason: event.reason ?? null,
    data: event.data === undefined ? null : JSON.stringify(event.data),
  };
  await tx.run(
    `INSERT INTO complaint_events (id, complaint_id, seq, at, type, from_status, to_status, actor_agency_id, reason, data)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [row.id, row.complaint_id, row.seq, row.at, row.type, row.from_status, row.to_status, row.actor_agency_id, row.reason, row.data],
  );
  return row;
}

export async function findComplaintByReference(db: Db, reference: string): Promise<ComplaintRow | undefined> {
  const [row] = await db.query<ComplaintRow & Record<string, unknown>>('SELECT * FROM complaints WHERE reference = ?', [reference]);
  return row;
}

export async function findComplaintById(db: Db, id: string): Promise<ComplaintRow | undefined> {
  const [row] = await db.query<ComplaintRow & Record<string, unknown>>('SELECT * FROM complaints WHERE id = ?', [id]);
  return row;
}

export async function findComplaintByIdempotencyKey(db: Db, key: string): Promise<ComplaintRow | undefined> {
  const [row] = await db.query<ComplaintRow & Record<string, unknown>>('SELECT * FROM complaints WHERE idempotency_key = ?', [key]);
  return row;
}

export async function listEvents(db: Db, complaintId: string): Promise<EventRow[]> {
  const rows = await db.query<EventRow & Record<string, unknown>>(
    'SELECT * FROM complaint_events WHERE complaint_id = ? ORDER BY seq',
    [complaintId],
  );
  return rows.map((r) => ({ ...r, seq: Number(r.seq) }));
}

/** Changes status and/or handling agency; returns false when the row was not in `expectedStatus` (lost race). */
export async function updateComplaintStatus(
  tx: Db,
  complaintId: string,
  expectedStatus: ComplaintStatus,
  change: { status: ComplaintStatus; agencyId?: string; at: string; acceptDueAt?: string | null; resolveDueAt?: string | null },
): Promise<boolean> {
  const changed = await tx.run(
    `UPDATE complaints SET status = ?, agency_id = COALESCE(?, agency_id), updated_at = ?,
       accept_due_at = CASE WHEN ? = 1 THEN ? ELSE accept_due_at END,
       resolve_due_at = CASE WHEN ? = 1 THEN ? ELSE resolve_due_at END
     WHERE id = ? AND status = ?`,
    [
      change.status, change.agencyId ?? null, change.at,
      change.acceptDueAt !== undefined ? 1 : 0, change.acceptDueAt ?? null,
      change.resolveDueAt !== undefined ? 1 : 0, change.resolveDueAt ?? null,
      complaintId, expectedStatus,
    ],
  );
  return changed === 1;
}

/**
 * Records that a one-time notice (reminder, escalation…) was sent; returns false when it already was —
 * the caller then sends nothing. Use inside the same transaction that enqueues the mail.
 */
export async function claimNotice(tx: Db, complaintId: string, kind: string, at: string): Promise<boolean> {
  const changed = await tx.run(
    'INSERT INTO notices (complaint_id, kind, sent_at) VALUES (?, ?, ?) ON CONFLICT (complaint_id, kind) DO NOTHING',
    [complaintId, kind, at],
  );
  return changed === 1;
}

/**
 * Deletes a complaint and everything stored with it — its evidence (so its download links stop at once), events,
 * queued mail and their attempts, notices and used action links — in one transaction.
 */
export async function deleteComplaint(db: Db, complaintId: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    await tx.run('DELETE FROM outbox_attempts WHERE outbox_id IN (SELECT id FROM outbox WHERE complaint_id = ?)', [complaintId]);
    await tx.run('DELETE FROM outbox WHERE complaint_id = ?', [complaintId]);
    await tx.run('DELETE FROM evidence WHERE complaint_id = ?', [complaintId]);
    await tx.run('DELETE FROM notices WHERE complaint_id = ?', [complaintId]);
    // action_uses exists once handling has run (functions/handling/schema.ts).
    const handling = tx.dialect === 'postgres'
      ? await tx.query("SELECT to_regclass('action_uses') IS NOT NULL AS present")
      : await tx.query("SELECT 1 AS present FROM sqlite_master WHERE type = 'table' AND name = 'action_uses'");
    if (handling.length && handling[0]!.present) await tx.run('DELETE FROM action_uses WHERE complaint_id = ?', [complaintId]);
    await tx.run('DELETE FROM complaint_events WHERE complaint_id = ?', [complaintId]);
    return (await tx.run('DELETE FROM complaints WHERE id = ?', [complaintId])) === 1;
  });
}
