import { randomUUID } from 'node:crypto';
import type { Db } from '../db.ts';

/**
 * `roster_versions`: every roster an agency published through the workspace, newest highest `seq`. Exactly one
 * version per agency is `published`; the ones before it are `superseded`. Rows are never edited otherwise, so the
 * history says who published what, when.
 */

export type VersionStatus = 'published' | 'superseded';

export interface NewVersion {
  agencyId: string;
  publishedAt: string;
  mailbox: string;
  fileHash: string;
  /** JSON-ready: counts per status and in total. */
  counts: unknown;
  /** JSON-ready: the diff against the version it replaces. */
  diff: unknown;
  /** JSON-ready: the allow-listed, normalized records. */
  records: unknown;
}

export interface VersionRow {
  id: string;
  agency_id: string;
  seq: number;
  published_at: string;
  mailbox: string;
  file_hash: string;
  counts: string;
  diff: string;
  records: string;
  status: VersionStatus;
}

const COLUMNS = 'id, agency_id, seq, published_at, mailbox, file_hash, counts, diff, records, status';

/**
 * Serializes, until the end of the transaction `tx`, every change of one agency's versions (publish, confirm,
 * undo, withdraw), so a check of "which version is published" inside it still holds at commit. SQLite runs one
 * write transaction at a time already; PostgreSQL takes a transaction-level advisory lock per agency.
 */
export async function lockAgencyVersions(tx: Db, agencyId: string): Promise<void> {
  if (tx.dialect === 'postgres') await tx.query('SELECT pg_advisory_xact_lock(4242002, hashtext(?))', [agencyId]);
}

