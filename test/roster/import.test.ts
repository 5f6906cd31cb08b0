import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { findRosterFiles, formatProblem, importRosters, readRosterSources, type RosterResult } from '../../src/import/roster/index.ts';
import { auxiliarySchema } from '../../src/core/roster/schema.ts';
import { STATUS_WORDS_HINT } from '../../src/import/roster/status.ts';
import { twoRowHeader } from '../../src/import/roster/headers.ts';
import { contentDir, csv, HEADER, importFiles, removeDir, testRegistry } from './support.ts';

const F = 'rosters/cgj-2026-11-01.csv';
const messages = (r: RosterResult) => r.problems.map(formatProblem);

describe('a good roster', () => {
  it('reads every row into the published fields only', async () => {
    const r = await importFiles({
      [F]: csv([
        ['序号', '姓名', '单位', '证件编号', '岗位', '状态', '状态日期', '发证日期', '有效期至', '用工方式', '劳务派遣单位', '身份证号'],
        [
          '1',
          '张 三',
          '任丘市城市管理综合行政执法局',
          'rq-cg-0001',
          '市容协管员',
          '在岗',
          '',
          '2024/3/1',
          '2029年2月28日',
          '直接招用',
          '',
          '130982199001011234',
        ],
        ['2', '李四', 'rq-cgj', 'ＲＱ－ＣＧ－０００２', '', '暂停', '2025.6.1', '', '', '', '示例劳务派遣有限公司', '130982198502023456'],
        ['', '', '', '', '', '', '', '', '', '', '', ''],
        ['制表人：王五', '', '', '', '', '', '', '', '', '', '', ''],
      ]),
    });
    expect(messages(r)).toEqual([]);
    expect(r.auxiliaries).toEqual([
      {
        certificateNo: 'RQ-CG-0001',
        name: '张三',
        agencyId: 'rq-cgj',
        post: '市容协管员',
        status: 'active',
        issuedOn: '2024-03-01',
        validUntil: '2029-02-28',
        employment: 'direct',
      },
      {
        certificateNo: 'RQ-CG-0002',
        name: '李四',
        agencyId: 'rq-cgj',
        status: 'suspended',
        statusSince: '2025-06-01',
        employment: 'dispatch',
        dispatcher: '示例劳务派遣有限公司',
      },
    ]);
    for (const a of r.auxiliaries) expect(auxiliarySchema.parse(a)).toEqual(a);
    expect(r.files).toEqual([
      {
        file: F,
        encoding: 'UTF-8',
        asOf: '2026-11-01',
        asOfSources: [{ kind: 'fileName', date: '2026-11-01', where: '文件名' }],
        headerRow: 1,
        rows: 2,
        agencyIds: ['rq-cgj'],
        droppedColumns: ['序号', '身份证号'],
        skippedRows: 1,
        footerRows: 1,
        statusWords: [
          { word: '在岗', status: 'active', rows: 1 },
          { word: '暂停', status: 'suspended', rows: 1 },
        ],
      },
    ]);
    expect([...r.asOfByAgency]).toEqual([['rq-cgj', '2026-11-01']]);
  });

  it('takes the latest roster date per agency', async () => {
    const r = await importFiles({
      'rosters/a-2026-10-01.csv': csv([HEADER, ['张三', 'rq-cgj', 'A1', '', '']]),
      'rosters/b-20261101.csv': csv([HEADER, ['李四', 'rq-cgj', 'A2', '', ''], ['王五', 'rq-scjg', 'A3', '', '']]),
    });
    expect(messages(r)).toEqual([]);
    expect(Object.fromEntries(r.asOfByAgency)).toEqual({ 'rq-cgj': '2026-11-01', 'rq-scjg': '2026-11-01' });
    expect(r.files.map((f) => [f.asOf, f.agencyIds])).toEqual([
      ['2026-10-01', ['rq-cgj']],
      ['2026-11-01', ['rq-cgj', 'rq-scjg']],
    ]);
  });

  it('skips Excel lock files and hidden files', async () => {
    const r = await importFiles({
      [F]: csv([HEADER, ['张三', 'rq-cgj', 'A1', '', '']]),
      'rosters/~$cgj-2026-11-01.xlsx': 'lock',
      'rosters/.cgj-2026-11-01.csv': 'hidden',
    });
    expect(messages(r)).toEqual([]);
    expect(r.files.map((f) => f.file)).toEqual([F]);
  });
});

