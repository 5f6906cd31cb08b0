import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { checkRegistry } from '../../src/import/registry/load.ts';
import { formatProblem, type RosterResult } from '../../src/import/roster/index.ts';
import { describeFile } from '../../src/import/roster/report.ts';
import { STATUS_WORDS_HINT } from '../../src/import/roster/status.ts';
import { AGENCIES, contentDir, csv, importFiles, removeDir } from './support.ts';

/**
 * Exports made by other programs than ours (openpyxl, xlwt, LibreOffice; test/roster/corpus/generate.py), shaped
 * the way offices save them: a merged title, a fill-in line with the unit and date, the header on row 3, totals and
 * signature rows and a blank row under the table, clerks' status words, numbers and dates as numeric cells.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CORPUS = join(ROOT, 'test/roster/corpus');
const corpus = async (name: string): Promise<Uint8Array> => new Uint8Array(await readFile(join(CORPUS, name)));
const messages = (r: RosterResult) => r.problems.map(formatProblem);

const TITLE_SHEET_PEOPLE = [
  { certificateNo: 'HBFZ-130982-0019', name: '张伟', agencyId: 'rq-cgj', post: '市容协管员', status: 'active', issuedOn: '2022-03-01' },
  { certificateNo: '13098200019', name: '王芳', agencyId: 'rq-cgj', post: '市容协管员', status: 'active', issuedOn: '2022-03-01' },
  { certificateNo: '130982202400001', name: '李娜', agencyId: 'rq-cgj', post: '停车管理员', status: 'left', issuedOn: '2022-03-01' },
  { certificateNo: 'RQCG-0004', name: '刘洋', agencyId: 'rq-cgj', post: '市容协管员', status: 'revoked', issuedOn: '2022-03-01' },
  { certificateNo: 'RQCG-0005', name: '陈静', agencyId: 'rq-cgj', post: '市容协管员', status: 'revoked', issuedOn: '2022-03-01' },
  { certificateNo: 'RQCG-0006', name: '杨磊', agencyId: 'rq-cgj', post: '市容协管员', status: 'suspended', issuedOn: '2021-12-01' },
  { certificateNo: 'RQCG-0007', name: '赵敏', agencyId: 'rq-cgj', post: '停车管理员', status: 'left', issuedOn: '2021-12-01' },
];
const TITLE_SHEET_WORDS = [
  { word: '在职', status: 'active', rows: 1 },
  { word: '正常', status: 'active', rows: 1 },
  { word: '已离职', status: 'left', rows: 1 },
  { word: '证件已收回', status: 'revoked', rows: 1 },
  { word: '证件收回', status: 'revoked', rows: 1 },
  { word: '停岗', status: 'suspended', rows: 1 },
  { word: '已离职，证件已收回', status: 'left', rows: 1 },
];
const SHEET_DATE = { kind: 'sheet', date: '2022-11-01', where: '表内第 2 行「填报日期：2022年11月1日」' };
/** What only the private columns, the footers and the fill-in line hold: none of it may come out. */
const NEVER_OUT = /130982199001011235|13098219970707789X|13800138000|孙丽|周强|吴刚|0317-2222222|共 7 人/;

