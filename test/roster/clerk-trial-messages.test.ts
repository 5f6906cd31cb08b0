import { describe, expect, it } from 'vitest';
import { asOfFromFileName, formatProblem, importRosters, RosterImportError } from '../../src/import/roster/index.ts';
import { describeFile, problemLines } from '../../src/import/roster/report.ts';
import { droppedColumnLines } from '../../src/import/site.ts';
import { csv, HEADER, importFiles, testRegistry } from './support.ts';

/**
 * What a clerk trial with real exports found in the content-folder path (roster:check and the build): dates in the
 * file name written the Chinese or the dotted way, a systematic mistake said 10 000 times, 「长期」 in 有效期至, Excel's
 * Unicode text saved as .txt. The folder keeps its own advice (mapping files), unlike the workspace.
 */
describe('the date in the file name', () => {
  it('is read written with 年月日, dots or underscores, with or without leading zeros', () => {
    expect(asOfFromFileName('rosters/交通局辅助人员名单2026年11月30日.xlsx')).toBe('2026-11-30');
    expect(asOfFromFileName('rosters/交通局名单2026.11.30.xlsx')).toBe('2026-11-30');
    expect(asOfFromFileName('rosters/交通局名单2026_11_30.csv')).toBe('2026-11-30');
    expect(asOfFromFileName('rosters/交通局2026年1月5日名单.csv')).toBe('2026-01-05');
    expect(asOfFromFileName('rosters/交通局2026年1月5.csv')).toBe('2026-01-05');
    expect(asOfFromFileName('rosters/交通局2026.1.5.csv')).toBe('2026-01-05');
    expect(asOfFromFileName('rosters/交通局２０２６年１１月３０日.csv')).toBe('2026-11-30');
  });
  it('is never read out of a longer number', () => {
    expect(asOfFromFileName('rosters/名单130982202611300019.csv')).toBeUndefined();
    expect(asOfFromFileName('rosters/名单12345678.csv')).toBeUndefined();
    expect(asOfFromFileName('rosters/名单1.2026.11.301.csv')).toBeUndefined();
    expect(asOfFromFileName('rosters/名单2026年11月.csv')).toBeUndefined();
  });
  it('is never a version number or a year before any roster', () => {
    expect(asOfFromFileName('rosters/名单v2026.1.2.xlsx')).toBeUndefined();
    expect(asOfFromFileName('rosters/名单V2026_1_2.xlsx')).toBeUndefined();
    expect(asOfFromFileName('rosters/名单_1234_5_6.csv')).toBeUndefined();
    expect(asOfFromFileName('rosters/名单19991231.csv')).toBeUndefined();
    // A version number beside the date does not hide the date.
    expect(asOfFromFileName('rosters/名单v3-2026-11-30.csv')).toBe('2026-11-30');
  });
  it('a date that does not exist is said to be wrong, not "no date"', async () => {
    const rows = csv([HEADER, ['张三', 'rq-cgj', 'A1', '', '']]);
    for (const [name, written] of [
      ['城管局2026年2月30日.csv', '2026年2月30日'],
      ['城管局2026.13.01.csv', '2026.13.01'],
    ] as const) {
      const r = await importFiles({ [`rosters/${name}`]: rows });
      expect(r.problems.map(formatProblem), name).toEqual([
        `rosters/${name}：无法确定名单日期：文件名中的日期「${written}」不存在（月份或日期超出范围）：请改正文件名中的日期（如 城管局-2026-11-01.csv），或在表头上方写明“填报日期：2026年11月1日”`,
      ]);
    }
    // Eight digits that are no date are passed over as before: only "no date".
    const number = await importFiles({ 'rosters/城管局20261399.csv': rows });
    expect(number.problems.map((p) => p.reason)[0]).toMatch(/^无法确定名单日期：请在表头上方写明/);
  });
});

describe('in the content folder the fix may be a mapping file', () => {
  it('an unrecognised header: the mapping file is offered, as before', async () => {
    const r = await importFiles({
      'rosters/cgj-2026-11-01.csv': csv([
        ['姓名', '证件号码', '单位'],
        ['张三', 'A1', 'rq-cgj'],
      ]),
    });
    expect(r.problems.map((p) => p.reason)).toEqual([
      '缺少必需的「证件编号」列：表头应为「证件编号」、「辅助行政执法证件编号」、「证号」、「编号」之一，或在映射文件 columns 中指定',
    ]);
    const report = describeFile(r.files[0]!, testRegistry()).join('\n');
    expect(report).toContain('可以把下面几行存为 cgj-2026-11-01.mapping.yaml（与名单放在同一文件夹）');
    const workspace = describeFile(r.files[0]!, testRegistry(), 'workspace').join('\n');
    expect(workspace).not.toContain('mapping.yaml');
    expect(workspace).toContain('查看了第 1–2 行');
    expect(workspace).toContain('请在 Excel 或 WPS 中把表头改成上面认得的写法');
  });
});

