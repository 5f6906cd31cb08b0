import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, sqlitePath, StoreOpenError } from '../../functions/store/index.ts';
import { restoreSqlite } from '../../functions/store/restore.ts';
import { tempDir } from '../complaints/support.ts';
import { appOn, directoryOnly, lookup, root, startLog, submit } from './support.ts';

/**
 * Restoring a SQLite backup. The obvious way — `cp backup.sqlite gongshi.sqlite` after a server was killed and left
 * gongshi.sqlite-wal beside it — makes SQLite lay the old store's WAL over the backup: "database disk image is
 * malformed". `npm start` started on such a store and answered 201 while its outbox logged SQLITE_CORRUPT. Now a
 * store that fails `PRAGMA quick_check` is not opened, and `npm run store:restore` puts a backup in place safely.
 */

/** Writes `rows` complaints in a separate process, then kills it (-9): the store keeps a WAL nobody closed. */
async function killedWriter(varDir: string, rows: number): Promise<void> {
  const store = new URL('../../functions/store/index.ts', import.meta.url).pathname;
  const child = spawn(
    process.execPath,
    [
      '-e',
      `const { openStore } = await import(${JSON.stringify(store)});
const db = await openStore({ databaseUrl: undefined, varDir: ${JSON.stringify(varDir)} });
for (let i = 0; i < ${rows}; i++) await db.run("INSERT INTO complaints (id, reference, tracking_hash, kind, status, agency_id, category, target, contents, created_at, updated_at) VALUES (?, ?, 'h', 'complaint', 'submitted', 'city-cgj', 'other', '{}', ?, '2026-11-21T00:00:00.000Z', '2026-11-21T00:00:00.000Z')", ['late-' + i, 'TS-LATE-' + i, 'x'.repeat(2000)]);
console.log('written');
setInterval(() => {}, 1000);`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((done, fail) => {
    child.stdout!.on('data', (chunk: Buffer) => String(chunk).includes('written') && done());
    child.once('exit', (code) => fail(new Error(`writer exited (${code})`)));
  });
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
}

const complaints = async (varDir: string) => {
  const db = await openStore({ databaseUrl: undefined, varDir });
  try {
    return Number((await db.query<{ n: number }>('SELECT count(*) AS n FROM complaints'))[0]!.n);
  } finally {
    await db.close();
  }
};

describe('restoring a SQLite backup over a store a killed server left its WAL beside', { timeout: 120_000 }, () => {
  // Two copies of the same moment: one restored the obvious way, one with npm run store:restore.
  const byHand = tempDir('gongshi-restore-cp-');
  const safe = tempDir('gongshi-restore-');
  const backup = join(tempDir('gongshi-backup-'), 'backup.sqlite');
  let before: { reference: string; trackingCode: string };
  let after: { reference: string; trackingCode: string };
  let outDir: string;

  beforeAll(async () => {
    outDir = await directoryOnly();
    const app = await appOn(safe, '');
    before = await submit(app, { idempotencyKey: 'restore-0001' });
    await app.close();
    // The backup as docs/DEPLOY.md says: the online backup API (`sqlite3 gongshi.sqlite ".backup backup.sqlite"`).
    const live = new Database(sqlitePath(safe));
    await live.backup(backup);
    live.close();
    const later = await appOn(safe, '');
    after = await submit(later, { idempotencyKey: 'restore-0002' });
    await later.close();
    await killedWriter(safe, 3000);
    expect(statSync(`${sqlitePath(safe)}-wal`).size).toBeGreaterThan(0);
    for (const name of readdirSync(safe)) if (name.startsWith('gongshi.sqlite')) copyFileSync(join(safe, name), join(byHand, name));
  });

  afterAll(() => {
    for (const dir of [byHand, safe, dirname(backup), outDir]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('cp over it: the store is damaged — npm start refuses it, naming the file and store:restore, and takes no complaint', async () => {
    copyFileSync(backup, sqlitePath(byHand));
    const error = await openStore({ databaseUrl: undefined, varDir: byHand }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StoreOpenError);
    expect((error as Error).message).toContain(`SQLite 文件 ${sqlitePath(byHand)}`);
    expect((error as Error).message).toMatch(/已损坏|SQLITE_CORRUPT/);
    expect((error as Error).message).toContain('npm run store:restore -- <备份文件>');
    const started = await startLog({ VAR_DIR: byHand, OUT_DIR: outDir, DATABASE_URL: '' }).then(
      () => '',
      (e: Error) => e.message,
    );
    expect(started).toContain('start exited (1)');
    expect(started).toContain('[start] ');
    expect(started).toContain('已损坏');
    expect(started).not.toMatch(/\n\s+at /);
  });

  it('npm run store:restore: the backup in place and intact — its complaints found, the later ones not; the replaced store kept whole', async () => {
    const run = spawnSync(process.execPath, [join(root, 'scripts/store-restore.ts'), backup], {
      cwd: root,
      env: { ...process.env, VAR_DIR: safe, DATABASE_URL: '' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain(`已用 ${backup} 替换 ${sqlitePath(safe)}（PRAGMA integrity_check 通过）`);
    expect(run.stdout).toContain('备份中有 1 件投诉');
    expect(run.stdout).toContain('SECRET');
    const app = await appOn(safe, '');
    try {
      expect(await lookup(app, before)).toBe(200);
      expect(await lookup(app, after)).toBe(404);
    } finally {
      await app.close();
    }
    // The store it replaced, with what its WAL held: both later complaints' worth of rows, openable as it was.
    const replaced = readdirSync(safe).find((name) => /^gongshi\.sqlite\.replaced-\d{8}T\d{6}Z$/.test(name))!;
    expect(replaced).toBeDefined();
    const old = new Database(join(safe, replaced), { readonly: true });
    try {
      expect(old.pragma('quick_check', { simple: true })).toBe('ok');
      expect((old.prepare('SELECT count(*) AS n FROM complaints').get() as { n: number }).n).toBe(2 + 3000);
    } finally {
      old.close();
    }
    expect(readdirSync(safe).filter((name) => name.includes('.restoring-'))).toEqual([]);
  });

  it('refuses while a process has the store open, and a damaged backup — changing nothing', async () => {
    const count = await complaints(safe);
    const open = await openStore({ databaseUrl: undefined, varDir: safe });
    try {
      await open.query('SELECT 1');
      await expect(restoreSqlite(backup, sqlitePath(safe))).rejects.toThrow(/正被另一个进程使用.*请先停止所有使用它的进程/);
    } finally {
      await open.close();
    }
    const damaged = join(tempDir('gongshi-damaged-'), 'damaged.sqlite');
    const bytes = readFileSync(backup);
    bytes.fill(0x5a, 4096, 8192);
    writeFileSync(damaged, bytes);
    await expect(restoreSqlite(damaged, sqlitePath(safe))).rejects.toThrow(/已损坏|无法读取/);
    await expect(restoreSqlite(join(safe, 'no-such-backup.sqlite'), sqlitePath(safe))).rejects.toThrow(/不存在/);
    expect(await complaints(safe)).toBe(count);
    expect(readdirSync(safe).filter((name) => name.includes('.restoring-'))).toEqual([]);
    expect(existsSync(damaged)).toBe(true);
  });
});
