import { STATUS_WORDS_HINT } from '../../src/import/roster/status.ts';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../src/import/roster/index.ts';
import { publishedFields } from '../../src/core/roster/schema.ts';
import { csv, importFiles } from './support.ts';

const PRIVATE = ['130982199001011234', '13800138000', '河北省任丘市某街道某号', '1990-01-01', '家属病重请假', '0317-2212345'];

describe('PII allow-list', () => {
  it('drops ID-card, phone, address, birth-date and remark columns, lists them, and never quotes them', async () => {
    const r = await importFiles({
      'rosters/a-2026-11-01.csv': csv([
        ['姓名', '身份证号', '单位', '证件编号', '联系电话', '手机', '住址', '出生日期', '备注', '', '状态'],
        ['张三', PRIVATE[0]!, 'rq-cgj', 'A1', PRIVATE[5]!, PRIVATE[1]!, PRIVATE[2]!, PRIVATE[3]!, PRIVATE[4]!, '', '在岗'],
        // A broken row: every problem message must still leave the private cells out.
        ['', PRIVATE[0]!, '不存在的单位', '', PRIVATE[5]!, PRIVATE[1]!, PRIVATE[2]!, PRIVATE[3]!, PRIVATE[4]!, '', '不知道'],
        // Cells in a column without a header and beyond the header are dropped too.
        ['李四', PRIVATE[0]!, 'rq-cgj', 'A2', '', '', '', '', '', PRIVATE[1]!, '在岗', PRIVATE[2]!],
      ]),
    });
    expect(r.auxiliaries).toEqual([
      { certificateNo: 'A1', name: '张三', agencyId: 'rq-cgj', status: 'active' },
      { certificateNo: 'A2', name: '李四', agencyId: 'rq-cgj', status: 'active' },
    ]);
    for (const a of r.auxiliaries) for (const key of Object.keys(a)) expect(publishedFields).toContain(key);
    expect(r.files[0]!.droppedColumns).toEqual(['身份证号', '联系电话', '手机', '住址', '出生日期', '备注', 'J 列（无表头）', 'L 列（无表头）']);
    expect(r.problems.map(formatProblem)).toEqual([
      'rosters/a-2026-11-01.csv 第 3 行，A 列「姓名」：姓名为空：请填上姓名；不是人员的行（如说明文字）请删去',
      'rosters/a-2026-11-01.csv 第 3 行，D 列「证件编号」：证件编号为空：请照证件填上编号；还没有证件的人员不列入名单',
      'rosters/a-2026-11-01.csv 第 3 行，C 列「单位」，值「不存在的单位」：在 agencies.yaml 中找不到这个单位（应与机关的 id 或完整名称一致）',
      `rosters/a-2026-11-01.csv 第 3 行，K 列「状态」，值「不知道」：无法识别的状态。可用：${STATUS_WORDS_HINT}`,
    ]);
    const everything = JSON.stringify({ ...r, asOfByAgency: [...r.asOfByAgency] }) + r.problems.map(formatProblem).join('\n');
    for (const value of PRIVATE) expect(everything).not.toContain(value);
  });

  it('a malformed CSV never has its content quoted in the error', async () => {
    const r = await importFiles({
      'rosters/a-2026-11-01.csv': `姓名,身份证号,单位,证件编号\r\n张三,x"${PRIVATE[0]}"y,rq-cgj,A1\r\n李四,"${PRIVATE[0]},rq-cgj,A2\r\n`,
    });
    const text = r.problems.map(formatProblem).join('\n');
    expect(text).toBe(
      'rosters/a-2026-11-01.csv 第 3 行：CSV 格式错误：从这一行开始的引号没有闭合（可能是单元格中多了一个英文双引号 "）：请在 Excel 或 WPS 中打开、改正这一行后另存为“CSV UTF-8”',
    );
    expect(r.auxiliaries).toEqual([{ certificateNo: 'A1', name: '张三', agencyId: 'rq-cgj', status: 'active' }]);
  });
});

