import type { Db } from '../db.ts';

/**
 * The retention purge's writes, across the complaint's tables in one transaction: contents and target reduced, evidence
 * deleted, agencies' reasons and mail bodies emptied, the complainant's address removed from the outbox, and every
 * mail still queued cancelled (`cancelled`: never sent, never retried, not a delivery failure). The row changes only
 * while it still has the status the purge chose it by (an agency closing a complaint at that moment wins; the next
 * run judges it as closed). Undefined when it was purged already or its status changed.
 *
 * `'sending'`, changing nothing, while a mail of the complaint is claimed by a worker (`locked_by` set on a row still
 * `pending`: a send under way, or one whose worker died before recording it): the purge leaves the complaint to its
 * next run, after the worker has recorded the send — `sent` is then true, and that run empties what the row keeps.
 * The complaint's queued rows are locked first (PostgreSQL: `FOR UPDATE`, which waits for a claim being made and then
 * reads it; a claim made later skips them, SKIP LOCKED; SQLite: the transaction's write lock), so no claim can slip
 * between this look and the cancel below: a mail is either sent and recorded `sent`, or never sent and `cancelled`.
 */
export function purgeComplaintRows(
  db: Db,
  c: { id: string; status: string; contents: string; target: string; at: string },
): Promise<{ cancelledMails: number } | 'sending' | undefined> {
  return db.transaction(async (tx) => {
    const lock = tx.dialect === 'postgres' ? ' FOR UPDATE' : '';
    const queued = await tx.query<{ locked_by: string | null }>(`SELECT locked_by FROM outbox WHERE complaint_id = ? AND status = 'pending'${lock}`, [c.id]);
    if (queued.some((m) => m.locked_by !== null)) return 'sending';
    const changed: number = await tx.run(
      'UPDATE complaints SET contents = ?, target = ?, idempotency_key = NULL, purged_at = ? WHERE id = ? AND status = ? AND purged_at IS NULL',
      [c.contents, c.target, c.at, c.id, c.status],
    );
    if (!changed) return undefined;
    await tx.run('DELETE FROM evidence WHERE complaint_id = ?', [c.id]);
    await tx.run('UPDATE complaint_events SET reason = NULL WHERE complaint_id = ?', [c.id]);
    await tx.run('UPDATE outbox_attempts SET error = NULL WHERE outbox_id IN (SELECT id FROM outbox WHERE complaint_id = ?)', [c.id]);
    // None of them is claimed (above): cancelled, they are never sent. The lease columns are cleared all the same.
    const cancelledMails: number = await tx.run(
      "UPDATE outbox SET status = 'cancelled', locked_until = NULL, locked_by = NULL WHERE complaint_id = ? AND status = 'pending'",
      [c.id],
    );
    // Mail to the complainant carries their address; agencies' addresses are public.
    await tx.run(
      `UPDATE outbox SET subject = '', body_text = '', body_html = NULL, last_error = NULL, compose = NULL,
         recipient = CASE WHEN kind = 'ack' OR kind LIKE 'status-%' THEN '' ELSE recipient END
       WHERE complaint_id = ?`,
      [c.id],
    );
    return { cancelledMails };
  });
}