/** Records a version as the agency's published one and supersedes the one before, in one transaction. */
export function publishVersion(db: Db, version: NewVersion): Promise<VersionRow> {
  return db.transaction(async (tx) => {
    await lockAgencyVersions(tx, version.agencyId);
    const [last] = await tx.query<{ seq: number | string | null }>('SELECT MAX(seq) AS seq FROM roster_versions WHERE agency_id = ?', [version.agencyId]);
    const seq = Number(last?.seq ?? 0) + 1;
    await tx.run("UPDATE roster_versions SET status = 'superseded' WHERE agency_id = ? AND status = 'published'", [version.agencyId]);
    const row: VersionRow = {
      id: randomUUID(),
      agency_id: version.agencyId,
      seq,
      published_at: version.publishedAt,
      mailbox: version.mailbox,
      file_hash: version.fileHash,
      counts: JSON.stringify(version.counts),
      diff: JSON.stringify(version.diff),
      records: JSON.stringify(version.records),
      status: 'published',
    };
    // The UNIQUE (agency_id, seq) makes a concurrent publish of the same agency fail instead of forking history.
    await tx.run(`INSERT INTO roster_versions (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, [
      row.id,
      row.agency_id,
      row.seq,
      row.published_at,
      row.mailbox,
      row.file_hash,
      row.counts,
      row.diff,
      row.records,
      row.status,
    ]);
    return row;
  });
}

function normalize(row: VersionRow): VersionRow {
  return { ...row, seq: Number(row.seq) };
}

export async function publishedVersion(db: Db, agencyId: string): Promise<VersionRow | undefined> {
  const rows = await db.query<VersionRow & Record<string, unknown>>(`SELECT ${COLUMNS} FROM roster_versions WHERE agency_id = ? AND status = 'published'`, [
    agencyId,
  ]);
  return rows[0] && normalize(rows[0]);
}

/** Every agency's published version (what the build reads). */
export async function allPublishedVersions(db: Db): Promise<VersionRow[]> {
  const rows = await db.query<VersionRow & Record<string, unknown>>(`SELECT ${COLUMNS} FROM roster_versions WHERE status = 'published' ORDER BY agency_id`);
  return rows.map(normalize);
}

/** An agency's history, newest first. */
export async function listVersions(db: Db, agencyId: string): Promise<VersionRow[]> {
  const rows = await db.query<VersionRow & Record<string, unknown>>(`SELECT ${COLUMNS} FROM roster_versions WHERE agency_id = ? ORDER BY seq DESC`, [agencyId]);
  return rows.map(normalize);
}

/**
 * Takes back a version whose site could not be built: removed, and the version before it published again — as if
 * the confirmation had never happened. Only the agency's newest version can be taken back.
 */
export function withdrawVersion(db: Db, version: Pick<VersionRow, 'id' | 'agency_id' | 'seq'>): Promise<boolean> {
  return db.transaction(async (tx) => {
    await lockAgencyVersions(tx, version.agency_id);
    const removed = await tx.run(
      "DELETE FROM roster_versions WHERE id = ? AND status = 'published' AND seq = (SELECT MAX(seq) FROM roster_versions WHERE agency_id = ?)",
      [version.id, version.agency_id],
    );
    if (removed !== 1) return false;
    await tx.run("UPDATE roster_versions SET status = 'published' WHERE agency_id = ? AND seq = (SELECT MAX(seq) FROM roster_versions WHERE agency_id = ?)", [
      version.agency_id,
      version.agency_id,
    ]);
    return true;
  });
}

/**
 * Takes back an agency's versions whose site could not be built (`ids`: the failed build's): deleted, and with them
 * every version of the agency recorded after the first of them — each was confirmed against the one before it, so
 * against a failed one (a draft is confirmed only while the version it was diffed against is the published one).
 * The newest version before them, the one that was live, is published again (none for a first version). Says what
 * was done: the versions removed, oldest first (none when the ids are no longer stored), and the seq published again.
 */
export function withdrawVersions(
  db: Db,
  agencyId: string,
  ids: readonly string[],
): Promise<{ removed: { id: string; seq: number }[]; restored: number | undefined }> {
  return db.transaction(async (tx) => {
    await lockAgencyVersions(tx, agencyId);
    if (!ids.length) return { removed: [], restored: undefined };
    const [first] = await tx.query<{ seq: number | string | null }>(
      `SELECT MIN(seq) AS seq FROM roster_versions WHERE agency_id = ? AND id IN (${ids.map(() => '?').join(', ')})`,
      [agencyId, ...ids],
    );
    if (first?.seq === null || first?.seq === undefined) return { removed: [], restored: undefined };
    const from = Number(first.seq);
    const gone = await tx.query<{ id: string; seq: number | string }>('SELECT id, seq FROM roster_versions WHERE agency_id = ? AND seq >= ? ORDER BY seq', [
      agencyId,
      from,
    ]);
    await tx.run('DELETE FROM roster_versions WHERE agency_id = ? AND seq >= ?', [agencyId, from]);
    const removed = gone.map((r) => ({ id: r.id, seq: Number(r.seq) }));
    const [published] = await tx.query("SELECT id FROM roster_versions WHERE agency_id = ? AND status = 'published'", [agencyId]);
    if (published) return { removed, restored: undefined };
    const [before] = await tx.query<{ id: string; seq: number | string }>('SELECT id, seq FROM roster_versions WHERE agency_id = ? ORDER BY seq DESC LIMIT 1', [
      agencyId,
    ]);
    if (!before) return { removed, restored: undefined };
    await tx.run("UPDATE roster_versions SET status = 'published' WHERE id = ?", [before.id]);
    return { removed, restored: Number(before.seq) };
  });
}

/** A publication as the oversight bureau's log shows it: everything but the records. */
export type LogRow = Omit<VersionRow, 'records' | 'file_hash' | 'id'>;

/** The publications of the given agencies, newest first (at most `limit`). */
export async function publicationLog(db: Db, agencyIds: readonly string[], limit = 500): Promise<LogRow[]> {
  if (!agencyIds.length) return [];
  const rows = await db.query<LogRow & Record<string, unknown>>(
    `SELECT agency_id, seq, published_at, mailbox, counts, diff, status FROM roster_versions
     WHERE agency_id IN (${agencyIds.map(() => '?').join(', ')}) ORDER BY published_at DESC, agency_id, seq DESC LIMIT ${Math.floor(limit)}`,
    [...agencyIds],
  );
  return rows.map((r) => ({ ...r, seq: Number(r.seq) }));
}

/** Agencies with any stored version. */
export async function agenciesWithVersions(db: Db): Promise<string[]> {
  const rows = await db.query<{ agency_id: string }>('SELECT DISTINCT agency_id FROM roster_versions ORDER BY agency_id');
  return rows.map((r) => r.agency_id);
}

/**
 * The retention purge's one edit of history: a version's records and diff with the names of people past the
 * retention period removed. Nothing else of the row changes.
 */
export async function replaceVersionNames(db: Db, id: string, records: unknown, diff: unknown): Promise<void> {
  await db.run('UPDATE roster_versions SET records = ?, diff = ? WHERE id = ?', [JSON.stringify(records), JSON.stringify(diff), id]);
}
