import { readFile } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../src/import/roster/index.ts';
import { importFiles } from './support.ts';

const fixture = (name: string) => readFile(new URL(`./fixtures/${name}`, import.meta.url));

/** The records in fixtures/roster-utf8.csv; roster-gb18030.csv is the same file run through `iconv -t gb18030`. */
const EXPECTED = [
  {
    certificateNo: 'RQ-CG-0001',
    name: '张三',
    agencyId: 'rq-cgj',
    post: '市容协管员',
    status: 'active',
    statusSince: '2024-03-01',
    issuedOn: '2024-03-01',
    validUntil: '2029-02-28',
    employment: 'direct',
  },
  {
    certificateNo: 'RQ-SJ-0002',
    name: '买买提·艾力',
    agencyId: 'rq-scjg',
    post: '协助检查',
    status: 'suspended',
    statusSince: '2025-06-01',
    issuedOn: '2023-06-01',
    validUntil: '2028-05-31',
    employment: 'dispatch',
    dispatcher: '河北示例劳务派遣有限公司',
  },
  {
    certificateNo: 'RQ-SJ-0003',
    name: '王䶮',
    agencyId: 'rq-scjg',
    post: '协助 宣传',
    status: 'left',
    statusSince: '2025-10-01',
    issuedOn: '2022-01-15',
    validUntil: '2027-01-14',
  },
];

const serial = (iso: string) => (Date.parse(`${iso}T00:00:00Z`) - Date.UTC(1899, 11, 30)) / 86_400_000;

/** The same three people as an XLSX workbook, the way a clerk's Excel would hold them. */
async function xlsxRoster(): Promise<Uint8Array> {
  const workbook = new ExcelJS.Workbook();
  workbook.addWorksheet('说明').addRow(['本表为示例']);
  const sheet = workbook.addWorksheet('名单');
  sheet.addRow(['任丘市行政执法辅助人员名单']);
  sheet.mergeCells('A1:K1');
  sheet.addRow(['姓名', '单位', '证件编号', '岗位', '状态', '状态日期', '发证日期', '有效期至', '用工方式', '劳务派遣单位', '身份证号']);
  const date = (iso: string) => new Date(`${iso}T00:00:00Z`);
  sheet.addRow([
    ' 张 三',
    '任丘市城市管理综合行政执法局',
    'rq-cg-0001',
    '市容协管员',
    '在岗',
    date('2024-03-01'),
    date('2024-03-01'),
    date('2029-02-28'),
    '直接招用',
    null,
    '130982199001011234',
  ]);
  sheet.addRow([
    '买买提•艾力',
    'rq-scjg',
    'ＲＱ－ＳＪ－０００２',
    '协助检查',
    '暂停',
    '2025.6.1',
    serial('2023-06-01'),
    '2028年5月31日',
    '劳务派遣',
    '河北示例劳务派遣有限公司',
    // biome-ignore lint/correctness/noPrecisionLoss: an ID number typed into a numeric cell, as clerks' sheets have it
    130982198502023456,
  ]);
  sheet.addRow([
    { richText: [{ text: '王' }, { text: '䶮', font: { bold: true } }] },
    '任丘市市场监督管理局',
    'RQ-SJ-0003',
    '协助\n宣传',
    '离职',
    '2025-10-01',
    '2022/1/15',
    String(serial('2027-01-14')),
    null,
    null,
    '130982199203034567',
  ]);
  for (const col of [6, 7, 8]) sheet.getColumn(col).numFmt = 'yyyy-mm-dd';
  return new Uint8Array(await workbook.xlsx.writeBuffer());
}

