import type { Db } from '../db.ts';

/** `evidence_drafts`: files of a no-JS complaint waiting on its check page, keyed by the hash of the page's token. */

export interface DraftFile {
  name: string;
  type: string;
  data: Uint8Array;
}

export interface DraftFileRow {
  seq: number;
  name: string;
  type: string;
  size: number;
  data: Buffer | Uint8Array;
  expires_at: string;
}

export function insertEvidenceDraft(db: Db, draft: { tokenHash: string; files: DraftFile[]; createdAt: string; expiresAt: string }): Promise<void> {
  return db.transaction(async (tx) => {
    for (const [seq, file] of draft.files.entries()) {
      await tx.run('INSERT INTO evidence_drafts (token_hash, seq, name, type, size, data, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [
        draft.tokenHash,
        seq,
        file.name,
        file.type,
        file.data.byteLength,
        Buffer.from(file.data.buffer, file.data.byteOffset, file.data.byteLength),
        draft.createdAt,
        draft.expiresAt,
      ]);
    }
  });
}

/** The draft's files in upload order, none once it has expired (even before the purge removed it). */
export function findEvidenceDraft(db: Db, tokenHash: string, now: string): Promise<DraftFileRow[]> {
  return db.query<DraftFileRow & Record<string, unknown>>(
    'SELECT seq, name, type, size, data, expires_at FROM evidence_drafts WHERE token_hash = ? AND expires_at > ? ORDER BY seq',
    [tokenHash, now],
  );
}

/** Removes every expired draft file; returns how many. */
export function deleteExpiredEvidenceDrafts(db: Db, now: string): Promise<number> {
  return db.run('DELETE FROM evidence_drafts WHERE expires_at <= ?', [now]);
}
