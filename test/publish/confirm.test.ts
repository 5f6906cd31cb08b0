import { expect, it } from 'vitest';
import { publishFunctions } from '../../functions/publish/http.ts';
import { makeRepublisher, type SiteBuilder } from '../../functions/publish/republish.ts';
import { listVersions } from '../../functions/store/records/roster-versions.ts';
import { client, csv, mailedLink, publishWorld } from './support.ts';
import { describeEachStore, freshStore, smtpServer } from '../support/stores.ts';

const HEADER = ['姓名', '单位', '证件编号', '岗位', '状态'];
const draftOf = (html: string) => /name="draft" value="([0-9a-f-]{36})"/.exec(html)?.[1] ?? '';

describeEachStore('confirm and undo', (kind) => {
  const db = freshStore(kind);
  const smtp = smtpServer();

  /** A workspace whose "build" is a function of the test: it sees what a build would read. */
  async function setup(agencyId: string, mailbox: string, build: SiteBuilder) {
    const world = await publishWorld(db);
    const built: string[] = [];
    const republisher = makeRepublisher({ store: db, build, afterBuild: async () => void built.push('reloaded') });
    const handler = publishFunctions(world, republisher);
    const clerk = client(world, '192.0.2.80');
    const call = async (method: string, path: string, body?: URLSearchParams | FormData) => {
      const cookie = [...clerk.jar].map(([k, v]) => `${k}=${v}`).join('; ');
      const response = (await handler(
        new Request(`https://gongshi.example${path}`, {
          method,
          headers: { ...(body instanceof URLSearchParams ? { 'content-type': 'application/x-www-form-urlencoded' } : {}), ...(cookie ? { cookie } : {}) },
          ...(body ? { body: body instanceof URLSearchParams ? body.toString() : body } : {}),
        }),
        { clientAddress: '192.0.2.80' },
      ))!;
      const set = response.headers.get('set-cookie');
      if (set) clerk.jar.set(set.slice(0, set.indexOf('=')), set.slice(set.indexOf('=') + 1, set.indexOf(';')));
      return { status: response.status, text: await response.text(), location: response.headers.get('location') };
    };
    await call('POST', '/publish/sign-in', new URLSearchParams({ agency: agencyId }));
    await call('POST', await mailedLink(db, world, smtp, mailbox));
    const upload = (rows: string[][]) => {
      const form = new FormData();
      form.append('roster', new File([csv([HEADER, ...rows])], 'export-2026-11-20.csv'));
      return call('POST', '/publish/workspace/upload', form);
    };
    return { world, republisher, built, call, upload };
  }

  it('confirm records the version with the mailbox, hash, counts and diff, rebuilds, and reloads; undo republishes the previous one', async () => {
    const seen: string[][] = [];
    const { republisher, built, call, upload } = await setup('city-cgj', 'roster@cgj.city.example', async () => {
      // The build runs after the version is committed: it sees the new version as the published one.
      seen.push((await listVersions(db, 'city-cgj')).filter((v) => v.status === 'published').map((v) => String(v.seq)));
      return { ok: true };
    });
    const first = await upload([
      ['张三', '', 'SL-CG-0001', '协管员', '在岗'],
      ['新人', '', 'CG-0500', '协管员', '在岗'],
    ]);
    expect(first.status).toBe(200);
    const confirmed = await call('POST', '/publish/workspace/confirm', new URLSearchParams({ draft: draftOf(first.text) }));
    expect(confirmed.status).toBe(303);
    await republisher.idle();
    expect(built).toEqual(['reloaded']);
    expect(seen).toEqual([['1']]);
    const [v1] = await listVersions(db, 'city-cgj');
    expect(v1).toMatchObject({ seq: 1, status: 'published', mailbox: 'roster@cgj.city.example' });
    expect(v1!.file_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.parse(v1!.counts)).toEqual({ total: 2, byStatus: { active: 2 } });
    // 张三 (SL-CG-0001) is already published — from the directory's Git roster — so only 新人 is new.
    expect(JSON.parse(v1!.diff).added).toEqual([{ certificateNo: 'CG-0500', name: '新人' }]);
    expect(await db.query('SELECT id FROM roster_drafts')).toEqual([]);
    const page = await call('GET', '/publish/workspace/');
    expect(page.text).toContain('data-state="live"');
    expect(page.text).toContain('当前第 1 版');

    // Second version: one person disappears; confirming without saying they left is refused, nothing recorded.
    const second = await upload([['张三', '', 'SL-CG-0001', '协管员', '暂停']]);
    expect(second.text).toContain('名单中消失的人员（1 人）');
    const refused = await call('POST', '/publish/workspace/confirm', new URLSearchParams({ draft: draftOf(second.text) }));
    expect(refused.status).toBe(422);
    expect(refused.text).toContain('新人（CG-0500）');
    expect(await listVersions(db, 'city-cgj')).toHaveLength(1);
    const ok = await call(
      'POST',
      '/publish/workspace/confirm',
      new URLSearchParams([
        ['draft', draftOf(second.text)],
        ['left', 'CG-0500'],
      ]),
    );
    expect(ok.status).toBe(303);
    await republisher.idle();
    const [v2] = await listVersions(db, 'city-cgj');
    const records = JSON.parse(v2!.records) as { certificateNo: string; status: string; statusSince?: string }[];
    expect(records.find((r) => r.certificateNo === 'CG-0500')).toMatchObject({ status: 'left', statusSince: '2026-11-23' });
    expect(records.find((r) => r.certificateNo === 'SL-CG-0001')).toMatchObject({ status: 'suspended' });
    // The same draft cannot be confirmed twice.
    expect((await call('POST', '/publish/workspace/confirm', new URLSearchParams({ draft: draftOf(second.text) }))).status).toBe(410);

    // Undo: version 1's records published again as version 3.
    const undone = await call('POST', '/publish/workspace/undo', new URLSearchParams({ seq: '2' }));
    expect(undone.status).toBe(303);
    await republisher.idle();
    const versions = await listVersions(db, 'city-cgj');
    expect(versions.map((v) => [v.seq, v.status])).toEqual([
      [3, 'published'],
      [2, 'superseded'],
      [1, 'superseded'],
    ]);
    expect(versions[0]!.records).toBe(versions[2]!.records);
    expect(JSON.parse(versions[0]!.diff).restoredSeq).toBe(1);
  });

  it('a failed build changes nothing and tells the clerk why', async () => {
    const { republisher, built, call, upload } = await setup('city-scjg', 'scjg@city.example', async () => ({
      ok: false,
      message: '名单来源冲突：示例市市场监督管理局既有 Git 中的名单文件 rosters/scjg.csv，又有名单发布工作台发布的第 1 版',
    }));
    const up = await upload([['李四', '', 'SL-SC-0002', '协管员', '在岗']]);
    expect(up.status).toBe(200);
    expect((await call('POST', '/publish/workspace/confirm', new URLSearchParams({ draft: draftOf(up.text) }))).status).toBe(303);
    await republisher.idle();
    expect(built).toEqual([]);
    expect(await listVersions(db, 'city-scjg')).toEqual([]);
    const page = await call('GET', '/publish/workspace/');
    expect(page.text).toContain('data-state="failed"');
    expect(page.text).toContain('又有名单发布工作台发布的第 1 版');
    // No workspace version: the page says the site still publishes the agency's Git roster (the directory's SL-SC-0002).
    expect(page.text).toContain('data-source="git"');
  });

  it('refuses to confirm where the deployment cannot republish, recording nothing', async () => {
    const world = await publishWorld(db);
    const clerk = client(world, '192.0.2.81');
    await clerk.post('/publish/sign-in', { agency: 'lone-unit' });
    await clerk.post(await mailedLink(db, world, smtp, 'lone@other.example'));
    const up = await clerk.upload('export-2026-11-20.csv', csv([HEADER, ['王五', '', 'LO-0003', '协管员', '暂停']]));
    expect(up.status).toBe(200);
    const refused = await clerk.post('/publish/workspace/confirm', { draft: draftOf(up.text) });
    expect(refused.status).toBe(503);
    expect(refused.text).toContain('BUILD_HOOK_URL');
    expect(await listVersions(db, 'lone-unit')).toEqual([]);
  });

  it('a session of agency A cannot confirm a draft of agency B', async () => {
    const world = await publishWorld(db);
    const b = client(world, '192.0.2.82');
    await b.post('/publish/sign-in', { agency: 'other-cgj' });
    await b.post(await mailedLink(db, world, smtp, 'cgj@other.example'));
    const up = await b.upload('export-2026-11-20.csv', csv([HEADER, ['某甲', '', 'OC-0001', '协管员', '在岗']]));
    const draft = draftOf(up.text);
    expect(draft).not.toBe('');
    const { call } = await setup('city-gov', 'gov@city.example', async () => ({ ok: true }));
    const stolen = await call('POST', '/publish/workspace/confirm', new URLSearchParams({ draft }));
    expect(stolen.status).toBe(410);
    expect(await listVersions(db, 'other-cgj')).toEqual([]);
    expect(await listVersions(db, 'city-gov')).toEqual([]);
  });
});
