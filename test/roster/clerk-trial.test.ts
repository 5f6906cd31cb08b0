import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatProblem, type RosterResult } from '../../src/import/roster/index.ts';
import { describeFile } from '../../src/import/roster/report.ts';
import { certificateLookupKey, normalizeCertificateNo } from '../../src/core/text.ts';
import { numberFromPastedText } from '../../src/core/lookup-input.ts';
import { csv, importFiles, testRegistry } from './support.ts';

/**
 * The clerk trial's exports that were published wrong while the check said 检查通过, made by other programs than
 * ours (LibreOffice from a flat ODS, Python writing CSV in the encodings Excel saves; corpus/generate_clerk_trial.py).
 */
const CORPUS = join(fileURLToPath(new URL('./', import.meta.url)), 'corpus');
const corpus = async (name: string): Promise<Uint8Array> => new Uint8Array(await readFile(join(CORPUS, name)));
const messages = (r: RosterResult) => r.problems.map(formatProblem);
const CGJ = 'rq-cgj';
const person = (certificateNo: string, name: string) => ({ certificateNo, name, agencyId: CGJ, post: '市容协管员', status: 'active' });

describe('a workbook with several visible sheets', () => {
  const SEVERAL =
    '工作簿中有 2 个工作表都有名单表头（同时有「姓名」和「证件编号」列）：「一中队」「二中队」；只能读一个工作表，其余工作表的人员就不会公开，所以未读取。' +
    '请把这几个工作表的人员合并到一个工作表中（不需要公开的工作表可以删去或隐藏），保存后重新上传或检查；放在 content/rosters/ 中的名单也可以在映射文件中用 sheet 指定只读哪一个工作表（如 sheet: 一中队），其余工作表另存为单独的文件';

  it.each(['两个工作表-libreoffice-2026-11-30.xlsx', '两个工作表-libreoffice-2026-11-30.xls'])(
    '%s: two sheets with people are refused, naming both (only the first was published)',
    async (name) => {
      const r = await importFiles({ [`rosters/${name}`]: await corpus(name) });
      expect(messages(r)).toEqual([`rosters/${name}：${SEVERAL}`]);
      expect(r.auxiliaries).toEqual([]);
    },
  );

  it('the mapping file’s sheet reads the one named, and the report names it', async () => {
    const name = '两个工作表-libreoffice-2026-11-30.xlsx';
    const r = await importFiles({ [`rosters/${name}`]: await corpus(name), 'rosters/两个工作表-libreoffice-2026-11-30.mapping.yaml': 'sheet: 二中队\n' });
    expect(messages(r)).toEqual([]);
    expect(r.auxiliaries.map((a) => a.name)).toEqual(['刘敏', '陈静', '杨强']);
    expect(r.files[0]!.sheet).toBe('二中队');
    expect(describeFile(r.files[0]!, testRegistry())[2]).toBe('  读取的工作表：「二中队」');
  });

  it('an instruction sheet first: the sheet with the header is read, and the report says so; a hidden sheet is passed over', async () => {
    const name = '说明在前-libreoffice-2026-11-30.xlsx';
    const r = await importFiles({ [`rosters/${name}`]: await corpus(name) });
    expect(messages(r)).toEqual([]);
    expect(r.auxiliaries).toEqual([person('RQCG-2026-0021', '周一'), person('RQCG-2026-0022', '吴二'), person('RQCG-2026-0023', '郑三')]);
    expect(r.files[0]).toMatchObject({ sheet: '名单', passedOverSheets: ['填表说明'], headerRow: 1, rows: 3 });
    expect(describeFile(r.files[0]!, testRegistry())[2]).toBe('  读取的工作表：「名单」（前面的工作表「填表说明」中没有表头，已跳过）');
  });

  it('no header found: the message names the sheet looked in', async () => {
    const name = '说明在前-libreoffice-2026-11-30.xlsx';
    const r = await importFiles({ [`rosters/${name}`]: await corpus(name), 'rosters/说明在前-libreoffice-2026-11-30.mapping.yaml': 'sheet: 填表说明\n' });
    expect(messages(r)[0]).toMatch(/^rosters\/说明在前-libreoffice-2026-11-30\.xlsx：工作表「填表说明」的前 10 行中没有找到表头行：/);
    expect(r.auxiliaries).toEqual([]);
  });
});

describe('characters lost in a code page 936 CSV', () => {
  const HINT = '生僻字在另存为 CSV 时丢失；请另存为“CSV UTF-8”或 XLSX 后重新上传';

  it('a name with "?" (刘䶮 saved as 刘?) is refused with how to save the file', async () => {
    const name = '生僻字-cp936-2026-11-30.csv';
    const r = await importFiles({ [`rosters/${name}`]: await corpus(name) });
    expect(messages(r)).toEqual([
      `rosters/${name} 第 2 行，B 列「姓名」，值「刘?」：姓名中有问号「?」：${HINT}`,
      `rosters/${name} 第 3 行，B 列「姓名」，值「王?」：姓名中有问号「?」：${HINT}`,
    ]);
    expect(r.auxiliaries.map((a) => a.name)).toEqual(['张喆']);
  });

  it('a full-width "？" in a name, and a "?" in a certificate number, are refused the same way', async () => {
    const r = await importFiles({
      'rosters/cgj-2026-11-01.csv': csv([
        ['姓名', '单位', '证件编号'],
        ['李？', CGJ, 'RQ-0001'],
        ['王五', CGJ, 'RQ-?002'],
      ]),
    });
    expect(messages(r)).toEqual([
      `rosters/cgj-2026-11-01.csv 第 2 行，A 列「姓名」，值「李？」：姓名中有问号「？」：${HINT}`,
      `rosters/cgj-2026-11-01.csv 第 3 行，C 列「证件编号」，值「RQ-?002」：证件编号中有问号「?」：${HINT}`,
    ]);
  });
});

