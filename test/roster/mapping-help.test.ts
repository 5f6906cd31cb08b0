import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { formatProblem, type RosterResult } from '../../src/import/roster/index.ts';
import { LONG_NUMBER_HIDDEN, mappingHelp, PRIVATE_COLUMN_HIDDEN, previewCell } from '../../src/import/roster/mapping-help.ts';
import { csv, importFiles } from './support.ts';

/**
 * The help printed under a file whose header cannot be read (docs/ROSTERS.md 第五节): the rows looked at, shown with
 * their dates and certificate numbers but never an ID, phone or bank-card number, and a mapping file whose guesses
 * name the right field.
 */

const help = (r: RosterResult) => r.files[0]!.mappingHelp!;
/** The `columns:` lines of the printed mapping file, as saved (the two spaces of the report taken off). */
const columns = (r: RosterResult) => {
  const lines = help(r);
  const start = lines.indexOf('  columns:');
  const end = lines.findIndex((l, i) => i > start && l.startsWith('  # 字段名'));
  return lines.slice(start + 1, end).map((l) => l.slice(2));
};
/** The printed mapping file, saved as it is and with an agency filled in. */
const mappingFile = (r: RosterResult, agency: string) => {
  const lines = help(r);
  return lines
    .slice(lines.findIndex((l) => l.includes('# 名单映射文件')))
    .map((l) => l.slice(2))
    .join('\n')
    .replace('# agency: 机关id', `agency: ${agency}`);
};

describe('the guessed mapping file', () => {
  it('a recognized header is that field, wherever it stands (状态日期 before 状态); the file then imports', async () => {
    const header = ['序号', '人员姓名', '执法证号', '状态日期', '状态', '发证日期', '有效期至', '岗位', '用工方式', '劳务派遣单位', '照片公开同意', '身份证号'];
    const rows = [
      header,
      [
        '1',
        '张伟',
        'XXCG-2024-001',
        '2026-10-08',
        '已离职',
        '2024-03-01',
        '2029-02-28',
        '协管员',
        '劳务派遣',
        '示例劳务派遣有限公司',
        '否',
        '130982199001011232',
      ],
    ];
    const file = 'rosters/cgj-2026-11-01.csv';
    const r = await importFiles({ [file]: csv(rows) });
    expect(columns(r)).toEqual([
      '  # "序号":               # 不公开；要公开时写上字段名',
      '  "人员姓名": name          # 姓名？请核对',
      '  "执法证号": certificateNo          # 证件编号？请核对',
      '  "状态日期": statusSince          # 状态日期（认得的表头）',
      '  "状态": status          # 状态（认得的表头）',
      '  "发证日期": issuedOn          # 发证日期（认得的表头）',
      '  "有效期至": validUntil          # 有效期至（认得的表头）',
      '  "岗位": post          # 岗位（认得的表头）',
      '  "用工方式": employment          # 用工方式（认得的表头）',
      '  "劳务派遣单位": dispatcher          # 劳务派遣单位（认得的表头）',
      '  "照片公开同意": photoConsent          # 照片公开同意（认得的表头）',
      '  # "身份证号": 个人隐私，不能公开，不要填写',
    ]);
    const again = await importFiles({ [file]: csv(rows), 'rosters/cgj-2026-11-01.mapping.yaml': mappingFile(r, 'rq-cgj') });
    expect(again.problems.map(formatProblem)).toEqual([]);
    expect(again.auxiliaries).toEqual([
      {
        certificateNo: 'XXCG-2024-001',
        name: '张伟',
        agencyId: 'rq-cgj',
        post: '协管员',
        status: 'left',
        statusSince: '2026-10-08',
        issuedOn: '2024-03-01',
        validUntil: '2029-02-28',
        employment: 'dispatch',
        dispatcher: '示例劳务派遣有限公司',
      },
    ]);
  });

  it('变动日期 is the status date, not a column left out', async () => {
    const r = await importFiles({
      'rosters/cgj-2026-11-01.csv': csv([
        ['人员姓名', '执法证号', '变动日期', '在岗状态'],
        ['张伟', 'XXCG-2024-001', '2026-10-08', '离职'],
      ]),
    });
    expect(columns(r)).toEqual([
      '  "人员姓名": name          # 姓名？请核对',
      '  "执法证号": certificateNo          # 证件编号？请核对',
      '  "变动日期": statusSince          # 状态日期（认得的表头）',
      '  "在岗状态": status          # 状态（认得的表头）',
    ]);
  });

  it('headers written otherwise: the specific guess before the general, every field a clerk may have', async () => {
    const r = await importFiles({
      'rosters/cgj-2026-11-01.csv': csv([
        [
          '人员姓名',
          '执法证号',
          '状态变动日期',
          '人员状态',
          '是否同意公开照片',
          '照片文件',
          '派遣公司',
          '是否劳务派遣',
          '发证时间',
          '证件到期日',
          '岗位名称',
          '用工单位',
          '发证机关',
          '联系电话',
        ],
        ['张伟', 'XXCG-2024-001', '2026-10-08', '离职', '否', '', '', '否', '2024-03-01', '2029-02-28', '协管员', 'rq-cgj', '任丘市人民政府', '13800138000'],
      ]),
    });
    expect(columns(r)).toEqual([
      '  "人员姓名": name          # 姓名？请核对',
      '  "执法证号": certificateNo          # 证件编号？请核对',
      '  "状态变动日期": statusSince          # 状态日期？请核对',
      '  "人员状态": status          # 状态？请核对',
      '  "是否同意公开照片": photoConsent          # 照片公开同意？请核对',
      '  "照片文件": photo          # 照片？请核对',
      '  "派遣公司": dispatcher          # 劳务派遣单位？请核对',
      '  "是否劳务派遣": employment          # 用工方式？请核对',
      '  "发证时间": issuedOn          # 发证日期？请核对',
      '  "证件到期日": validUntil          # 有效期至？请核对',
      '  "岗位名称": post          # 岗位？请核对',
      '  "用工单位": agency          # 单位？请核对',
      '  # "发证机关":               # 不公开；要公开时写上字段名',
      '  # "联系电话": 个人隐私，不能公开，不要填写',
    ]);
  });

  it('a field is guessed once: a whole header takes it before a partial one left of it', async () => {
    const r = await importFiles({
      'rosters/cgj-2026-11-01.csv': csv([
        ['人员姓名', '执法证号', '证件状态', '状态'],
        ['张伟', 'XXCG-2024-001', '正常', '在岗'],
      ]),
    });
    expect(columns(r)).toEqual([
      '  "人员姓名": name          # 姓名？请核对',
      '  "执法证号": certificateNo          # 证件编号？请核对',
      '  # "证件状态":               # 不公开；要公开时写上字段名',
      '  "状态": status          # 状态（认得的表头）',
    ]);
  });
});

