import type { Db } from '../db.ts';

/** `action_uses`: the hash of every agency action link that was used, so that a link works once. */

/** Records a use; false when the link was used before. Call inside the transaction that performs the action. */
export async function claimTokenUse(tx: Db, use: { tokenHash: string; complaintId: string; action: string; agencyId: string; at: string }): Promise<boolean> {
  const changed = await tx.run(
    'INSERT INTO action_uses (token_hash, complaint_id, action, agency_id, used_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (token_hash) DO NOTHING',
    [use.tokenHash, use.complaintId, use.action, use.agencyId, use.at],
  );
  return changed === 1;
}

export async function tokenWasUsed(db: Db, tokenHash: string): Promise<boolean> {
  const rows = await db.query('SELECT 1 AS used FROM action_uses WHERE token_hash = ?', [tokenHash]);
  return rows.length > 0;
}