describe('every problem kind, with its exact message and location', () => {
  it('missing required columns (all of them)', async () => {
    const r = await importFiles({
      [F]: csv([
        ['姓名', '岗位'],
        ['张三', '协管员'],
      ]),
    });
    expect(messages(r)).toEqual([
      `${F} 第 1 行：缺少必需的「证件编号」列：表头应为「证件编号」、「辅助行政执法证件编号」、「证号」、「编号」之一，或在映射文件 columns 中指定`,
      `${F} 第 1 行：缺少必需的「单位」列：表头应为「单位」、「所在单位」、「工作单位」、「招用单位」之一，或在映射文件 columns 中指定；或在映射文件中用 agency 指定全部人员所属的单位`,
    ]);
    expect(r.auxiliaries).toEqual([]);
  });

  it('a decorated header is not guessed, but pointed at', async () => {
    const r = await importFiles({
      [F]: csv([
        ['*姓名', '单位', '证件编号（必填）', '身份证号'],
        ['张三', 'rq-cgj', 'A1', '130982199001011234'],
      ]),
    });
    expect(messages(r)).toEqual([
      `${F} 第 1 行：缺少必需的「姓名」列：表头应为「姓名」之一，或在映射文件 columns 中指定（A 列「*姓名」像是这一列，但表头须与上述写法完全一致）`,
      `${F} 第 1 行：缺少必需的「证件编号」列：表头应为「证件编号」、「辅助行政执法证件编号」、「证号」、「编号」之一，或在映射文件 columns 中指定（C 列「证件编号（必填）」像是这一列，但表头须与上述写法完全一致）`,
    ]);
  });

  it('reports every bad row at once, each with row, column, value and reason', async () => {
    const r = await importFiles({
      [F]: csv([
        ['姓名', '单位', '证件编号', '状态', '发证日期', '有效期至', '用工方式', '劳务派遣单位'],
        ['', 'rq-cgj', 'A1', '在岗', '', '', '', ''],
        ['张三', 'rq-cgj', '  ', '在岗', '', '', '', ''],
        ['李四', 'rq-cgj', 'A/3', '在岗', '', '', '', ''],
        ['王五', '任丘市城管局', 'A4', '在岗', '', '', '', ''],
        ['赵六', 'rq-cgj', 'A5', '休假', '', '', '', ''],
        ['孙七', 'rq-cgj', 'A6', '在岗', '2021-02-30', '2021年13月1日', '', ''],
        ['周八', 'rq-cgj', 'A7', '在岗', '', '', '外包', ''],
        ['吴九', 'rq-cgj', 'A8', '在岗', '', '', '直接招用', '示例劳务派遣有限公司'],
        ['郑十', 'rq-cgj', 'A9', '在岗', '2024-01-01', '2023-12-31', '', ''],
        ['钱一', '', 'A10', '在岗', '', '', '', ''],
        ['好人', 'rq-cgj', 'A11', '在岗', '', '', '', ''],
      ]),
    });
    expect(messages(r)).toEqual([
      `${F} 第 2 行，A 列「姓名」：姓名为空：请填上姓名；不是人员的行（如说明文字）请删去`,
      `${F} 第 3 行，C 列「证件编号」：证件编号为空：请照证件填上编号；还没有证件的人员不列入名单`,
      `${F} 第 4 行，C 列「证件编号」，值「A/3」：证件编号只能由数字、字母、汉字和中间的连字符 -、下划线 _、点 . 组成：请照证件上的编号填写，删去其他符号`,
      `${F} 第 5 行，B 列「单位」，值「任丘市城管局」：在 agencies.yaml 中找不到这个单位（应与机关的 id 或完整名称一致）`,
      `${F} 第 6 行，D 列「状态」，值「休假」：无法识别的状态。可用：${STATUS_WORDS_HINT}`,
      `${F} 第 7 行，E 列「发证日期」，值「2021-02-30」：发证日期：日期不存在（月份或日期超出范围）：请核对月份和日期`,
      `${F} 第 7 行，F 列「有效期至」，值「2021年13月1日」：有效期至：日期不存在（月份或日期超出范围）：请核对月份和日期`,
      `${F} 第 8 行，G 列「用工方式」，值「外包」：无法识别的用工方式。可用：直接招用/单位聘用/聘用/直招；劳务派遣/派遣`,
      `${F} 第 9 行，H 列「劳务派遣单位」，值「示例劳务派遣有限公司」：用工方式为直接招用，不应填写劳务派遣单位：请删去劳务派遣单位，或把用工方式改为劳务派遣`,
      `${F} 第 10 行，F 列「有效期至」，值「2023-12-31」：有效期至早于发证日期 2024-01-01：请照证件核对这两个日期`,
      `${F} 第 11 行，B 列「单位」：单位为空：请填上机关的完整名称或 id`,
    ]);
    expect(r.auxiliaries.map((a) => a.certificateNo)).toEqual(['A11']);
  });

  it('an unreadable date form names the accepted forms', async () => {
    const r = await importFiles({
      [F]: csv([
        [...HEADER, '状态日期'],
        ['张三', 'rq-cgj', 'A1', '', '暂停', '上个月'],
      ]),
    });
    expect(messages(r)).toEqual([
      `${F} 第 2 行，F 列「状态日期」，值「上个月」：状态日期：无法识别的日期。可用格式：2021-12-01、2021/12/1、2021.12.1、2021年12月1日、20211201，或 Excel 日期`,
    ]);
  });

  it('duplicate certificate numbers across files name both places', async () => {
    const r = await importFiles({
      'rosters/a-2026-11-01.csv': csv([HEADER, ['张三', 'rq-cgj', 'RQ-0001', '', ''], ['李四', 'rq-cgj', 'RQ-0002', '', '']]),
      'rosters/b-2026-11-01.csv': csv([HEADER, ['王五', 'rq-scjg', 'rq-0001', '', ''], ['赵六', 'rq-scjg', 'RQ0002', '', '']]),
    });
    expect(messages(r)).toEqual([
      'rosters/b-2026-11-01.csv 第 2 行，C 列「证件编号」，值「RQ-0001」：证件编号重复：与 rosters/a-2026-11-01.csv 第 2 行相同：同一人只保留一行；不是同一人的，请核对证件编号',
      'rosters/b-2026-11-01.csv 第 3 行，C 列「证件编号」，值「RQ0002」：证件编号与 rosters/a-2026-11-01.csv 第 3 行的「RQ-0002」只差分隔符，查询时无法区分：请照证件核对这两个编号，改正写错的一个',
    ]);
    expect(r.auxiliaries.map((a) => a.name)).toEqual(['张三', '李四']);
  });

  it('duplicates within one file', async () => {
    const r = await importFiles({ [F]: csv([HEADER, ['张三', 'rq-cgj', 'A1', '', ''], ['李四', 'rq-cgj', 'a1', '', '']]) });
    expect(messages(r)).toEqual([
      `${F} 第 3 行，C 列「证件编号」，值「A1」：证件编号重复：与 ${F} 第 2 行相同：同一人只保留一行；不是同一人的，请核对证件编号`,
    ]);
  });

  it('two columns for the same field', async () => {
    const r = await importFiles({
      [F]: csv([
        ['姓名', '单位', '工作单位', '证号'],
        ['张三', 'rq-cgj', 'rq-cgj', 'A1'],
      ]),
    });
    expect(messages(r)).toEqual([
      `${F} 第 1 行，C 列「工作单位」：与 B 列「单位」都是「单位」列，只能保留一列：请在 Excel 或 WPS 中删去其中一列，或在映射文件中改指其他列`,
    ]);
  });

  it('no roster date', async () => {
    const r = await importFiles({ 'rosters/cgj.csv': csv([HEADER, ['张三', 'rq-cgj', 'A1', '', '']]) });
    expect(messages(r)).toEqual([
      'rosters/cgj.csv：无法确定名单日期：请在表头上方写明“填报日期：2026年11月1日”，或在文件名中写上日期（如 城管局-2026-11-01.csv），或在映射文件中写 asOf: 2026-11-01',
    ]);
  });

  it('an empty file, a file with only blank lines, a header without rows', async () => {
    const r = await importFiles({
      'rosters/a-2026-11-01.csv': '',
      'rosters/b-2026-11-01.csv': '\r\n,,\r\n',
      'rosters/c-2026-11-01.csv': csv([HEADER]),
    });
    expect(messages(r)).toEqual([
      'rosters/a-2026-11-01.csv：文件为空：请在 Excel 或 WPS 中打开原表，确认有内容后重新导出',
      'rosters/b-2026-11-01.csv：文件中没有任何内容（找不到表头行）：请在 Excel 或 WPS 中确认名单在第一个工作表中，或在映射文件中用 sheet 指定工作表',
      'rosters/c-2026-11-01.csv 第 1 行：表头下面没有任何人员数据：请在表头下面逐行填写人员，或检查是否选错了工作表',
    ]);
  });

  it('undecodable bytes', async () => {
    const r = await importFiles({ [F]: new Uint8Array([0xd5, 0xc5, 0x2c, 0xff, 0xff, 0x0d, 0x0a]) });
    expect(messages(r)).toEqual([`${F}：无法识别文件编码：既不是 UTF-8 也不是 GB18030/GBK，请在 Excel 中另存为“CSV UTF-8”或 XLSX`]);
  });

  it('a UTF-8 file with a name pasted in another encoding is not read as GB18030 mojibake', async () => {
    const rows = Array.from({ length: 30 }, (_, i) => `张三${i},任丘市城市管理综合行政执法局,A${i}`).join('\r\n');
    const head = new TextEncoder().encode(`姓名,单位,证件编号\r\n${rows}\r\n`);
    const gbkName = new Uint8Array([0xc0, 0xee, 0xcb, 0xc4]); // 李四 in GBK
    const tail = new TextEncoder().encode(',rq-cgj,B1\r\n');
    const r = await importFiles({ [F]: new Uint8Array([...head, ...gbkName, ...tail]) });
    expect(messages(r)).toEqual([
      `${F}：文件是 UTF-8 编码，但有 4 处无效字节（第一处在文本第 32 行），可能混入了其他编码的文字：请在 Excel 中另存为“CSV UTF-8”后再放入`,
    ]);
  });

  it('a broken XLSX, a broken .xls, and text saved under .xls / .et', async () => {
    const r = await importFiles({
      'rosters/a-2026-11-01.xlsx': 'PK\u0003\u0004 this is not a zip',
      'rosters/b-2026-11-01.xls': new Uint8Array([0xd0, 0xcf, 0x11, 0xe0]),
      'rosters/c-2026-11-01.xls': csv([HEADER, ['张三', 'rq-cgj', 'A1', '', '']]),
      'rosters/d-2026-11-01.et': new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, ...new Uint8Array(600).fill(7)]),
    });
    expect(messages(r)).toEqual([
      'rosters/a-2026-11-01.xlsx：无法读取文件：文件已损坏或不是有效的工作簿（压缩包结构错误）：请在 Excel 或 WPS 中打开后另存为 .xlsx',
      'rosters/b-2026-11-01.xls：无法读取 .xls 文件：文件不完整或已损坏：请在 Excel 或 WPS 中打开后另存为 .xlsx',
      'rosters/c-2026-11-01.xls：文件内容不是 .xls 工作簿（可能是改了扩展名的 CSV 或文本文件）：请在 Excel 或 WPS 中打开后另存为 .xlsx',
      'rosters/d-2026-11-01.et：无法读取 .et 文件：文件已损坏或格式不对，请在 Excel 或 WPS 中打开后另存为 .xlsx',
    ]);
  });

  it('a workbook with a password, and files whose extension does not match their content', async () => {
    const ole = new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
    const r = await importFiles({
      'rosters/a-2026-11-01.xlsx': ole,
      'rosters/b-2026-11-01.xlsx': csv([HEADER, ['张三', 'rq-cgj', 'A1', '', '']]),
      'rosters/c-2026-11-01.csv': new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00]),
      'rosters/d-2026-11-01.csv': ole,
    });
    expect(messages(r)).toEqual([
      'rosters/a-2026-11-01.xlsx：无法读取 .xlsx 文件：文件不完整或已损坏：请在 Excel 或 WPS 中打开后另存为 .xlsx',
      'rosters/b-2026-11-01.xlsx：文件内容不是 XLSX 工作簿（可能是改了扩展名的 CSV 或其他文件）：请在 Excel 或 WPS 中打开后另存为 .xlsx',
      'rosters/c-2026-11-01.csv：这是 XLSX 工作簿，扩展名却是 .csv：请把扩展名改为 .xlsx',
      'rosters/d-2026-11-01.csv：这是 Excel 二进制工作簿（.xls 或加密文件），扩展名却是 .csv：请把扩展名改为 .xls',
    ]);
  });

  it('a CSV quote that is never closed, after reporting the rows before it', async () => {
    const r = await importFiles({ [F]: `${HEADER.join(',')}\r\n,rq-cgj,A1,,\r\n"张三,rq-cgj,A2,,\r\n李四,rq-cgj,A3,,\r\n` });
    expect(messages(r)).toEqual([
      `${F} 第 2 行，A 列「姓名」：姓名为空：请填上姓名；不是人员的行（如说明文字）请删去`,
      `${F} 第 3 行：CSV 格式错误：从这一行开始的引号没有闭合（可能是单元格中多了一个英文双引号 "）：请在 Excel 或 WPS 中打开、改正这一行后另存为“CSV UTF-8”`,
    ]);
  });
});