describe('a title sheet with a fill-in line and footers, from every writer', () => {
  it.each([
    ['城管局花名册-openpyxl.xlsx', 'XLSX'],
    ['城管局花名册-libreoffice.xlsx', 'XLSX'],
    ['城管局花名册-libreoffice.xls', 'XLS'],
    ['城管局花名册-wps.et', 'ET'],
  ])('%s imports as a person reads it', async (name, format) => {
    const r = await importFiles({ [`rosters/${name}`]: await corpus(name) });
    expect(messages(r)).toEqual([]);
    expect(r.auxiliaries).toEqual(TITLE_SHEET_PEOPLE);
    expect(r.files[0]).toEqual({
      file: `rosters/${name}`,
      encoding: format,
      sheet: '花名册',
      headerRow: 3,
      asOf: '2022-11-01',
      asOfSources: [SHEET_DATE],
      sheetAgency: { text: '任丘市城市管理综合行政执法局', row: 2, agencyId: 'rq-cgj' },
      rows: 7,
      agencyIds: ['rq-cgj'],
      droppedColumns: ['序号', '性别', '身份证号', '联系电话'],
      skippedRows: 0,
      footerRows: 2,
      statusWords: TITLE_SHEET_WORDS,
    });
    expect(JSON.stringify(r)).not.toMatch(NEVER_OUT);
  });

  it('as-of date: mapping file, then the sheet, then the file name; every source is reported', async () => {
    const bytes = await corpus('城管局花名册-2022-10-15.xlsx');
    const sheetFirst = await importFiles({ 'rosters/城管局花名册-2022-10-15.xlsx': bytes });
    expect(sheetFirst.files[0]!.asOf).toBe('2022-11-01');
    expect(sheetFirst.files[0]!.asOfSources).toEqual([SHEET_DATE, { kind: 'fileName', date: '2022-10-15', where: '文件名' }]);
    const mappingFirst = await importFiles({
      'rosters/城管局花名册-2022-10-15.xlsx': bytes,
      'rosters/城管局花名册-2022-10-15.mapping.yaml': 'asOf: 2022-12-01\n',
    });
    expect(messages(mappingFirst)).toEqual([]);
    expect(mappingFirst.files[0]!.asOfSources.map((s) => [s.kind, s.date])).toEqual([
      ['mapping', '2022-12-01'],
      ['sheet', '2022-11-01'],
      ['fileName', '2022-10-15'],
    ]);
    expect(Object.fromEntries(mappingFirst.asOfByAgency)).toEqual({ 'rq-cgj': '2022-12-01' });
  });
});

