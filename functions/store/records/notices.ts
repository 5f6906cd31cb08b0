import type { Db } from '../db.ts';

/** `notices`: one-time notices (reminders, escalations) already sent. */

/**
 * Records that a one-time notice (reminder, escalation…) was sent; returns false when it already was —
 * the caller then sends nothing. Use inside the same transaction that enqueues the mail.
 */
export async function claimNotice(tx: Db, complaintId: string, kind: string, at: string): Promise<boolean> {
  const changed = await tx.run('INSERT INTO notices (complaint_id, kind, sent_at) VALUES (?, ?, ?) ON CONFLICT (complaint_id, kind) DO NOTHING', [
    complaintId,
    kind,
    at,
  ]);
  return changed === 1;
}