/** Private numbers of the corpus file and the tests below (made up, but each of the shape it stands for). */
const PRIVATE = [
  '130982199001011235', // ID card
  '13800138000', // mobile, stored as a number
  '6222021234567890123', // bank card (19 digits)
  '0317-2222222', // landline with area code
  '1992', // (of the ID written in groups 130982 1992 0202 2346)
  '139 0013 9001', // mobile in groups after +86
  '6217 0000 1234 5678', // bank card in groups
  '130982199013011234', // an ID whose birth date does not exist
  '13098219930303345X',
  '137-0013-7002',
  '6228480402564890018',
  '2222222', // a local number after 联系电话
  '1990-01-01', // birth dates, under 出生日期
  '1992-02-02',
  '1993-03-03',
];

describe('the rows looked at', () => {
  it('a LibreOffice workbook: dates and certificate numbers shown, IDs, phones, bank cards and birth dates hidden', async () => {
    const bytes = new Uint8Array(await readFile(new URL('./corpus/表头认不出-libreoffice.xlsx', import.meta.url)));
    const r = await importFiles({ 'rosters/cgj/表头认不出-libreoffice.xlsx': bytes });
    expect(help(r).slice(0, 6)).toEqual([
      '查看了第 1–5 行：',
      '  第 1 行：A「任丘市城市管理综合行政执法局辅助人员名单」',
      '  第 2 行：A「序号」 B「人员姓名」 C「性别」 D「出生日期」 E「身份证号码」 F「手机」 G「工资卡」 H「执法证号」 I「发证时间」 J「有效期至」 K「状态日期」 L「状态」 M「备注」',
      `  第 3 行：A「1」 B「张伟」 C「男」 D「${PRIVATE_COLUMN_HIDDEN}」 E「${LONG_NUMBER_HIDDEN}」 F「${LONG_NUMBER_HIDDEN}」 G「${LONG_NUMBER_HIDDEN}」 H「XXCG-2024-001」 I「2024-03-01」 J「2029-02-28」 K「2026-10-08」 L「在岗」 M「${LONG_NUMBER_HIDDEN}」`,
      `  第 4 行：A「2」 B「王芳」 C「女」 D「${PRIVATE_COLUMN_HIDDEN}」 E「${LONG_NUMBER_HIDDEN}」 F「${LONG_NUMBER_HIDDEN}」 G「${LONG_NUMBER_HIDDEN}」 H「RQCG-2024-0001」 I「2024年3月1日」 J「2029.2.28」 K「20261008」 L「已离职」 M「${LONG_NUMBER_HIDDEN}」`,
      `  第 5 行：A「3」 B「李娜」 C「女」 D「${PRIVATE_COLUMN_HIDDEN}」 E「${LONG_NUMBER_HIDDEN}」 F「${LONG_NUMBER_HIDDEN}」 G「${LONG_NUMBER_HIDDEN}」 H「HBFZ-130982-0019」 I「2024/3/1」 J「2029-02-28 00:00:00」 L「在岗」 M「${PRIVATE_COLUMN_HIDDEN}」`,
    ]);
    const all = [...help(r), ...r.problems.map(formatProblem)].join('\n');
    for (const value of PRIVATE) expect(all).not.toContain(value);
  });

  it('shows dates, times after them, Excel serials and certificate numbers', () => {
    for (const text of [
      '2021-12-01',
      '2021/12/1',
      '2021.12.1',
      '2021年12月1日',
      '20211201',
      '2021-12-01 00:00:00',
      '2021-12-01 08:30',
      '2021.12.01-2026.11.30',
      '2021-12-01至2026-11-30',
      '44531',
      'XXCG-2024-001',
      'RQCG-2024-0001',
      'RQ-CG-0001',
      'XXSJ0004',
      'HBFZ-130982-0019',
      'HB130982202400001',
      '冀城管辅字〔2024〕第0012号',
      '2024-0001',
      '00001234',
      '共 7 人',
      '身份证号（18位）',
    ]) {
      expect(previewCell(text), text).toBe(text);
    }
  });

  it('hides ID-card, mobile, bank-card and landline numbers however they are written', () => {
    for (const text of [
      '130982199001011232', // ID card
      '13098219900101123X',
      '130982 1990 0101 1232',
      '１３０９８２１９９００１０１１２３２', // full-width
      '130982900101123', // 15-digit ID
      '130982199013011234', // an ID with a mistyped birth date: hidden for its length
      '13800138000', // mobile
      '+86 138 0013 8000',
      '138-0013-8000',
      '张伟13800138000',
      '6222021234567890123', // bank cards
      '6222 0212 3456 7890',
      '6222-0212-3456-7890',
      'ICBC 6222 0212 3456 7890',
      'AB-6222-0212-3456-7890',
      '0317-2222222', // landlines with area code
      '（0317）2222222',
      '0317 2222 2222',
      '123456789', // a QQ number
      '2021-12-01 6222021234567890', // a card after a date
      '1.30982E+17',
    ]) {
      expect(previewCell(text), text).toBe(text === '1.30982E+17' ? text : LONG_NUMBER_HIDDEN);
    }
    // A private label with digits: the number may be short, the label says what it is.
    for (const text of ['联系电话：2222222', '出生日期：1990年1月1日', '身份证号：130982']) {
      expect(previewCell(text), text).toBe(PRIVATE_COLUMN_HIDDEN);
    }
  });

  it('hides every cell under a private header, but not the header again below it', () => {
    const lines = mappingHelp(
      'x.csv',
      [
        { number: 1, cells: ['人员姓名', '出生日期', '民族', '执法证号'] },
        { number: 2, cells: ['张伟', new Date(Date.UTC(1990, 0, 1)), '汉', 'XXCG-2024-001'] },
        { number: 3, cells: ['人员姓名', '出生日期', '民族', '执法证号'] },
      ],
      { number: 1, cells: ['人员姓名', '出生日期', '民族', '执法证号'] },
      {},
    );
    expect(lines.slice(0, 4)).toEqual([
      '查看了第 1–3 行：',
      '  第 1 行：A「人员姓名」 B「出生日期」 C「民族」 D「执法证号」',
      `  第 2 行：A「张伟」 B「${PRIVATE_COLUMN_HIDDEN}」 C「${PRIVATE_COLUMN_HIDDEN}」 D「XXCG-2024-001」`,
      '  第 3 行：A「人员姓名」 B「出生日期」 C「民族」 D「执法证号」',
    ]);
  });

  it('a long header is printed whole in the mapping file (it must match the header as written)', () => {
    const long = '执法证号（请按发证机关核发的证件上的编号如实填写，字母一律大写，横线照原样写）';
    expect(long.length).toBeGreaterThan(30);
    const row = { number: 1, cells: ['人员姓名', long] };
    const lines = mappingHelp('x.csv', [row], row, {});
    expect(lines).toContain(`    ${JSON.stringify(long)}: certificateNo          # 证件编号？请核对`);
    expect(lines).toContain(`  第 1 行：A「人员姓名」 B「${long.slice(0, 30)}…」`);
  });

  it('a header cell with a private number is not printed in the mapping file either', () => {
    const row = { number: 2, cells: ['张伟', '130982199001011232', '13800138000', 'XXCG-2024-001'] };
    const lines = mappingHelp('x.csv', [row], row, {}).join('\n');
    expect(lines).toContain(`  # （B 列：${LONG_NUMBER_HIDDEN}）`);
    expect(lines).not.toContain('130982199001011232');
    expect(lines).not.toContain('13800138000');
  });
});
