import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSiteInBackground } from '../../scripts/build/atomic.ts';
import type { Db } from '../../functions/store/index.ts';
import { publishVersion } from '../../functions/store/records/roster-versions.ts';
import { shanghaiTime } from '../../functions/publish/pages.ts';
import { pgSkipReason, tempDir } from '../complaints/support.ts';
import { storeWithUrl } from './support.ts';
import { mailedSignInPath, serverClient, startServer, stopServer, until, type Server } from './servers.ts';

/**
 * A real `npm start` server whose build reads another store than the one its workspace writes to: ROSTER_STORE_URL
 * names another database than DATABASE_URL (docs/DEPLOY.md, "Several `npm start` servers"). A version another server
 * recorded in the workspace's store is never in this server's builds: its workspace page must say so — since when,
 * that its public still sees the previous roster, what the operator checks — instead of 正在重新生成 for ever, and
 * never print the address's password. PostgreSQL: two schemas, one for the functions, one the build is pointed at.
 */
const root = resolve(import.meta.dirname, '../..');
const SITE = 'http://localhost:4321';
const NUMBER = 'RQ-JT-9002';
const PASSWORD = 'behind-test-secret-pw';
/** One catch-up build on a shared machine: waiting, not timing. */
const DEADLINE_MS = 300_000;

describe.skipIf(!!pgSkipReason)('a server whose ROSTER_STORE_URL names another store than its workspace', () => {
  const work = tempDir('gongshi-behind-');
  const varDir = join(work, 'var');
  let server: Server | undefined;
  let workspace: { db: Db; url: string } | undefined;
  let other: { db: Db; url: string } | undefined;

  beforeAll(async () => {
    workspace = await storeWithUrl('postgres');
    other = await storeWithUrl('postgres');
    // A production-like address: a role with a password (the test server trusts 127.0.0.1 and never asks for it).
    const elsewhere = new URL(other.url);
    elsewhere.password = PASSWORD;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      CONTENT_DIR: join(root, 'content'),
      VAR_DIR: varDir,
      SITE_URL: SITE,
      SECRET: 'behind-test-secret-behind-test-secret-0123456',
      PORT: '0',
      NO_BUILD: '1',
      REBUILD_CHECK_MS: '500',
      OUTBOX_INTERVAL_MS: '200',
      DATABASE_URL: workspace.url,
      ROSTER_STORE_URL: elsewhere.toString(),
      OUT_DIR: join(work, 'dist'),
    };
    delete env.SMTP_URL;
    const first = await buildSiteInBackground({ outDir: join(work, 'dist'), env: { ...env, ASTRO_CACHE_DIR: join(work, 'cache') } });
    if (!first.ok) throw new Error(first.output);
    server = await startServer(env);
  }, 400_000);

  afterAll(async () => {
    await stopServer(server);
    await workspace?.db.close();
    await other?.db.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('says the site was not regenerated, since when, that the public sees the previous roster, and what to check', async () => {
    const S = server!;
    const call = serverClient();
    expect((await call(S, 'POST', '/publish/sign-in', new URLSearchParams({ agency: 'renqiu-jtys' }))).status).toBe(200);
    expect((await call(S, 'POST', await mailedSignInPath(varDir, SITE, S.output))).status).toBe(303);

    // Recorded in the workspace's store as another server takes a confirmation.
    const publishedAt = new Date().toISOString();
    await publishVersion(workspace!.db, {
      agencyId: 'renqiu-jtys',
      publishedAt,
      mailbox: 'jtj@renqiu.gov.cn.example',
      fileHash: 'h',
      counts: { total: 1 },
      diff: {},
      records: [{ certificateNo: NUMBER, name: '路政远', agencyId: 'renqiu-jtys', status: 'active' }],
    });
    // The server notices it, rebuilds, and finds at its next look that its build did not read it.
    await until(
      'the catch-up found out',
      async () => (S.output().includes('构建读到的已发布名单版本与数据库中的不同') ? true : undefined),
      DEADLINE_MS,
      S.output,
    );
    const page = await until(
      'the workspace page saying so',
      async () => {
        const answer = await call(S, 'GET', '/publish/workspace/');
        return answer.text.includes('data-state="building"') ? undefined : answer.text;
      },
      10_000,
      S.output,
    );
    const text = page.replace(/<[^>]+>/g, '');
    expect(page).toContain('data-state="behind"');
    expect(text).toContain(`第 1 版已于 ${shanghaiTime(publishedAt)}（北京时间）记录，但本服务器的网站至今没有按这一版重新生成`);
    expect(text).toContain('通过本服务器访问网站的公众看到的仍是之前的名单');
    expect(text).toContain('请查看本服务器的日志');
    expect(text).toContain('ROSTER_STORE_URL');
    // True of what it serves: the number is not on this server's site.
    expect((await fetch(`${S.url}/verify/${NUMBER}/`, { redirect: 'manual' })).status).toBe(302);
    // Settings are named, never their values: neither the page nor the log holds the password.
    expect(page).not.toContain(PASSWORD);
    expect(page).not.toContain('postgres://');
    expect(S.output()).not.toContain(PASSWORD);
  }, 400_000);
});