describe('编号 is a weak name for the certificate number', () => {
  it('a staff number under 编号 next to 执法证号 is refused, naming both columns', async () => {
    const name = '工号与执法证号-2026-11-30.csv';
    const r = await importFiles({ [`rosters/${name}`]: await corpus(name) });
    expect(messages(r)).toEqual([
      `rosters/${name} 第 1 行，B 列「编号」：这一列会被当作证件编号，但 D 列「执法证号」像是证件编号列（「编号」常是工号、序号）；为免把别的号码当作证件编号公开，未读取。` +
        '哪一列是证件编号，就把它的表头改为「证件编号」（另一列随即丢弃、不公开）；或在映射文件 columns 中写明，如 "执法证号": certificateNo',
    ]);
    expect(r.auxiliaries).toEqual([]);
    // The mapping file offered guesses 执法证号, not 编号.
    const help = r.files[0]!.mappingHelp!.join('\n');
    expect(help).toContain('"执法证号": certificateNo          # 证件编号？请核对');
    expect(help).toContain('# "编号":               # 不公开');
  });

  it('the mapping file naming 执法证号 reads it, and 编号 is dropped', async () => {
    const name = '工号与执法证号-2026-11-30.csv';
    const r = await importFiles({
      [`rosters/${name}`]: await corpus(name),
      'rosters/工号与执法证号-2026-11-30.mapping.yaml': 'columns:\n  执法证号: certificateNo\n',
    });
    expect(messages(r)).toEqual([]);
    expect(r.auxiliaries.map((a) => a.certificateNo)).toEqual(['RQCG-2026-0051', 'RQCG-2026-0052', 'RQCG-2026-0053']);
    expect(r.files[0]!.droppedColumns).toEqual(['序号', '编号']);
  });

  it('编号 next to 证件编号: 证件编号 is read and 编号 dropped', async () => {
    const name = '编号与证件编号-2026-11-30.csv';
    const r = await importFiles({ [`rosters/${name}`]: await corpus(name) });
    expect(messages(r)).toEqual([]);
    expect(r.auxiliaries.map((a) => a.certificateNo)).toEqual(['RQCG-2026-0061', 'RQCG-2026-0062', 'RQCG-2026-0063']);
    expect(r.files[0]!.droppedColumns).toEqual(['序号', '编号']);
  });

  it('编号 alone (or next to 身份证号) is still the certificate number', async () => {
    const r = await importFiles({
      'rosters/cgj-2026-11-01.csv': csv([
        ['姓名', '单位', '编号', '身份证号'],
        ['张三', CGJ, 'RQ-0001', ''],
      ]),
    });
    expect(messages(r)).toEqual([]);
    expect(r.auxiliaries.map((a) => a.certificateNo)).toEqual(['RQ-0001']);
  });
});

describe('a date cell in the 证件编号 column', () => {
  it('is refused with row and column (Excel made "2024-1" the date 2024-01-01)', async () => {
    const name = '编号成日期-libreoffice-2026-11-30.xlsx';
    const r = await importFiles({ [`rosters/${name}`]: await corpus(name) });
    expect(messages(r)).toEqual([
      `rosters/${name} 第 3 行，F 列「证件编号」，值「2024-01-01」：证件编号单元格是日期（Excel 自动转换），请把该列设为文本后重新填写`,
    ]);
    expect(r.auxiliaries.map((a) => a.certificateNo)).toEqual(['RQCG-2026-0031', 'RQCG-2026-0033']);
  });

  it('so is the date as a CSV saved from it shows it (2024年1月)', async () => {
    const r = await importFiles({
      'rosters/cgj-2026-11-01.csv': csv([
        ['姓名', '单位', '证件编号'],
        ['张三', CGJ, '2024年1月'],
      ]),
    });
    expect(messages(r)).toEqual([
      'rosters/cgj-2026-11-01.csv 第 2 行，C 列「证件编号」，值「2024年1月」：证件编号单元格是日期（Excel 自动转换），请把该列设为文本后重新填写',
    ]);
  });
});

describe('look-alike dashes in certificate numbers', () => {
  const DASHES = ['\u2013', '\u2014', '\u2010', '\u2011', '\u2012', '\u2212', '\uFE63'];

  it('are read as "-" (as Word and WPS autocorrect write them), and the number is found however the citizen types it', async () => {
    const name = '破折号-2026-11-30.csv';
    const r = await importFiles({ [`rosters/${name}`]: await corpus(name) });
    expect(messages(r)).toEqual([]);
    const published = r.auxiliaries.map((a) => a.certificateNo);
    expect(published).toEqual(DASHES.map((_, i) => `RQJT-2026-${String(901 + i).padStart(4, '0')}`));
    for (const [i, dash] of DASHES.entries()) {
      const typed = `rqjt${dash}2026${dash}0${901 + i}`;
      // The lookup box and the complaint form's number: the published number's page and its lookup key.
      expect(normalizeCertificateNo(typed)).toBe(published[i]);
      expect(certificateLookupKey(numberFromPastedText(`证件编号：${typed}`).number)).toBe(certificateLookupKey(published[i]!));
    }
  });
});
