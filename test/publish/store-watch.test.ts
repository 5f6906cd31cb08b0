import { describe, expect, it } from 'vitest';
import type { Directory } from '../../src/core/directory.ts';
import { listVersions, publishVersion, withdrawVersions } from '../../functions/store/records/roster-versions.ts';
import { makeRepublisher, type SiteBuilder } from '../../functions/publish/republish.ts';
import { makeStoreWatch, rebuildCheckMsFromEnv, rebuildOverdueMs, runStoreWatch, type StoreWatch } from '../../functions/publish/store-watch.ts';
import { shownState, workspaceHtml, type ShownState } from '../../functions/publish/pages.ts';
import { publishDirectory } from './support.ts';
import type { Db } from '../../functions/store/index.ts';
import { freshDb } from '../complaints/support.ts';

/**
 * The look a server takes for versions published through another server (functions/publish/store-watch.ts), with a
 * stand-in build that records what a real one would: the published versions it read, or (a build reading another
 * store) none. Two real servers: multiserver.test.ts.
 */
const version = (agencyId: string) => ({
  agencyId,
  publishedAt: '2026-11-20T02:00:00.000Z',
  mailbox: 'clerk@example.org',
  fileHash: 'h',
  counts: {},
  diff: {},
  records: [],
});

async function setup(options: { built?: string[] | undefined; reads?: 'store' | 'nothing'; fails?: boolean; now?: () => number } = {}) {
  const db = await freshDb('sqlite');
  const served = { versions: 'built' in options ? options.built : [] };
  const lines: string[] = [];
  let builds = 0;
  let release: (() => void) | undefined;
  let hold = false;
  const build: SiteBuilder = async () => {
    builds++;
    if (hold) await new Promise<void>((r) => (release = r));
    if (options.fails) return { ok: false, message: '磁盘已满' };
    const rows = await db.query<{ id: string }>("SELECT id FROM roster_versions WHERE status = 'published'");
    served.versions = options.reads === 'nothing' ? [] : rows.map((r) => r.id).sort();
    return { ok: true };
  };
  // As the server's afterBuild: the versions the new build contains (its directory file's workspaceVersions).
  const republisher = makeRepublisher({ store: db, build, afterBuild: async () => served.versions, log: (l) => lines.push(l) });
  // One directory object per build, as the server's world holds it until a new file is read.
  let current = { workspaceVersions: served.versions } as unknown as Directory;
  const directory = async () => {
    if (current.workspaceVersions !== served.versions) current = { workspaceVersions: served.versions } as unknown as Directory;
    return current;
  };
  const watch = makeStoreWatch({ store: db, republisher, directory, log: (l) => lines.push(l), ...(options.now ? { now: options.now } : {}) });
  return {
    db: db as Db,
    served,
    lines,
    watch,
    republisher,
    builds: () => builds,
    holdBuilds: () => (hold = true),
    release: () => {
      hold = false;
      release?.();
    },
  };
}

/** The visible text of the workspace page showing `state` for city-cgj's versions. */
async function pageText(db: Db, state: ShownState | undefined): Promise<string> {
  const agency = (await publishDirectory()).agency('city-cgj')!;
  const session = { agency, mailbox: 'clerk@example.org', expiresAt: '2026-11-20T10:00:00.000Z' };
  return workspaceHtml(session, await listVersions(db, 'city-cgj'), state).replace(/<[^>]+>/g, '');
}

/** What the workspace page is told by the watch at `now`. */
const viewOf = (watch: StoreWatch, now: number) => ({ lag: watch.lag(), overdueMs: watch.overdueMs, since: watch.since, now });