describe('private data in a kept column', () => {
  it('an ID-card number in the certificate column is refused and not quoted', async () => {
    const r = await importFiles({
      'rosters/a-2026-11-01.csv': csv([
        ['姓名', '单位', '证号'],
        ['张三', 'rq-cgj', '130982199001011232'],
        ['李四', 'rq-cgj', '11010519491231002x'],
        ['王五', 'rq-cgj', '130982199001011234'],
        ['赵六', 'rq-cgj', 'ID-130982199001011232'],
      ]),
    });
    expect(r.problems.map(formatProblem)).toEqual([
      'rosters/a-2026-11-01.csv 第 2 行，C 列「证号」：含有居民身份证号码，不能作为证件编号公开：请检查是否把身份证号一列当成了证件编号',
      'rosters/a-2026-11-01.csv 第 3 行，C 列「证号」：含有居民身份证号码，不能作为证件编号公开：请检查是否把身份证号一列当成了证件编号',
      'rosters/a-2026-11-01.csv 第 5 行，C 列「证号」：含有居民身份证号码，不能作为证件编号公开：请检查是否把身份证号一列当成了证件编号',
    ]);
    // 18 digits with a wrong check digit is not an ID-card number: it may be a real certificate number.
    expect(r.auxiliaries.map((a) => a.certificateNo)).toEqual(['130982199001011234']);
  });

  it('an ID-card or mobile number inside a name, post, dispatcher or photo name is refused and not quoted', async () => {
    const id = '130982199001011232';
    const r = await importFiles({
      'rosters/a-2026-11-01.csv': csv([
        ['姓名', '单位', '证号', '岗位', '劳务派遣单位', '照片'],
        [`张三${id}`, 'rq-cgj', 'A1', '', '', ''],
        ['李四', 'rq-cgj', 'A2', `协管员（${id}）`, `派遣公司 ${id}`, `photos/${id}.jpg`],
        ['王五', 'rq-cgj', 'A3', '协管员 1309821990010112345', '', ''],
        ['赵六', 'rq-cgj', 'A4', '协管员', '派遣公司（联系人手机 13800138000）', ''],
      ]),
      [`rosters/photos/${id}.jpg`]: 'x',
    });
    expect(r.problems.map(formatProblem)).toEqual([
      'rosters/a-2026-11-01.csv 第 2 行，A 列「姓名」：姓名中含有居民身份证号码，不能公开（此处不引用原值）：请在 Excel 或 WPS 中把号码从这一格删去',
      'rosters/a-2026-11-01.csv 第 3 行，D 列「岗位」：岗位中含有居民身份证号码，不能公开（此处不引用原值）：请在 Excel 或 WPS 中把号码从这一格删去',
      'rosters/a-2026-11-01.csv 第 3 行，E 列「劳务派遣单位」：劳务派遣单位中含有居民身份证号码，不能公开（此处不引用原值）：请在 Excel 或 WPS 中把号码从这一格删去',
      'rosters/a-2026-11-01.csv 第 3 行，F 列「照片」：照片中含有居民身份证号码，不能公开（此处不引用原值）：请在 Excel 或 WPS 中把号码从这一格删去',
      'rosters/a-2026-11-01.csv 第 5 行，E 列「劳务派遣单位」：劳务派遣单位中含有手机号码，不能公开（此处不引用原值）：请在 Excel 或 WPS 中把号码从这一格删去',
    ]);
    expect(r.auxiliaries.map((a) => a.name)).toEqual(['王五']);
  });

  it('a mapping file may not publish a private column', async () => {
    const r = await importFiles({
      'rosters/a-2026-11-01.csv': csv([
        ['姓名', '单位', '身份证号码', '联系电话'],
        ['张三', 'rq-cgj', '130982199001011232', '13800138000'],
      ]),
      'rosters/a-2026-11-01.mapping.yaml': 'columns:\n  身份证号码: certificateNo\n  联系电话: post\n',
    });
    expect(r.problems.map(formatProblem)).toEqual([
      'rosters/a-2026-11-01.mapping.yaml：columns：「身份证号码」是个人隐私，不能公开，不能指定为 certificateNo：请从映射文件中删去这一行',
      'rosters/a-2026-11-01.mapping.yaml：columns：「联系电话」是个人隐私，不能公开，不能指定为 post：请从映射文件中删去这一行',
    ]);
    expect(r.auxiliaries).toEqual([]);
  });
});