describe('other shapes', () => {
  it('xlwt .xls: a 单位 merged down the rows, a zero-padded numeric certificate number, date cells, 小计 and 审核人 rows', async () => {
    const r = await importFiles({ 'rosters/市场监管局-xlwt.xls': await corpus('市场监管局-xlwt.xls') });
    expect(messages(r)).toEqual([]);
    expect(r.auxiliaries).toEqual([
      { certificateNo: '00001234', name: '赵刚', agencyId: 'rq-scjg', status: 'active', validUntil: '2027-06-30' },
      { certificateNo: 'SJ-0002', name: '钱丽', agencyId: 'rq-scjg', status: 'suspended', validUntil: '2027-06-30' },
      { certificateNo: 'SJ-0003', name: '孙强', agencyId: 'rq-scjg', status: 'cancelled', validUntil: '2026-01-31' },
      { certificateNo: 'SJ-0004', name: '李明', agencyId: 'rq-scjg', status: 'cancelled', validUntil: '2026-01-31' },
    ]);
    expect(r.files[0]).toMatchObject({
      encoding: 'XLS',
      headerRow: 2,
      asOf: '2022-10-31',
      footerRows: 2,
      asOfSources: [{ kind: 'sheet', date: '2022-10-31', where: '表内第 1 行「截至：2022年10月31日」' }],
    });
  });

  it('CSV: a blank 单位 takes the unit named on the fill-in line; without that line it is an error', async () => {
    const bytes = await corpus('市场监管局-填报单位.csv');
    const r = await importFiles({ 'rosters/市场监管局-填报单位.csv': bytes });
    expect(messages(r)).toEqual([]);
    expect(r.files[0]).toMatchObject({
      encoding: 'GB18030',
      headerRow: 2,
      asOf: '2022-11-01',
      footerRows: 1,
      sheetAgency: { text: '任丘市市场监督管理局', row: 1, agencyId: 'rq-scjg' },
    });
    expect(r.auxiliaries.map((a) => [a.name, a.agencyId, a.status])).toEqual([
      ['周杰', 'rq-scjg', 'active'],
      ['吴敏', 'rq-scjg', 'left'],
      ['郑洁', 'rq-scjg', 'left'],
    ]);

    const text = new TextDecoder('gb18030').decode(bytes);
    const withoutFillIn = new TextEncoder().encode(text.slice(text.indexOf('\n') + 1));
    const bare = await importFiles({ 'rosters/市场监管局-2022-11-01.csv': withoutFillIn });
    expect(messages(bare)).toEqual([
      'rosters/市场监管局-2022-11-01.csv 第 2 行，B 列「单位」：单位为空：请填上机关的完整名称或 id',
      'rosters/市场监管局-2022-11-01.csv 第 4 行，B 列「单位」：单位为空：请填上机关的完整名称或 id',
    ]);
  });

  it('an unknown unit on the fill-in line is named when a 单位 cell is blank', async () => {
    const r = await importFiles({ 'rosters/a-2022-11-01.csv': '填报单位：任丘市城管局\r\n姓名,单位,证件编号\r\n张三,,A1\r\n' });
    expect(messages(r)).toEqual([
      'rosters/a-2022-11-01.csv 第 3 行，B 列「单位」：单位为空，表头上方第 1 行写的单位「任丘市城管局」在 agencies.yaml 中找不到（应与机关的完整名称一致）',
    ]);
  });

  it('formulas: LibreOffice stores results, which are published; openpyxl stores none, and each such cell is refused by name', async () => {
    const lo = await importFiles({ 'rosters/公式-libreoffice-2022-11-01.xlsx': await corpus('公式-libreoffice-2022-11-01.xlsx') });
    expect(messages(lo)).toEqual([]);
    expect(lo.auxiliaries).toEqual([
      { certificateNo: 'RQCG-0101', name: '张伟', agencyId: 'rq-cgj', post: '市容协管员', status: 'active' },
      { certificateNo: 'RQCG-0102', name: '王芳', agencyId: 'rq-cgj', post: '协管员', status: 'active' },
      { certificateNo: 'RQCG-0103', name: '李娜', agencyId: 'rq-cgj', post: 'X光检查员', status: 'left' },
    ]);
    const script = await importFiles({ 'rosters/公式-openpyxl-2022-11-01.xlsx': await corpus('公式-openpyxl-2022-11-01.xlsx') });
    const hint = '是公式，但文件里没有保存计算结果（由程序生成的文件常见）：请在 Excel 或 WPS 中打开这个文件、保存一次后再放入';
    expect(messages(script)).toEqual([
      `rosters/公式-openpyxl-2022-11-01.xlsx 第 2 行，D 列「岗位」：单元格 D2 ${hint}`,
      `rosters/公式-openpyxl-2022-11-01.xlsx 第 3 行，A 列「姓名」：单元格 A3 ${hint}`,
      `rosters/公式-openpyxl-2022-11-01.xlsx 第 3 行，C 列「证件编号」：单元格 C3 ${hint}`,
      `rosters/公式-openpyxl-2022-11-01.xlsx 第 4 行，D 列「岗位」：单元格 D4 ${hint}`,
      `rosters/公式-openpyxl-2022-11-01.xlsx 第 4 行，E 列「状态」：单元格 E4 ${hint}`,
    ]);
    expect(script.auxiliaries).toEqual([]);
  });

  it('status words that must not be guessed: negations, two statuses, unknown words', async () => {
    const r = await importFiles({ 'rosters/状态写法-2022-11-01.csv': await corpus('状态写法-2022-11-01.csv') });
    const F = 'rosters/状态写法-2022-11-01.csv';
    expect(messages(r)).toEqual([
      `${F} 第 2 行，D 列「状态」，值「不在岗」：「不在岗」是否定的说法，不能当作「在岗」：请直接写出状态。可用：${STATUS_WORDS_HINT}`,
      `${F} 第 3 行，D 列「状态」，值「未收回」：「未收回」是否定的说法，不能当作「收回」：请直接写出状态。可用：${STATUS_WORDS_HINT}`,
      `${F} 第 4 行，D 列「状态」，值「非在职」：「非在职」是否定的说法，不能当作「在职」：请直接写出状态。可用：${STATUS_WORDS_HINT}`,
      `${F} 第 5 行，D 列「状态」，值「在岗，已离职」：同时写了「在岗」和「已离职」两种状态，无法确定是哪一种（只有“离职”加“证件已收回”按已离职处理）：请只写一种状态`,
      `${F} 第 6 行，D 列「状态」，值「休假」：无法识别的状态。可用：${STATUS_WORDS_HINT}`,
      `${F} 第 7 行，D 列「状态」，值「离职(证件未收回)」：「证件未收回」中有否定的说法「未收回」，不能当作「收回」：请直接写出状态。可用：${STATUS_WORDS_HINT}`,
    ]);
    expect(r.files[0]!.statusWords).toEqual([
      { word: '在 岗', status: 'active', rows: 1 },
      { word: '辞退/收回', status: 'left', rows: 1 },
    ]);
  });
});

