import type { Db } from '../db.ts';

/**
 * The retention purge's writes, across the complaint's tables in one transaction: contents and target reduced, evidence
 * deleted, agencies' reasons and mail bodies emptied, the complainant's address removed from the outbox. False when
 * the complaint was purged already.
 */
export function purgeComplaintRows(db: Db, c: { id: string; contents: string; target: string; at: string }): Promise<boolean> {
  return db.transaction(async (tx) => {
    const changed: number = await tx.run(
      'UPDATE complaints SET contents = ?, target = ?, idempotency_key = NULL, purged_at = ? WHERE id = ? AND purged_at IS NULL',
      [c.contents, c.target, c.at, c.id],
    );
    if (!changed) return false;
    await tx.run('DELETE FROM evidence WHERE complaint_id = ?', [c.id]);
    await tx.run('UPDATE complaint_events SET reason = NULL WHERE complaint_id = ?', [c.id]);
    await tx.run('UPDATE outbox_attempts SET error = NULL WHERE outbox_id IN (SELECT id FROM outbox WHERE complaint_id = ?)', [c.id]);
    // Mail to the complainant carries their address; agencies' addresses are public.
    await tx.run(
      `UPDATE outbox SET subject = '', body_text = '', body_html = NULL, last_error = NULL, compose = NULL,
         recipient = CASE WHEN kind = 'ack' OR kind LIKE 'status-%' THEN '' ELSE recipient END,
         status = CASE WHEN status = 'pending' THEN 'failed' ELSE status END
       WHERE complaint_id = ?`,
      [c.id],
    );
    return true;
  });
}
