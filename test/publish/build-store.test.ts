import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
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
