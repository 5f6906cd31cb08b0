import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../functions/store/index.ts';
import { publishVersion } from '../../functions/store/records/roster-versions.ts';
import { diffRosters, rosterCounts } from '../../src/core/roster/diff.ts';
import type { Auxiliary } from '../../src/core/roster/schema.ts';
import { formatDateTime } from '../../src/core/dates.ts';
import { buildDirectory } from '../../src/core/directory.ts';
import { formatDate } from '../../src/core/labels.ts';
import { loadRegulations } from '../../src/import/regulation/load.ts';
import { freshDb, startSmtp } from '../complaints/support.ts';
import { client, mailedLink, publishWorld, signedIn } from './support.ts';
import { describeEachStore } from '../support/stores.ts';

const root = resolve(import.meta.dirname, '../..');
const aux = (agencyId: string, certificateNo: string, name: string, status: Auxiliary['status'] = 'active'): Auxiliary => ({
  certificateNo,
  name,
  agencyId,
  status,
});

async function publish(db: Db, agencyId: string, mailbox: string, before: Auxiliary[], after: Auxiliary[], publishedAt: string, extra: object = {}) {
  return publishVersion(db, {
    agencyId,
    publishedAt,
    mailbox,
    fileHash: 'f'.repeat(64),
    counts: rosterCounts(after),
    diff: { ...diffRosters(before, after), ...extra },
    records: after,
  });
}

describeEachStore("the oversight bureau's publication log", (kind) => {
  let db: Db;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  beforeAll(async () => {
    db = await freshDb(kind);
    smtp = await startSmtp();
    const v1 = [aux('city-cgj', 'CG-1', '赵甲'), aux('city-cgj', 'CG-2', '钱乙')];
    const v2 = [aux('city-cgj', 'CG-1', '赵甲', 'suspended'), aux('city-cgj', 'CG-2', '钱乙'), aux('city-cgj', 'CG-3', '孙丙')];
    await publish(db, 'city-cgj', 'roster@cgj.city.example', [], v1, '2026-11-02T01:00:00.000Z');
    await publish(db, 'city-cgj', 'roster@cgj.city.example', v1, v2, '2026-11-10T06:30:00.000Z');
    await publish(db, 'city-cgj', 'roster@cgj.city.example', v2, v1, '2026-11-11T02:00:00.000Z', { restoredSeq: 1 });
    await publish(db, 'other-cgj', 'cgj@other.example', [], [aux('other-cgj', 'OT-1', '周丁')], '2026-11-05T01:00:00.000Z');
  });
  afterAll(async () => {
    await smtp?.stop();
    await db?.close();
  });

  it('a bureau signs in from its mailed link and sees who published what, when, with counts, for its agencies only', async () => {
    const world = await publishWorld(db);
    // Roster dates as the build hands them over: city-cgj's is long past 20 working days on 2026-11-23, city-scjg's is not.
    const regulations = await loadRegulations(join(root, 'content'));
    world.directory = buildDirectory({
      agencies: world.directory.agencies,
      regulations,
      auxiliaries: [],
      rosterDates: new Map([
        ['city-cgj', '2026-09-01'],
        ['city-scjg', '2026-11-20'],
      ]),
    });
    const bureau = client(world, '192.0.2.91');
    expect((await bureau.get('/publish/oversight/')).text).toContain('示例市司法局');
    expect((await bureau.post('/publish/oversight/sign-in', { bureau: 'city-sfj' })).status).toBe(200);
    const link = await mailedLink(db, world, smtp, 'sfj@city.example');
    const opened = await bureau.get(link);
    expect(opened.status).toBe(200);
    expect(bureau.jar.size).toBe(0); // a GET never signs in
    const signed = await bureau.post(link);
    expect(signed.status).toBe(303);
    expect(signed.headers.get('location')).toBe('/publish/oversight/log/');

    const log = await bureau.get('/publish/oversight/log/');
    expect(log.status).toBe(200);
    expect(log.headers.get('x-robots-tag')).toBe('noindex');
    expect(log.text).toContain('<meta name="robots" content="noindex">');
    const rows = [...log.text.matchAll(/<tr data-agency="([^"]+)" data-seq="(\d+)">(.*?)<\/tr>/g)].map((m) => ({
      agency: m[1],
      seq: Number(m[2]),
      row: m[3]!,
    }));
    expect(rows.map((r) => [r.agency, r.seq])).toEqual([
      ['city-cgj', 3],
      ['city-cgj', 2],
      ['city-cgj', 1],
    ]);
    const second = rows.find((r) => r.seq === 2)!.row;
    expect(second).toContain(formatDateTime('2026-11-10T06:30:00.000Z'));
    expect(second).toContain('roster@cgj.city.example');
    expect(second).toContain('新增 1');
    expect(second).toContain('状态变化 1');
    expect(rows.find((r) => r.seq === 3)!.row).toContain('重新发布第 1 版');
    // The undo took 孙丙 (CG-3) off again: a removal, counted like the other changes.
    expect(rows.find((r) => r.seq === 3)!.row).toContain('移除 1 人');
    expect(rows.find((r) => r.seq === 3)!.row).toContain('当前公示');
    // Each agency's roster date, and whether it is past the freshness period.
    const dates = Object.fromEntries([...log.text.matchAll(/<tr data-agency-date="([^"]+)">(.*?)<\/tr>/g)].map((m) => [m[1], m[2]!]));
    expect(Object.keys(dates).sort()).toEqual(['city-cgj', 'city-scjg', 'city-sfj']);
    expect(dates['city-cgj']).toContain(formatDate('2026-09-01'));
    expect(dates['city-cgj']).toContain('可能已过时');
    expect(dates['city-scjg']).not.toContain('可能已过时');
    expect(dates['city-sfj']).toContain('没有公示名单');
    expect(log.text).toContain('本平台设定的更新期限');
    // Another bureau's agency is not there; nor is any name from the diffs.
    expect(log.text).not.toContain('另一市城管局');
    expect(log.text).not.toContain('cgj@other.example');
    for (const name of ['赵甲', '钱乙', '孙丙', '周丁']) expect(log.text).not.toContain(name);

    // The bureau's session publishes nothing.
    expect((await bureau.get('/publish/workspace/')).status).toBe(403);
    expect((await bureau.upload('x.csv', '姓名,证件编号\n')).status).toBe(403);
  });

  it('the other bureau sees its own agency and not the first one’s', async () => {
    const world = await publishWorld(db);
    const bureau = client(world, '192.0.2.92');
    await bureau.post('/publish/oversight/sign-in', { bureau: 'other-sfj' });
    await bureau.post(await mailedLink(db, world, smtp, 'sfj@other.example'));
    const log = await bureau.get('/publish/oversight/log/');
    expect(log.status).toBe(200);
    expect([...log.text.matchAll(/<tr data-agency="([^"]+)"/g)].map((m) => m[1])).toEqual(['other-cgj']);
    expect(log.text).not.toContain('roster@cgj.city.example');
  });

  it('a clerk session cannot open the log, nor can anyone signed out; only bureaus get links', async () => {
    const world = await publishWorld(db);
    const clerk = await signedIn(db, world, smtp, 'city-cgj', 'roster@cgj.city.example', '192.0.2.93');
    expect((await clerk.get('/publish/workspace/')).status).toBe(200);
    const refused = await clerk.get('/publish/oversight/log/');
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('发布记录只对监督机关开放');
    // Even the clerk of a bureau (signed in to publish its own roster) is not the bureau's oversight session.
    const bureauClerk = await signedIn(db, world, smtp, 'city-sfj', 'sfj@city.example', '192.0.2.94');
    expect((await bureauClerk.get('/publish/oversight/log/')).status).toBe(403);
    expect((await client(world, '192.0.2.95').get('/publish/oversight/log/')).status).toBe(401);
    const notBureau = await client(world, '192.0.2.96').post('/publish/oversight/sign-in', { bureau: 'city-cgj' });
    expect(notBureau.status).toBe(422);
    expect(notBureau.text).toContain('不是名录中任何机关的监督机关');
  });
});

