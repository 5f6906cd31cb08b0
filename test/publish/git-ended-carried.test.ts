import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { publishFunctions } from '../../functions/publish/http.ts';
import { makeRepublisher } from '../../functions/publish/republish.ts';
import { parseRecords } from '../../functions/publish/upload.ts';
import { directoryFilePath, readDirectoryFile } from '../../functions/server/directory-file.ts';
import { listVersions } from '../../functions/store/records/roster-versions.ts';
import { buildPortal } from '../../src/build/portal/data.ts';
import { verifyPageHtml } from '../../src/build/portal/verify-html.ts';
import { writeDirectoryFile } from '../../src/build/directory/write.ts';
import { DIRECTORY_FILE } from '../../src/core/directory.ts';
import { loadSite } from '../../src/import/site.ts';
import { readWorkspaceRosters } from '../../src/import/workspace-rosters.ts';
import { manualClock, tempDir } from '../complaints/support.ts';
import { makeContent } from '../legal/content.ts';
import { describeEachStore, madeBeforeAll, smtpServer } from '../support/stores.ts';
import { draftOf, storeWithUrl, workspaceClerk } from './support.ts';

/**
 * An agency moves from its Git roster to the workspace. The Git roster lists one person at work, one who left (with
 * the date) and one whose certificate was revoked (with the date); the agency's export lists only who works now.
 * The site already shows the two as ended, and the build's directory file now says so: they are carried over as a
 * workspace version carries its ended people over — not 消失, never to be re-typed — and stay published exactly so
 * after the confirmation and the rebuild. A person at work in Git whom the export ends is a real 状态变化.
 * A directory file of an older build (no statuses) is still read, and the diff is then by number and name, as before.
 */
const AGENCY = 'renqiu-cgj';
const MAILBOX = 'cgj@renqiu.gov.cn.example';
const GIT_FILE = 'rosters/renqiu/renqiu-cgj-2026-11-01.csv';
/** YYYY-MM-DD `n` days before today in Beijing: within the leavers' retention period, so the names stay published. */
const daysAgo = (n: number) => new Date(Date.now() + 8 * 3600_000 - n * 86_400_000).toISOString().slice(0, 10);
const ACTIVE = { no: 'RQG-0001', name: '甲在岗' };
const LEFT = { no: 'RQG-0002', name: '乙离职', since: daysAgo(40) };
const REVOKED = { no: 'RQG-0003', name: '丙收回', since: daysAgo(200) };

/** The small legal content folder, its renqiu-cgj Git roster replaced by those three. */
function gitContent(): string {
  const content = makeContent();
  writeFileSync(
    join(content, GIT_FILE),
    [
      '姓名,单位,证件编号,状态,状态日期',
      `${ACTIVE.name},${AGENCY},${ACTIVE.no},在岗,`,
      `${LEFT.name},${AGENCY},${LEFT.no},离职,${LEFT.since}`,
      `${REVOKED.name},${AGENCY},${REVOKED.no},证件已收回,${REVOKED.since}`,
      '',
    ].join('\n'),
  );
  return content;
}

