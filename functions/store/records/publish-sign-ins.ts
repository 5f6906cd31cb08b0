import type { Db } from '../db.ts';
import type { PublishRole } from './publish-sessions.ts';

/** `publish_sign_ins`: the hash of every mailed publishing sign-in link, so that a link works once and not late. */

export interface NewSignIn {
  tokenHash: string;
  agencyId: string;
  mailbox: string;
  createdAt: string;
  expiresAt: string;
  /** `clerk` when not given. */
  role?: PublishRole;
}

export async function insertSignIn(tx: Db, signIn: NewSignIn): Promise<void> {
  await tx.run('INSERT INTO publish_sign_ins (token_hash, agency_id, mailbox, created_at, expires_at, role) VALUES (?, ?, ?, ?, ?, ?)', [
    signIn.tokenHash,
    signIn.agencyId,
    signIn.mailbox,
    signIn.createdAt,
    signIn.expiresAt,
    signIn.role ?? 'clerk',
  ]);
}

export interface SignInRow {
  token_hash: string;
  agency_id: string;
  mailbox: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
  role: PublishRole;
}

export async function findSignIn(db: Db, tokenHash: string): Promise<SignInRow | undefined> {
  const rows = await db.query<SignInRow & Record<string, unknown>>(
    'SELECT token_hash, agency_id, mailbox, created_at, expires_at, used_at, role FROM publish_sign_ins WHERE token_hash = ?',
    [tokenHash],
  );
  return rows[0];
}

/**
 * Uses up a link: true only for the one caller that marks an unused, unexpired link as used (a second press, or two
 * presses at once, get false).
 */
export async function useSignIn(tx: Db, tokenHash: string, at: string): Promise<boolean> {
  const changed = await tx.run('UPDATE publish_sign_ins SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?', [at, tokenHash, at]);
  return changed === 1;
}

/**
 * When an agency's (or bureau's) mails for the hour are used up: the link of the newest mail since `since`, if it is
 * unused, is made valid until `until` (never shortened), so the mailbox always holds a link that works although no
 * new mail is sent. Returns when that mail was sent and until when its link now works; undefined when the newest
 * link was used (someone with the mailbox signed in since) or none was sent since `since`.
 */
export async function holdLatestSignIn(
  db: Db,
  agencyId: string,
  role: PublishRole,
  since: string,
  until: string,
): Promise<{ sentAt: string; expiresAt: string } | undefined> {
  return db.transaction(async (tx) => {
    const [latest] = await tx.query<{ token_hash: string; created_at: string; expires_at: string; used_at: string | null } & Record<string, unknown>>(
      'SELECT token_hash, created_at, expires_at, used_at FROM publish_sign_ins WHERE agency_id = ? AND role = ? AND created_at > ? ORDER BY created_at DESC LIMIT 1',
      [agencyId, role, since],
    );
    if (!latest || latest.used_at) return undefined;
    if (latest.expires_at >= until) return { sentAt: latest.created_at, expiresAt: latest.expires_at };
    const changed = await tx.run('UPDATE publish_sign_ins SET expires_at = ? WHERE token_hash = ? AND used_at IS NULL', [until, latest.token_hash]);
    return changed === 1 ? { sentAt: latest.created_at, expiresAt: until } : undefined;
  });
}
