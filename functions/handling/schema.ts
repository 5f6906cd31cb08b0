import type { Db } from '../store/db.ts';

/**
 * The one table handling adds to the store: the hash of every action link that was used, so that a link
 * works once. Created idempotently on first use (plain SQL both engines accept), so it needs no change to
 * the intake migrations.
 */
const DDL = `CREATE TABLE IF NOT EXISTS action_uses (
  token_hash TEXT PRIMARY KEY,
  complaint_id TEXT NOT NULL REFERENCES complaints (id),
  action TEXT NOT NULL,
  agency_id TEXT NOT NULL,
  used_at TEXT NOT NULL
)`;

const ready = new WeakMap<Db, Promise<void>>();

export function ensureHandlingSchema(db: Db): Promise<void> {
  let done = ready.get(db);
  if (!done) {
    done = db.transaction(async (tx) => {
      if (tx.dialect === 'postgres') await tx.query('SELECT pg_advisory_xact_lock(4242005)');
      await tx.exec(DDL);
    });
    done.catch(() => ready.delete(db));
    ready.set(db, done);
  }
  return done;
}

/** Records a use; false when the link was used before. Call inside the transaction that performs the action. */
export async function claimTokenUse(
  tx: Db,
  use: { tokenHash: string; complaintId: string; action: string; agencyId: string; at: string },
): Promise<boolean> {
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
