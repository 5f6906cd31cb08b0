import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { formatProblem, type RosterResult } from '../../src/import/roster/index.ts';
import { STATUS_WORDS_HINT } from '../../src/import/roster/status.ts';
import { AGENCIES, contentDir, importFiles, removeDir } from './support.ts';

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
