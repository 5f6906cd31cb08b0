import { spawnSync } from 'node:child_process';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqlite } from '../../functions/store/sqlite.ts';
import { tempDir } from './support.ts';

const ROWS = 300;
const ROW_BYTES = 2000;

async function waitFor(check: () => boolean, ms: number): Promise<boolean> {
  for (const until = Date.now() + ms; Date.now() < until; await new Promise((r) => setTimeout(r, 20))) if (check()) return true;
  return check();
}

describe('SQLite checkpoints', () => {
  it('a busy store has its WAL copied into the database file by the checkpointer thread, not by a commit', async () => {
    const file = join(tempDir(), 'busy.sqlite');
    // SQLite's own limit (1,000 pages) is far above what is written here: only the thread can have copied the pages.
    const db = openSqlite(file, { thresholdBytes: 64 * 1024, lookEvery: 1, intervalMs: 20, fallbackPages: 100_000 });
    await db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, data TEXT NOT NULL)');
    for (let i = 0; i < ROWS; i++) await db.run('INSERT INTO t (data) VALUES (?)', ['x'.repeat(ROW_BYTES)]);
    expect(statSync(`${file}-wal`).size).toBeGreaterThan(ROWS * ROW_BYTES);
    const copied = await waitFor(() => statSync(file).size >= ROWS * ROW_BYTES, 10_000);
    expect(copied, `database file ${statSync(file).size} bytes after ${ROWS} rows of ${ROW_BYTES}`).toBe(true);
    await db.close();
    const again = openSqlite(file);
    expect((await again.query<{ n: number }>('SELECT COUNT(*) AS n FROM t'))[0]!.n).toBe(ROWS);
    await again.close();
  });

  it('a quiet store keeps SQLite’s own checkpoints: nothing copied below its limit', async () => {
    const file = join(tempDir(), 'quiet.sqlite');
    const db = openSqlite(file, { thresholdBytes: 64 * 1024 * 1024, lookEvery: 1, intervalMs: 20, fallbackPages: 100_000 });
    await db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, data TEXT NOT NULL)');
    for (let i = 0; i < ROWS; i++) await db.run('INSERT INTO t (data) VALUES (?)', ['x'.repeat(ROW_BYTES)]);
    await new Promise((r) => setTimeout(r, 200));
    expect(statSync(file).size).toBeLessThan(ROWS * ROW_BYTES);
    await db.close();
  });
});

describe('SQLite checkpoints: closing', () => {
  it('a process whose last step closes a busy store waits for the checkpointer thread and exits 0', async () => {
    const file = join(tempDir(), 'closing.sqlite');
    // As `npm run outbox -- --once` or a bench round ends: nothing else keeps the event loop alive during close().
    const script = `
      import { openSqlite } from ${JSON.stringify(join(import.meta.dirname, '../../functions/store/sqlite.ts'))};
      const db = openSqlite(${JSON.stringify(file)}, { thresholdBytes: 64 * 1024, lookEvery: 1, intervalMs: 20, fallbackPages: 100_000 });
      await db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, data TEXT NOT NULL)');
      for (let i = 0; i < ${ROWS}; i++) await db.run('INSERT INTO t (data) VALUES (?)', ['x'.repeat(${ROW_BYTES})]);
      await db.close();
      console.log('closed');
    `;
    // A module file, not `-e`: started from an eval'd module, the checkpointer thread stopped at once here (not the case to test).
    const entry = join(tempDir(), 'close-last.mjs');
    writeFileSync(entry, script);
    const run = spawnSync(process.execPath, [entry], { encoding: 'utf8', timeout: 60_000 });
    expect(run.stderr).not.toMatch(/unsettled top-level await/);
    expect(run.status).toBe(0);
    expect(run.stdout.trim()).toBe('closed');
  });
});
