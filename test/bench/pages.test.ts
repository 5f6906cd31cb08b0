import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

describe('npm run bench pages', () => {
  it('says which setting names a folder without a built site, and exits non-zero without a stack trace', () => {
    const empty = mkdtempSync(join(tmpdir(), 'gongshi-pages-'));
    try {
      const run = spawnSync(process.execPath, [join(ROOT, 'scripts/bench/pages.ts')], {
        cwd: ROOT,
        env: { ...process.env, BENCH_PAGES_DIST: empty },
        encoding: 'utf8',
      });
      expect(run.status).toBe(1);
      expect(run.stderr).toContain(`BENCH_PAGES_DIST=${empty} holds no built site`);
      expect(run.stderr).not.toMatch(/ENOENT|\n\s+at /);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
