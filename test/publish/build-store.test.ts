import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openPostgres } from '../../functions/store/postgres.ts';
import { migrate } from '../../functions/store/migrations.ts';
import { publishVersion } from '../../functions/store/records/roster-versions.ts';
import { readWorkspaceRosters } from '../../src/import/workspace-rosters.ts';
import { pgSkipReason, TEST_DATABASE_URL, tempDir } from '../complaints/support.ts';

/**
 * `npm run build` where the rosters published through the workspace cannot be read (ROSTER_STORE_URL wrong or its
 * database down): the build fails naming the setting, and the site already published stays exactly as it was —
 * a build that silently left the workspace's rosters out would unpublish every agency that uses it.
 */
const root = resolve(import.meta.dirname, '../..');
const work = tempDir('gongshi-build-store-');
const outDir = join(work, 'dist');
const previous = join(work, 'dist.build-previous');

function build(env: Record<string, string>): Promise<{ code: number; output: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [join(root, 'scripts/build.ts')], {
      cwd: root,
      env: { ...process.env, OUT_DIR: outDir, VAR_DIR: join(work, 'var'), ASTRO_CACHE_DIR: join(work, 'cache'), ...env },
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('exit', (code) => done({ code: code ?? -1, output }));
  });
}

describe('the build when the workspace store cannot be read', () => {
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  // The site being served: OUT_DIR links to a previous build.
  mkdirSync(previous, { recursive: true });
  writeFileSync(join(previous, 'index.html'), '<p>上一版网站</p>');
  symlinkSync('dist.build-previous', outDir, 'dir');
  const unchanged = () => {
    expect(readlinkSync(outDir)).toBe('dist.build-previous');
    expect(readFileSync(join(outDir, 'index.html'), 'utf8')).toBe('<p>上一版网站</p>');
    // No half-built folder is left beside it.
    expect(readdirSync(work).filter((n) => n.startsWith('dist.build-') && n !== 'dist.build-previous')).toEqual([]);
  };

  const wrong: [string, string | undefined][] = [
    ['a PostgreSQL server that does not answer', 'postgres://gongshi_build@127.0.0.1:9/gongshi'],
    ['a SQLite file that does not exist', `sqlite:${join(work, 'no-such.sqlite')}`],
    ['a database that does not exist on a running server', pgSkipReason ? undefined : TEST_DATABASE_URL.replace(/\/[^/]*$/, '/no_such_database_h13b')],
  ];
  for (const [what, url] of wrong) {
    it.skipIf(!url)(`fails, publishing nothing, with ${what}`, { timeout: 300_000 }, async () => {
      const result = await build({ CONTENT_DIR: join(root, 'content'), ROSTER_STORE_URL: url! });
      expect(result.code, result.output).not.toBe(0);
      expect(result.output).toContain('无法读取名单发布工作台的版本');
      expect(result.output).toContain('ROSTER_STORE_URL');
      expect(result.output).toContain('保持不变');
      unchanged();
      expect(existsSync(join(work, 'no-such.sqlite'))).toBe(false);
    });
  }
});

describe.skipIf(pgSkipReason)('a build role that may not use the schema', () => {
  const schema = `test_${randomBytes(6).toString('hex')}`;
  const role = `reader_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  afterAll(async () => {
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
    await admin.query(`DROP OWNED BY ${role}`).catch(() => undefined);
    await admin.query(`DROP ROLE IF EXISTS ${role}`).catch(() => undefined);
    await admin.end();
  });

  it('fails naming the schema instead of reading no versions (which would unpublish every workspace roster)', async () => {
    await admin.connect();
    const db = openPostgres(TEST_DATABASE_URL, { schema });
    await migrate(db);
    await publishVersion(db, {
      agencyId: 'rq-scjg',
      publishedAt: '2026-11-20T02:00:00.000Z',
      mailbox: 'clerk@example.org',
      fileHash: 'h',
      counts: {},
      diff: {},
      records: [{ certificateNo: 'S-1', name: '丙', agencyId: 'rq-scjg', status: 'active' }],
    });
    await db.close();
    const password = randomBytes(12).toString('hex');
    await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD '${password}'`);
    await admin.query(`ALTER ROLE ${role} SET search_path = ${schema}`);
    // SELECT granted, USAGE on the schema forgotten.
    await admin.query(`GRANT SELECT ON ${schema}.roster_versions TO ${role}`);
    const url = new URL(TEST_DATABASE_URL);
    url.username = role;
    url.password = password;
    await expect(readWorkspaceRosters(url.toString())).rejects.toThrow(`无权使用 schema ${schema}`);
    await admin.query(`GRANT USAGE ON SCHEMA ${schema} TO ${role}`);
    expect((await readWorkspaceRosters(url.toString())).map((r) => r.agencyId)).toEqual(['rq-scjg']);
  });
});
