import { expect, it } from 'vitest';
import { DUE_SQL, LATE_FILES_SQL, MAILS_SQL } from '../../functions/retention/purge.ts';
import type { Db } from '../../functions/store/index.ts';
import { describeEachStore, freshStore } from '../support/stores.ts';

/**
 * The retention purge runs every minute: its reads must be ranges of an index (migration 12), not scans of
 * `complaints` and `outbox`, which reach millions of rows (found in review, 2026-12-01: every query of the purge
 * scanned the table). The plans are those of the purge's own statements (DUE_SQL …), on a store shaped like an old
 * deployment's — most complaints long purged, a few recent — with its statistics gathered; on PostgreSQL sequential
 * scans are also priced out, so that only a missing index can make the plan a scan.
 */
describeEachStore('the retention purge reads through indexes', (kind) => {
  const db = freshStore(kind);

  /** The plan of `sql`, one line per step (SQLite: EXPLAIN QUERY PLAN's details; PostgreSQL: EXPLAIN's lines). */
  async function plan(sql: string, params: unknown[]): Promise<string> {
    if (db.dialect === 'sqlite') {
      const rows = await db.query<{ detail: string }>(`EXPLAIN QUERY PLAN ${sql}`, params);
      return rows.map((r) => r.detail).join('\n');
    }
    return db.transaction(async (tx) => {
      await tx.exec('SET LOCAL enable_seqscan = off');
      const rows = await tx.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`, params);
      return rows.map((r) => r['QUERY PLAN']).join('\n');
    });
  }
  /** Whether the plan reads `table` through `index` (SQLite: SEARCH … USING INDEX; PostgreSQL: an index scan of it). */
  const readsThrough = (text: string, index: string) =>
    db.dialect === 'sqlite'
      ? new RegExp(`SEARCH \\w+ USING (COVERING )?INDEX ${index} \\(`).test(text)
      : new RegExp(`Index (Only )?Scan (using|on) ${index}\\b`).test(text);
  /** Whether the plan reads every row of `table`. */
  const scans = (text: string, table: string, alias: string) =>
    db.dialect === 'sqlite' ? new RegExp(`^SCAN (${table}|${alias})\\b`, 'm').test(text) : new RegExp(`Seq Scan on ${table}\\b`).test(text);

  it('finds the complaints past retention, the mails of one, and the complaints purged since a day as index ranges', async () => {
    await fill(db, 3000);
    if (db.dialect === 'sqlite') await db.exec('ANALYZE');
    else await db.exec('ANALYZE complaints; ANALYZE outbox; ANALYZE complaint_events');

    // The arguments purgeClosedComplaints passes on 2031-01-06: closed before 2028-01-06, filed before 2026-01-06.
    const due = await plan(DUE_SQL, ['2028-01-06T02:00:00.000Z', '2028-01-06T02:00:00.000Z', '2026-01-06T02:00:00.000Z']);
    expect(readsThrough(due, 'complaints_purge'), due).toBe(true);
    expect(scans(due, 'complaints', 'c'), due).toBe(false);
    // Bounded on both columns: the complaints not yet purged and filed before the date, not every one still held.
    expect(due).toMatch(
      db.dialect === 'sqlite' ? /complaints_purge \(purged_at=\? AND created_at<\?\)/ : /Index Cond: \(\(purged_at IS NULL\) AND \(created_at <= /,
    );

    const mails = await plan(MAILS_SQL, ['c-2990']);
    expect(readsThrough(mails, 'outbox_complaint'), mails).toBe(true);
    expect(scans(mails, 'outbox', 'o'), mails).toBe(false);

    const late = await plan(LATE_FILES_SQL, ['2031-01-05T02:00:00.000Z']);
    expect(readsThrough(late, 'complaints_purge'), late).toBe(true);
    expect(late).toMatch(db.dialect === 'sqlite' ? /complaints_purge \(purged_at>\?\)/ : /Index Cond: \(\(purged_at IS NOT NULL\) AND \(purged_at >= /);
    expect(readsThrough(late, 'outbox_complaint'), late).toBe(true);
    expect(scans(late, 'complaints', 'c') || scans(late, 'outbox', 'o'), late).toBe(false);
  });
});

/**
 * `n` complaints as an old deployment holds them: all but the last 100 filed in 2020–2024 and purged since, the rest
 * filed in 2030 and still held; two mails each.
 */
async function fill(db: Db, n: number): Promise<void> {
  const page = 500;
  for (let from = 0; from < n; from += page) {
    const complaints: unknown[] = [];
    const mails: unknown[] = [];
    for (let i = from; i < Math.min(n, from + page); i++) {
      const recent = i >= n - 100;
      const created = recent ? new Date(Date.UTC(2030, 0, 1) + i * 60_000) : new Date(Date.UTC(2020, 0, 1) + i * 3600_000);
      const purged = recent ? null : new Date(created.getTime() + 5 * 365 * 86_400_000).toISOString();
      const at = created.toISOString();
      complaints.push(`c-${i}`, `TS-${i}`, 'h', 'complaint', 'submitted', 'city-cgj', 'other', '{}', '{}', at, at, purged);
      for (const k of ['agency', 'ack']) mails.push(`o-${k}-${i}`, `c-${i}`, 'a@b.example', k, `TS-${i}.${k}@x`, '', '', 'sent', at, at);
    }
    const rows = (count: number, width: number) => Array.from({ length: count }, () => `(${Array(width).fill('?').join(', ')})`).join(', ');
    await db.run(
      `INSERT INTO complaints (id, reference, tracking_hash, kind, status, agency_id, category, target, contents, created_at, updated_at, purged_at) VALUES ${rows(complaints.length / 12, 12)}`,
      complaints,
    );
    await db.run(
      `INSERT INTO outbox (id, complaint_id, recipient, kind, message_id, subject, body_text, status, next_attempt_at, created_at) VALUES ${rows(mails.length / 10, 10)}`,
      mails,
    );
  }
}