describeEachStore('moving from a Git roster: people the site already shows as ended', (kind) => {
  const store = madeBeforeAll(
    () => storeWithUrl(kind),
    ({ db }) => db.close(),
  );
  const smtp = smtpServer();
  const content = gitContent();
  const out = tempDir('gongshi-git-ended-');
  /** The directory file the build wrote from the Git roster: this version's, and one as an older build wrote it. */
  let current: string;
  let older: string;
  beforeAll(async () => {
    await writeDirectoryFile(await loadSite(content), join(out, 'current'));
    current = readFileSync(directoryFilePath(join(out, 'current')), 'utf8');
    const file = JSON.parse(current);
    delete file.certificates.statuses;
    older = JSON.stringify({ ...file, version: 2 });
  });
  afterAll(() => {
    rmSync(content, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  });

  /** A directory file with the given text, read as the functions read it. */
  async function directoryOf(name: string, text: string) {
    const path = join(out, name, DIRECTORY_FILE);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, text);
    return readDirectoryFile(path);
  }

  it('an older directory file without statuses is still read: the diff is by number and name, the ended ones are 消失, as before', async () => {
    const directory = await directoryOf('older', older);
    expect(directory.auxiliary(LEFT.no)).toEqual({ certificateNo: LEFT.no, name: LEFT.name, agencyId: AGENCY });
    expect(directory.publishedStatus(LEFT.no)).toBeUndefined();
    const world = { store: store.db, clock: manualClock(), directory, settings: { secret: 'test-secret', siteUrl: 'https://gongshi.example' } };
    const handler = publishFunctions(world, makeRepublisher({ store: store.db, build: async () => ({ ok: true }), afterBuild: async () => undefined }));
    const clerk = await workspaceClerk(store.db, world, smtp, handler, AGENCY, MAILBOX, '192.0.2.81');
    const page = await clerk.workspace();
    expect(page.text).toContain('data-statuses-unknown');
    expect(page.text).toContain('请运维人员先用现在的程序重新生成一次网站');

    const upload = await clerk.upload([[ACTIVE.name, '', ACTIVE.no, '巡查员', '在岗']]);
    expect(upload.status).toBe(200);
    expect(upload.text).toContain('比较的是证件编号和姓名（目录文件中没有状态）');
    expect(upload.text).toContain('名单中消失的人员（2 人）');
    expect(upload.text).toContain(`name="left" value="${LEFT.no}"`);
    expect(upload.text).toContain(`name="left" value="${REVOKED.no}"`);
    expect(upload.text).not.toContain('data-carried');
    await clerk.signOut();
  });

  it('carries them over with their status and date, shows a real 状态变化, and they stay ended after the confirmation and the rebuild', async () => {
    const directory = await directoryOf('before', current);
    expect(directory.publishedStatus(ACTIVE.no)).toEqual({ status: 'active' });
    expect(directory.publishedStatus(LEFT.no)).toEqual({ status: 'left', statusSince: LEFT.since });
    expect(directory.publishedStatus(REVOKED.no)).toEqual({ status: 'revoked', statusSince: REVOKED.since });
    const world = { store: store.db, clock: manualClock(), directory, settings: { secret: 'test-secret', siteUrl: 'https://gongshi.example' } };
    let portal: ReturnType<typeof buildPortal> | undefined;
    // The rebuild as the build makes it: the content folder (its Git file deleted by then) and the store's versions.
    const republisher = makeRepublisher({
      store: store.db,
      build: async () => {
        const site = await loadSite(content, await readWorkspaceRosters(store.url));
        await writeDirectoryFile(site, join(out, 'after'));
        portal = buildPortal(site);
        return { ok: true };
      },
      afterBuild: async () => {
        world.directory = await readDirectoryFile(directoryFilePath(join(out, 'after')));
        return undefined;
      },
    });
    const clerk = await workspaceClerk(store.db, world, smtp, publishFunctions(world, republisher), AGENCY, MAILBOX, '192.0.2.82');

    const page = await clerk.workspace();
    expect(page.text).toContain('共 3 人，名单日期 2026年11月1日。其中 2 人已公示为离职、证件收回或注销，不必再列入上传的名单');
    expect(page.text).not.toContain('data-statuses-unknown');

    // An export that ends the one at work: a real change of status, against what the site shows.
    const ending = await clerk.upload([[ACTIVE.name, '', ACTIVE.no, '巡查员', '离职']]);
    expect(ending.status).toBe(200);
    expect(ending.text).toContain('比较的是证件编号、姓名和状态');
    expect(ending.text).toContain(`<h3>状态变化（1 人）</h3><ul><li>${ACTIVE.name}（${ACTIVE.no}）：在岗 → 已离职</li></ul>`);
    expect(ending.text).not.toContain('名单中消失的人员');
    expect(ending.text).toContain('data-carried="2"');

    // The export as agencies make it: only who works now. The ended ones are neither 消失 nor to be ticked.
    const upload = await clerk.upload([[ACTIVE.name, '', ACTIVE.no, '巡查员', '在岗']]);
    expect(upload.status).toBe(200);
    expect(upload.text).not.toContain('名单中消失的人员');
    expect(upload.text).not.toContain('name="left"');
    expect(upload.text).not.toContain('状态变化');
    expect(upload.text).not.toContain('新增');
    expect(upload.text).toContain('data-carried="2"');
    expect(upload.text).toContain('未变化 3 人');

    // The operator deletes the Git file (docs/PUBLISHING.md), the clerk confirms, the site is rebuilt.
    rmSync(join(content, GIT_FILE));
    expect((await clerk.confirm(draftOf(upload.text))).status).toBe(303);
    await republisher.idle();
    const [v1] = await listVersions(store.db, AGENCY);
    expect(v1).toMatchObject({ seq: 1, status: 'published' });
    const records = parseRecords(v1!.records);
    expect(records.find((r) => r.certificateNo === LEFT.no)).toEqual({
      certificateNo: LEFT.no,
      name: LEFT.name,
      agencyId: AGENCY,
      status: 'left',
      statusSince: LEFT.since,
    });
    expect(records.find((r) => r.certificateNo === REVOKED.no)).toMatchObject({ status: 'revoked', statusSince: REVOKED.since });
    expect(JSON.parse(v1!.diff)).toMatchObject({ added: [], removed: [], left: [], statusChanged: [], renamed: [], unchanged: 3, carried: 2 });
    expect(JSON.parse(v1!.counts)).toEqual({ total: 3, byStatus: { active: 1, left: 1, revoked: 1 } });

    // The rebuilt site and the functions' directory still show them ended, from the same dates; nobody got a new date.
    expect(world.directory.publishedStatus(LEFT.no)).toEqual({ status: 'left', statusSince: LEFT.since });
    expect(world.directory.publishedStatus(REVOKED.no)).toEqual({ status: 'revoked', statusSince: REVOKED.since });
    expect(world.directory.publishedStatus(ACTIVE.no)).toEqual({ status: 'active' });
    const verify = (no: string) => {
      const agency = portal!.agencyById.get(AGENCY)!;
      return verifyPageHtml(portal!.byNo.get(no)!, agency, portal!.regulationOf(agency), portal!.asOf(AGENCY));
    };
    expect(verify(LEFT.no)).toContain(`data-name="${LEFT.name}" data-agency-id="${AGENCY}"`);
    expect(verify(LEFT.no)).toContain(`data-status="left" data-status-since="${LEFT.since}"`);
    expect(verify(REVOKED.no)).toContain(`data-status="revoked" data-status-since="${REVOKED.since}"`);
    expect(verify(ACTIVE.no)).toContain('data-status="active">');

    // The workspace is now about its own version.
    expect((await clerk.workspace()).text).toContain('data-version="1"');
  });
});
