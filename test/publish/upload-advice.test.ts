import { expect, it } from 'vitest';
import * as XLSX from '@e965/xlsx';
import { csv, publishDirectory, publishWorld, signedIn } from './support.ts';
import { testAuxiliaries } from '../complaints/support.ts';
import { publishFunctions } from '../../functions/publish/http.ts';
import { inProcessRosterParser } from '../../functions/publish/roster-parser.ts';
import { rosterErrors } from '../../src/import/roster/errors.ts';
import { checkUpload } from '../../functions/publish/upload.ts';
import { withHint } from '../../src/core/error-data.ts';
import { describeEachStore, freshStore, smtpServer } from '../support/stores.ts';

/**
 * What the workspace tells a clerk to do: the fix is made in the uploaded file itself (the workspace takes no mapping
 * file and has no folder), each problem names its row and column, and a mistake made on every row is one line.
 * Found in a clerk trial with real exports.
 */
const HEADER = ['姓名', '单位', '证件编号', '岗位', '状态'];
const OWN = '示例市城市管理综合行政执法局';

/** The visible text of the page's problem list and report, without markup. */
function shown(html: string): string {
  return html
    .replace(/<[^>]+>/g, '\n')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

/** An Excel workbook with an open password: an OLE compound file holding the encrypted package, as Excel writes it. */
function passwordWorkbook(): Uint8Array {
  const cfb = XLSX.CFB.utils.cfb_new();
  XLSX.CFB.utils.cfb_add(cfb, 'EncryptionInfo', new Uint8Array(256).fill(4));
  XLSX.CFB.utils.cfb_add(cfb, 'EncryptedPackage', new Uint8Array(8192).fill(7));
  return new Uint8Array(XLSX.CFB.write(cfb, { type: 'array' }) as number[]);
}

/** Excel's 另存为 → Unicode 文本: UTF-16LE with a BOM, tab-separated. */
function unicodeText(rows: string[][]): Uint8Array {
  const text = `\uFEFF${rows.map((r) => r.join('\t')).join('\r\n')}\r\n`;
  const bytes = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i++) {
    bytes[i * 2] = text.charCodeAt(i) & 0xff;
    bytes[i * 2 + 1] = text.charCodeAt(i) >> 8;
  }
  return bytes;
}

/** An XLSX workbook with one sheet per entry, in order. */
function workbook(sheets: Record<string, string[][]>): Uint8Array {
  const book = XLSX.utils.book_new();
  for (const [name, rows] of Object.entries(sheets)) XLSX.utils.book_append_sheet(book, XLSX.utils.aoa_to_sheet(rows), name);
  return new Uint8Array(XLSX.write(book, { type: 'array', bookType: 'xlsx' }) as ArrayBuffer);
}

