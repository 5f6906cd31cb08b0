import { expect, it } from 'vitest';
import { publishFunctions } from '../../functions/publish/http.ts';
import { makeRepublisher, type SiteBuilder } from '../../functions/publish/republish.ts';
import { listVersions, publishedVersion, publishVersion, withdrawVersions } from '../../functions/store/records/roster-versions.ts';
import { draftOf, publishWorld, workspaceClerk } from './support.ts';
import { describeEachStore, freshStore, smtpServer } from '../support/stores.ts';

/**
 * A build that fails takes back exactly its versions: the version that was live before is the published one again,
 * versions confirmed on top of the failed ones while it ran go with them, and the log says only what happened.
 */
describeEachStore('a failed build takes its versions back', (kind) => {
  const db = freshStore(kind);
  const smtp = smtpServer();

  /** A build the test answers: `next` says how each build ends; a build may wait for `release`. */
  function scriptedBuilds(results: ('ok' | 'fail' | 'hold-then-fail')[]) {
    let release: () => void = () => undefined;
    let n = 0;
    const build: SiteBuilder = async () => {
      const result = results[n++] ?? 'ok';
      if (result === 'ok') return { ok: true };
      if (result === 'hold-then-fail') await new Promise<void>((done) => (release = done));
      return { ok: false, message: '名单来源冲突：示例市城市管理综合行政执法局既有 Git 中的名单文件，又有工作台发布的版本' };
    };
    return { build, release: () => release(), count: () => n };
  }

  it('two versions confirmed one after the other, both failing: neither stays, the live one is published again', async () => {
    const world = await publishWorld(db);
    const builds = scriptedBuilds(['ok', 'hold-then-fail', 'ok']);
    const log: string[] = [];
    const republisher = makeRepublisher({ store: db, build: builds.build, afterBuild: async () => undefined, log: (l) => log.push(l) });
    const handler = publishFunctions(world, republisher);
    const clerk = await workspaceClerk(db, world, smtp, handler, 'city-cgj', 'roster@cgj.city.example', '192.0.2.61');

    const u1 = await clerk.upload([['张三', '', 'SL-CG-0001', '协管员', '在岗']]);
    expect((await clerk.confirm(draftOf(u1.text))).status).toBe(303);
    await republisher.idle();
    const v1 = (await publishedVersion(db, 'city-cgj'))!;
    expect(v1.seq).toBe(1);

    // v2 is confirmed; while its build runs, v3 (diffed against v2) is confirmed too.
    const u2 = await clerk.upload([
      ['张三', '', 'SL-CG-0001', '协管员', '在岗'],
      ['二版', '', 'CG-0902', '协管员', '在岗'],
    ]);
    expect((await clerk.confirm(draftOf(u2.text))).status).toBe(303);
    const u3 = await clerk.upload([
      ['张三', '', 'SL-CG-0001', '协管员', '在岗'],
      ['二版', '', 'CG-0902', '协管员', '在岗'],
      ['三版', '', 'CG-0903', '协管员', '在岗'],
    ]);
    expect((await clerk.confirm(draftOf(u3.text))).status).toBe(303);
    builds.release();
    await republisher.idle();

    // Only version 1 is left, published, with its own records; v3 was never built on top of a failed v2.
    const versions = await listVersions(db, 'city-cgj');
    expect(versions.map((v) => [v.seq, v.status])).toEqual([[1, 'published']]);
    expect(versions[0]!.records).toBe(v1.records);
    expect(builds.count()).toBe(2);
    const page = await clerk.workspace();
    expect(page.text).toContain('data-state="failed"');
    expect(page.text).toContain('第 2、3 版都没有发布');
    expect(page.text).toContain('当前第 1 版');
    expect(page.text).not.toContain('当前第 2 版');
    expect(log.at(-1)).toContain('withdrew city-cgj#2, city-cgj#3');
    expect(log.at(-1)).toContain('city-cgj#1 published again');

    // A later successful build (another agency's confirmation) publishes no version of city-cgj that failed.
    const other = await workspaceClerk(db, world, smtp, handler, 'city-scjg', 'scjg@city.example', '192.0.2.62');
    const up = await other.upload([['李四', '', 'SL-SC-0002', '协管员', '在岗']]);
    expect((await other.confirm(draftOf(up.text))).status).toBe(303);
    await republisher.idle();
    expect((await publishedVersion(db, 'city-cgj'))!.records).toBe(v1.records);
    expect(JSON.stringify(await listVersions(db, 'city-cgj'))).not.toContain('CG-0902');
  });

  it('after a version that went live, a failing one gives way to it; a first version that fails leaves nothing', async () => {
    const world = await publishWorld(db);
    const builds = scriptedBuilds(['ok', 'ok', 'fail', 'fail']);
    const log: string[] = [];
    const republisher = makeRepublisher({ store: db, build: builds.build, afterBuild: async () => undefined, log: (l) => log.push(l) });
    const handler = publishFunctions(world, republisher);
    const clerk = await workspaceClerk(db, world, smtp, handler, 'city-gov', 'gov@city.example', '192.0.2.63');
    for (const rows of [
      [['甲一', '', 'GV-0001', '协管员', '在岗']],
      [['甲一', '', 'GV-0001', '协管员', '暂停']],
      [['甲一', '', 'GV-0001', '协管员', '在岗']],
    ]) {
      const up = await clerk.upload(rows);
      expect((await clerk.confirm(draftOf(up.text))).status).toBe(303);
      await republisher.idle();
    }
    expect((await listVersions(db, 'city-gov')).map((v) => [v.seq, v.status])).toEqual([
      [2, 'published'],
      [1, 'superseded'],
    ]);
    expect(log.at(-1)).toContain('withdrew city-gov#3; city-gov#2 published again');

    const lone = await workspaceClerk(db, world, smtp, handler, 'lone-unit', 'lone@other.example', '192.0.2.64');
    const up = await lone.upload([['王五', '', 'LO-0003', '协管员', '在岗']]);
    expect((await lone.confirm(draftOf(up.text))).status).toBe(303);
    await republisher.idle();
    expect(await listVersions(db, 'lone-unit')).toEqual([]);
    expect(log.at(-1)).toMatch(/withdrew lone-unit#1$/);
    expect((await lone.workspace()).text).toContain('第 1 版没有发布');
  });

  it('in the store: everything from the first failed version up goes, also what was recorded on top of it; the one before is published', async () => {
    const agencyId = 'other-cgj';
    const version = (n: number) =>
      publishVersion(db, {
        agencyId,
        publishedAt: `2026-11-2${n}T02:00:00.000Z`,
        mailbox: 'cgj@other.example',
        fileHash: 'h',
        counts: { total: 1 },
        diff: {},
        records: [{ certificateNo: `OC-${n}`, name: '某甲', agencyId, status: 'active' }],
      });
    const v1 = await version(1);
    const v2 = await version(2);
    const v3 = await version(3);
    expect(await withdrawVersions(db, agencyId, [v2.id])).toEqual({
      removed: [
        { id: v2.id, seq: 2 },
        { id: v3.id, seq: 3 },
      ],
      restored: 1,
    });
    expect((await listVersions(db, agencyId)).map((v) => [v.id, v.status])).toEqual([[v1.id, 'published']]);
    // Versions no longer stored: nothing happens, and nothing is claimed.
    expect(await withdrawVersions(db, agencyId, [v2.id, v3.id])).toEqual({ removed: [], restored: undefined });
    expect((await listVersions(db, agencyId)).map((v) => [v.id, v.status])).toEqual([[v1.id, 'published']]);

    // A version taken back before its confirmation reached the republisher is never built.
    let builds = 0;
    const republisher = makeRepublisher({
      store: db,
      build: async () => (++builds === 1 ? { ok: false, message: '生成失败' } : { ok: true }),
      afterBuild: async () => undefined,
    });
    const v2b = await version(2);
    const v3b = await version(3);
    await republisher.request(v2b);
    await republisher.idle();
    expect(await republisher.request(v3b)).toMatchObject({ state: 'failed' });
    await republisher.idle();
    expect(builds).toBe(1);
    expect((await listVersions(db, agencyId)).map((v) => [v.id, v.status])).toEqual([[v1.id, 'published']]);
  });
});
