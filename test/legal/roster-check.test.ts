import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeContent, PEOPLE, root } from './content.ts';

describe('roster:check and expired certificates', () => {
  const dir = makeContent();
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('passes the roster but warns, at the end, of each active certificate past its validity date', () => {
    const run = spawnSync(process.execPath, [join(root, 'scripts/roster-check.ts')], { cwd: dir, env: { ...process.env, CONTENT_DIR: dir }, encoding: 'utf8' });
    expect(run.status).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines.at(-1)).toBe(
      `⚠ 注意：1 个在岗人员的证件已过有效期（网站显示为“已过有效期”）：${PEOPLE.expired.no}（有效期至 ${PEOPLE.expired.until}）。请换发证件或更新名单。`,
    );
    expect(run.stdout).toContain('✔ 检查通过');
  });
});
