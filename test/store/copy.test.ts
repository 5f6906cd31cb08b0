import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { schemaTables } from '../../functions/store/copy.ts';
import { openStore, sqlitePath, type Db } from '../../functions/store/index.ts';
import { freshDb, manualClock, pgSkipReason, startSmtp, tempDir } from '../complaints/support.ts';
import { appOn, dump, fillThroughApp, messageId, PASSWORD, PHOTO, pgSchema, storeCopy, storeCopyAsync, UNUSUAL_TEXT, type Filled } from './support.ts';

/**
 * `npm run store:copy` (functions/store/copy.ts, scripts/store-copy.ts): the way from the embedded SQLite file to
 * PostgreSQL. Before it there was none; setting DATABASE_URL started the server on an empty database, and every
 * tracking code answered "not found".
 */

it('the copy takes its tables from the migrations: every table they make, parents before children', async () => {
  const db = await freshDb('sqlite');
  try {
    const catalogue = (await db.query<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"))
      .map((r) => r.name)
      .filter((name) => name !== 'schema_migrations');
    const tables = await schemaTables();
    expect(tables.map((t) => t.name).sort()).toEqual(catalogue.sort());
    const position = new Map(tables.map((t, i) => [t.name, i]));
    for (const table of tables)
      for (const parent of table.parents) expect(position.get(parent)!, `${parent} before ${table.name}`).toBeLessThan(position.get(table.name)!);
    expect(tables.find((t) => t.name === 'complaint_events')?.parents).toEqual(['complaints']);
    expect(tables.find((t) => t.name === 'evidence')?.columns.find((c) => c.name === 'data')?.type).toBe('bytes');
  } finally {
    await db.close();
  }
});

describe.skipIf(!!pgSkipReason)('npm run store:copy from SQLite to PostgreSQL', { timeout: 180_000 }, () => {
  const varDir = tempDir('gongshi-copy-');
  const file = sqlitePath(varDir);
  const cleanup: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
  });
  let filled: Filled;
  let source: Record<string, Record<string, unknown>[]>;
  let target: Awaited<ReturnType<typeof pgSchema>>;

  it('copies a store filled through the app: every table, every value as it was, counted per table; the password never printed', async () => {
    const smtp = await startSmtp();
    cleanup.push(() => smtp.stop());
    filled = await fillThroughApp(varDir, smtp);
    expect(filled.queued.length).toBeGreaterThan(0);
    const sourceDb = await openStore({ databaseUrl: undefined, varDir });
    source = await dump(sourceDb);
    await sourceDb.close();
    // Every table holds rows, so that the comparison below covers each: a table a new migration adds must be
    // filled in fillThroughApp (test/store/support.ts) — and is then copied without anyone listing it.
    const empty = Object.entries(source).filter(([, rows]) => rows.length === 0);
    expect(
      empty.map(([name]) => name),
      'tables the fixture leaves empty',
    ).toEqual([]);

    target = await pgSchema();
    cleanup.push(() => target.drop());
    const copied = storeCopy('--from', `sqlite:${file}`, '--to', target.url);
    expect(copied.status, copied.output).toBe(0);
    expect(copied.output).not.toContain(PASSWORD);
    expect(copied.output).toContain(`从 SQLite 文件 ${file} 复制到 PostgreSQL`);
    expect(copied.output).toContain(`schema ${target.schema}`);
    for (const [table, rows] of Object.entries(source)) expect(copied.output).toMatch(new RegExp(`\\n\\s+${table}\\s+${rows.length} 行`));
    expect(copied.output).toContain('每张表的行数与来源一致');

    // The target's own catalogue: every table it has (but the migrations' record) was copied, row for row.
    const pgDb = await openStore({ databaseUrl: target.url, varDir: '' });
    try {
      const catalogue = (await pgDb.query<{ name: string }>('SELECT table_name AS name FROM information_schema.tables WHERE table_schema = ?', [target.schema]))
        .map((r) => r.name)
        .filter((name) => name !== 'schema_migrations');
      expect(catalogue.sort()).toEqual(Object.keys(source).sort());
      const copiedRows = await dump(pgDb);
      expect(copiedRows).toEqual(source);
      // Bytes as they were, text as it was.
      const [evidence] = await pgDb.query<{ data: Buffer; name: string }>('SELECT data, name FROM evidence ORDER BY size DESC LIMIT 1');
      expect(Buffer.compare(evidence!.data, PHOTO)).toBe(0);
      const descriptions = copiedRows.complaints!.map((c) => (JSON.parse(String(c.contents)) as { description: string }).description);
      expect(descriptions.some((d) => d.startsWith(UNUSUAL_TEXT))).toBe(true);
    } finally {
      await pgDb.close();
    }
  });

  it('and back: PostgreSQL → a new SQLite file holds the same rows', async () => {
    const back = join(tempDir('gongshi-copy-back-'), 'gongshi.sqlite');
    const copied = storeCopy('--from', target.url, '--to', `sqlite:${back}`);
    expect(copied.status, copied.output).toBe(0);
    const db = await openStore({ databaseUrl: `sqlite:${back}`, varDir: '' });
    try {
      expect(await dump(db)).toEqual(source);
    } finally {
      await db.close();
    }
  });

  it('the app on the copy: each tracking code finds its complaint, the queued mail is sent once, nothing sent before is sent again', async () => {
    const smtp = await startSmtp();
    cleanup.push(() => smtp.stop());
    const app = await appOn(varDir, target.url, smtp, manualClock('2026-11-30T02:00:00.000Z'));
    try {
      for (const { reference, trackingCode } of filled.receipts) {
        const status = await app.functions(
          new Request(`https://gongshi.example/api/complaints/${reference}`, { headers: { 'x-tracking-code': trackingCode, accept: 'application/json' } }),
          { clientAddress: '192.0.2.1' },
        );
        expect(status?.status, reference).toBe(200);
        expect(await status!.text()).toContain(reference);
      }
      // The deadline jobs know what was already sent (notices): no reminder again.
      const jobs = await app.runDeadlineJobs();
      expect(jobs.reminders).toBe(0);
      for (let i = 0; i < 5; i++) await app.sendPendingMail();
      const ids = smtp.received.map((m) => messageId(m.raw));
      expect(ids.sort()).toEqual([...filled.queued].sort());
      expect(ids.filter((id) => filled.sent.includes(id))).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it('refuses a target that holds any row, naming the table, and changes nothing there', async () => {
    const before = await (async () => {
      const db = await openStore({ databaseUrl: target.url, varDir: '' });
      try {
        return await dump(db);
      } finally {
        await db.close();
      }
    })();
    const again = storeCopy('--from', `sqlite:${file}`, '--to', target.url);
    expect(again.status).toBe(1);
    expect(again.output).toMatch(/已经有数据：complaints（\d+ 行）/);
    expect(again.output).toContain('没有做任何更改');
    expect(again.output).not.toContain(PASSWORD);
    const db = await openStore({ databaseUrl: target.url, varDir: '' });
    try {
      expect(await dump(db)).toEqual(before);
    } finally {
      await db.close();
    }

    // One row in one table is enough; the rest of that database stays as it was (empty).
    const other = await pgSchema();
    cleanup.push(() => other.drop());
    const otherDb: Db = await openStore({ databaseUrl: other.url, varDir: '' });
    try {
      await otherDb.run('INSERT INTO ack_quota (address_hash, day, slot) VALUES (?, ?, ?)', ['h', '2026-11-20', 1]);
      const refused = storeCopy('--from', `sqlite:${file}`, '--to', other.url);
      expect(refused.status).toBe(1);
      expect(refused.output).toContain('已经有数据：ack_quota（1 行）。');
      const rows = await dump(otherDb);
      expect(Object.entries(rows).filter(([, r]) => r.length)).toEqual([['ack_quota', [{ address_hash: 'h', day: '2026-11-20', slot: 1 }]]]);
    } finally {
      await otherDb.close();
    }
  });

  it('refuses a SQLite source that a process has open (a server still running), before reading anything', async () => {
    const fresh = await pgSchema();
    cleanup.push(() => fresh.drop());
    const running = await openStore({ databaseUrl: undefined, varDir });
    try {
      await running.query('SELECT count(*) AS n FROM complaints');
      const refused = await storeCopyAsync('--from', `sqlite:${file}`, '--to', fresh.url);
      expect(refused.status).toBe(1);
      expect(refused.output).toContain('正被另一个进程使用');
      expect(refused.output).toContain('请先停止所有使用它的进程');
    } finally {
      await running.close();
    }
    const db = await openStore({ databaseUrl: fresh.url, varDir: '' }, {}, { migrate: false });
    try {
      expect(await db.query("SELECT 1 FROM information_schema.tables WHERE table_schema = ? AND table_name = 'complaints'", [fresh.schema])).toEqual([]);
    } finally {
      await db.close();
    }
  });

  it("a PostgreSQL source or target it cannot reach: the store's own reason, no stack trace, no password", async () => {
    const missing = `postgres://postgres:${PASSWORD}@127.0.0.1:5432/gongshi_store_copy_missing`;
    const refused = storeCopy('--from', missing, '--to', `sqlite:${join(tempDir('gongshi-copy-nowhere-'), 'x.sqlite')}`);
    expect(refused.status).toBe(1);
    expect(refused.output).toContain('--from 指向 PostgreSQL 127.0.0.1:5432，数据库 gongshi_store_copy_missing');
    expect(refused.output).toContain('数据库不存在');
    expect(refused.output).not.toMatch(/^\s+at /m);
    expect(refused.output).not.toContain(PASSWORD);
  });
});