describe('formula and HTML cells are data', () => {
  const hostile = ['=HYPERLINK("http://evil.example","点我")', '+1+1', '-2+3', '@SUM(A1)', '<script>alert(1)</script>', '<img src=x onerror=alert(1)>'];

  it('CSV: kept as literal text, never dropped or evaluated', async () => {
    const r = await importFiles({
      'rosters/a-2026-11-01.csv': csv([['姓名', '单位', '证件编号', '岗位', '劳务派遣单位'], ...hostile.map((h, i) => [h, 'rq-cgj', `A${i}`, h, h])]),
    });
    expect(r.problems).toEqual([]);
    expect(r.auxiliaries.map((a) => [a.name, a.post, a.dispatcher])).toEqual(hostile.map((h) => [h, h, h]));
  });

  it('XLSX: a formula publishes the result the spreadsheet stored; no stored result, an external link or an error value is refused by cell', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('名单');
    sheet.addRow(['姓名', '单位', '证件编号', '岗位']);
    sheet.addRow(['张三', 'rq-cgj', 'A1', { formula: 'HYPERLINK("http://evil.example","点我")', result: '点我' }]);
    sheet.addRow([{ formula: 'CONCAT("李","四")', result: '李四' }, 'rq-cgj', 'A2', '<b>协管员</b>']);
    sheet.addRow(['王五', 'rq-cgj', { formula: '1+1', result: 2 }, '']);
    // biome-ignore lint/correctness/noPrecisionLoss: a 18-digit number in a numeric cell has already lost digits; that is what is refused
    sheet.addRow(['赵六', 'rq-cgj', 130982199001011234, '']);
    sheet.addRow(['钱七', 'rq-cgj', 130982, '']);
    sheet.addRow([{ formula: 'CONCAT("孙","八")' }, 'rq-cgj', 'A7', '']);
    sheet.addRow(['周九', 'rq-cgj', 'A8', { formula: "'C:\\Users\\clerk\\[人事.xlsx]Sheet1'!D2", result: '协管员' }]);
    sheet.addRow(['吴十', 'rq-cgj', 'A9', { formula: '[1]Sheet1!D2', result: '协管员' }]);
    sheet.addRow(['郑一', 'rq-cgj', 'A10', { formula: 'VLOOKUP(A1,B:C,2,0)', result: { error: '#N/A' } }]);
    const r = await importFiles({ 'rosters/a-2026-11-01.xlsx': new Uint8Array(await workbook.xlsx.writeBuffer()) });
    expect(r.auxiliaries).toEqual([
      { certificateNo: 'A1', name: '张三', agencyId: 'rq-cgj', post: '点我', status: 'active' },
      { certificateNo: 'A2', name: '李四', agencyId: 'rq-cgj', post: '<b>协管员</b>', status: 'active' },
      { certificateNo: '2', name: '王五', agencyId: 'rq-cgj', status: 'active' },
      { certificateNo: '130982', name: '钱七', agencyId: 'rq-cgj', status: 'active' },
    ]);
    expect(r.problems.map(formatProblem)).toEqual([
      'rosters/a-2026-11-01.xlsx 第 5 行，C 列「证件编号」：证件编号在 Excel 中存成了数字，超过 15 位的数字会丢失末尾几位：请把该列设为“文本”、重新填入编号',
      'rosters/a-2026-11-01.xlsx 第 7 行，A 列「姓名」：单元格 A7 是公式，但文件里没有保存计算结果（由程序生成的文件常见）：请在 Excel 或 WPS 中打开这个文件、保存一次后再放入',
      'rosters/a-2026-11-01.xlsx 第 8 行，D 列「岗位」：单元格 D8 的公式引用了另一个文件，这样的值不会公开：请把该列“选择性粘贴 → 数值”后再导出',
      'rosters/a-2026-11-01.xlsx 第 9 行，D 列「岗位」：单元格 D9 的公式引用了另一个文件，这样的值不会公开：请把该列“选择性粘贴 → 数值”后再导出',
      'rosters/a-2026-11-01.xlsx 第 10 行，D 列「岗位」：单元格 D10 的值是错误值（如 #N/A、#REF!）：请改正公式或填入内容',
    ]);
    expect(JSON.stringify(r)).not.toMatch(/Users|clerk|人事\.xlsx/);
  });
});