describe('a server looks for versions published through another server', () => {
  it('rebuilds once for a new version, then nothing while nothing changes', async () => {
    const s = await setup();
    expect(await s.watch.check()).toBe(false);
    const v = await publishVersion(s.db, version('city-cgj'));
    expect(await s.watch.check()).toBe(true);
    await s.republisher.idle();
    expect(s.builds()).toBe(1);
    expect(s.served.versions).toEqual([v.id]);
    expect(s.republisher.status('city-cgj')).toMatchObject({ seq: 1, state: 'live' });
    for (let i = 0; i < 3; i++) expect(await s.watch.check()).toBe(false);
    expect(s.builds()).toBe(1);
    // An undo elsewhere publishes a new version: rebuilt again.
    await publishVersion(s.db, version('city-cgj'));
    expect(await s.watch.check()).toBe(true);
    await s.republisher.idle();
    expect(s.builds()).toBe(2);
    await s.db.close();
  });

  it('does not look while its own build runs, and a confirmation here joins the catch-up build under way', async () => {
    const s = await setup();
    const v = await publishVersion(s.db, version('city-cgj'));
    s.holdBuilds();
    expect(await s.watch.check()).toBe(true);
    expect(await s.watch.check()).toBe(false);
    // The confirmation's own request for the same version (recorded before the build started): no second build.
    expect((await s.republisher.request(v)).state).toBe('building');
    s.release();
    await s.republisher.idle();
    expect(s.builds()).toBe(1);
    await s.db.close();
  });

  it('a build that does not pick the versions up (it reads another store) is not repeated until the store changes', async () => {
    const s = await setup({ reads: 'nothing' });
    await publishVersion(s.db, version('city-cgj'));
    expect(await s.watch.check()).toBe(true);
    await s.republisher.idle();
    expect(await s.watch.check()).toBe(false);
    expect(await s.watch.check()).toBe(false);
    expect(s.builds()).toBe(1);
    expect(s.lines.filter((l) => l.includes('ROSTER_STORE_URL 与 DATABASE_URL'))).toHaveLength(1);
    await publishVersion(s.db, version('city-sfj'));
    expect(await s.watch.check()).toBe(true);
    await s.republisher.idle();
    expect(s.builds()).toBe(2);
    await s.db.close();
  });

  it('a failed catch-up build keeps the versions published (another server built them) and tries again later', async () => {
    let clock = 0;
    const s = await setup({ fails: true, now: () => clock });
    await publishVersion(s.db, version('city-cgj'));
    expect(await s.watch.check()).toBe(true);
    await s.republisher.idle();
    // This server's trouble (its disk) withdraws nothing that the other servers publish.
    expect((await listVersions(s.db, 'city-cgj')).map((v) => v.status)).toEqual(['published']);
    expect(s.republisher.status('city-cgj')).toBeUndefined();
    expect(s.lines.some((l) => l.includes('kept published elsewhere: city-cgj#1'))).toBe(true);
    // Not again at once; again after the retry time.
    expect(await s.watch.check()).toBe(false);
    expect(s.builds()).toBe(1);
    clock += 10 * 60_000;
    expect(await s.watch.check()).toBe(true);
    await s.republisher.idle();
    expect(s.builds()).toBe(2);
    await s.db.close();
  });

  it('a confirmation taken here that a check caught first is still withdrawn when its build fails', async () => {
    const s = await setup({ fails: true });
    s.holdBuilds();
    const row = await publishVersion(s.db, version('city-cgj'));
    expect(await s.watch.check()).toBe(true);
    const answered = await s.republisher.request(row);
    expect(answered.state).toBe('building');
    s.release();
    await s.republisher.idle();
    expect(await listVersions(s.db, 'city-cgj')).toEqual([]);
    expect(s.republisher.status('city-cgj')).toMatchObject({ state: 'failed', withdrawn: [1] });
    await s.db.close();
  });

  it('a version withdrawn elsewhere before this build read the store is not said to be live here', async () => {
    const s = await setup();
    await publishVersion(s.db, version('city-cgj'));
    await s.watch.check();
    await s.republisher.idle();
    const v2 = await publishVersion(s.db, version('city-cgj'));
    s.holdBuilds();
    expect(await s.watch.check()).toBe(true);
    // The other server's build of v2 failed: it withdraws v2 (v1 published again) before this build reads the store.
    await withdrawVersions(s.db, 'city-cgj', [v2.id]);
    s.release();
    await s.republisher.idle();
    const [current] = await listVersions(s.db, 'city-cgj');
    expect(current).toMatchObject({ seq: 1, status: 'published' });
    expect(s.republisher.status('city-cgj')).toBeUndefined();
    expect(shownState(s.republisher.status('city-cgj'), current, s.served.versions, true)).toBeUndefined();
    expect(s.lines.some((l) => l.includes('not in the new build: city-cgj#2'))).toBe(true);
    // In step: nothing more to do.
    expect(await s.watch.check()).toBe(false);
    await s.db.close();
  });

  it('a version a later build no longer contains (withdrawn after this build read it) loses its live', async () => {
    const s = await setup();
    const v1 = await publishVersion(s.db, version('city-cgj'));
    expect(await s.watch.check()).toBe(true);
    await s.republisher.idle();
    expect(s.republisher.status('city-cgj')).toMatchObject({ seq: 1, state: 'live' });
    // Withdrawn elsewhere (its first version: nothing is published again): the catch-up adds no version.
    await withdrawVersions(s.db, 'city-cgj', [v1.id]);
    expect(await s.watch.check()).toBe(true);
    await s.republisher.idle();
    expect(s.served.versions).toEqual([]);
    expect(s.republisher.status('city-cgj')).toBeUndefined();
    expect(shownState(s.republisher.status('city-cgj'), (await listVersions(s.db, 'city-cgj'))[0], s.served.versions, true)).toBeUndefined();
    await s.db.close();
  });

  it('a build that succeeds but reads another store: not live, not rebuilt after 10 minutes, explained once per store state', async () => {
    let clock = 0;
    const s = await setup({ reads: 'nothing', now: () => clock });
    await publishVersion(s.db, version('city-cgj'));
    expect(await s.watch.check()).toBe(true);
    await s.republisher.idle();
    expect(s.republisher.status('city-cgj')).toBeUndefined();
    for (let i = 0; i < 3; i++) {
      clock += 10 * 60_000;
      expect(await s.watch.check()).toBe(false);
    }
    expect(s.builds()).toBe(1);
    const explained = () => s.lines.filter((l) => l.includes('ROSTER_STORE_URL 与 DATABASE_URL')).length;
    expect(explained()).toBe(1);
    // The store changes: one rebuild, explained again for the new state, not live either.
    await publishVersion(s.db, version('city-sfj'));
    expect(await s.watch.check()).toBe(true);
    await s.republisher.idle();
    clock += 10 * 60_000;
    expect(await s.watch.check()).toBe(false);
    expect(await s.watch.check()).toBe(false);
    expect(s.builds()).toBe(2);
    expect(explained()).toBe(2);
    expect(s.republisher.status('city-sfj')).toBeUndefined();
    await s.db.close();
  });

  it("a build that reads another store: the workspace says this server's site was not regenerated, not 正在重新生成", async () => {
    const clock = Date.parse('2026-11-20T02:00:30.000Z');
    const s = await setup({ reads: 'nothing', now: () => clock });
    const v = await publishVersion(s.db, version('city-cgj'));
    expect(await s.watch.check()).toBe(true);
    await s.republisher.idle();
    // Built without it: found out at the next look.
    expect(await s.watch.check()).toBe(false);
    expect(s.watch.lag()).toEqual({ cause: 'other-store', ids: [v.id] });
    const [current] = await listVersions(s.db, 'city-cgj');
    const state = shownState(s.republisher.status('city-cgj'), current, s.served.versions, true, viewOf(s.watch, clock));
    expect(state).toEqual({ seq: 1, state: 'behind', since: '2026-11-20T02:00:00.000Z', lag: { cause: 'other-store', ids: [v.id] } });
    const text = await pageText(s.db, state);
    expect(text).toContain('第 1 版已于 2026-11-20 10:00（北京时间）记录，但本服务器的网站至今没有按这一版重新生成');
    expect(text).toContain('通过本服务器访问网站的公众看到的仍是之前的名单');
    expect(text).toContain('网站生成读取的数据库与工作台记录名单的数据库不是同一个');
    expect(text).toContain('请查看本服务器的日志');
    expect(text).toContain('每台服务器的 ROSTER_STORE_URL（未设置时为 DATABASE_URL）是否都指向工作台所用的同一个数据库');
    expect(text).not.toContain('正在重新生成');
    // The store changes (another agency): what the watch found out is not said of a state it has not tried yet.
    const other = await publishVersion(s.db, version('city-sfj'));
    const [sfj] = await listVersions(s.db, 'city-sfj');
    expect(shownState(undefined, sfj, s.served.versions, true, viewOf(s.watch, clock))).toEqual({ seq: 1, state: 'building' });
    expect(await s.watch.check()).toBe(true);
    expect(s.watch.lag()).toBeUndefined();
    await s.republisher.idle();
    expect(await s.watch.check()).toBe(false);
    expect(s.watch.lag()).toEqual({ cause: 'other-store', ids: [v.id, other.id].sort() });
    await s.db.close();
  });

  it('a catch-up whose build failed: the workspace says how many tries failed and when the next is, also while it runs', async () => {
    let clock = Date.parse('2026-11-20T02:00:30.000Z');
    const s = await setup({ fails: true, now: () => clock });
    const v = await publishVersion(s.db, version('city-cgj'));
    expect(await s.watch.check()).toBe(true);
    await s.republisher.idle();
    const retryAt = clock + 10 * 60_000;
    expect(s.watch.lag()).toEqual({ cause: 'failed', ids: [v.id], failures: 1, retrying: false, retryAt });
    const [current] = await listVersions(s.db, 'city-cgj');
    const shown = () => shownState(s.republisher.status('city-cgj'), current, s.served.versions, true, viewOf(s.watch, clock));
    expect(shown()).toMatchObject({ seq: 1, state: 'behind', lag: { cause: 'failed', failures: 1 } });
    let text = await pageText(s.db, shown());
    expect(text).toContain('本服务器重新生成网站已失败 1 次，将于 2026-11-20 10:10（北京时间）前后或有新的版本时再试');
    expect(text).toContain('[publish] build error 开头的行写明生成失败的原因');
    expect(text).toContain('ROSTER_STORE_URL');
    // The retry runs: its own state is building, but the page says what went before.
    clock = retryAt;
    s.holdBuilds();
    expect(await s.watch.check()).toBe(true);
    expect(s.republisher.status('city-cgj')).toMatchObject({ seq: 1, state: 'building' });
    expect(s.watch.lag()).toMatchObject({ cause: 'failed', failures: 1, retrying: true });
    text = await pageText(s.db, shown());
    expect(text).toContain('本服务器重新生成网站已失败 1 次，现在正在再试');
    s.release();
    await s.republisher.idle();
    expect(s.watch.lag()).toMatchObject({ cause: 'failed', failures: 2, retrying: false });
    await s.db.close();
  });

  it('a version this server still lacks after REBUILD_OVERDUE (one look and one retry wait) is said not to be regenerated', async () => {
    expect(rebuildOverdueMs(60_000)).toBe(11 * 60_000);
    expect(rebuildOverdueMs(0)).toBe(11 * 60_000);
    expect(rebuildOverdueMs(500)).toBe(10 * 60_000 + 500);
    const current = { id: 'b', seq: 2, status: 'published' as const, published_at: '2026-11-20T02:00:00.000Z' };
    const at = (ms: number) => ({ lag: undefined, overdueMs: 11 * 60_000, since: 0, now: Date.parse(current.published_at) + ms });
    expect(shownState(undefined, current, ['a'], true, at(11 * 60_000))).toEqual({ seq: 2, state: 'building' });
    const late = at(11 * 60_000 + 1);
    expect(shownState(undefined, current, ['a'], true, late)).toEqual({ seq: 2, state: 'behind', since: current.published_at, overdueMs: 11 * 60_000 });
    expect(shownState({ seq: 1, state: 'live' }, current, ['a'], true, late)).toMatchObject({ seq: 2, state: 'behind' });
    // A server that started after the version was recorded (it was down meanwhile) counts the bound from its start:
    // its first look has not come yet, nothing is known to be wrong.
    const restarted = { ...at(30 * 60_000), since: Date.parse(current.published_at) + 29 * 60_000 };
    expect(shownState(undefined, current, ['a'], true, restarted)).toEqual({ seq: 2, state: 'building' });
    expect(shownState(undefined, current, ['a'], true, { ...restarted, now: restarted.since + 11 * 60_000 + 1 })).toMatchObject({ state: 'behind' });
    // A build of it under way here is 正在重新生成 however long it takes; built, it is live; no own build: nothing said.
    expect(shownState({ seq: 2, state: 'building' }, current, ['a'], true, at(3600_000))).toEqual({ seq: 2, state: 'building' });
    expect(shownState({ seq: 1, state: 'live' }, current, ['b'], true, late)).toEqual({ seq: 2, state: 'live' });
    expect(shownState(undefined, current, ['a'], false, late)).toBeUndefined();
    // What the watch found out of other versions says nothing of this one.
    expect(shownState(undefined, current, ['a'], true, { ...at(60_000), lag: { cause: 'other-store', ids: ['x'] } })).toEqual({ seq: 2, state: 'building' });
    const agency = (await publishDirectory()).agency('city-cgj')!;
    const page = workspaceHtml(
      { agency, mailbox: 'clerk@example.org', expiresAt: '2026-11-20T10:00:00.000Z' },
      [],
      shownState(undefined, current, ['a'], true, late),
    );
    expect(page).toContain('data-state="behind"');
    expect(page).toContain('第 2 版已于 2026-11-20 10:00（北京时间）记录，但本服务器的网站至今没有按这一版重新生成');
    expect(page).toContain('已超过 11 分钟仍未完成');
  });

  it('a catch-up whose build keeps failing is retried every 10 minutes, each retry logged with its count', async () => {
    let clock = 0;
    const s = await setup({ fails: true, now: () => clock });
    await publishVersion(s.db, version('city-cgj'));
    expect(await s.watch.check()).toBe(true);
    await s.republisher.idle();
    for (const tries of [1, 2, 3]) {
      expect(await s.watch.check()).toBe(false);
      clock += 10 * 60_000;
      expect(await s.watch.check()).toBe(true);
      await s.republisher.idle();
      expect(s.lines.filter((l) => l.includes('本服务器网站与数据库仍不一致')).at(-1)).toContain(`重新生成已失败 ${tries} 次`);
    }
    expect(s.builds()).toBe(4);
    expect(s.lines.some((l) => l.includes('ROSTER_STORE_URL'))).toBe(false);
    expect((await listVersions(s.db, 'city-cgj')).map((v) => v.status)).toEqual(['published']);
    await s.db.close();
  });

  it('a directory file from before it recorded its versions: the store as first seen is taken as built', async () => {
    const s = await setup({ built: undefined });
    await publishVersion(s.db, version('city-cgj'));
    expect(await s.watch.check()).toBe(false);
    await publishVersion(s.db, version('city-cgj'));
    expect(await s.watch.check()).toBe(true);
    await s.republisher.idle();
    expect(s.builds()).toBe(1);
    await s.db.close();
  });

  it('runs at its interval until stopped; REBUILD_CHECK_MS sets it (60 s by default, 0 = off)', async () => {
    const s = await setup();
    const stop = new AbortController();
    const running = runStoreWatch(s.watch, 20, stop.signal);
    await publishVersion(s.db, version('city-cgj'));
    await expect.poll(() => s.builds(), { timeout: 5000 }).toBe(1);
    stop.abort();
    await running;
    await s.republisher.idle();
    expect(rebuildCheckMsFromEnv({})).toBe(60_000);
    expect(rebuildCheckMsFromEnv({ REBUILD_CHECK_MS: '0' })).toBe(0);
    expect(rebuildCheckMsFromEnv({ REBUILD_CHECK_MS: '5000' })).toBe(5000);
    expect(rebuildCheckMsFromEnv({ REBUILD_CHECK_MS: 'often' })).toBe(60_000);
    await s.db.close();
  });

  it('the workspace says what this server serves of a version confirmed through another one', () => {
    const current = { id: 'b', seq: 2, status: 'published' as const, published_at: '2026-11-20T02:00:00.000Z' };
    // Not yet in this server's build: being rebuilt here (at the next look).
    expect(shownState(undefined, current, ['a'], true)).toEqual({ seq: 2, state: 'building' });
    expect(shownState({ seq: 1, state: 'live' }, current, ['a'], true)).toEqual({ seq: 2, state: 'building' });
    // Built: live; no state of its own and built: nothing said, as before.
    expect(shownState({ seq: 1, state: 'live' }, current, ['b'], true)).toEqual({ seq: 2, state: 'live' });
    expect(shownState(undefined, current, ['b'], true)).toBeUndefined();
    // Its own state for this version wins; a build hook's deployment or an older directory file: as before.
    expect(shownState({ seq: 2, state: 'building' }, current, ['b'], true)).toEqual({ seq: 2, state: 'building' });
    expect(shownState(undefined, current, ['a'], false)).toBeUndefined();
    expect(shownState(undefined, current, undefined, true)).toBeUndefined();
  });
});

/**
 * A server that (re)starts with a site older than the store — it was down while agencies published through another
 * server — says 正在重新生成 for such a version, not that the site was not regenerated: its first look finds the
 * version and rebuilds. The overdue bound runs from the watch's start (found by review of 120dabc).
 */
describe('a server started after the version was recorded', () => {
  it('says 正在重新生成, not 未重新生成, for a version recorded while it was down, until its first look has a say', async () => {
    // Recorded through another server at 10:00 Beijing time; this server starts at 10:30.
    const now = Date.parse('2026-11-20T02:30:00.000Z');
    const s = await setup({ now: () => now });
    await publishVersion(s.db, version('city-cgj'));
    const [current] = await listVersions(s.db, 'city-cgj');
    const shown = () => shownState(s.republisher.status('city-cgj'), current, s.served.versions, true, viewOf(s.watch, now));

    // Before the first look (the server has just started): nothing has been tried, nothing is known to be wrong.
    expect(shown()?.state).toBe('building');
    // The first look rebuilds, and the version is live: the alert above was false.
    expect(await s.watch.check()).toBe(true);
    expect(shown()?.state).toBe('building');
    await s.republisher.idle();
    expect(s.served.versions).toEqual([current!.id]);
    await s.db.close();
  });
});
