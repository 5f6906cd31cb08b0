import { describe, expect, it } from 'vitest';
import { formatProblem, type RosterResult } from '../../src/import/roster/index.ts';
import { findPrivateNumber } from '../../src/import/roster/private-numbers.ts';
import { checkZipLimits, ZIP_LIMITS } from '../../src/import/roster/zip-limits.ts';
import { csv, importFiles } from './support.ts';
import { minimalXlsx, sheetXml, zip } from './zip-writer.ts';

const F = 'rosters/a-2026-11-01.csv';
const messages = (r: RosterResult) => r.problems.map(formatProblem);

/** ID-card numbers as people write and disguise them; the birth date is real, the check character need not be. */
const ID_CARDS = [
  '130982199001011235',
  '13098219900101123X',
  '13098219900101123x',
  '130982 1990 0101 1235',
  '130982-19900101-1235',
  '130 982 199 001 011 235',
  '１３０９８２１９９００１０１１２３５',
  '130982.19900101.1235',
  '130982900101123',
  '130982 900101 123',
  '身份证130982199001011235号',
];
const MOBILES = [
  '13800138000',
  '138 0013 8000',
  '138-0013-8000',
  '+86 138 0013 8000',
  '+8613800138000',
  '0086-138-0013-8000',
  '8613800138000',
  '１３８００１３８０００',
  '(+86)13800138000',
  '电话：19912345678',
  '13800138000 13900139000',
];
/** Numbers that are neither, and texts with digits that must be published as they are. */
const HARMLESS = [
  '2022-11-01',
  '20221101',
  '协管员（2022年第3批）',
  '130982',
  'HBFZ-130982-0019',
  '130982202400001',
  '1234567890',
  '138001380001',
  '12800138000',
  '130982199013011235',
  '110',
  '0317-2222222',
];

describe('private numbers in any disguise', () => {
  it.each(ID_CARDS)('ID card: %s', (text) => expect(findPrivateNumber(text)).toBe('id'));
  it.each(MOBILES)('mobile: %s', (text) => expect(findPrivateNumber(text)).toBe('mobile'));
  it.each(HARMLESS)('neither: %s', (text) => expect(findPrivateNumber(text)).toBeUndefined());

  it('is refused in every kept column but the certificate number, naming row, column and kind, never echoing the value', async () => {
    const header = ['姓名', '单位', '证件编号', '岗位', '状态', '发证日期', '用工方式', '劳务派遣单位', '照片'];
    const rows: string[][] = [];
    const expected: string[] = [];
    const columns = [
      [0, 'A 列「姓名」', '姓名'],
      [1, 'B 列「单位」', '单位'],
      [3, 'D 列「岗位」', '岗位'],
      [4, 'E 列「状态」', '状态'],
      [5, 'F 列「发证日期」', '发证日期'],
      [6, 'G 列「用工方式」', '用工方式'],
      [7, 'H 列「劳务派遣单位」', '劳务派遣单位'],
      [8, 'I 列「照片」', '照片'],
    ] as const;
    let n = 0;
    for (const [index, label, field] of columns) {
      for (const [value, kind] of [
        [ID_CARDS[n % ID_CARDS.length]!, '居民身份证号码'],
        [MOBILES[n % MOBILES.length]!, '手机号码'],
      ] as const) {
        const row = ['张三', 'rq-cgj', `C-${rows.length}`, '', '', '', '', '', ''];
        row[index] = index === 0 ? `张三${value}` : value;
        rows.push(row);
        expected.push(`${F} 第 ${rows.length + 1} 行，${label}：${field}中含有${kind}，不能公开（此处不引用原值）：请在 Excel 或 WPS 中把号码从这一格删去`);
        n++;
      }
    }
    const r = await importFiles({ [F]: csv([header, ...rows]) });
    expect(messages(r)).toEqual(expected);
    expect(r.auxiliaries).toEqual([]);
    const out = JSON.stringify(r);
    for (const value of [...ID_CARDS, ...MOBILES]) expect(out).not.toContain(value);
  });

  it('legitimate certificate numbers pass in the certificate column, also when shaped like a phone number', async () => {
    const r = await importFiles({
      [F]: csv([
        ['姓名', '单位', '证件编号', '岗位'],
        ['张三', 'rq-cgj', '13098200019', '2022年第3批'],
        ['李四', 'rq-cgj', '130982202400001', '协管员'],
        ['王五', 'rq-cgj', 'HBFZ-130982-0019', ''],
      ]),
    });
    expect(messages(r)).toEqual([]);
    expect(r.auxiliaries.map((a) => a.certificateNo)).toEqual(['13098200019', '130982202400001', 'HBFZ-130982-0019']);
  });

  it('footer rows are dropped before any check: a phone number in a signature line is neither refused nor published', async () => {
    const r = await importFiles({
      [F]: csv([
        ['序号', '姓名', '单位', '证件编号'],
        ['1', '张三', 'rq-cgj', 'A1'],
        ['联系电话：13800138000', '', '', ''],
        ['合计', '1人', '', ''],
      ]),
    });
    expect(messages(r)).toEqual([]);
    expect(r.files[0]!.footerRows).toBe(2);
    expect(JSON.stringify(r)).not.toContain('13800138000');
  });
});