/** The two agencies of the sample registry (content/agencies.yaml) that the files below name, by name or by id. */
const SAMPLE_REGISTRY = checkRegistry(
  [
    ...AGENCIES,
    {
      id: 'renqiu-sthj',
      name: '沧州市生态环境局任丘市分局',
      region: '河北省沧州市任丘市',
      regulation: 'hebei-2021',
      complaints: { email: 'sthj@rq.example.org' },
    },
    { id: 'renqiu-nync', name: '任丘市农业农村局', region: '河北省沧州市任丘市', regulation: 'hebei-2021', complaints: { email: 'nync@rq.example.org' } },
  ],
  new Set(['hebei-2021']),
);
const importSample = (files: Record<string, string | Uint8Array>) => importFiles(files, SAMPLE_REGISTRY);

/** Runs the import with the process in another time zone (Node applies a change of TZ at once), then restores it. */
async function inTimeZone<T>(zone: string, run: () => Promise<T>): Promise<T> {
  const before = process.env.TZ;
  process.env.TZ = zone;
  try {
    expect(new Date(Date.UTC(2021, 11, 1)).getTimezoneOffset()).toBe(zone === 'UTC' ? 0 : -480);
    return await run();
  } finally {
    if (before === undefined) delete process.env.TZ;
    else process.env.TZ = before;
  }
}

describe('merged cells whose covered cells are stored (LibreOffice always, Excel for a bordered table)', () => {
  it.each([
    ['合并单元格-libreoffice.xlsx', 'XLSX'],
    ['合并单元格-libreoffice.xls', 'XLS'],
  ])('%s: every row of a merged 单位, 状态 or 有效期至 reads the merged value', async (name, format) => {
    const r = await importSample({ [`rosters/${name}`]: await corpus(name) });
    expect(messages(r)).toEqual([]);
    expect(r.auxiliaries).toEqual([
      { certificateNo: 'RQ-G-0001', name: '张三', agencyId: 'renqiu-sthj', status: 'active', validUntil: '2027-06-30' },
      { certificateNo: 'RQ-G-0002', name: '李四', agencyId: 'renqiu-sthj', status: 'left', validUntil: '2027-06-30' },
      { certificateNo: 'RQ-G-0003', name: '王五', agencyId: 'renqiu-nync', status: 'left', validUntil: '2027-06-30' },
      { certificateNo: 'RQ-G-0004', name: '赵六', agencyId: 'renqiu-nync', status: 'left', validUntil: '2027-06-30' },
    ]);
    expect(r.files[0]).toMatchObject({
      encoding: format,
      headerRow: 2,
      asOf: '2026-11-01',
      sheetAgency: { text: '沧州市生态环境局任丘市分局', row: 1, agencyId: 'renqiu-sthj' },
      rows: 4,
      agencyIds: ['renqiu-nync', 'renqiu-sthj'],
      droppedColumns: ['序号'],
      statusWords: [
        { word: '在岗', status: 'active', rows: 1 },
        { word: '已离职', status: 'left', rows: 3 },
      ],
    });
  });
});

