import { rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../functions/store/index.ts';
import { publishFunctions } from '../../functions/publish/http.ts';
import { buildHook, makeRepublisher } from '../../functions/publish/republish.ts';
import { createApp } from '../../functions/server/app.ts';
import { listVersions } from '../../functions/store/records/roster-versions.ts';
import { readSettings } from '../../src/core/settings.ts';
import { freshDb, startSmtp, tempDir } from '../complaints/support.ts';
import { csv, mailedLink, publishDirectory, publishWorld } from './support.ts';
import { describeEachStore } from '../support/stores.ts';

/**
 * The serverless deployment's republishing: confirm and undo POST the host's build hook (BUILD_HOOK_URL), here a
 * real HTTP server on loopback that answers as the test says. The clerk is told in the answer to the POST itself.
 */
interface Hook {
  url: string;
  calls: { method: string; path: string }[];
  status: number;
  server: Server;
}

async function startHook(): Promise<Hook> {
  const hook = { calls: [], status: 200 } as unknown as Hook;
  hook.server = createServer((req, res) => {
    hook.calls.push({ method: req.method ?? '', path: req.url ?? '' });
    req.resume();
    req.on('end', () => res.writeHead(hook.status, { 'content-type': 'application/json' }).end('{}'));
  });
  await new Promise<void>((done) => hook.server.listen(0, '127.0.0.1', done));
  hook.url = `http://127.0.0.1:${(hook.server.address() as AddressInfo).port}/build_hooks/5f3c0ffee`;
  return hook;
}

const HEADER = ['姓名', '单位', '证件编号', '岗位', '状态'];
const draftOf = (html: string) => /name="draft" value="([0-9a-f-]{36})"/.exec(html)?.[1] ?? '';

describeEachStore('the build hook', (kind) => {
  let db: Db;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let hook: Hook;
  beforeAll(async () => {
    db = await freshDb(kind);
    smtp = await startSmtp();
    hook = await startHook();
  });
  afterAll(async () => {
    hook?.server.close();
    await smtp?.stop();
    await db?.close();
  });

  async function signedInClerk(agencyId: string, mailbox: string, hookUrl = hook.url) {
    const world = await publishWorld(db);
    const reloaded: string[] = [];
    const republisher = makeRepublisher({ store: db, build: buildHook(hookUrl, 2000), afterBuild: async () => void reloaded.push('x'), wait: true });
    const handler = publishFunctions(world, republisher);
    const jar: string[] = [];
    const call = async (path: string, body: URLSearchParams | FormData) => {
      const response = (await handler(
        new Request(`https://gongshi.example${path}`, {
          method: 'POST',
          headers: { ...(body instanceof URLSearchParams ? { 'content-type': 'application/x-www-form-urlencoded' } : {}), cookie: jar.join('; ') },
          body: body instanceof URLSearchParams ? body.toString() : body,
        }),
        { clientAddress: '192.0.2.90' },
      ))!;
      const set = response.headers.get('set-cookie');
      if (set) jar.push(set.split(';')[0]!);
      return { status: response.status, text: await response.text() };
    };
    await call('/publish/sign-in', new URLSearchParams({ agency: agencyId }));
    await call(await mailedLink(db, world, smtp, mailbox), new URLSearchParams());
    const publish = async (rows: string[][], left: string[] = []) => {
      const form = new FormData();
      form.append('roster', new File([csv([HEADER, ...rows])], 'export-2026-11-20.csv'));
      const up = await call('/publish/workspace/upload', form);
      expect(up.status).toBe(200);
      return call('/publish/workspace/confirm', new URLSearchParams([['draft', draftOf(up.text)], ...left.map((no) => ['left', no])]));
    };
    return { publish, undo: (seq: number) => call('/publish/workspace/undo', new URLSearchParams({ seq: String(seq) })), reloaded };
  }

  it('confirm POSTs the hook once; a 2xx records the version as requested, not live', async () => {
    hook.status = 201;
    const before = hook.calls.length;
    const { publish, reloaded } = await signedInClerk('city-cgj', 'roster@cgj.city.example');
    const confirmed = await publish([['张三', '', 'SL-CG-0001', '协管员', '在岗']]);
    expect(confirmed.status).toBe(200);
    expect(confirmed.text).toContain('data-state="requested"');
    expect(confirmed.text).toContain('已通知网站托管平台重新生成网站');
    expect(confirmed.text).not.toContain('5f3c0ffee');
    expect(hook.calls.slice(before)).toEqual([{ method: 'POST', path: '/build_hooks/5f3c0ffee' }]);
    expect((await listVersions(db, 'city-cgj')).map((v) => [v.seq, v.status])).toEqual([[1, 'published']]);
    // The functions' directory changes when the host deploys the new build, not now.
    expect(reloaded).toEqual([]);
  });

  it('a refusing hook withdraws the version and tells the clerk at once; so does an undo, keeping the version before', async () => {
    hook.status = 201;
    const { publish, undo } = await signedInClerk('city-scjg', 'scjg@city.example');
    expect((await publish([['李四', '', 'SL-SC-0002', '协管员', '在岗']])).status).toBe(200);
    hook.status = 500;
    const refused = await publish([['李四', '', 'SL-SC-0002', '协管员', '暂停']]);
    expect(refused.status).toBe(502);
    expect(refused.text).toContain('data-state="failed"');
    expect(refused.text).toContain('调用构建钩子失败（HTTP 500）');
    expect(refused.text).not.toContain('5f3c0ffee');
    // Withdrawn: version 1 is again the published one, and the page says so.
    expect(refused.text).toContain('当前第 1 版');
    const versions = await listVersions(db, 'city-scjg');
    expect(versions.map((v) => [v.seq, v.status])).toEqual([[1, 'published']]);
    expect(JSON.parse(versions[0]!.records)[0]).toMatchObject({ status: 'active' });

    hook.status = 201;
    expect((await publish([['李四', '', 'SL-SC-0002', '协管员', '暂停']])).status).toBe(200);
    hook.status = 503;
    const undone = await undo(2);
    expect(undone.status).toBe(502);
    expect(undone.text).toContain('调用构建钩子失败（HTTP 503）');
    expect((await listVersions(db, 'city-scjg')).map((v) => [v.seq, v.status])).toEqual([
      [2, 'published'],
      [1, 'superseded'],
    ]);
  });

  it('a hook that cannot be reached withdraws the version too', async () => {
    const closed = await startHook();
    await new Promise((done) => closed.server.close(done));
    const { publish } = await signedInClerk('lone-unit', 'lone@other.example', closed.url);
    const refused = await publish([['王五', '', 'LO-0003', '协管员', '在岗']]);
    expect(refused.status).toBe(502);
    expect(refused.text).toContain('调用构建钩子失败（无法连接或超时）');
    expect(await listVersions(db, 'lone-unit')).toEqual([]);
  });
});

describe('BUILD_HOOK_URL as a setting', () => {
  it('a hook that does not answer in time counts as refused', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((done) => silent.listen(0, '127.0.0.1', done));
    try {
      const started = performance.now();
      const result = await buildHook(`http://127.0.0.1:${(silent.address() as AddressInfo).port}/hook`, 300)();
      expect(result).toMatchObject({ ok: false, message: expect.stringContaining('无法连接或超时') });
      expect(performance.now() - started).toBeLessThan(3000);
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });

  it('is read from the environment, and the functions POST it when set', async () => {
    const hook = await startHook();
    try {
      expect(readSettings({}).buildHookUrl).toBeUndefined();
      const work = tempDir('gongshi-hook-');
      const env = { VAR_DIR: join(work, 'var'), SECRET: 'hook-test-secret-hook-test-secret-0123456', BUILD_HOOK_URL: ` ${hook.url} ` };
      const settings = readSettings(env);
      expect(settings.buildHookUrl).toBe(hook.url);
      const directory = await publishDirectory();
      const withHook = await createApp(settings, { directory, env, log: () => undefined });
      const without = await createApp(readSettings({ ...env, BUILD_HOOK_URL: '' }), { directory, env, log: () => undefined });
      try {
        expect(without.republisher).toBeUndefined();
        expect(await withHook.republisher!.request({ agency_id: 'city-gov', seq: 1 } as never)).toEqual({ seq: 1, state: 'requested' });
        expect(hook.calls).toEqual([{ method: 'POST', path: '/build_hooks/5f3c0ffee' }]);
      } finally {
        await withHook.close();
        await without.close();
        rmSync(work, { recursive: true, force: true });
      }
    } finally {
      hook.server.close();
    }
  });
});