describe('cells cannot crash or flood the build', () => {
  it('a name over 50 characters and other kept fields over 200 are errors with their row', async () => {
    const long = (n: number) => '张'.repeat(n);
    const r = await importFiles({
      [F]: csv([
        ['姓名', '单位', '证件编号', '岗位', '劳务派遣单位'],
        [long(50), 'rq-cgj', 'A1', long(200), long(200)],
        [long(51), 'rq-cgj', 'A2', long(201), ''],
        ['李四', 'rq-cgj', 'A3', '', long(5000)],
      ]),
    });
    expect(messages(r)).toEqual([
      `${F} 第 3 行，A 列「姓名」：姓名过长：51 个字符，最多 50 个：请删去多余的文字（备注不要写进这一列）`,
      `${F} 第 3 行，D 列「岗位」：岗位过长：201 个字符，最多 200 个：请删去多余的文字（备注不要写进这一列）`,
      `${F} 第 4 行，E 列「劳务派遣单位」：劳务派遣单位过长：5000 个字符，最多 200 个：请删去多余的文字（备注不要写进这一列）`,
    ]);
    expect(r.auxiliaries.map((a) => a.certificateNo)).toEqual(['A1']);
  });

  it('file paths on the clerk’s computer are never published nor quoted', async () => {
    const r = await importFiles({
      [F]: csv([
        ['姓名', '单位', '证件编号', '岗位', '照片'],
        ['张三', 'rq-cgj', 'A1', 'C:\\Users\\clerk\\Desktop\\岗位.docx', ''],
        ['李四', 'rq-cgj', 'A2', '', '\\\\fileserver\\人事\\李四.jpg'],
        ['王五', 'rq-cgj', 'A3', 'file:///home/clerk/x', ''],
      ]),
    });
    expect(messages(r)).toEqual([
      `${F} 第 2 行，D 列「岗位」：岗位中含有电脑上的文件路径，不能公开（此处不引用原值）`,
      `${F} 第 3 行，E 列「照片」：照片中含有电脑上的文件路径，不能公开（此处不引用原值）：照片应写成名单文件所在文件夹内的相对路径，如 photos/张三.jpg`,
      `${F} 第 4 行，D 列「岗位」：岗位中含有电脑上的文件路径，不能公开（此处不引用原值）`,
    ]);
    expect(JSON.stringify(r)).not.toMatch(/clerk|fileserver/);
  });
});

