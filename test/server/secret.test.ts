import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createApp } from '../../functions/server/app.ts';
import { isPlainlyLocal, resolveSecret, SecretError } from '../../functions/server/secret.ts';
import { issueActionToken } from '../../functions/handling/links.ts';
import { readSettings } from '../../src/core/settings.ts';
import { tempDir } from '../complaints/support.ts';

/** The key that was in the repository until it was retired: anyone could sign with it. */
const OLD_REPOSITORY_KEY = 'gongshi-local-development-secret-change-me';
const root = join(import.meta.dirname, '../..');

describe('signing key', () => {
  it('tells a plainly local run from a deployment', () => {
    expect(isPlainlyLocal({})).toBe(true);
    expect(isPlainlyLocal({ SITE_URL: 'http://localhost:4321', HOST: '127.0.0.1' })).toBe(true);
    expect(isPlainlyLocal({ SITE_URL: 'http://127.0.0.1:8080', HOST: '::1' })).toBe(true);
    expect(isPlainlyLocal({ SITE_URL: 'https://gongshi.example.gov.cn' })).toBe(false);
    expect(isPlainlyLocal({ HOST: '0.0.0.0' })).toBe(false);
    expect(isPlainlyLocal({ NODE_ENV: 'production' })).toBe(false);
    expect(isPlainlyLocal({ SITE_URL: 'not a url' })).toBe(false);
  });

  it('refuses to run a deployment without SECRET, naming the setting', () => {
    const varDir = tempDir();
    for (const env of [{ SITE_URL: 'https://gs.example.org' }, { HOST: '0.0.0.0' }, { NODE_ENV: 'production' }]) {
      expect(() => resolveSecret(readSettings({ ...env, VAR_DIR: varDir }), env)).toThrow(SecretError);
      expect(() => resolveSecret(readSettings({ ...env, VAR_DIR: varDir }), env)).toThrow(/SECRET/);
    }
    // Too short for a deployment; the repository's old key anywhere.
    expect(() => resolveSecret(readSettings({ SECRET: 'short' }), { NODE_ENV: 'production' })).toThrow(/SECRET 太短/);
    expect(() => resolveSecret(readSettings({ SECRET: OLD_REPOSITORY_KEY }), {})).toThrow(/公开过的旧密钥/);
  });

  it('creates one random local key under VAR_DIR, private to the user, and keeps it', () => {
    const varDir = tempDir();
    const first = resolveSecret(readSettings({ VAR_DIR: varDir }), {}).secret;
    const again = resolveSecret(readSettings({ VAR_DIR: varDir }), {}).secret;
    const elsewhere = resolveSecret(readSettings({ VAR_DIR: tempDir() }), {}).secret;
    expect(first).toHaveLength(43);
    expect(again).toBe(first);
    expect(elsewhere).not.toBe(first);
    expect(readFileSync(join(varDir, 'secret'), 'utf8').trim()).toBe(first);
    expect(statSync(join(varDir, 'secret')).mode & 0o077).toBe(0);
    expect(first).not.toBe(OLD_REPOSITORY_KEY);
  });

  it("refuses a link signed with the repository's old key on a local run", async () => {
    const varDir = tempDir();
    const app = await createApp(readSettings({ VAR_DIR: varDir, DATABASE_URL: '' }), { env: {}, log: () => undefined });
    try {
      const forged = issueActionToken({ reference: 'TS-0000-0000', action: 'accept', agencyId: 'renqiu-cgj', period: 1 }, OLD_REPOSITORY_KEY, new Date());
      const response = (await app.functions(new Request(`http://localhost/api/actions/${forged}`), { clientAddress: '127.0.0.1' }))!;
      expect(response.status).toBe(403);
      expect(await response.text()).toContain('链接签名无效');
    } finally {
      await app.close();
    }
  });

  it('keeps verifying links and tracking codes under SECRET_PREVIOUS after a rotation, and signs only with SECRET', async () => {
    const { verifyActionToken } = await import('../../functions/handling/links.ts');
    const oldKey = 'o'.repeat(40);
    const newKey = 'n'.repeat(40);
    const now = new Date();
    const token = issueActionToken({ reference: 'TS-0000-0000', action: 'accept', agencyId: 'a', period: 1 }, oldKey, now);
    expect(verifyActionToken(token, newKey, now).ok).toBe(false);
    expect(verifyActionToken(token, newKey, now, readSettings({ SECRET: newKey, SECRET_PREVIOUS: ` ${oldKey} ,` }).previousSecrets).ok).toBe(true);
    // The old repository key is never accepted, even listed as previous.
    expect(resolveSecret(readSettings({ SECRET: newKey, SECRET_PREVIOUS: OLD_REPOSITORY_KEY }), {}).previousSecrets).toEqual([]);
  });

  it('npm start refuses to start a deployment without SECRET, before building anything', () => {
    const varDir = tempDir();
    const env = { ...process.env, SECRET: '', SITE_URL: 'https://gs.example.org', VAR_DIR: varDir, OUT_DIR: join(varDir, 'dist'), PORT: '0' };
    const run = spawnSync(process.execPath, ['scripts/start.ts'], { cwd: root, env, encoding: 'utf8', timeout: 30_000 });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('没有设置 SECRET');
    expect(run.stdout).not.toContain('正在用');
  });
});
