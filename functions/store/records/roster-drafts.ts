import { randomUUID } from 'node:crypto';
import type { Db } from '../db.ts';

/**
 * `roster_drafts`: an upload that passed the check and waits for the clerk to confirm it. Bound to the session
 * that uploaded it (by the session's hash), so no other session, of this agency or another, can confirm it, and
 * to the published version its diff was made against (`base_version_id`, migration 11). It lives no longer than
 * its session: signing out deletes it, and the retention purge deletes those of ended or expired sessions.
 */

export interface DraftRow {
  id: string;
  agency_id: string;
  created_at: string;
  file_hash: string;
  counts: string;
  diff: string;
  records: string;
  /** The published version the diff was made against; '' when there was none; null for drafts from before migration 11. */
  base_version_id: string | null;
}

export async function saveDraft(
  db: Db,
  draft: {
    sessionHash: string;
    agencyId: string;
    createdAt: string;
    fileHash: string;
    counts: unknown;
    diff: unknown;
    records: unknown;
    /** The id of the agency's published version the diff was made against, undefined when it had none. */
    baseVersionId: string | undefined;
  },
): Promise<string> {
  const id = randomUUID();
  await db.transaction(async (tx) => {
    // One draft per session: a new upload replaces the one before.
    await tx.run('DELETE FROM roster_drafts WHERE session_hash = ?', [draft.sessionHash]);
    await tx.run(
      'INSERT INTO roster_drafts (id, session_hash, agency_id, created_at, file_hash, counts, diff, records, base_version_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [
        id,
        draft.sessionHash,
        draft.agencyId,
        draft.createdAt,
        draft.fileHash,
        JSON.stringify(draft.counts),
        JSON.stringify(draft.diff),
        JSON.stringify(draft.records),
        draft.baseVersionId ?? '',
      ],
    );
  });
  return id;
}

export async function findDraft(db: Db, id: string, sessionHash: string): Promise<DraftRow | undefined> {
  const rows = await db.query<DraftRow & Record<string, unknown>>(
    'SELECT id, agency_id, created_at, file_hash, counts, diff, records, base_version_id FROM roster_drafts WHERE id = ? AND session_hash = ?',
    [id, sessionHash],
  );
  return rows[0];
}

export async function deleteDraft(tx: Db, id: string): Promise<boolean> {
  return (await tx.run('DELETE FROM roster_drafts WHERE id = ?', [id])) === 1;
}

/** Every waiting draft (the retention purge reads them). */
export async function allDrafts(db: Db): Promise<DraftRow[]> {
  return db.query<DraftRow & Record<string, unknown>>(
    'SELECT id, agency_id, created_at, file_hash, counts, diff, records, base_version_id FROM roster_drafts ORDER BY created_at',
  );
}

/** A draft's records and diff with the names of people past the retention period removed. */
export async function replaceDraftNames(db: Db, id: string, records: unknown, diff: unknown): Promise<void> {
  await db.run('UPDATE roster_drafts SET records = ?, diff = ? WHERE id = ?', [JSON.stringify(records), JSON.stringify(diff), id]);
}

/** Signing out: the session's waiting draft goes with it. */
export async function deleteSessionDrafts(tx: Db, sessionHash: string): Promise<number> {
  return tx.run('DELETE FROM roster_drafts WHERE session_hash = ?', [sessionHash]);
}

/**
 * The retention purge: drafts no session can confirm any more — their session ended (signed out), expired by `now`,
 * or is gone. Returns how many were deleted.
 */
export async function deleteAbandonedDrafts(db: Db, now: string): Promise<number> {
  return db.run(
    `DELETE FROM roster_drafts WHERE NOT EXISTS (
       SELECT 1 FROM publish_sessions s WHERE s.token_hash = roster_drafts.session_hash AND s.ended_at IS NULL AND s.expires_at > ?)`,
    [now],
  );
}