describe('a header written over two rows (证件有效期 over 发证日期 and 有效期至)', () => {
  const NAME = '两行表头-libreoffice-2026-11-01.xlsx';
  const PEOPLE = [
    { certificateNo: 'RQ-M-0001', name: '张三', agencyId: 'renqiu-sthj', status: 'active', issuedOn: '2019-01-01', validUntil: '2024-01-01' },
    { certificateNo: 'RQ-M-0002', name: '李四', agencyId: 'renqiu-sthj', status: 'active', issuedOn: '2021-12-01', validUntil: '2026-11-30' },
  ];

  it.each(['UTC', 'Asia/Shanghai'])(`${NAME}: both rows make the header, no column is lost (TZ=%s)`, async (zone) => {
    const bytes = await corpus(NAME);
    const r = await inTimeZone(zone, () => importSample({ [`rosters/${NAME}`]: bytes }));
    expect(messages(r)).toEqual([]);
    expect(r.auxiliaries).toEqual(PEOPLE);
    expect(r.files[0]).toEqual({
      file: `rosters/${NAME}`,
      encoding: 'XLSX',
      sheet: '花名册',
      headerRow: 1,
      headerEndRow: 2,
      asOf: '2026-11-01',
      asOfSources: [{ kind: 'fileName', date: '2026-11-01', where: '文件名' }],
      rows: 2,
      agencyIds: ['renqiu-sthj'],
      droppedColumns: ['序号'],
      skippedRows: 0,
      footerRows: 0,
      statusWords: [{ word: '在岗', status: 'active', rows: 2 }],
    });
    expect(describeFile(r.files[0]!, SAMPLE_REGISTRY)[1]).toBe('  格式 XLSX · 表头在第 1–2 行 · 2 人');
  });

  it('a mapping file naming either header row as headerRow reads the same people', async () => {
    const bytes = await corpus(NAME);
    for (const headerRow of [1, 2]) {
      const r = await importSample({ 'rosters/a-2026-11-01.xlsx': bytes, 'rosters/a-2026-11-01.mapping.yaml': `headerRow: ${headerRow}\n` });
      expect(messages(r)).toEqual([]);
      expect(r.auxiliaries).toEqual(PEOPLE);
      expect(r.files[0]).toMatchObject({ headerRow, droppedColumns: ['序号'] });
      expect(r.files[0]!.headerEndRow).toBe(headerRow === 1 ? 2 : undefined);
    }
  });

  it('CSV: 证件有效期 written once over two columns; the two header lines repeated further down are skipped', async () => {
    const upper = ['序号', '姓名', '单位', '证件编号', '证件有效期', '', '状态'];
    const lower = ['', '', '', '', '发证日期', '有效期至', ''];
    const r = await importSample({
      'rosters/a-2026-11-01.csv': csv([
        upper,
        lower,
        ['1', '张三', 'renqiu-sthj', 'RQ-M-0001', '2019/1/1', '2024/1/1', '在岗'],
        upper,
        lower,
        ['2', '李四', 'renqiu-sthj', 'RQ-M-0002', '2021.12.1', '2026年11月30日', '在岗'],
      ]),
    });
    expect(messages(r)).toEqual([]);
    expect(r.auxiliaries).toEqual(PEOPLE);
    expect(r.files[0]).toMatchObject({ headerRow: 1, headerEndRow: 2, droppedColumns: ['序号'], skippedRows: 2, rows: 2 });
  });

  it('a row with a person under 姓名 and 证件编号 is data, whatever else it holds; a one-row header stays one row', async () => {
    const r = await importSample({
      'rosters/a-2026-11-01.csv': csv([
        ['姓名', '单位', '证件编号', '证件有效期', '备注'],
        ['张三', 'renqiu-sthj', 'RQ-M-0001', '有效期至', '发证日期'],
        ['李四', 'renqiu-sthj', 'RQ-M-0002', '', ''],
      ]),
    });
    expect(messages(r)).toEqual([]);
    expect(r.auxiliaries.map((a) => a.name)).toEqual(['张三', '李四']);
    expect(r.files[0]).toMatchObject({ headerRow: 1, droppedColumns: ['证件有效期', '备注'], rows: 2 });
    expect(r.files[0]!.headerEndRow).toBeUndefined();

    // Blank 姓名 and 证件编号 with a date under 有效期至: a person's row with cells missing, reported as such.
    const blank = await importSample({
      'rosters/a-2026-11-01.csv': csv([
        ['姓名', '单位', '证件编号', '有效期至'],
        ['', '', '', '2024/1/1'],
        ['李四', 'renqiu-sthj', 'RQ-M-0002', ''],
      ]),
    });
    expect(messages(blank)).toEqual([
      'rosters/a-2026-11-01.csv 第 2 行，A 列「姓名」：姓名为空：请填上姓名；不是人员的行（如说明文字）请删去',
      'rosters/a-2026-11-01.csv 第 2 行，C 列「证件编号」：证件编号为空：请照证件填上编号；还没有证件的人员不列入名单',
      'rosters/a-2026-11-01.csv 第 2 行，B 列「单位」：单位为空：请填上机关的完整名称或 id',
    ]);
    expect(blank.files[0]!.headerEndRow).toBeUndefined();
  });
});

