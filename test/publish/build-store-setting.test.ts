import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readlinkSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore, storeName } from '../../functions/store/index.ts';
import { publishVersion } from '../../functions/store/records/roster-versions.ts';
import type { Db } from '../../functions/store/index.ts';
import { workspaceStore, workspaceStoreUrl } from '../../src/import/workspace-rosters.ts';
import { freshDb, pgSkipReason, TEST_DATABASE_URL, tempDir } from '../complaints/support.ts';
import { makeContent } from '../legal/content.ts';

/**
 * The daily build run in the server's own environment: `DATABASE_URL=postgres://… VAR_DIR=… npm run build`, no
 * ROSTER_STORE_URL. It must read the workspace's versions from DATABASE_URL — the store the functions write them
 * to — and say which store it read and how many agencies it found there. Before, it read only ROSTER_STORE_URL or
 * the SQLite file under VAR_DIR: exit 0, no word, and every roster published through the workspace gone.
 */
const root = resolve(import.meta.dirname, '../..');
const work = tempDir('gongshi-build-setting-');
const content = makeContent();
const outDir = join(work, 'dist');
const varDir = join(work, 'var');

function build(env: Record<string, string>): Promise<{ code: number; output: string }> {
  const clean = { ...process.env };
  delete clean.ROSTER_STORE_URL;
  delete clean.DATABASE_URL;
  return new Promise((done) => {
    const child = spawn(process.execPath, [join(root, 'scripts/build.ts')], {
      cwd: root,
      env: {
        ...clean,
        CONTENT_DIR: content,
        SITE_URL: 'https://gongshi.example',
        OUT_DIR: outDir,
        VAR_DIR: varDir,
        ASTRO_CACHE_DIR: join(work, 'cache'),
        ...env,
      },
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('exit', (code) => done({ code: code ?? -1, output }));
  });
}

const version = (agencyId: string, certificateNo: string, name: string) => ({
  agencyId,
  publishedAt: '2026-11-20T02:00:00.000Z',
  mailbox: 'clerk@example.org',
  fileHash: 'h',
  counts: {},
  diff: {},
  records: [{ certificateNo, name, agencyId, status: 'active' as const }],
});

const verifyPage = (no: string) => join(outDir, 'verify', no, 'index.html');

describe('which store the build reads the workspace versions from', () => {
  it('ROSTER_STORE_URL, else DATABASE_URL (as the functions), else <VAR_DIR>/gongshi.sqlite if it exists, else none; never shows a password', () => {
    const dir = tempDir();
    const file = join(dir, 'gongshi.sqlite');
    expect(workspaceStore({}, dir)).toEqual({ url: undefined, setting: undefined, shown: file });
    const pgUrl = 'postgres://gongshi:s3cret-pw@db.internal:5432/gongshi?options=-c%20search_path%3Dx';
    // Named as `npm start` names its store (storeName), schema included: the operator compares the two lines.
    expect(workspaceStore({ DATABASE_URL: pgUrl }, dir)).toEqual({
      url: pgUrl,
      setting: 'DATABASE_URL',
      shown: 'PostgreSQL db.internal:5432，数据库 gongshi，schema x',
    });
    expect(workspaceStore({ DATABASE_URL: pgUrl }, dir).shown).toBe(storeName(pgUrl));
    expect(workspaceStore({ DATABASE_URL: pgUrl, ROSTER_STORE_URL: 'postgres://reader:pw@db/gongshi' }, dir)).toMatchObject({
      url: 'postgres://reader:pw@db/gongshi',
      setting: 'ROSTER_STORE_URL',
      shown: 'PostgreSQL db，数据库 gongshi',
    });
    expect(workspaceStoreUrl({ DATABASE_URL: `sqlite:${join(dir, 'other.sqlite')}` }, dir)).toBe(`sqlite:${join(dir, 'other.sqlite')}`);
  });

  describe('npm run build in the server environment', () => {
    const open: Db[] = [];
    afterAll(async () => {
      for (const db of open) await db.close();
      rmSync(work, { recursive: true, force: true });
      rmSync(content, { recursive: true, force: true });
    });

    it.skipIf(!!pgSkipReason)(
      'with DATABASE_URL=postgres://… and no ROSTER_STORE_URL: the workspace rosters are published, from DATABASE_URL, and the output says so',
      { timeout: 300_000 },
      async () => {
        const db = await freshDb('postgres');
        open.push(db);
        await publishVersion(db, version('renqiu-jtys', 'RQ-JT-7001', '路政甲'));
        await publishVersion(db, version('luan-jtzf', 'LA-JT-7002', '路政乙'));
        // A SQLite store under VAR_DIR too, as a server that once ran without DATABASE_URL leaves behind: the
        // functions do not use it while DATABASE_URL is set, so neither does the build.
        mkdirSync(varDir, { recursive: true });
        const stale = await openStore({ databaseUrl: undefined, varDir });
        await publishVersion(stale, version('renqiu-jtys', 'RQ-JT-0666', '旧库'));
        await stale.close();
        const url = new URL(TEST_DATABASE_URL);
        url.password = 'not-shown-pw';
        url.searchParams.set('options', `-c search_path=${db.schema}`);
        // Trust authentication on loopback: the password is not checked, only carried (and must not be printed).
        const result = await build({ DATABASE_URL: url.toString() });
        expect(result.code, result.output).toBe(0);
        expect(readlinkSync(outDir)).toMatch(/dist\.build-/);
        expect(existsSync(verifyPage('RQ-JT-7001'))).toBe(true);
        expect(existsSync(verifyPage('LA-JT-7002'))).toBe(true);
        expect(existsSync(verifyPage('RQ-JT-0666'))).toBe(false);
        const shown = `PostgreSQL ${url.host}，数据库 ${url.pathname.slice(1)}，schema ${db.schema}`;
        expect(result.output).toContain(
          `[workspace] 名单发布工作台：从 DATABASE_URL（${shown}）读取，2 个机关有已发布的版本（luan-jtzf 第 1 版、renqiu-jtys 第 1 版）。`,
        );
        // Said once, by Astro's process, not by every portal part.
        expect(result.output.split('[workspace]').length - 1).toBe(1);
        expect(result.output).not.toContain('not-shown-pw');
      },
    );

    it('with DATABASE_URL naming a store that cannot be read: fails naming DATABASE_URL, and the site stays as it was', { timeout: 300_000 }, async () => {
      const before = existsSync(outDir) ? readlinkSync(outDir) : undefined;
      const result = await build({ DATABASE_URL: 'postgres://gongshi:pw-not-shown@127.0.0.1:9/gongshi' });
      expect(result.code, result.output).not.toBe(0);
      expect(result.output).toContain('无法读取名单发布工作台的版本');
      expect(result.output).toContain('请检查 DATABASE_URL');
      expect(result.output).toContain('保持不变');
      expect(result.output).not.toContain('pw-not-shown');
      expect(existsSync(outDir) ? readlinkSync(outDir) : undefined).toBe(before);
    });

    it('with no store at all: builds from the Git files and says that it read no workspace versions', { timeout: 300_000 }, async () => {
      rmSync(varDir, { recursive: true, force: true });
      const result = await build({});
      expect(result.code, result.output).toBe(0);
      expect(result.output).toContain(
        `[workspace] 名单发布工作台：未设置 ROSTER_STORE_URL 或 DATABASE_URL，${join(varDir, 'gongshi.sqlite')} 也不存在，没有读取任何工作台版本`,
      );
      expect(existsSync(verifyPage('RQ-JT-7001'))).toBe(false);
      expect(existsSync(verifyPage('RQT-0001'))).toBe(true);
    });
  });
});