describe('archives are opened with limits', () => {
  const header = [
    ['姓名', '单位', '证件编号'],
    ['张三', 'rq-cgj', 'A1'],
  ];

  it('a real small workbook passes the limits and imports', async () => {
    const bytes = await zip(minimalXlsx(sheetXml(header)));
    expect(await checkZipLimits(bytes)).toBeUndefined();
    const r = await importFiles({ 'rosters/a-2026-11-01.xlsx': bytes });
    expect(messages(r)).toEqual([]);
    expect(r.auxiliaries.map((a) => a.name)).toEqual(['张三']);
  });

  it('a zip bomb is refused by its expanded size or its ratio, with bounded memory', async () => {
    const refusal = (what: string) =>
      `rosters/a-2026-11-01.xlsx：文件异常：${what}，超出了允许的范围（可能是损坏的文件或“压缩炸弹”），未读取。请在 Excel 或 WPS 中打开后重新另存为 .xlsx，或另存为 CSV`;
    for (const [zeros, what] of [
      [2 ** 30, `解压后超过 ${ZIP_LIMITS.maxExpandedBytes / 2 ** 20} MB（本平台的上限）`],
      [100 * 2 ** 20, `其中的「xl/media/padding.bin」压缩比超过 ${ZIP_LIMITS.maxRatio}:1`],
    ] as const) {
      const entries = minimalXlsx(sheetXml(header));
      entries.push({ name: 'xl/media/padding.bin', zeros });
      const bytes = await zip(entries);
      expect(bytes.length).toBeLessThan(2 * 2 ** 20);
      const before = process.memoryUsage().rss;
      const r = await importFiles({ 'rosters/a-2026-11-01.xlsx': bytes });
      const grown = process.memoryUsage().rss - before;
      expect(messages(r)).toEqual([refusal(what)]);
      expect(grown).toBeLessThan(100 * 2 ** 20);
    }
  }, 60_000);

  it('sizes that lie in the archive directory are caught while inflating', async () => {
    const entries = minimalXlsx(sheetXml(header));
    entries.push({ name: 'xl/media/padding.bin', zeros: 64 * 2 ** 20 });
    const bytes = await zip(entries, (name, real) => (name.endsWith('.bin') ? 100 : real));
    const reason = await checkZipLimits(bytes);
    expect(reason).toMatch(/^文件异常：其中的「xl\/media\/padding\.bin」压缩比超过|^无法读取文件：文件已损坏（压缩数据与目录中记录的大小不符）/);
  }, 60_000);

  it("the review's bomb (rows of 12 hex digits and 3,000 × x) is refused by the sheet limit before it is inflated", async () => {
    const filler = 'x'.repeat(3000);
    const rows: string[][] = [['姓名', '证件编号']];
    while (rows.length * 3_050 < 101 * 2 ** 20) rows.push([Math.random().toString(16).slice(2, 14).padEnd(12, '0'), filler]);
    const bytes = await zip(minimalXlsx(sheetXml(rows)));
    expect(bytes.length).toBeLessThan(4 * 2 ** 20);
    const r = await importFiles({ 'rosters/a-2026-11-01.xlsx': bytes });
    expect(messages(r)).toEqual([
      'rosters/a-2026-11-01.xlsx：文件异常：工作表解压后超过 100 MB（本平台的上限：一份名单最多按 100,000 行、每行约 1 KB 计），超出了允许的范围（可能是损坏的文件或“压缩炸弹”），未读取。请在 Excel 或 WPS 中打开后重新另存为 .xlsx，或另存为 CSV；名单确实这么长时，请按单位分成几个文件',
    ]);
    // Lying about the sheet's size does not help: it is counted while inflating.
    const lying = await zip(minimalXlsx(sheetXml(rows)), (name, real) => (name.endsWith('sheet1.xml') ? 1000 : real));
    expect(await checkZipLimits(lying)).toMatch(
      /^文件异常：工作表解压后超过 100 MB|^文件异常：其中的「xl\/worksheets\/sheet1\.xml」压缩比超过 100:1|^无法读取文件：文件已损坏（压缩数据与目录中记录的大小不符）/,
    );
  }, 120_000);

  it('the shared strings as LibreOffice writes them (a run of font properties per mixed string, ~70:1) pass', async () => {
    const run = (font: string, text: string) => `<r><rPr><sz val="10"/><rFont val="${font}"/><family val="2"/></rPr><t xml:space="preserve">${text}</t></r>`;
    const strings: string[] = [];
    for (let i = 0; i < 30_000; i++) strings.push(`<si>${run('Noto Sans CJK SC', '冀辅执')}${run('Arial', String(130982000000 + i))}</si>`);
    const shared = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="30000" uniqueCount="30000">${strings.join('')}</sst>`;
    const data = new TextEncoder().encode(shared);
    const bytes = await zip([...minimalXlsx(sheetXml(header)), { name: 'xl/sharedStrings.xml', data }]);
    const ratio = data.length / (bytes.length - 1000);
    expect(ratio).toBeGreaterThan(40);
    expect(ratio).toBeLessThan(ZIP_LIMITS.maxRatio);
    expect(await checkZipLimits(bytes)).toBeUndefined();
  }, 60_000);

  it('too many entries, or too much expanded in all, are refused', async () => {
    const many = minimalXlsx(sheetXml(header));
    for (let i = 0; i < ZIP_LIMITS.maxEntries; i++) many.push({ name: `x/${i}`, data: new Uint8Array(0) });
    expect(await checkZipLimits(await zip(many))).toBe(
      `文件异常：压缩包中有 ${ZIP_LIMITS.maxEntries + 5} 个文件（最多 ${ZIP_LIMITS.maxEntries} 个），超出了允许的范围（可能是损坏的文件或“压缩炸弹”），未读取。请在 Excel 或 WPS 中打开后重新另存为 .xlsx，或另存为 CSV`,
    );
    const noise = new Uint8Array(3 * 2 ** 20).map((_, i) => (i * 2654435761) >>> 24);
    const big = await zip([...minimalXlsx(sheetXml(header)), { name: 'xl/media/noise.bin', data: noise }]);
    expect(await checkZipLimits(big, { ...ZIP_LIMITS, maxExpandedBytes: 2 * 2 ** 20 })).toMatch(/^文件异常：解压后超过 2 MB/);
  }, 60_000);

  it('a merged range as large as the sheet fills only the rows and columns that hold data', async () => {
    const bytes = await zip(minimalXlsx(sheetXml([['名单'], ...header], '<mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells>')));
    const started = performance.now();
    const r = await importFiles({ 'rosters/a-2026-11-01.xlsx': bytes });
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(messages(r)).toEqual([]);
    expect(r.files[0]!.headerRow).toBe(2);
    expect(r.auxiliaries.map((a) => a.name)).toEqual(['张三']);
  }, 30_000);
});
