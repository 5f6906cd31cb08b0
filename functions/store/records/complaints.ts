import type { Db } from '../db.ts';
import type { ComplaintStatus } from '../../../src/core/complaint/status.ts';
import { contentsSchema, parseJsonColumn, targetSchema, type Contents, type Target } from './shapes.ts';

/**
 * `complaints`: every read and write of the table. Writers take the transaction's Db so several writes commit
 * together; the JSON columns are read through targetOf / contentsOf, which check their shape.
 */

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
  /** JSON: whom the complaint is about (`targetOf`). */
  target: string;
  /** JSON: the private part (description, when, where, complainant; `contentsOf`). Never logged, never published. */
  contents: string;
  idempotency_key: string | null;
  /** sha256 of what was submitted with `idempotency_key` (binds the key to its submission); NULL without a key. */
  submission_hash?: string | null;
  created_at: string;
  updated_at: string;
  accept_due_at: string | null;
  resolve_due_at: string | null;
  /** When the retention purge removed its personal information (functions/retention/purge.ts); NULL before. */
  purged_at?: string | null;
}

export const COMPLAINT_COLUMNS = `(id, reference, tracking_hash, kind, status, agency_id, regulation_id, category, target, contents,
  idempotency_key, submission_hash, created_at, updated_at, accept_due_at, resolve_due_at)`;
export const COMPLAINT_VALUES = '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';

export function complaintParams(row: ComplaintRow): unknown[] {
  return [
    row.id,
    row.reference,
    row.tracking_hash,
    row.kind,
    row.status,
    row.agency_id,
    row.regulation_id,
    row.category,
    row.target,
    row.contents,
    row.idempotency_key,
    row.submission_hash ?? null,
    row.created_at,
    row.updated_at,
    row.accept_due_at,
    row.resolve_due_at,
  ];
}

export async function insertComplaint(tx: Db, row: ComplaintRow): Promise<void> {
  await tx.run(`INSERT INTO complaints ${COMPLAINT_COLUMNS} VALUES ${COMPLAINT_VALUES}`, complaintParams(row));
}

export const targetOf = (row: Pick<ComplaintRow, 'target'>): Target => parseJsonColumn(targetSchema, 'complaints.target', row.target);
export const contentsOf = (row: Pick<ComplaintRow, 'contents'>): Contents => parseJsonColumn(contentsSchema, 'complaints.contents', row.contents);

export async function findComplaintByReference(db: Db, reference: string): Promise<ComplaintRow | undefined> {
  const [row] = await db.query<ComplaintRow & Record<string, unknown>>('SELECT * FROM complaints WHERE reference = ?', [reference]);
  return row;
}

/**
 * The complaint, its row locked until the transaction ends (PostgreSQL `FOR UPDATE`; SQLite's write transaction
 * already excludes every other): an action read after another one's commit sees its status, agency and round, so of
 * two links used at once (an accept and a transfer) the second is checked against what the first left.
 */
export async function findComplaintForUpdate(tx: Db, reference: string): Promise<ComplaintRow | undefined> {
  const lock = tx.dialect === 'postgres' ? ' FOR UPDATE' : '';
  const [row] = await tx.query<ComplaintRow & Record<string, unknown>>(`SELECT * FROM complaints WHERE reference = ?${lock}`, [reference]);
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
      change.status,
      change.agencyId ?? null,
      change.at,
      change.acceptDueAt !== undefined ? 1 : 0,
      change.acceptDueAt ?? null,
      change.resolveDueAt !== undefined ? 1 : 0,
      change.resolveDueAt ?? null,
      complaintId,
      expectedStatus,
    ],
  );
  return changed === 1;
}

/**
 * Stores a tracking code's hash again, under another key (functions/complaints/tracking-keys.ts): only while the row
 * still holds `from`, so of two lookups at once one writes and the other changes nothing. Returns whether it wrote.
 */
export async function replaceTrackingHash(db: Db, complaintId: string, from: string, to: string): Promise<boolean> {
  return (await db.run('UPDATE complaints SET tracking_hash = ? WHERE id = ? AND tracking_hash = ?', [to, complaintId, from])) === 1;
}

/**
 * How many complaints' tracking codes each key id hashed (`<key id>:` in front of the hash); `legacy`: hashes stored
 * before key ids, whose key cannot be told without the code.
 */
export async function trackingHashKeyCounts(db: Db): Promise<{ byKeyId: Map<string, number>; legacy: number }> {
  const rows = await db.query<{ key_id: string; n: number | string }>(
    `SELECT CASE WHEN tracking_hash LIKE '________:%' THEN substr(tracking_hash, 1, 8) ELSE '' END AS key_id, COUNT(*) AS n
       FROM complaints GROUP BY 1`,
  );
  const byKeyId = new Map<string, number>();
  let legacy = 0;
  for (const row of rows) {
    if (row.key_id) byKeyId.set(row.key_id, Number(row.n));
    else legacy += Number(row.n);
  }
  return { byKeyId, legacy };
}
