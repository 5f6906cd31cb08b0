import { describe, expect, it } from 'vitest';
import { formatProblem, importRosters, type RosterResult } from '../../src/import/roster/index.ts';
import { csv, importFiles, testRegistry } from './support.ts';
import { csv as exportCsv, publishWorld, signedIn } from '../publish/support.ts';
import { describeEachStore, freshStore, smtpServer } from '../support/stores.ts';

/**
 * One run of `roster:check` lists every problem: a certificate number used twice is reported even when one of its
 * rows has another problem too, not only once the clerk has fixed that problem and checked again.
 */

const F = 'rosters/xxsj-2026-11-01.csv';
const messages = (r: RosterResult) => r.problems.map(formatProblem);
const DUPLICATE = '证件编号重复：与 %s 第 %d 行相同：同一人只保留一行；不是同一人的，请核对证件编号';
const duplicate = (file: string, row: number) => DUPLICATE.replace('%s', file).replace('%d', String(row));
const HEADER = ['序号', '姓名', '单位', '证件编号', '状态', '状态日期'];

describe('a duplicate certificate number on a row with another problem', () => {
  it('the operator’s case: row 5 has a bad date, row 6 repeats its number; both are listed in one run', async () => {
    const r = await importFiles({
      [F]: csv([
        HEADER,
        ['1', '张伟', 'rq-scjg', 'XXSJ0001', '在岗', ''],
        ['2', '王芳', 'rq-scjg', 'XXSJ0002', '在岗', ''],
        ['3', '李娜', 'rq-scjg', 'XXSJ0003', '在岗', ''],
        ['4', '刘洋', 'rq-scjg', 'XXSJ0004', '已离职', '2026年10月8号'],
        ['5', '陈静', 'rq-scjg', 'XXSJ0004', '在岗', ''],
      ]),
    });
    expect(messages(r)).toEqual([
      `${F} 第 5 行，F 列「状态日期」，值「2026年10月8号」：状态日期：无法识别的日期。可用格式：2021-12-01、2021/12/1、2021.12.1、2021年12月1日、20211201，或 Excel 日期`,
      `${F} 第 6 行，D 列「证件编号」，值「XXSJ0004」：${duplicate(F, 5)}`,
    ]);
    // Neither row is published: the first has a problem, the second repeats its number.
    expect(r.auxiliaries.map((a) => a.certificateNo)).toEqual(['XXSJ0001', 'XXSJ0002', 'XXSJ0003']);
  });

  it('the repeating row may be the one with the problem; the row it repeats is published once the check passes', async () => {
    const r = await importFiles({
      [F]: csv([HEADER, ['1', '张伟', 'rq-scjg', 'XXSJ0001', '在岗', ''], ['2', '', 'rq-scjg', 'XXSJ0001', '休假', '']]),
    });
    expect(messages(r)).toEqual([
      `${F} 第 3 行，B 列「姓名」：姓名为空：请填上姓名；不是人员的行（如说明文字）请删去`,
      expect.stringMatching(/^rosters\/xxsj-2026-11-01\.csv 第 3 行，E 列「状态」，值「休假」：无法识别的状态/),
      `${F} 第 3 行，D 列「证件编号」，值「XXSJ0001」：${duplicate(F, 2)}`,
    ]);
  });

  it('both rows with problems, in two files, and a number that differs only in its separators', async () => {
    const r = await importFiles({
      'rosters/a-2026-11-01.csv': csv([
        ['姓名', '单位', '证件编号'],
        ['张伟', '城管', 'XX-SJ-0004'],
      ]),
      'rosters/b-2026-11-01.csv': csv([
        ['姓名', '单位', '证件编号'],
        ['王芳', '', 'XXSJ0004'],
      ]),
    });
    expect(messages(r)).toEqual([
      'rosters/a-2026-11-01.csv 第 2 行，B 列「单位」，值「城管」：在 agencies.yaml 中找不到这个单位（应与机关的 id 或完整名称一致）',
      'rosters/b-2026-11-01.csv 第 2 行，B 列「单位」：单位为空：请填上机关的完整名称或 id',
      'rosters/b-2026-11-01.csv 第 2 行，C 列「证件编号」，值「XXSJ0004」：证件编号与 rosters/a-2026-11-01.csv 第 2 行的「XX-SJ-0004」只差分隔符，查询时无法区分：请照证件核对这两个编号，改正写错的一个',
    ]);
    expect(r.auxiliaries).toEqual([]);
  });

  it('a number that could not be read takes no part and is never quoted (an ID-card number in the 证件编号 column)', async () => {
    // A real-looking ID-card number: 18 digits, a birth date and the right check digit (made up).
    const r = await importFiles({
      [F]: csv([
        ['姓名', '单位', '证件编号'],
        ['张伟', 'rq-scjg', '130982199001011232'],
        ['王芳', 'rq-scjg', '130982199001011232'],
      ]),
    });
    expect(messages(r)).toHaveLength(2);
    for (const m of messages(r)) expect(m).toMatch(/含有居民身份证号码/);
    expect(messages(r).join('\n')).not.toContain('130982199001011232');
  });

  it('the workspace upload reads the same way (one file, the signed-in agency as the mapping agency)', async () => {
    const r = await importRosters(
      [
        {
          file: 'export.csv',
          bytes: new TextEncoder().encode(csv([HEADER, ['4', '刘洋', '', 'XXSJ0004', '已离职', '2026年10月8号'], ['5', '陈静', '', 'XXSJ0004', '在岗', '']])),
          mapping: { agency: 'rq-scjg', asOf: '2026-11-01' },
        },
      ],
      testRegistry(),
      { today: '2026-12-01' },
    );
    expect(messages(r).map((m) => m.replace(/^export\.csv 第 (\d) 行.*：(状态日期：无法识别的日期|证件编号重复).*$/, '$1 $2'))).toEqual([
      '2 状态日期：无法识别的日期',
      '3 证件编号重复',
    ]);
  });
});

describeEachStore('the publishing workspace upload', (kind) => {
  const db = freshStore(kind);
  const smtp = smtpServer();

  it('lists the duplicate with the bad date in one upload', async () => {
    const world = await publishWorld(db);
    const clerk = await signedIn(db, world, smtp, 'city-cgj', 'roster@cgj.city.example');
    const response = await clerk.upload(
      'cgj-2026-11-20.csv',
      exportCsv([
        ['姓名', '单位', '证件编号', '状态', '状态日期'],
        ['刘洋', '', 'CG-0104', '已离职', '2026年10月8号'],
        ['陈静', '', 'CG-0104', '在岗', ''],
      ]),
    );
    expect(response.status).toBe(422);
    expect(response.text).toMatch(/第 2 行，E 列「状态日期」/);
    expect(response.text).toMatch(/第 3 行，C 列「证件编号」，值「CG-0104」：证件编号重复/);
  });
});
