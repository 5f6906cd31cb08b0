import { cpSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildSiteInBackground } from '../../scripts/build/atomic.ts';
import type { Db } from '../../functions/store/index.ts';
import { tempDir } from '../complaints/support.ts';
import { describeEachStore } from '../support/stores.ts';
import { csv, storeWithUrl } from './support.ts';
import { mailedSignInPath, serverClient, startServer, stopServer, until, type Server } from './servers.ts';

/**
 * Two real `npm start` servers behind one proxy, on one store, each with its own OUT_DIR (docs/DEPLOY.md, "Several
 * `npm start` servers"): a clerk confirms a version on server A; server B, which took no request about it, notices
 * it in the store (REBUILD_CHECK_MS, here 0.5 s) and rebuilds itself, so it serves the new number — its verify page
 * and its functions' directory — without anyone touching it. PostgreSQL (one schema) and one shared SQLite file.
 */
const root = resolve(import.meta.dirname, '../..');
const SITE = 'http://localhost:4321';
const NUMBER = 'RQ-JT-9001';
/** Two builds, one after the other (one checkout: scripts/build/atomic.ts buildLock), on a shared machine: waiting, not timing. */
const DEADLINE_MS = 300_000;

/** The verify page of `no` as a server answers it: 200 with the page once its build and directory have the number. */
async function verifyPage(server: Server, no: string): Promise<{ status: number; text: string }> {
  const response = await fetch(`${server.url}/verify/${no}/`, { redirect: 'manual' });
  return { status: response.status, text: await response.text() };
}

describeEachStore('several npm start servers on one store, each with its own OUT_DIR', (kind) => {
  const work = tempDir('gongshi-multiserver-');
  const a: { server?: Server } = {};
  const b: { server?: Server } = {};
  let store: { db: Db; url: string } | undefined;
  let env: NodeJS.ProcessEnv = {};

  beforeAll(async () => {
    const varDir = join(work, 'var');
    env = {
      ...process.env,
      CONTENT_DIR: join(root, 'content'),
      VAR_DIR: varDir,
      SITE_URL: SITE,
      SECRET: 'multiserver-test-secret-multiserver-test-0123',
      PORT: '0',
      NO_BUILD: '1',
      REBUILD_CHECK_MS: '500',
      OUTBOX_INTERVAL_MS: '200',
    };
    delete env.ROSTER_STORE_URL;
    delete env.SMTP_URL;
    delete env.DATABASE_URL;
    // PostgreSQL: one schema for both servers and their builds. SQLite: both share <VAR_DIR>/gongshi.sqlite, which
    // server A creates (the first build finds no file and reads no version, as on a new deployment).
    if (kind === 'postgres') {
      store = await storeWithUrl('postgres');
      env.DATABASE_URL = store.url;
    }
    // One build, copied: both servers start serving the same site, each from its own folder.
    const first = await buildSiteInBackground({ outDir: join(work, 'a', 'dist'), env: { ...env, ASTRO_CACHE_DIR: join(work, 'cache') } });
    if (!first.ok) throw new Error(first.output);
    cpSync(realpathSync(join(work, 'a', 'dist')), join(work, 'b', 'dist.build-copy'), { recursive: true });
    symlinkSync('dist.build-copy', join(work, 'b', 'dist'), 'dir');
    a.server = await startServer({ ...env, OUT_DIR: join(work, 'a', 'dist') });
    b.server = await startServer({ ...env, OUT_DIR: join(work, 'b', 'dist') });
  }, 400_000);

  afterAll(async () => {
    await stopServer(a.server);
    await stopServer(b.server);
    await store?.db.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('a version confirmed on server A is served by server B within its check interval, with no request to B', async () => {
    const A = a.server!;
    const B = b.server!;
    const logs = () => `--- A ---\n${A.output()}\n--- B ---\n${B.output()}`;
    expect(B.output()).toContain('每 0.5 秒查看数据库');
    expect((await verifyPage(B, NUMBER)).status).toBe(302);

    // The clerk signs in through A with the mailed link (either server's mail worker may send it: one VAR_DIR).
    const call = serverClient();
    expect((await call(A, 'POST', '/publish/sign-in', new URLSearchParams({ agency: 'renqiu-jtys' }))).status).toBe(200);
    const link = await mailedSignInPath(env.VAR_DIR!, SITE, logs);
    expect((await call(A, 'POST', link)).status).toBe(303);

    const form = new FormData();
    form.append(
      'roster',
      new File(
        [
          csv([
            ['姓名', '证件编号', '岗位', '状态'],
            ['路政新', NUMBER, '路政协管员', '在岗'],
          ]),
        ],
        '交通运输局-2026-11-20.csv',
      ),
    );
    const uploaded = await call(A, 'POST', '/publish/workspace/upload', form);
    expect(uploaded.status).toBe(200);
    const draft = /name="draft" value="([0-9a-f-]{36})"/.exec(uploaded.text)![1]!;
    expect((await call(A, 'POST', '/publish/workspace/confirm', new URLSearchParams({ draft }))).status).toBe(303);

    // A rebuilds because it took the confirmation; B because it found the version in the store.
    const live = await until(
      'server A live',
      async () => {
        const page = await call(A, 'GET', '/publish/workspace/');
        return page.text.includes('data-state="live"') ? page.text : undefined;
      },
      DEADLINE_MS,
      logs,
    );
    // The clerk is told A's site has it and what the other servers do.
    expect(live).toContain('其余服务器在 1 秒内发现这一版并各自重新生成');
    const served = await until(
      'server B serving the new number',
      async () => {
        const page = await verifyPage(B, NUMBER);
        return page.status === 200 ? page : undefined;
      },
      DEADLINE_MS,
      logs,
    );
    expect(served.text).toContain('路政新');
    expect(B.output()).toMatch(/\[publish\] 数据库中有本服务器网站尚未包含的名单版本变化（renqiu-jtys#1）/);
    // B's own workspace page, for the same clerk (one store, one key): the version is live on B too.
    expect((await call(B, 'GET', '/publish/workspace/')).text).toContain('data-state="live"');
    expect((await verifyPage(A, NUMBER)).status).toBe(200);
  }, 900_000);
});
