import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMailer, relayCheck, SMTP_URL_MALFORMED } from '../../functions/mail/transport.ts';
import { requireDeploymentSettings } from '../../functions/server/secret.ts';
import { readSettings } from '../../src/core/settings.ts';
import { pgSkipReason, tempDir } from '../complaints/support.ts';
import { storeWithUrl } from '../publish/support.ts';
import { madeBeforeAll } from '../support/stores.ts';

/**
 * Mistakes operators make when following docs/DEPLOY.md — the server started twice, no build where OUT_DIR points,
 * a mistyped SMTP_URL scheme — stop `npm start` and `npm run outbox` with one line naming the setting and what to do:
 * exit 1, no stack trace, no password.
 */
const root = join(import.meta.dirname, '../..');
const STACK_TRACE = /\n\s+at /;

/** A plainly local run on a fresh SQLite store: the key is made under VAR_DIR, no SMTP needed. */
function localEnv(over: Record<string, string>): NodeJS.ProcessEnv {
  const varDir = tempDir('gongshi-ops-');
  return { ...process.env, SITE_URL: '', DATABASE_URL: '', SMTP_URL: '', NODE_ENV: '', HOST: '127.0.0.1', VAR_DIR: varDir, NO_BUILD: '1', ...over };
}

function run(script: string, env: NodeJS.ProcessEnv, args: string[] = [], timeout = 60_000) {
  return spawnSync(process.execPath, [join(root, script), ...args], { cwd: root, env, encoding: 'utf8', timeout });
}

