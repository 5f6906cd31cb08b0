import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { openSqlite } from '../../functions/store/sqlite.ts';
import { migrate, type Db } from '../../functions/store/index.ts';
import type { RunningServer } from '../../functions/server/node.ts';
import { tempDir, testWorld, validSubmission } from '../complaints/support.ts';
import { serveFunctions, submitOne, timed } from './support.ts';

/**
 * A write lock held by another connection (the outbox worker, a backup, an operator's sqlite3 shell) must not
 * freeze the server: static pages and status lookups answer at once; the waiting write completes once the lock
 * is released.
 */
describe('a held SQLite write lock (SQLite)', () => {
  const file = join(tempDir('gongshi-lock-'), 'store.sqlite');
  let db: Db;
  let server: RunningServer;
  let holder: Database.Database;

  beforeAll(async () => {
    db = openSqlite(file);
    await migrate(db);
    server = await serveFunctions(await testWorld(db));
  });
  afterAll(async () => {
    if (holder?.inTransaction) holder.exec('ROLLBACK');
    holder?.close();
    await server?.close();
    await db?.close();
  });

  it('static pages and status lookups answer while a write waits for the lock; the write lands after it is released', async () => {
    const { reference, trackingCode } = await submitOne(server.url);
    holder = new Database(file);
    holder.exec('BEGIN IMMEDIATE');
    holder.prepare('UPDATE complaints SET updated_at = updated_at WHERE reference = ?').run(reference);

    // A submission now has to wait for the lock.
    let writeDoneAt = 0;
    const write = fetch(`${server.url}/api/complaints`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(validSubmission({ description: '锁被占用期间提交的投诉，应在锁释放后保存成功。' })),
    }).then((r) => {
      writeDoneAt = performance.now();
      return r;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));

    const page = await timed(() => fetch(`${server.url}/`));
    const json = await timed(() => fetch(`${server.url}/api/complaints/${reference}`, { headers: { 'x-tracking-code': trackingCode } }));
    const form = await timed(() =>
      fetch(`${server.url}/api/status`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ reference, code: trackingCode }).toString(),
      }),
    );
    expect([page.status, json.status, form.status]).toEqual([200, 200, 200]);
    for (const answer of [page, json, form]) expect(answer.ms).toBeLessThan(1000);
    expect(writeDoneAt).toBe(0); // still waiting for the lock

    const releasedAt = performance.now();
    holder.exec('COMMIT');
    const response = await write;
    expect(response.status).toBe(201);
    expect(writeDoneAt).toBeGreaterThanOrEqual(releasedAt);
    const { reference: second } = (await response.json()) as { reference: string };
    expect((await db.query('SELECT 1 FROM complaints WHERE reference = ?', [second])).length).toBe(1);
  });

  it('reads outside a transaction see committed data only', async () => {
    holder.exec('BEGIN IMMEDIATE');
    holder.prepare("UPDATE complaints SET status = 'resolved'").run();
    const rows = await db.query<{ n: number }>("SELECT COUNT(*) AS n FROM complaints WHERE status = 'resolved'");
    expect(Number(rows[0]!.n)).toBe(0);
    holder.exec('ROLLBACK');
  });
});