describe('HTML tables saved as .xls: every cell is the text in the table, in any time zone', () => {
  const PEOPLE = [
    { certificateNo: '00001234', name: '张三', agencyId: 'renqiu-sthj', status: 'active', issuedOn: '2021-12-01', validUntil: '2026-12-01' },
    { certificateNo: '2021-0001', name: '李四', agencyId: 'renqiu-sthj', status: 'active', issuedOn: '2021-12-01', validUntil: '2026-12-01' },
    { certificateNo: '2021-0002', name: '王五', agencyId: 'renqiu-sthj', status: 'active', issuedOn: '2021-12-01', validUntil: '2026-12-01' },
  ];
  it.each([
    ['网页表格-utf8-2026-11-01.xls', 'UTF-8', 'UTC'],
    ['网页表格-utf8-2026-11-01.xls', 'UTF-8', 'Asia/Shanghai'],
    ['网页表格-gbk-2026-11-01.xls', 'GB18030', 'UTC'],
    ['网页表格-gbk-2026-11-01.xls', 'GB18030', 'Asia/Shanghai'],
  ])('%s (%s) with TZ=%s', async (name, encoding, zone) => {
    const bytes = await corpus(name);
    const r = await inTimeZone(zone, () => importSample({ [`rosters/${name}`]: bytes }));
    expect(messages(r)).toEqual([]);
    expect(r.auxiliaries).toEqual(PEOPLE);
    expect(r.files[0]).toMatchObject({ encoding: `XLS（内容为网页表格，${encoding}）`, headerRow: 1, rows: 3, droppedColumns: [] });
  });

  const table = (rows: string[][]) => `<table>${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('')}</table>`;
  const person = table([
    ['姓名', '单位', '证件编号', '发证日期'],
    ['张三', 'renqiu-sthj', '0012', '2021-12-01'],
  ]);
  it.each([
    ['<meta', `<meta http-equiv=Content-Type content=text/html;charset=utf-8>${person}`],
    ['<head', `<head><title>名单</title></head>${person}`],
    ['<body', `<body>${person}</body>`],
    ['<style', `<style>td{mso-number-format:"\\@"}</style>${person}`],
    ['a comment', `<!-- saved from url=(0014)about:internet -->\r\n<html><body>${person}</body></html>`],
    ['XHTML', `<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n<html xmlns="http://www.w3.org/1999/xhtml"><body>${person}</body></html>`],
  ])('a page that starts with %s is a web page', async (_, page) => {
    const r = await inTimeZone('Asia/Shanghai', () => importSample({ 'rosters/a-2026-11-01.et': page }));
    expect(messages(r)).toEqual([]);
    expect(r.auxiliaries).toEqual([{ certificateNo: '0012', name: '张三', agencyId: 'renqiu-sthj', status: 'active', issuedOn: '2021-12-01' }]);
    expect(r.files[0]!.encoding).toBe('ET（内容为网页表格，UTF-8）');
  });

  it('numbers with separators and percentages stay as written; character references are read as characters, never as markup', async () => {
    const page = table([
      ['姓名', '单位', '证件编号', '岗位', '有效期至'],
      ['张&nbsp;三', 'renqiu-sthj', 'A-1', '12%', '2026年12月1日'],
      ['李四', 'renqiu-sthj', '1,234', '协管员', '46357'],
      ['&#29579;&#x4E94;', 'renqiu-sthj', 'A-3', '&lt;b&gt;&#60;i&#62;&amp;#1;&mdash;', '46357'],
    ]);
    const r = await importSample({ 'rosters/a-2026-11-01.xls': page });
    expect(messages(r)).toEqual([
      'rosters/a-2026-11-01.xls 第 3 行，C 列「证件编号」，值「1,234」：证件编号只能由数字、字母、汉字和中间的连字符 -、下划线 _、点 . 组成：请照证件上的编号填写，删去其他符号',
    ]);
    expect(r.auxiliaries).toEqual([
      { certificateNo: 'A-1', name: '张三', agencyId: 'renqiu-sthj', post: '12%', status: 'active', validUntil: '2026-12-01' },
      { certificateNo: 'A-3', name: '王五', agencyId: 'renqiu-sthj', post: '<b><i>&#1;—', status: 'active', validUntil: '2026-12-01' },
    ]);
  });

  it('an Excel 2003 XML workbook (SpreadsheetML) is still read as a workbook', async () => {
    const cell = (type: string, value: string) => `<Cell><Data ss:Type="${type}">${value}</Data></Cell>`;
    const xml = [
      '<?xml version="1.0"?>',
      '<?mso-application progid="Excel.Sheet"?>',
      '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">',
      '<Worksheet ss:Name="名单"><Table>',
      `<Row>${cell('String', '姓名')}${cell('String', '单位')}${cell('String', '证件编号')}</Row>`,
      `<Row>${cell('String', '张三')}${cell('String', 'renqiu-sthj')}${cell('String', '00012')}</Row>`,
      `<Row>${cell('String', '李四')}${cell('String', 'renqiu-sthj')}${cell('Number', '130982')}</Row>`,
      '</Table></Worksheet></Workbook>',
    ].join('\n');
    const r = await importSample({ 'rosters/a-2026-11-01.xls': xml });
    expect(messages(r)).toEqual([]);
    expect(r.auxiliaries.map((a) => [a.name, a.certificateNo])).toEqual([
      ['张三', '00012'],
      ['李四', '130982'],
    ]);
    expect(r.files[0]!.encoding).toBe('XLS（内容为 XML 表格）');
  });
});

