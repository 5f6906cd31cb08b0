import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore, sqlitePath } from '../../functions/store/index.ts';
import { publishVersion } from '../../functions/store/records/roster-versions.ts';
import { sqliteVersionsLeftBehind, workspaceStore, type WorkspaceRoster } from '../../src/import/workspace-rosters.ts';
import { pgSkipReason, tempDir } from '../complaints/support.ts';
import { appOn, directoryOnly, PASSWORD, pgSchema, root, SECRET, startLog, storeCopy, submit } from './support.ts';

/**
 * Setting DATABASE_URL=postgres://… on a server that ran on `<VAR_DIR>/gongshi.sqlite` started it on an empty
 * database without a word: the build read 0 workspace versions, every tracking code answered "not found". Now
 * `npm start` (and `npm run outbox`) warn when the PostgreSQL store is empty while that file is not, naming both and
 * the copy command; the build's [workspace] output does the same for published roster versions.
 */
const version = {
  agencyId: 'city-cgj',
  publishedAt: '2026-11-20T02:00:00.000Z',
  mailbox: 'roster@cgj.city.example',
  fileHash: 'h',
  counts: {},
  diff: {},
  records: [{ certificateNo: 'CG-0500', name: '路政甲', agencyId: 'city-cgj', status: 'active' as const }],
};

describe.skipIf(!!pgSkipReason)('npm start on an empty PostgreSQL store beside a SQLite store that is not', { timeout: 120_000 }, () => {
  const varDir = tempDir('gongshi-left-');
  const cleanup: (() => Promise<void> | void)[] = [() => rmSync(varDir, { recursive: true, force: true })];
  afterAll(async () => {
    for (const step of cleanup.reverse()) await step();
  });

  it('names both stores and the copy command, never the password; after the copy, says nothing', async () => {
    const outDir = await directoryOnly();
    cleanup.push(() => rmSync(outDir, { recursive: true, force: true }));
    const app = await appOn(varDir, '');
    await submit(app, { idempotencyKey: 'left-0001' });
    await app.close();
    const target = await pgSchema();
    cleanup.push(() => target.drop());
    const file = sqlitePath(varDir);

    const log = await startLog({ VAR_DIR: varDir, OUT_DIR: outDir, DATABASE_URL: target.url });
    expect(log).toContain(`[start] 数据库：DATABASE_URL（PostgreSQL 127.0.0.1:5432，数据库 test，schema ${target.schema}）`);
    expect(log).toContain(
      `[start] 注意：DATABASE_URL（PostgreSQL 127.0.0.1:5432，数据库 test，schema ${target.schema}）里没有一件投诉、没有一个名单版本，而 VAR_DIR 下的 SQLite 文件 ${file} 有 1 件投诉、0 个名单版本`,
    );
    expect(log).toContain(`npm run store:copy -- --from sqlite:${file} --to "$DATABASE_URL"`);
    expect(log).not.toContain(PASSWORD);

    // The mail worker on the new database says the same. It may write there (the day's summaries, only from 08:00
    // Beijing time); the server meanwhile took a complaint there: the copy will not mix into either.
    const worker = spawnSync(process.execPath, [join(root, 'scripts/outbox.ts'), '--once'], {
      cwd: root,
      env: { ...process.env, VAR_DIR: varDir, OUT_DIR: outDir, DATABASE_URL: target.url, SMTP_URL: 'smtp://127.0.0.1:9', SECRET, SITE_URL: '' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(worker.status, worker.stdout + worker.stderr).toBe(0);
    expect(worker.stderr).toContain(`[outbox] 注意：DATABASE_URL（PostgreSQL 127.0.0.1:5432，数据库 test，schema ${target.schema}）里没有一件投诉`);
    expect(worker.stdout + worker.stderr).not.toContain(PASSWORD);
    const onTarget = await appOn(varDir, target.url);
    await submit(onTarget, { idempotencyKey: 'left-0002' });
    await onTarget.close();
    const refused = storeCopy('--from', `sqlite:${file}`, '--to', target.url);
    expect(refused.status).toBe(1);
    expect(refused.output).toMatch(/已经有数据：(\S+（\d+ 行）、)*complaints（1 行）/);
    expect(refused.output).toContain('删除并重建这个数据库（或 schema）再复制');
    // Into a database nothing has run on: copied, and the server started on it has nothing to warn about.
    const fresh = await pgSchema();
    cleanup.push(() => fresh.drop());
    const copied = storeCopy('--from', `sqlite:${file}`, '--to', fresh.url);
    expect(copied.status, copied.output).toBe(0);
    expect(await startLog({ VAR_DIR: varDir, OUT_DIR: outDir, DATABASE_URL: fresh.url })).not.toContain('注意：');
    // On SQLite itself (DATABASE_URL unset) there is nothing to say either.
    expect(await startLog({ VAR_DIR: varDir, OUT_DIR: outDir, DATABASE_URL: '' })).not.toContain('注意：');
  });
});

describe("the build's [workspace] output", () => {
  const roster: WorkspaceRoster = { id: 'v1', agencyId: 'city-cgj', seq: 1, publishedAt: version.publishedAt, records: [] };
  const pgUrl = 'postgres://gongshi:pw-not-shown@db.internal:5432/gongshi';

  it('0 versions from PostgreSQL while <VAR_DIR>/gongshi.sqlite holds published ones: says which agencies and the copy command', async () => {
    const varDir = tempDir('gongshi-left-build-');
    try {
      const store = workspaceStore({ DATABASE_URL: pgUrl }, varDir);
      // No file: nothing to say.
      expect(await sqliteVersionsLeftBehind(store, [], varDir)).toBeUndefined();
      const sqlite = await openStore({ databaseUrl: undefined, varDir });
      // A file with no published version: nothing either.
      expect(await sqliteVersionsLeftBehind(store, [], varDir)).toBeUndefined();
      await publishVersion(sqlite, version);
      await sqlite.close();
      const said = await sqliteVersionsLeftBehind(store, [], varDir);
      expect(said).toContain('[workspace] 注意：DATABASE_URL（PostgreSQL db.internal:5432，数据库 gongshi）中没有已发布的版本');
      expect(said).toContain(`${sqlitePath(varDir)} 里有 1 个机关（city-cgj）的已发布版本`);
      expect(said).toContain(`npm run store:copy -- --from sqlite:${sqlitePath(varDir)} --to "$DATABASE_URL"`);
      expect(said).not.toContain('pw-not-shown');
      // Versions read from PostgreSQL, or the SQLite file read itself: nothing to say.
      expect(await sqliteVersionsLeftBehind(store, [roster], varDir)).toBeUndefined();
      expect(await sqliteVersionsLeftBehind(workspaceStore({}, varDir), [], varDir)).toBeUndefined();
    } finally {
      rmSync(varDir, { recursive: true, force: true });
    }
  });
});
