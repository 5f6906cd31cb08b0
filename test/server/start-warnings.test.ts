import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startSmtp, tempDir } from '../complaints/support.ts';
import { hashTrackingCode, keyId, newReference, newTrackingCode } from '../../functions/complaints/reference.ts';
import { migrate, sqlitePath } from '../../functions/store/index.ts';
import { openSqlite } from '../../functions/store/sqlite.ts';
import { distDir, siteBuilt } from '../support/site.ts';
import { startLog as startLogOf } from '../support/start-log.ts';

const root = resolve(import.meta.dirname, '../..');
const SECRET = 'k3Jq9-Zt7wPx2-Lm4Vb8-Rn6Ys1-Hd5Gf0-Qc';

/** `npm start` on the tests' built site, with a deployment's settings unset unless `extra` gives them. */
function startLog(extra: Record<string, string>, whileUp?: (url: string) => Promise<void>): Promise<string> {
  const env = {
    OUT_DIR: distDir,
    VAR_DIR: tempDir('gongshi-warn-'),
    DATABASE_URL: '',
    SECRET,
    SMTP_URL: 'smtp://127.0.0.1:2525',
    SITE_OWNER: '',
    CONTENT_DIR: '',
    ...extra,
  };
  return startLogOf(env, whileUp);
}

/** The tests' built site as if it had been built for `siteUrl` (the build's record of its address says so). */
function builtFor(siteUrl: string): string {
  const outDir = tempDir('gongshi-built-for-');
  for (const entry of readdirSync(distDir)) if (entry !== '_functions') symlinkSync(join(distDir, entry), join(outDir, entry));
  mkdirSync(join(outDir, '_functions'));
  for (const entry of readdirSync(join(distDir, '_functions')))
    if (entry !== 'built-with.json') symlinkSync(join(distDir, '_functions', entry), join(outDir, '_functions', entry));
  writeFileSync(join(outDir, '_functions', 'built-with.json'), `${JSON.stringify({ siteUrl, contentDir: join(root, 'content') })}\n`);
  return outDir;
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
    expect(careless).toContain('注意：SITE_ICP 没有设置');
    const own = tempDir('gongshi-own-content-');
    const careful = await startLog({
      OUT_DIR: builtFor('https://gongshi.example.gov.cn'),
      SITE_URL: 'https://gongshi.example.gov.cn',
      CONTENT_DIR: own,
      SITE_OWNER: '献县司法局',
      SITE_ICP: '冀ICP备2026000001号-1',
    });
    expect(careful).toContain(`内容目录：${own}`);
    expect(careful).not.toContain('注意：');
    // A local run (no SITE_URL) is the sample's home: no warnings.
    expect(await startLog({ SITE_URL: '' })).not.toContain('注意：');
  });
});

/**
 * Operator trial: `NO_BUILD=1 PORT=0 npm start` on a site built for port 4321 said 「链接和二维码使用
 * http://localhost:<its port>」 while every page's QR code led to 4321; a deployment whose SITE_URL changed since its
 * build (it is not rebuilt at start) was told the same of the new address. The line now names the address the served
 * build was made for, and a deployment is warned.
 */
describe.skipIf(!siteBuilt())('npm start says where the QR codes of the site it serves point', { timeout: 60_000 }, () => {
  it('a build for another port (NO_BUILD=1) or another SITE_URL is named; a deployment is warned; its own build: neither', async () => {
    const builtAt = (JSON.parse(readFileSync(join(distDir, '_functions', 'built-with.json'), 'utf8')) as { siteUrl: string }).siteUrl;
    const local = await startLog({ SITE_URL: '' });
    const port = /listening http:\/\/[\d.]+:(\d+)/.exec(local)![1];
    expect(local).toContain(`（邮件中的链接使用 http://localhost:${port}；网页上的二维码指向 ${builtAt}：${distDir} 是为它构建的，NO_BUILD=1 没有重新构建）`);
    expect(local).not.toContain('注意：');

    const moved = await startLog({ SITE_URL: 'https://moved.example.gov.cn' });
    expect(moved).toContain(`（邮件中的链接使用 https://moved.example.gov.cn；网页上的二维码指向 ${builtAt}：${distDir} 是为它构建的）`);
    expect(moved).toContain(`注意：${distDir} 是为 ${builtAt} 构建的，网页上的二维码指向那里，不是 SITE_URL（https://moved.example.gov.cn）。`);

    const own = await startLog({ SITE_URL: 'https://moved.example.gov.cn', OUT_DIR: builtFor('https://moved.example.gov.cn') });
    expect(own).toContain('（链接和二维码使用 https://moved.example.gov.cn）');
    expect(own).not.toContain('二维码指向');
  });
});

/** The footer's filing numbers (src/core/filings.ts): shown when set, a value not shaped like one stops the start. */
describe.skipIf(!siteBuilt())("npm start and the footer's filing numbers", { timeout: 60_000 }, () => {
  it('a malformed SITE_ICP stops it, naming the setting; well-formed ones are in the footer of the pages it renders', async () => {
    const refused = await startLog({ SITE_ICP: '备案号12345' }).then(
      () => '',
      (error: Error) => error.message,
    );
    expect(refused).toContain('start exited (1)');
    expect(refused).toContain('SITE_ICP 的格式不对');
    expect(refused).not.toMatch(/^\s+at /m);
    let page = '';
    await startLog({ SITE_ICP: '冀ICP备2026000001号-1', SITE_PSB: '冀公网安备13098202000001号', SITE_GOV_ID: '1309820001' }, async (url) => {
      // A page the functions render (a form post they refuse), not one the build wrote.
      const response = await fetch(`${url}/api/complaints`, { method: 'POST', headers: { accept: 'text/html', 'content-type': 'text/plain' }, body: 'x' });
      page = await response.text();
    });
    expect(page).toContain('<a href="https://beian.miit.gov.cn/" rel="noreferrer">冀ICP备2026000001号-1</a>');
    expect(page).toContain('<a href="https://beian.mps.gov.cn/#/query/webSearch?code=13098202000001" rel="noreferrer">冀公网安备13098202000001号</a>');
    expect(page).toContain('政府网站标识码：1309820001');
  });
});