describe('a mistake made on every row', () => {
  const people = Array.from({ length: 400 }, (_, i) => ['张三', 'rq-cgj', `A${i}`, '', '', `3/${(i % 28) + 1}/2024`]);
  const files = { 'rosters/cgj-2026-11-01.csv': csv([[...HEADER, '发证日期'], ...people, ['李四', 'rq-cgj', 'B1', '', '放假了', '']]) };

  it('is one line in roster:check and in the build, with rows, count and examples; a single problem stays a line', async () => {
    const r = await importFiles(files);
    expect(r.problems).toHaveLength(401);
    const lines = problemLines(r);
    expect(lines).toEqual([
      '发现 401 处问题（同一列、同一原因的合为一条，共 2 条）：',
      '  1. rosters/cgj-2026-11-01.csv，F 列「发证日期」第 2–401 行，共 400 处，值如「3/1/2024」「3/2/2024」「3/3/2024」等：发证日期：无法识别的日期。可用格式：2021-12-01、2021/12/1、2021.12.1、2021年12月1日、20211201，或 Excel 日期',
      expect.stringMatching(/^ {2}2\. rosters\/cgj-2026-11-01\.csv 第 402 行，E 列「状态」，值「放假了」：无法识别的状态/),
    ]);
    const message = new RosterImportError(r.problems).message.split('\n');
    expect(message).toHaveLength(3);
    expect(message[0]).toBe('名单有 401 处问题，未生成网站：');
    expect(message[1]).toContain('F 列「发证日期」第 2–401 行，共 400 处');
  });

  it('a few of the same stay one line each', async () => {
    const few = people.slice(0, 4);
    const r = await importFiles({ 'rosters/cgj-2026-11-01.csv': csv([[...HEADER, '发证日期'], ...few]) });
    expect(problemLines(r)).toHaveLength(5);
    expect(problemLines(r)[0]).toBe('发现 4 处问题：');
  });
});

describe('有效期至 written 长期', () => {
  it('says to leave the cell blank, and blank is accepted', async () => {
    const header = [...HEADER, '有效期至'];
    const r = await importFiles({
      'rosters/cgj-2026-11-01.csv': csv([header, ['张三', 'rq-cgj', 'A1', '', '', '长期'], ['李四', 'rq-cgj', 'A2', '', '', '']]),
    });
    expect(r.problems.map(formatProblem)).toEqual([
      'rosters/cgj-2026-11-01.csv 第 2 行，F 列「有效期至」，值「长期」：有效期至：无法识别的日期。可用格式：2021-12-01、2021/12/1、2021.12.1、2021年12月1日、20211201，或 Excel 日期；「长期」不是日期：证件没有有效期的，请把这一格留空（留空即没有有效期）',
    ]);
    expect(r.auxiliaries.map((a) => a.certificateNo)).toEqual(['A2']);
  });
});

describe('Excel’s Unicode text (.txt) named on the command line', () => {
  it('says to rename it to .csv', async () => {
    const r = await importRosters([{ file: 'incoming/cgj-2026-11-01.txt', bytes: new TextEncoder().encode('x') }], testRegistry());
    expect(r.problems.map((p) => p.reason)).toEqual([
      '这是文本文件（.txt），名单应为 .csv、.xlsx、.xls 或 .et 文件：Excel“另存为 → Unicode 文本”得到的就是 .txt 文件：把扩展名改为 .csv 后放入即可；也可以在 Excel 或 WPS 中另存为“CSV UTF-8（逗号分隔）”或 .xlsx',
    ]);
  });
});

describe('the build', () => {
  it('says per roster file which columns it dropped', async () => {
    const r = await importFiles({
      'rosters/a/cgj-2026-11-01.csv': csv([
        [...HEADER, '身份证号', '联系电话'],
        ['张三', 'rq-cgj', 'A1', '', '', '', ''],
      ]),
      'rosters/b/scjg-2026-11-01.csv': csv([HEADER, ['李四', 'rq-scjg', 'B1', '', '']]),
    });
    expect(droppedColumnLines(r)).toEqual([
      '[名单] rosters/a/cgj-2026-11-01.csv：已丢弃、不会公开的列：身份证号、联系电话',
      '[名单] rosters/b/scjg-2026-11-01.csv：已丢弃、不会公开的列：无',
    ]);
  });
});