describe('control characters and invisible characters in published text', () => {
  it('control, bidi and replacement characters are refused without quoting the value; zero-width characters are dropped', async () => {
    const name = '控制字符-2026-11-01.csv';
    const r = await importSample({ [`rosters/${name}`]: await corpus(name) });
    const F = `rosters/${name}`;
    const hint = '不能公开（此处不引用原值）：请在 Excel 或 WPS 中删去这一格的内容，照原始记录重新输入（不要从网页、聊天软件或乱码的文件中复制）';
    expect(messages(r)).toEqual([
      `${F} 第 2 行，A 列「姓名」：姓名中含有改变文字显示方向的控制字符 U+202E，${hint}`,
      `${F} 第 3 行，A 列「姓名」：姓名中含有替换字符 U+FFFD（显示为“�”，文字在转换编码时已经损坏），${hint}`,
      `${F} 第 4 行，A 列「姓名」：姓名中含有不可见的控制字符 U+0007，${hint}`,
    ]);
    expect(r.auxiliaries).toEqual([
      { certificateNo: 'RQ-Z-0005', name: '孙七', agencyId: 'renqiu-sthj', status: 'active' },
      { certificateNo: 'RQ-Z-0006', name: '周八', agencyId: 'renqiu-sthj', status: 'active' },
    ]);
    expect(JSON.stringify(r)).not.toMatch(/[\u0007\u00AD\u200B-\u200D\u202E\u2060\uFEFF]|三李/);
  });

  it('in every published column, also where white space would hide it; a phone number split by zero-width spaces is still found', async () => {
    const r = await importSample({
      'rosters/a-2026-11-01.csv': csv([
        ['姓名', '单位', '证件编号', '岗位', '状态', '劳务派遣单位'],
        ['张三', 'renqiu-sthj', 'A1', '协管员\u000B', '', ''],
        ['李四', 'renqiu-sthj', 'A2', '', '在岗\u2066', ''],
        ['王五', 'renqiu-sthj', 'A3\u0000', '', '', ''],
        ['赵六', 'renqiu-sthj', 'A4', '138\u200B0013\u200B8000', '', ''],
        ['钱七', 'renqiu-sthj', 'A5', '协\u00AD管员', '', '示例\u200B劳务派遣有限公司'],
      ]),
    });
    const F = 'rosters/a-2026-11-01.csv';
    const hint = '不能公开（此处不引用原值）：请在 Excel 或 WPS 中删去这一格的内容，照原始记录重新输入（不要从网页、聊天软件或乱码的文件中复制）';
    expect(messages(r)).toEqual([
      `${F} 第 2 行，D 列「岗位」：岗位中含有不可见的控制字符 U+000B，${hint}`,
      `${F} 第 3 行，E 列「状态」：状态中含有改变文字显示方向的控制字符 U+2066，${hint}`,
      `${F} 第 4 行，C 列「证件编号」：证件编号中含有不可见的控制字符 U+0000，${hint}`,
      `${F} 第 5 行，D 列「岗位」：岗位中含有手机号码，不能公开（此处不引用原值）：请在 Excel 或 WPS 中把号码从这一格删去`,
    ]);
    expect(r.auxiliaries).toEqual([
      {
        certificateNo: 'A5',
        name: '钱七',
        agencyId: 'renqiu-sthj',
        post: '协管员',
        status: 'active',
        employment: 'dispatch',
        dispatcher: '示例劳务派遣有限公司',
      },
    ]);
  });
});

describe('Excel "Unicode text" (UTF-16, tab-separated)', () => {
  it('is read by tabs although a header holds a comma', async () => {
    const name = 'Unicode文本-2026-11-01.csv';
    const r = await importSample({ [`rosters/${name}`]: await corpus(name) });
    expect(messages(r)).toEqual([]);
    expect(r.files[0]).toMatchObject({ encoding: 'UTF-16LE (BOM)', headerRow: 1, rows: 2, droppedColumns: ['备注(如有,请写)'] });
    expect(r.auxiliaries).toEqual([
      { certificateNo: 'RQ-U-0001', name: '张三', agencyId: 'renqiu-sthj', status: 'active' },
      { certificateNo: 'RQ-U-0002', name: '李四', agencyId: 'renqiu-sthj', status: 'active' },
    ]);
  });
});