/**
 * Tracking codes hashed under a key that is configured nowhere fail every lookup, for good: `npm start` counts them
 * and says which setting brings them back (SECRET_RETIRED), without printing any key.
 */
describe.skipIf(!siteBuilt())('npm start and tracking codes made under keys no longer configured', { timeout: 60_000 }, () => {
  it('warns with their number and key id; with the old key in SECRET_RETIRED no warning, a note that it is still needed', async () => {
    const oldKey = 'Wr8mT3-bN6vQz1-Kc4yPh7-Sd2gLx9-Fj5uAe0';
    const varDir = tempDir('gongshi-keys-');
    const db = openSqlite(sqlitePath(varDir));
    await migrate(db);
    const insert = (hash: string) =>
      db.run(
        `INSERT INTO complaints (id, reference, tracking_hash, kind, status, agency_id, category, target, contents, created_at, updated_at)
           VALUES (?, ?, ?, 'complaint', 'resolved', 'renqiu-cgj', 'other', '{}', '{}', '2026-01-05T02:00:00.000Z', '2026-01-05T02:00:00.000Z')`,
        [newReference(), newReference(), hash],
      );
    await insert(hashTrackingCode(newTrackingCode(), oldKey));
    await insert(hashTrackingCode(newTrackingCode(), oldKey));
    await insert(hashTrackingCode(newTrackingCode(), SECRET));
    await db.close();

    const lost = await startLog({ VAR_DIR: varDir });
    expect(lost).toContain(`注意：2 件投诉的查询码由已不在配置中的密钥生成（密钥编号 ${keyId(oldKey)}），查询会失败：请把原密钥放入 SECRET_RETIRED`);
    const kept = await startLog({ VAR_DIR: varDir, SECRET_RETIRED: oldKey });
    expect(kept).not.toContain('注意：');
    expect(kept).toContain('2 件投诉的查询码仍可能要用 SECRET_PREVIOUS 或 SECRET_RETIRED 中的密钥核对');
    for (const log of [lost, kept]) {
      expect(log).not.toContain(oldKey);
      expect(log).not.toContain(SECRET);
    }
  });
});

/** Whether the server trusts X-Forwarded-For decides whose rate limit a visitor counts against: said at every start. */
describe.skipIf(!siteBuilt())('npm start says how it takes client addresses (TRUST_PROXY)', { timeout: 60_000 }, () => {
  it('unset: not trusted, every visitor behind a proxy sharing one limit; a hop count; the trusted addresses', async () => {
    expect(await startLog({ TRUST_PROXY: '' })).toContain(
      '[start] 客户端地址：取连接的来源地址，不信任 X-Forwarded-For（TRUST_PROXY 未设置或为 0）；在反向代理后面时，所有访客共用代理地址的一份限流额度',
    );
    expect(await startLog({ TRUST_PROXY: '2' })).toContain('[start] 客户端地址：信任 2 层代理，取 X-Forwarded-For 中右起第 2 个地址（TRUST_PROXY=2）');
    expect(await startLog({ TRUST_PROXY: 'loopback, 10.0.0.0/8' })).toContain('[start] 客户端地址：信任来自 loopback, 10.0.0.0/8 的代理');
  });
});

/**
 * A wrong SMTP_URL host or port used to show only at the first complaint's mail round: `npm start` checks the relay
 * (connect and log in) in the background and says how it went, naming host and port, never the user or password.
 */
describe.skipIf(!siteBuilt())('npm start checks that the SMTP relay answers', { timeout: 60_000 }, () => {
  it('a relay that answers and takes the login: reachable; the same relay down: not reachable, and the start goes on', async () => {
    const smtp = await startSmtp({ auth: true });
    const user = 'relay-user-q7';
    const password = 'Pw-9xKq-relay';
    const smtpUrl = `smtp://${user}:${password}@127.0.0.1:${smtp.port}`;
    // The check runs beside the start and prints after the listening line: a moment more to see it.
    const settle = () => new Promise<void>((r) => setTimeout(r, 1500));
    let up: string;
    try {
      up = await startLog({ SMTP_URL: smtpUrl }, settle);
    } finally {
      await smtp.stop();
    }
    expect(up).toContain(`[start] 邮件服务器检查：SMTP 127.0.0.1:${smtp.port} 可以连接，登录成功`);
    const down = await startLog({ SMTP_URL: smtpUrl }, settle);
    expect(down).toContain('listening http');
    expect(down).toContain(`[start] 邮件服务器检查（ESOCKET ECONNREFUSED）：无法连接邮件服务器（SMTP 127.0.0.1:${smtp.port}），请检查 SMTP_URL 中的主机、端口`);
    expect(down).toContain('启动照常进行');
    for (const log of [up, down]) {
      expect(log).not.toContain(password);
      expect(log).not.toContain(user);
    }
  });
});