describe('files that cannot be read', () => {
  it('a path that is not a readable file is a problem, not a crash', async () => {
    const dir = await contentDir({ 'rosters/x-2026-11-01.csv/readme.txt': 'a folder named like a roster' });
    try {
      expect(await findRosterFiles(dir)).toEqual([]);
      const sources = await readRosterSources([join(dir, 'rosters/x-2026-11-01.csv')], dir);
      const r = await importRosters(sources, testRegistry());
      expect(r.problems.map(formatProblem)).toEqual(['rosters/x-2026-11-01.csv：无法读取文件：EISDIR：请确认文件没有在 Excel 或 WPS 中打开着，再重新放入']);
    } finally {
      await removeDir(dir);
    }
  });
});

describe('quoted fields, line endings, delimiters', () => {
  it('reads quoted fields with commas, quotes and embedded newlines; rows are numbered as Excel shows them', async () => {
    const r = await importFiles({
      [F]: '姓名,单位,证件编号,岗位\n张三,rq-cgj,A1,"协助,\n""宣传"""\n,rq-cgj,A2,\n',
    });
    expect(messages(r)).toEqual([`${F} 第 3 行，A 列「姓名」：姓名为空：请填上姓名；不是人员的行（如说明文字）请删去`]);
    expect(r.auxiliaries[0]!.post).toBe('协助, "宣传"');
  });
  it('reads tab-separated UTF-16 (Excel "Unicode text")', async () => {
    const text = '姓名\t单位\t证件编号\r\n张三\trq-cgj\tA1\r\n';
    const body = Buffer.from(text, 'utf16le');
    const r = await importFiles({ [F]: new Uint8Array([0xff, 0xfe, ...body]) });
    expect(messages(r)).toEqual([]);
    expect(r.files[0]!.encoding).toBe('UTF-16LE (BOM)');
    expect(r.auxiliaries).toEqual([{ certificateNo: 'A1', name: '张三', agencyId: 'rq-cgj', status: 'active' }]);
  });
  it('takes the delimiter that splits the first lines consistently, counted outside quotes', async () => {
    // Tab-separated (UTF-8) with a comma in one header: every line has three tabs, only the header a comma.
    const tabs = await importFiles({ [F]: '姓名\t单位\t证件编号\t备注(如有,请写)\r\n张三\trq-cgj\tA1\t\r\n李四\trq-cgj\tA2\t"甲,乙"\r\n' });
    expect(messages(tabs)).toEqual([]);
    expect(tabs.auxiliaries.map((a) => a.certificateNo)).toEqual(['A1', 'A2']);
    // Comma-separated with tabs pasted into cells, quoted or not.
    const commas = await importFiles({ [F]: '姓名,单位,证件编号,岗位\r\n张\t三,rq-cgj,A1,"协\t管"\r\n李四,rq-cgj,A2,\t\r\n' });
    expect(messages(commas)).toEqual([]);
    expect(commas.auxiliaries.map((a) => [a.name, a.certificateNo, a.post])).toEqual([
      ['张三', 'A1', '协 管'],
      ['李四', 'A2', undefined],
    ]);
    // UTF-16 with no tab at all is comma-separated.
    const utf16 = await importFiles({ [F]: new Uint8Array([0xff, 0xfe, ...Buffer.from('姓名,单位,证件编号\r\n张三,rq-cgj,A1\r\n', 'utf16le')]) });
    expect(messages(utf16)).toEqual([]);
    expect(utf16.auxiliaries).toEqual([{ certificateNo: 'A1', name: '张三', agencyId: 'rq-cgj', status: 'active' }]);
  });
});

