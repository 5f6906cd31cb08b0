import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../complaints/support.ts';
import { distDir, siteBuilt } from '../support/site.ts';

const root = resolve(import.meta.dirname, '../..');
const SECRET = 'k3Jq9-Zt7wPx2-Lm4Vb8-Rn6Ys1-Hd5Gf0-Qc';

/** Starts `npm start`'s script on a built site, returns what it printed up to "listening", then stops it. */
async function startLog(extra: Record<string, string>): Promise<string> {
  const env: Record<string, string | undefined> = {
    ...process.env,
    PORT: '0',
    NO_BUILD: '1',
    OUT_DIR: distDir,
    VAR_DIR: tempDir('gongshi-warn-'),
    DATABASE_URL: '',
    SECRET,
    SMTP_URL: 'smtp://127.0.0.1:2525',
    SITE_OWNER: '',
    CONTENT_DIR: '',
    ...extra,
  };
  const child = spawn(process.execPath, [join(root, 'scripts/start.ts')], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  try {
    await new Promise<void>((done, fail) => {
      const read = (chunk: Buffer) => {
        log += chunk.toString();
        if (/listening http/.test(log)) done();
      };
      child.stdout!.on('data', read);
      child.stderr!.on('data', read);
      child.once('exit', (code) => fail(new Error(`start exited (${code}):\n${log}`)));
    });
    // The warnings follow the listening line within the same turn.
    await new Promise((r) => setTimeout(r, 300));
    return log;
  } finally {
    child.kill('SIGKILL');
  }
}

/**
 * A deployment (SITE_URL set) started with the repository's sample content or without a 主办单位 is told so at start:
 * a clerk's roster would otherwise be rebuilt from the sample province, and every footer says there is no owner.
 */
describe.skipIf(!siteBuilt())('npm start warns a deployment of what it most likely did not mean', { timeout: 60_000 }, () => {
  it('the sample content and no SITE_OWNER under a SITE_URL: both named; its own content and owner: neither', async () => {
    const careless = await startLog({ SITE_URL: 'https://gongshi.example.gov.cn' });
    expect(careless).toContain(`内容目录：${join(root, 'content')}`);
    expect(careless).toContain('注意：CONTENT_DIR 没有设置，用的是仓库自带的示例内容');
    expect(careless).toContain('注意：SITE_OWNER 没有设置');
    const own = tempDir('gongshi-own-content-');
    const careful = await startLog({ SITE_URL: 'https://gongshi.example.gov.cn', CONTENT_DIR: own, SITE_OWNER: '献县司法局' });
    expect(careful).toContain(`内容目录：${own}`);
    expect(careful).not.toContain('注意：');
    // A local run (no SITE_URL) is the sample's home: no warnings.
    expect(await startLog({ SITE_URL: '' })).not.toContain('注意：');
  });
});