describeEachStore('the workspace says how to fix the uploaded file itself', (kind) => {
  const db = freshStore(kind);
  const smtp = smtpServer();

  it('an unrecognised header: change the header in the file (the column named), never a mapping file', async () => {
    const world = await publishWorld(db);
    const clerk = await signedIn(db, world, smtp, 'city-cgj', 'roster@cgj.city.example');
    const response = await clerk.upload(
      'cgj-2026-11-20.csv',
      csv([
        ['姓名', '证件号码', '状态', '身份证号'],
        ['赵六', 'CG-0101', '在岗', ''],
      ]),
    );
    expect(response.status).toBe(422);
    const text = shown(response.text);
    expect(text).toContain(
      '缺少必需的「证件编号」列：表头应为「证件编号」、「辅助行政执法证件编号」、「证号」、「编号」之一：请把B 列表头「证件号码」改为「证件编号」，保存后重新上传',
    );
    expect(text).toContain('请在 Excel 或 WPS 中把表头改成上面认得的写法');
    expect(text).not.toContain('映射文件');
    expect(text).not.toContain('mapping.yaml');
    expect(text).not.toContain('columns');
  });

  it('no date anywhere: write it in the file name or above the header; a date written 2026年11月20日 or 2026.11.20 in the file name is read', async () => {
    const world = await publishWorld(db);
    const clerk = await signedIn(db, world, smtp, 'city-cgj', 'roster@cgj.city.example');
    const rows = csv([HEADER, ['赵六', '', 'CG-0101', '协管员', '在岗']]);
    const undated = await clerk.upload('城管局名单.csv', rows);
    expect(undated.status).toBe(422);
    const text = shown(undated.text);
    expect(text).toContain('无法确定名单日期：请在文件名或表头上方写上填报日期');
    expect(text).toContain('保存后重新上传');
    expect(text).not.toContain('映射文件');
    for (const name of ['城管局辅助人员名单2026年11月20日.csv', '城管局名单2026.11.20.csv', '城管局名单2026_11_20.csv']) {
      const dated = await clerk.upload(name, rows);
      expect(dated.status, name).toBe(200);
      expect(dated.text, name).toContain('名单日期：2026-11-20（取自文件名）');
    }
  });

  it('a workbook with an open password: remove it and upload again', async () => {
    const world = await publishWorld(db);
    const clerk = await signedIn(db, world, smtp, 'city-cgj', 'roster@cgj.city.example');
    const response = await clerk.upload('cgj-2026-11-20.xlsx', passwordWorkbook());
    expect(response.status).toBe(422);
    expect(shown(response.text)).toContain('这是设置了打开密码的工作簿：请在 Excel 或 WPS 中取消密码后重新上传');
    expect(response.text).not.toContain('再放入');
  });

  it('Excel’s Unicode text (.txt): says to rename it to .csv, and so renamed it is read', async () => {
    const world = await publishWorld(db);
    const clerk = await signedIn(db, world, smtp, 'city-cgj', 'roster@cgj.city.example');
    const bytes = unicodeText([HEADER, ['赵六', '', 'CG-0101', '协管员', '在岗'], ['钱七', '', 'CG-0102', '协管员', '在岗']]);
    const txt = await clerk.upload('cgj-2026-11-20.txt', bytes);
    expect(txt.status).toBe(422);
    const text = shown(txt.text);
    expect(text).toContain('这是文本文件（.txt）');
    expect(text).toContain('Unicode 文本');
    expect(text).toContain('把扩展名改为 .csv 后重新上传');
    expect(text).toContain('CSV UTF-8');
    const renamed = await clerk.upload('cgj-2026-11-20.csv', bytes);
    expect(renamed.status, renamed.text).toBe(200);
    expect(renamed.text).toContain('检查通过，共 2 人');
    expect(renamed.text).toContain('UTF-16LE');
  });

  it('a number another agency publishes: the row and the column are named', async () => {
    const world = await publishWorld(db);
    const clerk = await signedIn(db, world, smtp, 'city-cgj', 'roster@cgj.city.example');
    const response = await clerk.upload(
      'cgj-2026-11-20.csv',
      csv([HEADER, ['赵六', '', 'CG-0101', '协管员', '在岗'], ['李四', '', 'SL-SC-0002', '协管员', '在岗']]),
    );
    expect(response.status).toBe(422);
    expect(shown(response.text)).toContain(
      `cgj-2026-11-20.csv 第 3 行，C 列「证件编号」，值「SL-SC-0002」：证件编号已由示例市市场监督管理局公示，不能由${OWN}发布`,
    );
  });

  it('numbers another agency publishes and people of another unit are named one by one, never folded into one line', async () => {
    const world = await publishWorld(db);
    // Seven people the market regulator publishes (a team transferred), and seven rows naming that unit.
    const sample = testAuxiliaries.find((a) => a.certificateNo === 'SL-SC-0002')!;
    const transferred = Array.from({ length: 7 }, (_, i) => ({ ...sample, certificateNo: `SL-SC-01${i}` }));
    world.directory = await publishDirectory(transferred);
    const clerk = await signedIn(db, world, smtp, 'city-cgj', 'roster@cgj.city.example');
    const published = transferred.map((a, i) => [`孙${i}`, '', a.certificateNo, '协管员', '在岗']);
    const otherUnit = Array.from({ length: 7 }, (_, i) => [`周${i}`, '示例市市场监督管理局', `SC-90${i}`, '协管员', '在岗']);
    const response = await clerk.upload('cgj-2026-11-20.csv', csv([HEADER, ['赵六', '', 'CG-0101', '协管员', '在岗'], ...published, ...otherUnit]));
    expect(response.status).toBe(422);
    const text = shown(response.text);
    for (const [i, row] of published.entries()) {
      expect(text).toContain(`cgj-2026-11-20.csv 第 ${i + 3} 行，C 列「证件编号」，值「${row[2]}」：证件编号已由示例市市场监督管理局公示`);
    }
    for (const i of otherUnit.keys()) expect(text).toContain(`cgj-2026-11-20.csv 第 ${i + 10} 行，B 列「单位」，值「示例市市场监督管理局」：不是${OWN}`);
    expect(text).not.toContain('共 7 处');
  });

  it("a row of another unit is said in the catalogue's workspace wording, whatever the build's wording says", async () => {
    const otherUnit = Array.from({ length: 6 }, (_, i) => [`周${i}`, '示例市市场监督管理局', `SC-91${i}`, '协管员', '在岗']);
    const upload = { name: 'cgj-2026-11-20.csv', bytes: new TextEncoder().encode(csv([HEADER, ...otherUnit])) };
    // Each problem carries both wordings as the catalogue makes them: the workspace rewrites neither.
    const plain = await publishWorld(db);
    const agency = plain.directory.agency('city-cgj')!;
    const session = { agency, role: 'clerk' as const, mailbox: 'roster@cgj.city.example', expiresAt: '2026-11-23T10:00:00.000Z', tokenHash: 'h' };
    const checked = await checkUpload(plain, session, upload, inProcessRosterParser());
    expect(checked.ok).toBe(false);
    expect(checked.ok ? [] : checked.problems.map(({ reason, workspaceReason, each }) => ({ reason, workspaceReason, each }))).toEqual(
      otherUnit.map(() => ({
        reason: withHint(rosterErrors.AgencyMismatch, agency.name, agency.id),
        workspaceReason: `不是${OWN}：您只能发布${OWN}的人员`,
        each: 'workspace',
      })),
    );
    // The build's wording changed (as an edit to errors.ts would): the workspace's own is kept, and nothing in the
    // workspace depends on the other's text. Read in this thread, so that the import sees the changed entry.
    const entry = rosterErrors.AgencyMismatch as { message: (name: string, id: string) => string };
    const buildWording = entry.message;
    entry.message = (name, id) => `单位不是映射文件中写的 ${id}（${name}）`;
    try {
      const world = await publishWorld(db);
      const handler = publishFunctions(world, undefined, { parser: inProcessRosterParser() });
      const clerk = await signedIn(db, world, smtp, 'city-cgj', 'roster@cgj.city.example', '192.0.2.58', handler);
      const response = await clerk.upload(upload.name, upload.bytes);
      expect(response.status).toBe(422);
      const text = shown(response.text);
      for (const i of otherUnit.keys()) {
        expect(text).toContain(`cgj-2026-11-20.csv 第 ${i + 2} 行，B 列「单位」，值「示例市市场监督管理局」：不是${OWN}：您只能发布${OWN}的人员`);
      }
      expect(text).not.toContain('映射文件');
      expect(text).not.toContain('共 6 处');
    } finally {
      entry.message = buildWording;
    }
  });

  it('one mistake on every row is one line with its rows, count and examples; a few stay one line each', async () => {
    const world = await publishWorld(db);
    const clerk = await signedIn(db, world, smtp, 'city-cgj', 'roster@cgj.city.example');
    const header = [...HEADER, '发证日期'];
    const people = Array.from({ length: 300 }, (_, i) => ['赵六', '', `CG-${1000 + i}`, '协管员', '在岗', `${(i % 12) + 1}/1/2024`]);
    const response = await clerk.upload('cgj-2026-11-20.csv', csv([header, ...people, ['钱七', '', 'CG-2000', '协管员', '放假了', '']]));
    expect(response.status).toBe(422);
    const text = shown(response.text);
    expect(text).toContain('有 301 处问题（同一列、同一原因的合为一条，共 2 条）');
    expect(text).toContain('cgj-2026-11-20.csv，F 列「发证日期」第 2–301 行，共 300 处，值如「1/1/2024」「2/1/2024」「3/1/2024」等：发证日期：无法识别的日期');
    expect(text).toMatch(/cgj-2026-11-20\.csv 第 302 行，E 列「状态」，值「放假了」：无法识别的状态/);
    expect(response.text.split('<li>').length - 1).toBe(2);
  });

  it('several sheets with a roster header: merge them in the workbook (no sheet: option); the sheet read is reported', async () => {
    const world = await publishWorld(db);
    const clerk = await signedIn(db, world, smtp, 'city-cgj', 'roster@cgj.city.example');
    const several = await clerk.upload(
      'cgj-2026-11-20.xlsx',
      workbook({ 一中队: [HEADER, ['赵六', '', 'CG-0101', '协管员', '在岗']], 二中队: [HEADER, ['钱七', '', 'CG-0102', '协管员', '在岗']] }),
    );
    expect(several.status).toBe(422);
    const text = shown(several.text);
    expect(text).toContain(
      '工作簿中有 2 个工作表都有名单表头（同时有「姓名」和「证件编号」列）：「一中队」「二中队」；只能读一个工作表，其余工作表的人员就不会公开，所以未读取。请把这几个工作表的人员合并到一个工作表中，不需要公开的工作表删去或隐藏，保存后重新上传',
    );
    expect(text).not.toContain('映射文件');
    expect(text).not.toContain('sheet');
    const instructions = await clerk.upload(
      'cgj-2026-11-20.xlsx',
      workbook({ 填表说明: [['请按下表填写']], 名单: [HEADER, ['赵六', '', 'CG-0101', '协管员', '在岗']] }),
    );
    expect(instructions.status, instructions.text).toBe(200);
    expect(shown(instructions.text)).toContain('读取的工作表：「名单」（前面的工作表「填表说明」中没有表头，已跳过）');
  });

  it('编号 beside a column that reads like the certificate number: change that header in the file, never a mapping file', async () => {
    const world = await publishWorld(db);
    const clerk = await signedIn(db, world, smtp, 'city-cgj', 'roster@cgj.city.example');
    const response = await clerk.upload(
      'cgj-2026-11-20.csv',
      csv([
        ['姓名', '编号', '状态', '执法证号'],
        ['赵六', '001', '在岗', 'CG-0101'],
      ]),
    );
    expect(response.status).toBe(422);
    const text = shown(response.text);
    expect(text).toContain(
      'B 列「编号」：这一列会被当作证件编号，但 D 列「执法证号」像是证件编号列（「编号」常是工号、序号）；为免把别的号码当作证件编号公开，未读取。哪一列是证件编号，就在 Excel 或 WPS 中把它的表头改为「证件编号」（另一列随即丢弃、不公开），保存后重新上传',
    );
    expect(text).not.toContain('映射文件');
    expect(text).not.toContain('certificateNo');
  });
});
