import type { Db } from '../db.ts';
import { deleteSessionDrafts } from './roster-drafts.ts';

/**
 * `publish_sessions`: a signed-in clerk (role `clerk`) or oversight bureau (role `oversight`), by the hash of the
 * cookie's token; bound to one agency.
 */

export type PublishRole = 'clerk' | 'oversight';

export interface NewSession {
  tokenHash: string;
  agencyId: string;
  mailbox: string;
  createdAt: string;
  expiresAt: string;
  /** `clerk` when not given. */
  role?: PublishRole;
}

export async function insertSession(tx: Db, session: NewSession): Promise<void> {
  await tx.run('INSERT INTO publish_sessions (token_hash, agency_id, mailbox, created_at, expires_at, role) VALUES (?, ?, ?, ?, ?, ?)', [
    session.tokenHash,
    session.agencyId,
    session.mailbox,
    session.createdAt,
    session.expiresAt,
    session.role ?? 'clerk',
  ]);
}

export interface SessionRow {
  agency_id: string;
  mailbox: string;
  created_at: string;
  expires_at: string;
  role: PublishRole;
}

/** The live session with this hash at `now`: not ended, not expired. */
export async function findLiveSession(db: Db, tokenHash: string, now: string): Promise<SessionRow | undefined> {
  const rows = await db.query<SessionRow & Record<string, unknown>>(
    'SELECT agency_id, mailbox, created_at, expires_at, role FROM publish_sessions WHERE token_hash = ? AND ended_at IS NULL AND expires_at > ?',
    [tokenHash, now],
  );
  return rows[0];
}

/** Signing out: the session ends, and the draft it uploaded and did not confirm is deleted with it (it holds names). */
export async function endSession(db: Db, tokenHash: string, at: string): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.run('UPDATE publish_sessions SET ended_at = ? WHERE token_hash = ? AND ended_at IS NULL', [at, tokenHash]);
    await deleteSessionDrafts(tx, tokenHash);
  });
}
