import { rmSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { publishFunctions } from '../../functions/publish/http.ts';
import { parseRecords } from '../../functions/publish/upload.ts';
import { makeRepublisher } from '../../functions/publish/republish.ts';
import { directoryFilePath, readDirectoryFile } from '../../functions/server/directory-file.ts';
import { listVersions } from '../../functions/store/records/roster-versions.ts';
import { writeDirectoryFile } from '../../src/build/directory/write.ts';
import type { Directory } from '../../src/core/directory.ts';
import { loadSite } from '../../src/import/site.ts';
import { manualClock, tempDir } from '../complaints/support.ts';
import { makeContent, PEOPLE } from '../legal/content.ts';
import { describeEachStore, freshStore, smtpServer } from '../support/stores.ts';
import { draftOf, workspaceClerk } from './support.ts';

/**
 * An agency whose roster the site publishes from a Git file (content/rosters/) signs in to the workspace for the
 * first time. The workspace says where the published roster comes from, and the upload is compared with what the
 * public sees now — the directory file the build wrote — so that nobody of the Git roster is dropped unasked: the
 * people the site shows as ended (left, revoked, cancelled) whom the export leaves out are carried over as they are;
 * the others it leaves out are listed, to be put in the export with their status or confirmed as left. Before,
 * the page said 「本机关还没有通过工作台发布过名单」, everyone was 新增, and whoever the export left out was gone.
 * (test/publish/git-ended-carried.test.ts: the carried-over people after the rebuild, and an older directory file.)
 */
const AGENCY = 'renqiu-cgj';
const MAILBOX = 'cgj@renqiu.gov.cn.example';
let directory: Directory;
const content = makeContent();
const out = tempDir('gongshi-git-diff-');

beforeAll(async () => {
  // The directory file exactly as the build writes it from the Git roster (8 people: active, expired, two left,
  // revoked, cancelled, suspended), and read back as the functions read it.
  await writeDirectoryFile(await loadSite(content), out);
  directory = await readDirectoryFile(directoryFilePath(out));
});
afterAll(() => {
  rmSync(content, { recursive: true, force: true });
  rmSync(out, { recursive: true, force: true });
});

describeEachStore('the first upload of an agency the site publishes from a Git roster', (kind) => {
  const db = freshStore(kind);
  const smtp = smtpServer();

  it('names the Git roster, diffs against it, and publishes whoever the export leaves out as left only when confirmed', async () => {
    const world = { store: db, clock: manualClock(), directory, settings: { secret: 'test-secret', siteUrl: 'https://gongshi.example' } };
    const republisher = makeRepublisher({ store: db, build: async () => ({ ok: true }), afterBuild: async () => undefined });
    const handler = publishFunctions(world, republisher);
    const clerk = await workspaceClerk(db, world, smtp, handler, AGENCY, MAILBOX, '192.0.2.71');

    // (a) The workspace says plainly that the site publishes a Git roster, how many, of when, and what to do.
    const page = await clerk.workspace();
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('本机关还没有通过工作台发布过名单');
    expect(page.text).toContain('data-source="git"');
    expect(page.text).toContain('运维人员在 Git 中维护的名单文件（content/rosters/）：共 8 人，名单日期 2026年11月1日');
    expect(page.text).toContain('其中 4 人已公示为离职、证件收回或注销，不必再列入上传的名单');
    expect(page.text).toContain('请运维人员先从 content/rosters/ 删除本机关的名单文件');

    // The export lists who works now, one renamed, one new, and one leaver with her status; the rest are left out:
    // the three the site shows as ended are carried over, the expired and the suspended one are asked about.
    const upload = await clerk.upload([
      [PEOPLE.activeConsent.name, '', PEOPLE.activeConsent.no, '巡查员', '在岗'],
      ['乙已改名', '', PEOPLE.activeNoConsent.no, '巡查员', '在岗'],
      [PEOPLE.leftRecently.name, '', PEOPLE.leftRecently.no, '巡查员', '离职'],
      ['新来人', '', 'RQT-0100', '巡查员', '在岗'],
    ]);
    expect(upload.status).toBe(200);
    expect(upload.text).toContain('这份名单来自 Git 中的名单文件（共 8 人，名单日期 2026年11月1日）');
    expect(upload.text).toContain('未变化 5 人');
    expect(upload.text).toContain('data-carried="3"');
    expect(upload.text).toContain('<h3>新增（1 人）</h3><ul><li>新来人（RQT-0100）</li></ul>');
    expect(upload.text).toContain(`${PEOPLE.activeNoConsent.no}：${PEOPLE.activeNoConsent.name} → 乙已改名`);
    expect(upload.text).not.toContain('状态变化');
    const missing = [PEOPLE.expired, PEOPLE.suspended].map((p) => p.no);
    const ended = [PEOPLE.leftLongAgo, PEOPLE.revokedLongAgo, PEOPLE.cancelled];
    expect(upload.text).toContain('名单中消失的人员（2 人）');
    expect(upload.text).toContain('data-git-removed="2"');
    for (const no of missing) {
      expect(upload.text).toContain(`name="left" value="${no}"`);
      expect(upload.text).toContain(`<a href="/verify/${no}/">公示页</a>`);
    }
    for (const p of ended) expect(upload.text).not.toContain(`value="${p.no}"`);
    expect(upload.text).toContain('data-git-first');

    // Confirming without ticking them publishes nothing, and the page still says what they are measured against.
    const refused = await clerk.confirm(draftOf(upload.text));
    expect(refused.status).toBe(422);
    expect(refused.text).toContain(`${PEOPLE.expired.name}（${PEOPLE.expired.no}）`);
    expect(refused.text).toContain('data-git-removed="2"');
    expect(await listVersions(db, AGENCY)).toEqual([]);

    expect((await clerk.confirm(draftOf(upload.text), missing)).status).toBe(303);
    await republisher.idle();
    const [v1] = await listVersions(db, AGENCY);
    const records = parseRecords(v1!.records);
    expect(records.map((r) => r.certificateNo).sort()).toEqual([
      'RQT-0001',
      'RQT-0002',
      'RQT-0003',
      'RQT-0004',
      'RQT-0005',
      'RQT-0006',
      'RQT-0007',
      'RQT-0008',
      'RQT-0100',
    ]);
    // Those left out stay published, as left from the day the clerk confirmed it, with the number and name the site showed.
    expect(records.find((r) => r.certificateNo === PEOPLE.expired.no)).toEqual({
      certificateNo: PEOPLE.expired.no,
      name: PEOPLE.expired.name,
      agencyId: AGENCY,
      status: 'left',
      statusSince: '2026-11-23',
    });
    expect(records.find((r) => r.certificateNo === PEOPLE.leftRecently.no)).toMatchObject({ status: 'left' });
    // The ended ones stay as the site showed them: status and date (a name past its retention period was not in the directory file).
    expect(records.find((r) => r.certificateNo === PEOPLE.cancelled.no)).toEqual({
      certificateNo: PEOPLE.cancelled.no,
      name: PEOPLE.cancelled.name,
      agencyId: AGENCY,
      status: 'cancelled',
      statusSince: PEOPLE.cancelled.since,
    });
    expect(records.find((r) => r.certificateNo === PEOPLE.leftLongAgo.no)).toMatchObject({ status: 'left', statusSince: PEOPLE.leftLongAgo.since });
    expect(records.find((r) => r.certificateNo === PEOPLE.revokedLongAgo.no)).toMatchObject({ status: 'revoked', statusSince: PEOPLE.revokedLongAgo.since });
    const diff = JSON.parse(v1!.diff);
    // Only who is really new counts as 新增 (and so starts a status in the history), not the whole Git roster.
    expect(diff.added).toEqual([{ certificateNo: 'RQT-0100', name: '新来人' }]);
    expect(diff.left.map((p: { certificateNo: string }) => p.certificateNo)).toEqual(missing);
    expect(diff.unchanged).toBe(5);
    expect(diff.carried).toBe(3);

    // Once it has a workspace version, the workspace page is about that one.
    const after = await clerk.workspace();
    expect(after.text).not.toContain('data-source="git"');
    expect(after.text).toContain('data-version="1"');
  });

  it('an agency the site publishes nothing for is diffed against nothing, as before', async () => {
    const world = { store: db, clock: manualClock(), directory, settings: { secret: 'test-secret', siteUrl: 'https://gongshi.example' } };
    const republisher = makeRepublisher({ store: db, build: async () => ({ ok: true }), afterBuild: async () => undefined });
    const clerk = await workspaceClerk(db, world, smtp, publishFunctions(world, republisher), 'renqiu-jtys', 'jtj@renqiu.gov.cn.example', '192.0.2.72');
    const page = await clerk.workspace();
    expect(page.text).toContain('本机关还没有通过工作台发布过名单');
    expect(page.text).not.toContain('data-source="git"');
    const upload = await clerk.upload([['路政新', '', 'RQ-JT-9001', '路政协管员', '在岗']]);
    expect(upload.text).toContain('<h3>新增（1 人）</h3>');
    expect(upload.text).not.toContain('Git');
  });
});
