import { spawn } from 'node:child_process';
import { readdirSync, readlinkSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../complaints/support.ts';
import { makeContent } from '../legal/content.ts';
import { startLog } from '../support/start-log.ts';
import { localEnv } from '../support/local-env.ts';

/**
 * Operator trial: `npm start` without the deployment's environment (a systemd unit missing its EnvironmentFile) read
 * only `dist/.site-url`, which `npm run build` does not write, took the county's site for a local one built for
 * another port, and rebuilt it from the repository's sample content for http://localhost. Now it reads the build's
 * own record (_functions/built-with.json) and, like `npm run build`, never rebuilds over a site built for a public
 * address with other settings: it stops, naming the address and the settings that differ (REPLACE_SITE=1 to replace).
 */
const root = resolve(import.meta.dirname, '../..');
const PUBLIC = 'https://gongshi.renqiu.example.gov.cn';
const work = tempDir('gongshi-start-public-');
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Runs a script of ours to its end with `env` over a clean local environment. */
function run(script: string, env: Record<string, string>): Promise<{ code: number; output: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [join(root, script)], {
      cwd: root,
      env: { ...localEnv(work), ...env },
    });
    let output = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => {
      output += c.toString();
      stderr += c.toString();
    });
    child.on('exit', (code) => done({ code: code ?? -1, output, stderr }));
  });
}

describe('npm start without the deployment environment, over a site built for a public address', { timeout: 300_000 }, () => {
  it('neither rebuilds nor serves it with other settings: stops naming the address and what differs; NO_BUILD=1 serves it with a 注意', async () => {
    const content = makeContent();
    const outDir = join(work, 'dist');
    const built = await run('scripts/build.ts', { SITE_URL: PUBLIC, CONTENT_DIR: content, OUT_DIR: outDir });
    expect(built.code, built.output).toBe(0);
    const live = readlinkSync(outDir);
    const builds = () => readdirSync(work).filter((name) => name.startsWith('dist'));
    const folders = builds();

    const started = await run('scripts/start.ts', { OUT_DIR: outDir });
    expect(started.code, started.output).toBe(1);
    expect(started.stderr).toContain(`[start] ${outDir} 中的网站是为 ${PUBLIC} 构建的（内容目录 ${content}）`);
    expect(started.stderr).toMatch(new RegExp(`SITE_URL：现网站为 ${PUBLIC}，本次为 http://localhost:\\d+（未设置）`));
    expect(started.stderr).toContain(`CONTENT_DIR：现网站用 ${content}，本次用 ${join(root, 'content')}（未设置）`);
    expect(started.stderr).toContain('REPLACE_SITE=1');
    expect(started.output).not.toContain('重新构建…');
    expect(started.output).not.toContain('listening');
    expect(readlinkSync(outDir)).toBe(live);
    expect(builds()).toEqual(folders);

    // Told to serve it as it is: served, with a line saying what it was built for and that SITE_URL is missing.
    const served = await startLog({ OUT_DIR: outDir, SITE_URL: '', CONTENT_DIR: content, VAR_DIR: join(work, 'var'), DATABASE_URL: '', SMTP_URL: '' });
    expect(served).toMatch(new RegExp(`注意：${outDir} 是为 ${PUBLIC} 构建的，而本次启动没有设置 SITE_URL`));
    expect(readlinkSync(outDir)).toBe(live);
  });

  it('a local build for another port is still rebuilt for the port in use', async () => {
    const content = makeContent();
    const outDir = join(work, 'local');
    const built = await run('scripts/build.ts', { SITE_URL: 'http://localhost:4321', CONTENT_DIR: content, OUT_DIR: outDir });
    expect(built.code, built.output).toBe(0);
    const live = readlinkSync(outDir);
    const started = await startLog({
      OUT_DIR: outDir,
      SITE_URL: '',
      CONTENT_DIR: content,
      NO_BUILD: '',
      VAR_DIR: join(work, 'var'),
      DATABASE_URL: '',
      SMTP_URL: '',
    });
    expect(started).toMatch(new RegExp(`${outDir} 是为 http://localhost:4321 构建的，二维码会指向那里；正在为 http://localhost:\\d+ 重新构建…`));
    expect(readlinkSync(outDir)).not.toBe(live);
  });
});
