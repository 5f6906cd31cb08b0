import { createHash } from 'node:crypto';
import { expect, it } from 'vitest';
import type { Db } from '../../functions/store/index.ts';
import { publishVersion } from '../../functions/store/records/roster-versions.ts';
import { csv, publishWorld, signedIn } from './support.ts';
import { describeEachStore, freshStore, smtpServer } from '../support/stores.ts';

const HEADER = ['姓名', '单位', '证件编号', '岗位', '状态', '手机号'];
const count = async (db: Db, table: string) => Number((await db.query<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`))[0]!.n);

describeEachStore('publishing upload', (kind) => {
  const db = freshStore(kind);
  const smtp = smtpServer();

  it('refuses an upload with an ID-card number before anything is stored, naming row and column', async () => {
    const world = await publishWorld(db);
    const clerk = await signedIn(db, world, smtp, 'city-cgj', 'roster@cgj.city.example');
    const response = await clerk.upload('cgj-2026-11-20.csv', csv([HEADER, ['赵六', '', 'CG-0101', '130982199001011234', '在岗', '']]));
    expect(response.status).toBe(422);
    expect(response.text).toContain('名单有问题，未保存');
    expect(response.text).toContain('第 2 行');
    expect(response.text).toContain('居民身份证号码');
    expect(response.text).not.toContain('130982199001011234');
    expect(await count(db, 'roster_drafts')).toBe(0);
    expect(await count(db, 'roster_versions')).toBe(0);
  });

  it('shows the roster check report: every problem with row and column, private columns dropped', async () => {
    const world = await publishWorld(db);
    const clerk = await signedIn(db, world, smtp, 'city-cgj', 'roster@cgj.city.example');
    const response = await clerk.upload(
      'cgj-2026-11-20.csv',
      csv([HEADER, ['赵六', '', '', '协管员', '在岗', ''], ['钱七', '', 'CG-0102', '协管员', '放假了', '']]),
    );
    expect(response.status).toBe(422);
    expect(response.text).toMatch(/第 2 行，C 列「证件编号」/);
    expect(response.text).toMatch(/第 3 行，E 列「状态」/);
    expect(response.text).toContain('已丢弃、不会公开的列：手机号');
    expect(await count(db, 'roster_drafts')).toBe(0);
  });

  it('refuses a number another agency publishes, and rows of another agency (A cannot publish for B)', async () => {
    const world = await publishWorld(db);
    const clerk = await signedIn(db, world, smtp, 'city-cgj', 'roster@cgj.city.example');
    const theirs = await clerk.upload('cgj-2026-11-20.csv', csv([HEADER, ['李四', '', 'SL-SC-0002', '协管员', '在岗', '']]));
    expect(theirs.status).toBe(422);
    expect(theirs.text).toContain('证件编号已由示例市市场监督管理局公示，不能由示例市城市管理综合行政执法局发布');
    const otherUnit = await clerk.upload('cgj-2026-11-20.csv', csv([HEADER, ['孙八', '示例市市场监督管理局', 'SC-0900', '协管员', '在岗', '']]));
    expect(otherUnit.status).toBe(422);
    expect(otherUnit.text).toContain('您只能发布示例市城市管理综合行政执法局的人员');
    expect(await count(db, 'roster_drafts')).toBe(0);
  });

  it('keeps only the hash and the allow-listed records of a good upload, and shows the diff against the published version', async () => {
    const world = await publishWorld(db);
    await publishVersion(db, {
      agencyId: 'city-cgj',
      publishedAt: '2026-11-01T00:00:00.000Z',
      mailbox: 'roster@cgj.city.example',
      fileHash: 'x',
      counts: {},
      diff: {},
      records: [
        { certificateNo: 'SL-CG-0001', name: '张三', agencyId: 'city-cgj', status: 'active' },
        { certificateNo: 'CG-0200', name: '周九', agencyId: 'city-cgj', status: 'active' },
        { certificateNo: 'CG-0201', name: '吴十', agencyId: 'city-cgj', status: 'active' },
        { certificateNo: 'CG-0202', name: '郑一', agencyId: 'city-cgj', status: 'active' },
        { certificateNo: 'CG-0203', name: '王二', agencyId: 'city-cgj', status: 'active' },
      ],
    });
    const clerk = await signedIn(db, world, smtp, 'city-cgj', 'roster@cgj.city.example');
    const file = csv([
      HEADER,
      ['张三', '', 'SL-CG-0001', '协管员', '在岗', '13800138000'],
      ['周九', '', 'CG-0200', '协管员', '暂停', ''],
      ['吴拾', '', 'CG-0201', '协管员', '在岗', ''],
      ['郑一', '', 'CG-0302', '协管员', '在岗', ''],
      ['新人', '', 'CG-0400', '协管员', '在岗', ''],
    ]);
    const response = await clerk.upload('cgj-2026-11-20.csv', file);
    expect(response.status).toBe(200);
    const text = response.text;
    expect(text).toContain('检查通过，共 5 人');
    expect(text).toContain('新增（1 人）');
    expect(text).toContain('新人（CG-0400）');
    expect(text).toContain('周九（CG-0200）：在岗 → 暂停');
    expect(text).toContain('CG-0201：吴十 → 吴拾');
    expect(text).toContain('郑一：CG-0202 → CG-0302');
    expect(text).toContain('名单中消失的人员（1 人）');
    expect(text).toContain('name="left" value="CG-0203"');
    const [draft] = await db.query<{ file_hash: string; records: string; agency_id: string }>('SELECT file_hash, records, agency_id FROM roster_drafts');
    expect(draft!.agency_id).toBe('city-cgj');
    expect(draft!.file_hash).toBe(createHash('sha256').update(file).digest('hex'));
    expect(draft!.records).not.toContain('13800138000');
    expect(Object.keys(JSON.parse(draft!.records)[0]).sort()).toEqual(['agencyId', 'certificateNo', 'name', 'post', 'status']);
    // Nothing anywhere in the store holds the phone number of the dropped column.
    for (const table of ['roster_drafts', 'roster_versions', 'outbox']) {
      const rows = await db.query(`SELECT * FROM ${table}`);
      expect(JSON.stringify(rows)).not.toContain('13800138000');
    }
  });

  it('refuses other file types and a request without a file, with a message', async () => {
    const world = await publishWorld(db);
    const clerk = await signedIn(db, world, smtp, 'city-scjg', 'scjg@city.example');
    const pdf = await clerk.upload('名单.pdf', '%PDF-1.4');
    expect(pdf.status).toBe(422);
    expect(pdf.text).toContain('只能上传名单导出文件');
    const plain = await clerk.post('/publish/workspace/upload', { roster: 'x' });
    expect(plain.status).toBe(415);
  });
});