describeEachStore("the oversight bureau's publication log counts removals", (kind) => {
  let db: Db;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  beforeAll(async () => {
    db = await freshDb(kind);
    smtp = await startSmtp();
  });
  afterAll(async () => {
    await smtp?.stop();
    await db?.close();
  });

  it('an undo that only takes people off says how many, not 无变化', async () => {
    const v1 = [aux('city-scjg', 'SC-1', '吴甲')];
    const v2 = [...v1, aux('city-scjg', 'SC-2', '郑乙'), aux('city-scjg', 'SC-3', '王丙')];
    await publish(db, 'city-scjg', 'scjg@city.example', [], v1, '2026-11-02T01:00:00.000Z');
    await publish(db, 'city-scjg', 'scjg@city.example', v1, v2, '2026-11-03T01:00:00.000Z');
    await publish(db, 'city-scjg', 'scjg@city.example', v2, v1, '2026-11-04T01:00:00.000Z', { restoredSeq: 1 });
    const world = await publishWorld(db);
    const bureau = client(world, '192.0.2.97');
    await bureau.post('/publish/oversight/sign-in', { bureau: 'city-sfj' });
    await bureau.post(await mailedLink(db, world, smtp, 'sfj@city.example'));
    const log = (await bureau.get('/publish/oversight/log/')).text;
    const row = /<tr data-agency="city-scjg" data-seq="3">(.*?)<\/tr>/.exec(log)![1]!;
    expect(row).toContain('移除 2 人');
    expect(row).not.toContain('无变化');
    expect(/<tr data-agency="city-scjg" data-seq="2">(.*?)<\/tr>/.exec(log)![1]).toContain('新增 2 人');
    for (const name of ['郑乙', '王丙']) expect(log).not.toContain(name);
  });
});

describe('the publication log is not public', () => {
  it('no page or script of the static site links to it', () => {
    const files = (dir: string): string[] =>
      readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(`${dir}/${e.name}`) : [`${dir}/${e.name}`]));
    const linking = [...files('src'), ...files('public')].filter((f) => readFileSync(join(root, f), 'utf8').includes('/publish/oversight'));
    expect(linking).toEqual([]);
  });
});