describe('operator mistakes at start', () => {
  it('npm start on a port that is already taken (started twice) says so, naming PORT', async () => {
    const taken: Server = createServer();
    await new Promise<void>((done) => taken.listen(0, '127.0.0.1', done));
    const port = (taken.address() as AddressInfo).port;
    try {
      const started = run('scripts/start.ts', localEnv({ PORT: String(port) }));
      expect(started.status).toBe(1);
      expect(started.stderr).toContain(`[start] 端口 127.0.0.1:${port} 已被另一个进程占用`);
      expect(started.stderr).toContain('PORT');
      expect(started.stderr).not.toMatch(STACK_TRACE);
      expect(started.stderr).not.toContain('EADDRINUSE');
    } finally {
      await new Promise((done) => taken.close(done));
    }
  });

  it('npm start and npm run outbox with no build where OUT_DIR points name the file and npm run build, without a stack trace', () => {
    const outDir = join(tempDir('gongshi-ops-'), 'never-built');
    const started = run('scripts/start.ts', localEnv({ PORT: '0', OUT_DIR: outDir }));
    expect(started.status).toBe(1);
    expect(started.stderr).toContain(`[start] 目录文件 ${outDir}/_functions/directory.json 不存在`);
    expect(started.stderr).toContain('npm run build');
    expect(started.stderr).not.toMatch(STACK_TRACE);

    const worker = run('scripts/outbox.ts', localEnv({ OUT_DIR: outDir }), ['--once']);
    expect(worker.status).toBe(1);
    expect(worker.stderr).toContain(`[outbox] 目录文件 ${outDir}/_functions/directory.json 不存在`);
    expect(worker.stderr).not.toMatch(STACK_TRACE);
  });

  it('a SMTP_URL of another scheme than smtp: or smtps: (a typo) is refused, naming the scheme, never the password', () => {
    const password = 'Zr8/kq-relay-pass';
    for (const scheme of ['smpts', 'http', 'mailto']) {
      const smtpUrl = `${scheme}://mailer:${encodeURIComponent(password)}@127.0.0.1:465`;
      let message = '';
      try {
        requireDeploymentSettings(readSettings({ SMTP_URL: smtpUrl }), { NODE_ENV: 'production' });
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toContain(`SMTP_URL 以「${scheme}://」开头，只能是 smtps://`);
      expect(message).not.toContain('Zr8');
      // The mailer refuses it too (the serverless adapter builds one without the start's checks).
      expect(() => createMailer({ smtpUrl, outboxDir: tempDir() })).toThrow(/只能是 smtps:/);
    }
    for (const smtpUrl of ['smtp://mailer:pw@127.0.0.1:587', 'smtps://mailer:pw@127.0.0.1:465'])
      expect(() => requireDeploymentSettings(readSettings({ SMTP_URL: smtpUrl }), { NODE_ENV: 'production' })).not.toThrow();

    const started = run('scripts/start.ts', localEnv({ PORT: '0', SMTP_URL: `smpts://mailer:${encodeURIComponent(password)}@127.0.0.1:465` }));
    expect(started.status).toBe(1);
    expect(started.stderr).toContain('[start] SMTP_URL 以「smpts://」开头');
    expect(started.stdout + started.stderr).not.toContain('Zr8');
  });

  it('a SMTP_URL with / ? or # unescaped in the password is refused, never printing the user or the password', () => {
    // The address ends at the first of them: the user is read as the host and the password's digits as the port, and
    // the relay check at start would log 「SMTP mailer-q7:2024」.
    for (const password of ['2024/Spring-Relay', '2024?Spring-Relay', '2024#Spring-Relay', '/Spring-Relay']) {
      const smtpUrl = `smtp://mailer-q7:${password}@127.0.0.1:465`;
      let message = '';
      try {
        requireDeploymentSettings(readSettings({ SMTP_URL: smtpUrl }), {});
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message, password).toContain('SMTP_URL 不是有效的地址');
      expect(() => createMailer({ smtpUrl, outboxDir: tempDir() }), password).toThrow(/SMTP_URL 不是有效的地址/);
    }
    // Written as the docs say, %2F: accepted.
    expect(() => requireDeploymentSettings(readSettings({ SMTP_URL: 'smtp://mailer-q7:2024%2FSpring@127.0.0.1:465' }), {})).not.toThrow();

    const started = run('scripts/start.ts', localEnv({ PORT: '0', SMTP_URL: 'smtp://mailer-q7:2024/Spring-Relay@127.0.0.1:465' }), [], 20_000);
    expect(started.status, started.stdout + started.stderr).toBe(1);
    expect(started.stderr).toContain('[start] SMTP_URL 不是有效的地址');
    expect(started.stdout + started.stderr).not.toMatch(/mailer-q7|2024|Spring/);
  });

  it("the start's relay check given a SMTP_URL that is no address says so in its line, without the value, and does not throw", async () => {
    // Unreachable from `npm start` (requireDeploymentSettings refuses it first); the check must still never reject.
    for (const smtpUrl of ['smtps://mailer-q7:Zr8 pw@[smtp.example.gov.cn:465', 'smtp://mailer-q7:Zr8@smtp.example.gov.cn:99999', '']) {
      const checked = await relayCheck(smtpUrl, 1000);
      expect(checked.ok, smtpUrl).toBe(false);
      expect(checked.line).toBe(`邮件服务器检查：${SMTP_URL_MALFORMED}`);
      expect(checked.line).not.toMatch(/mailer-q7|Zr8/);
    }
  });
});

/**
 * `npm start` and `npm run outbox`, with and without SECRET, each stop with one line naming VAR_DIR and `reason` (with
 * SECRET, `withSecret` when given); `over` adds settings (DATABASE_URL).
 */
function expectEachStops(varDir: string, reason: string, over: Record<string, string> = {}, withSecret = reason) {
  for (const [script, args, tag] of [
    ['scripts/start.ts', [], 'start'],
    ['scripts/outbox.ts', ['--once'], 'outbox'],
  ] as const) {
    // No SECRET: the local key is the first to need VAR_DIR; with one, the SQLite store (or, on PostgreSQL, the .eml folder).
    for (const secret of ['', 'Vq3'.repeat(12)]) {
      const ran = run(script, localEnv({ PORT: '0', VAR_DIR: varDir, SECRET: secret, ...over }), [...args], 20_000);
      expect(ran.status, ran.stdout + ran.stderr).toBe(1);
      expect(ran.stderr).toMatch(new RegExp(`^\\[${tag}\\] .*VAR_DIR.*${secret ? withSecret : reason}`, 'm'));
      expect(ran.stderr).toContain(varDir);
      expect(ran.stderr).not.toMatch(STACK_TRACE);
      expect(ran.stdout).not.toContain('listening');
    }
  }
}

/**
 * A VAR_DIR where no folder can be made (under /proc) hung `npm start` at 100% CPU with nothing printed: Node's
 * recursive mkdir retries such a path forever. Now it stops like any other setting, whether the local key (no SECRET)
 * or the SQLite store is the first to need the folder.
 */
describe.skipIf(!existsSync('/proc/self'))('a VAR_DIR where no folder can be made', () => {
  it('stops npm start and npm run outbox at once with one line naming VAR_DIR and what to do', () => {
    expectEachStops(`/proc/gongshi-test-${process.pid}`, '请把 VAR_DIR 设为本机上可写的目录');
  });
});

/**
 * With the store on PostgreSQL and SECRET set, only the .eml mail (no SMTP_URL) needs VAR_DIR, and its folder was made
 * at the first message: `npm start` served, saying it wrote mail to a folder it could not make (operator trial). Now
 * the folder is made at start, and the start stops naming VAR_DIR and SMTP_URL.
 */
describe.skipIf(!existsSync('/proc/self') || !!pgSkipReason)('a VAR_DIR where no folder can be made, the store on PostgreSQL, mail as .eml files', () => {
  const store = madeBeforeAll(
    () => storeWithUrl('postgres'),
    ({ db }) => db.close(),
  );
  it('stops npm start and npm run outbox at once with one line naming VAR_DIR, the .eml folder and SMTP_URL (a file there too)', () => {
    const varDir = `/proc/gongshi-test-${process.pid}`;
    expectEachStops(
      varDir,
      '请把 VAR_DIR 设为本机上可写的目录',
      { DATABASE_URL: store.url },
      `邮件文件夹 ${varDir}/outbox 无法创建.*请把 VAR_DIR 设为本机上可写的目录.*或设置 SMTP_URL`,
    );
    const file = join(tempDir('gongshi-ops-'), 'var');
    writeFileSync(file, '');
    expectEachStops(file, '文件而不是目录', { DATABASE_URL: store.url }, `邮件文件夹 ${file}/outbox 无法创建.*文件而不是目录.*或设置 SMTP_URL`);
  });
});

describe('a VAR_DIR that is a file', () => {
  it('stops npm start and npm run outbox with one line naming VAR_DIR, with or without SECRET', () => {
    const varDir = join(tempDir('gongshi-ops-'), 'var');
    writeFileSync(varDir, '');
    expectEachStops(varDir, '文件而不是目录');
  });
});

describe('a SITE_URL without its scheme', () => {
  it('stops npm start, npm run outbox and npm run build naming SITE_URL, without a stack trace; a bad SITE_ICP stops the worker the same way', () => {
    const wrong = { SITE_URL: 'gongshi.example.gov.cn', SECRET: 'Vq3'.repeat(12), SMTP_URL: 'smtp://127.0.0.1:25' };
    const said = 'SITE_URL「gongshi.example.gov.cn」不是网站的地址：应写成 https://gongshi.example.gov.cn 这样';
    for (const [script, args, tag] of [
      ['scripts/start.ts', [], 'start'],
      ['scripts/outbox.ts', ['--once'], 'outbox'],
      ['scripts/build.ts', [], 'build'],
    ] as const) {
      const outDir = join(tempDir('gongshi-ops-'), 'site');
      const ran = run(script, localEnv({ PORT: '0', OUT_DIR: outDir, ...wrong }), [...args]);
      expect(ran.status).toBe(1);
      expect(ran.stderr).toContain(`[${tag}] ${said}`);
      expect(ran.stderr).not.toMatch(STACK_TRACE);
    }
    const filing = run('scripts/outbox.ts', localEnv({ SITE_ICP: '备案号待定' }), ['--once']);
    expect(filing.status).toBe(1);
    expect(filing.stderr).toContain('[outbox] 页脚备案信息有误');
    expect(filing.stderr).not.toContain('triggerUncaughtException');
  });
});