describe('roster:check on the corpus', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await contentDir({
      'agencies.yaml': stringify(AGENCIES),
      'regulations/hebei-2021.yaml': 'id: hebei-2021\n',
      'rosters/城管局花名册-2022-10-15.xlsx': await corpus('城管局花名册-2022-10-15.xlsx'),
      'rosters/市场监管局-xlwt.xls': await corpus('市场监管局-xlwt.xls'),
      'incoming/名单.csv': '任丘市城市管理综合行政执法局花名册\r\n序号,人员姓名,执法证号,身份证号\r\n1,张三,A1,130982199001011235\r\n',
    });
  });
  afterAll(() => removeDir(dir));
  const check = (...args: string[]) =>
    spawnSync(process.execPath, [join(ROOT, 'scripts/roster-check.ts'), ...args], { cwd: dir, env: { ...process.env, CONTENT_DIR: dir }, encoding: 'utf8' });

  it('names the header row, the as-of date with its source and the one not used, the unit read above the header, every status word', () => {
    const run = check();
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(
      [
        'rosters/城管局花名册-2022-10-15.xlsx',
        '  格式 XLSX · 表头在第 3 行 · 7 人',
        '  读取的工作表：「花名册」',
        '  名单日期：2022-11-01（取自表内第 2 行「填报日期：2022年11月1日」；文件名中是 2022-10-15，与此不同，未采用）',
        '  表头上方第 2 行写的单位：任丘市城市管理综合行政执法局（rq-cgj，单位为空的行归它）',
        '  单位：任丘市城市管理综合行政执法局（rq-cgj）',
        '  状态写法的理解：「在职」→在岗 1 人；「正常」→在岗 1 人；「已离职」→已离职 1 人；「证件已收回」→证件已收回 1 人；「证件收回」→证件已收回 1 人；「停岗」→暂停 1 人；「已离职，证件已收回」→已离职 1 人',
        '  已丢弃、不会公开的列：序号、性别、身份证号、联系电话',
        '  表尾的合计、签字等 2 行不是人员，已跳过（不检查、不公开）',
      ].join('\n'),
    );
    expect(run.stdout).toContain('  状态写法的理解：「在岗」→在岗 1 人；「暂停」→暂停 1 人；「注销」→证件注销 1 人；「作废」→证件注销 1 人');
    expect(run.stdout).not.toMatch(NEVER_OUT);
  });

  it('a file it cannot read: the rows it looked at (long numbers hidden), the headers it expects, a mapping file to edit', () => {
    const run = check('incoming/名单.csv');
    expect(run.status).toBe(1);
    expect(run.stdout).toContain(
      [
        '  查看了第 1–3 行：',
        '    第 1 行：A「任丘市城市管理综合行政执法局花名册」',
        '    第 2 行：A「序号」 B「人员姓名」 C「执法证号」 D「身份证号」',
        '    第 3 行：A「1」 B「张三」 C「A1」 D「（含长数字，已隐藏）」',
        '  认得的表头（表头行须在前 10 行内，且同时有「姓名」和「证件编号」列）：',
        '    姓名：姓名',
      ].join('\n'),
    );
    expect(run.stdout).toContain(
      [
        '  可以把下面几行存为 名单.mapping.yaml（与名单放在同一文件夹），按实际情况改好后重新检查：',
        '    # 名单映射文件：冒号左边是表中的表头原文，右边是字段名',
        '    headerRow: 2',
        '    # asOf: 2026-11-01      # 名单日期（文件名和表内都没有日期时填写）',
        '    # agency: 机关id        # 表中没有“单位”列时，填 agencies.yaml 中的机关 id',
        '    columns:',
        '      # "序号":               # 不公开；要公开时写上字段名',
        '      "人员姓名": name          # 姓名？请核对',
        '      "执法证号": certificateNo          # 证件编号？请核对',
        '      # "身份证号": 个人隐私，不能公开，不要填写',
      ].join('\n'),
    );
    expect(run.stdout).not.toContain('130982199001011235');
  });
});
