import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../complaints/support.ts';
import { localEnv } from '../support/local-env.ts';

/**
 * Operator trial of `npm run build` and `npm start`: a CONTENT_DIR that is not there ran ~10 s of Vite and then
 * reported an unreadable 办法目录 with Astro's stack, never naming CONTENT_DIR (and `npm start` with NO_BUILD=1 took it
 * silently); a failed first build said the site 保持不变 when there was none.
 */
const root = resolve(import.meta.dirname, '../..');
const STACK_TRACE = /\n\s+at /;

function run(script: string, env: Record<string, string>, timeout = 120_000) {
  const work = tempDir('gongshi-build-mistakes-');
  return spawnSync(process.execPath, [join(root, script)], {
    cwd: root,
    encoding: 'utf8',
    timeout,
    env: { ...localEnv(work), OUT_DIR: join(work, 'dist'), ...env },
  });
}

describe('a CONTENT_DIR that does not exist or is not a folder', () => {
  it('stops npm run build before Astro and npm start (NO_BUILD=1 too) with one line naming CONTENT_DIR', () => {
    const missing = join(tempDir('gongshi-no-content-'), 'nonexist');
    const file = join(tempDir('gongshi-no-content-'), 'content.txt');
    writeFileSync(file, '');
    for (const [contentDir, said] of [
      [missing, '不存在'],
      [file, '不是目录'],
    ] as const) {
      const started = Date.now();
      const built = run('scripts/build.ts', { CONTENT_DIR: contentDir });
      expect(built.status, built.stdout + built.stderr).toBe(1);
      expect(built.stderr).toContain(`[build] CONTENT_DIR（${contentDir}）${said}`);
      expect(built.stdout + built.stderr).not.toMatch(/astro|vite|办法目录/i);
      expect(built.stderr).not.toMatch(STACK_TRACE);
      expect(Date.now() - started).toBeLessThan(8000);

      for (const noBuild of ['1', '']) {
        const start = run('scripts/start.ts', { CONTENT_DIR: contentDir, NO_BUILD: noBuild }, 30_000);
        expect(start.status, start.stdout + start.stderr).toBe(1);
        expect(start.stderr).toContain(`[start] CONTENT_DIR（${contentDir}）${said}`);
        expect(start.stdout).not.toContain('listening');
        expect(start.stderr).not.toMatch(STACK_TRACE);
      }
    }
  });
});

describe('a first build that fails', () => {
  it('says nothing was built yet, not that the previous site stays', { timeout: 180_000 }, () => {
    // A SITE_ICP not shaped like a filing number stops the build inside Astro (src/core/filings.ts).
    const built = run('scripts/build.ts', { SITE_ICP: '备案号待定' });
    expect(built.status, built.stdout + built.stderr).toBe(1);
    expect(built.stderr).toContain('SITE_ICP');
    expect(built.stderr).toMatch(/\[build\] 构建失败，还没有构建出网站（.*\/dist 不存在）/);
    expect(built.stderr).not.toContain('保持不变');
  });
});