describe('the same roster in every export format gives the same records', () => {
  it('UTF-8 CSV', async () => {
    const r = await importFiles({ 'rosters/a-2026-11-01.csv': await fixture('roster-utf8.csv') });
    expect(r.problems).toEqual([]);
    expect(r.files[0]!.encoding).toBe('UTF-8');
    expect(r.auxiliaries).toEqual(EXPECTED);
  });

  it('UTF-8 CSV with BOM', async () => {
    const bytes = await fixture('roster-utf8.csv');
    const r = await importFiles({ 'rosters/a-2026-11-01.csv': new Uint8Array([0xef, 0xbb, 0xbf, ...bytes]) });
    expect(r.problems).toEqual([]);
    expect(r.files[0]!.encoding).toBe('UTF-8 (BOM)');
    expect(r.files[0]!.droppedColumns).toEqual(['身份证号']);
    expect(r.auxiliaries).toEqual(EXPECTED);
  });

  it('GB18030 CSV (converted with iconv, including a four-byte character)', async () => {
    const bytes = await fixture('roster-gb18030.csv');
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow();
    const r = await importFiles({ 'rosters/a-2026-11-01.csv': bytes });
    expect(r.problems).toEqual([]);
    expect(r.files[0]!.encoding).toBe('GB18030');
    expect(r.auxiliaries).toEqual(EXPECTED);
  });

  it('XLSX with a title row, a second sheet, date cells, serials, rich text and a merged title', async () => {
    const r = await importFiles({
      'rosters/a-2026-11-01.xlsx': await xlsxRoster(),
      'rosters/a-2026-11-01.mapping.yaml': 'sheet: 名单\nheaderRow: 2\n',
    });
    expect(r.problems.map(formatProblem)).toEqual([]);
    expect(r.files[0]).toMatchObject({
      file: 'rosters/a-2026-11-01.xlsx',
      encoding: 'XLSX',
      asOf: '2026-11-01',
      headerRow: 2,
      rows: 3,
      agencyIds: ['rq-cgj', 'rq-scjg'],
      droppedColumns: ['身份证号'],
      skippedRows: 0,
    });
    expect(r.auxiliaries).toEqual(EXPECTED);
  });

  it('XLSX: without a mapping, the first visible sheet is read', async () => {
    const workbook = new ExcelJS.Workbook();
    const hidden = workbook.addWorksheet('下拉选项');
    hidden.state = 'hidden';
    hidden.addRow(['在岗', '暂停']);
    const sheet = workbook.addWorksheet('名单');
    sheet.addRow(['姓名', '单位', '证号']);
    sheet.addRow(['张三', 'rq-cgj', 'A1']);
    const r = await importFiles({ 'rosters/a-2026-11-01.xlsx': new Uint8Array(await workbook.xlsx.writeBuffer()) });
    expect(r.problems).toEqual([]);
    expect(r.auxiliaries).toEqual([{ certificateNo: 'A1', name: '张三', agencyId: 'rq-cgj', status: 'active' }]);
  });

  it('XLSX in the 1904 date system (old Mac Excel): serials and date cells', async () => {
    const workbook = new ExcelJS.Workbook();
    workbook.properties.date1904 = true;
    const sheet = workbook.addWorksheet('名单');
    sheet.addRow(['姓名', '单位', '证号', '发证日期', '有效期至']);
    sheet.addRow(['张三', 'rq-cgj', 'A1', serial('2021-12-01') - 1462, new Date(Date.UTC(2026, 10, 30))]);
    sheet.getColumn(5).numFmt = 'yyyy-mm-dd';
    const r = await importFiles({ 'rosters/a-2026-11-01.xlsx': new Uint8Array(await workbook.xlsx.writeBuffer()) });
    expect(r.problems).toEqual([]);
    expect(r.auxiliaries).toEqual([
      { certificateNo: 'A1', name: '张三', agencyId: 'rq-cgj', status: 'active', issuedOn: '2021-12-01', validUntil: '2026-11-30' },
    ]);
  });

  it('XLSX: names the sheets when the mapped one is missing', async () => {
    const r = await importFiles({
      'rosters/a-2026-11-01.xlsx': await xlsxRoster(),
      'rosters/a-2026-11-01.mapping.yaml': 'sheet: 人员\n',
    });
    expect(r.problems.map(formatProblem)).toEqual([
      'rosters/a-2026-11-01.xlsx：工作簿中没有名为「人员」的工作表（已有：说明、名单）：请把映射文件中的 sheet 改成上面已有的一个工作表名',
    ]);
  });
});