describe('photos', () => {
  it('accepts a photo next to the roster and refuses missing or escaping paths', async () => {
    const r = await importFiles({
      [F]: csv([
        [...HEADER, '照片'],
        ['张三', 'rq-cgj', 'A1', '', '', 'photos/a1.png'],
        ['李四', 'rq-cgj', 'A2', '', '', 'photos/none.png'],
        ['王五', 'rq-cgj', 'A3', '', '', '../agencies.yaml'],
      ]),
      'rosters/photos/a1.png': new Uint8Array([0x89, 0x50]),
    });
    expect(messages(r)).toEqual([
      `${F} 第 3 行，F 列「照片」，值「photos/none.png」：照片文件不存在（应放在名单文件所在文件夹内）`,
      `${F} 第 4 行，F 列「照片」，值「../agencies.yaml」：照片应写成名单文件所在文件夹内的相对路径，如 photos/张三.jpg`,
    ]);
    expect(r.auxiliaries[0]!.photo).toBe('photos/a1.png');
  });
});

describe('a header written over two rows, column by column', () => {
  it('joins the rows only when the lower one is a header row', () => {
    // 状态 merged across two columns (filled), 状态 and 状态日期 under it.
    expect(twoRowHeader(['姓名', '证件编号', '状态', '状态'], ['姓名', '证件编号', '状态', '状态日期'])).toEqual(['姓名', '证件编号', '状态', '状态日期']);
    // A name under a header that is recognised and spans one column: not a second header row.
    expect(twoRowHeader(['姓名', '证件编号', '有效期至'], ['', '', '发证日期'])).toBeUndefined();
    // A person under 姓名 or 证件编号: data.
    expect(twoRowHeader(['姓名', '证件编号', '证件有效期', ''], ['张三', '', '发证日期', '有效期至'])).toBeUndefined();
    expect(twoRowHeader(['姓名', '证件编号', '证件有效期', ''], ['', 'A1', '发证日期', '有效期至'])).toBeUndefined();
    // A title or an empty row is not the first row of a header; a row that adds no column is not the second.
    expect(twoRowHeader(['城管局花名册', '城管局花名册', '城管局花名册'], ['姓名', '单位', '证件编号'])).toBeUndefined();
    expect(twoRowHeader(['姓名', '单位', '证件编号'], ['姓名', '单位', '证件编号'])).toBeUndefined();
    // Mapped headers count as recognised in both rows; under a header that names no column, the lower text is kept
    // (to name the dropped column).
    expect(twoRowHeader(['人员姓名', '证件编号', '证件有效期', ''], ['', '', '起始日期', '截止日期'], { 人员姓名: 'name', 截止日期: 'validUntil' })).toEqual([
      '人员姓名',
      '证件编号',
      '起始日期',
      '截止日期',
    ]);
  });
});
