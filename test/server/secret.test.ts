import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createApp } from '../../functions/server/app.ts';
import { isPlainlyLocal, requireDeploymentSettings, resolveSecret, SecretError } from '../../functions/server/secret.ts';
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

  it('refuses weak keys in a deployment, SECRET_PREVIOUS too: short, few distinct characters, a retired one with spaces', () => {
    const production = { NODE_ENV: 'production' };
    const strong = randomBytes(36).toString('base64');
    expect(resolveSecret(readSettings({ SECRET: strong }), production).secret).toBe(strong);
    expect(() => resolveSecret(readSettings({ SECRET: 'a'.repeat(32) }), production)).toThrow(/SECRET 只用了 1 种字符/);
    expect(() => resolveSecret(readSettings({ SECRET: ' '.repeat(40) }), production)).toThrow(SecretError);
    expect(() => resolveSecret(readSettings({ SECRET: `${OLD_REPOSITORY_KEY} ` }), production)).toThrow(/公开过的旧密钥/);
    // A previous key verifies links as well as SECRET signs them: a weak one would let anyone forge a link.
    expect(() => resolveSecret(readSettings({ SECRET: strong, SECRET_PREVIOUS: 'x' }), production)).toThrow(/SECRET_PREVIOUS 中有一个密钥太短/);
    expect(() => resolveSecret(readSettings({ SECRET: strong, SECRET_PREVIOUS: 'ab'.repeat(20) }), production)).toThrow(/SECRET_PREVIOUS/);
    expect(resolveSecret(readSettings({ SECRET: strong, SECRET_PREVIOUS: randomBytes(36).toString('base64') }), production).previousSecrets).toHaveLength(1);
    // A local run keeps accepting what it did (its own key is generated; tests sign with simple ones).
    expect(resolveSecret(readSettings({ SECRET: 'o'.repeat(40), SECRET_PREVIOUS: 'x' }), {}).previousSecrets).toEqual(['x']);
  });

  it('reads SECRET_RETIRED (tracking codes only) by the rules of SECRET_PREVIOUS: strong outside a local run, never the repository key', () => {
    const production = { NODE_ENV: 'production' };
    const strong = randomBytes(36).toString('base64');
    const old = randomBytes(36).toString('base64');
    const older = randomBytes(36).toString('base64');
    const keys = resolveSecret(readSettings({ SECRET: strong, SECRET_PREVIOUS: old, SECRET_RETIRED: ` ${older} , ${old},${strong}` }), production);
    // A key also in SECRET_PREVIOUS stays a previous key (it verifies links); SECRET itself is in neither list.
    expect(keys).toEqual({ secret: strong, previousSecrets: [old], retiredSecrets: [older] });
    expect(() => resolveSecret(readSettings({ SECRET: strong, SECRET_RETIRED: 'short' }), production)).toThrow(/SECRET_RETIRED 中有一个密钥太短/);
    expect(() => resolveSecret(readSettings({ SECRET: strong, SECRET_RETIRED: 'ab'.repeat(20) }), production)).toThrow(/SECRET_RETIRED/);
    expect(resolveSecret(readSettings({ SECRET: strong, SECRET_RETIRED: OLD_REPOSITORY_KEY }), production).retiredSecrets).toEqual([]);
    expect(resolveSecret(readSettings({ SECRET: 'o'.repeat(40), SECRET_RETIRED: 'x' }), {}).retiredSecrets).toEqual(['x']);
  });

  it('refuses a deployment without SMTP_URL, and a SMTP_URL that is no address without printing it', async () => {
    const production = { NODE_ENV: 'production' };
    expect(() => requireDeploymentSettings(readSettings({}), production)).toThrow(/没有设置 SMTP_URL/);
    expect(() => requireDeploymentSettings(readSettings({ SMTP_URL: 'smtps://mailer:pw@smtp.example.org:465' }), production)).not.toThrow();
    expect(() => requireDeploymentSettings(readSettings({}), {})).not.toThrow();
    const password = 'Qm9n/dXNwYXNz';
    for (const env of [production, {}]) {
      let message = '';
      try {
        requireDeploymentSettings(readSettings({ SMTP_URL: `smtps://mailer:${password}@smtp.example.org:465` }), env);
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toContain('SMTP_URL 不是有效的地址');
      expect(message).not.toContain(password.slice(5));
    }
    // createApp refuses the same way, before opening anything.
    const settings = readSettings({ VAR_DIR: tempDir(), DATABASE_URL: '', SECRET: randomBytes(36).toString('base64') });
    await expect(createApp(settings, { env: production, log: () => undefined })).rejects.toThrow(/没有设置 SMTP_URL/);
  });

  it('npm start refuses a malformed SMTP_URL naming the setting, never printing the password', () => {
    const varDir = tempDir();
    const password = 'Qm9n/dXNwYXNz';
    const env = { ...process.env, SMTP_URL: `smtps://mailer:${password}@smtp.example.org:465`, VAR_DIR: varDir, OUT_DIR: join(varDir, 'dist'), PORT: '0' };
    const run = spawnSync(process.execPath, ['scripts/start.ts'], { cwd: root, env, encoding: 'utf8', timeout: 30_000 });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('SMTP_URL 不是有效的地址');
    expect(run.stdout + run.stderr).not.toContain(password.slice(5));
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
