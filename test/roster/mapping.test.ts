import { describe, expect, it } from 'vitest';
import { formatProblem, problemTexts } from '../../src/import/roster/index.ts';
import { csv, importFiles } from './support.ts';

const ROSTER = csv([['农业农村局辅助人员名单'], ['序号', '姓名', '执法辅助证号', '岗位', '联系电话'], ['1', '张三', 'NY-01', '协管员', '13800138000']]);

describe('mapping files', () => {
  it('names the agency, the roster date, extra headers and the header row', async () => {
    const r = await importFiles({
      'rosters/nync.csv': ROSTER,
      'rosters/nync.mapping.yaml': 'agency: rq-scjg\nasOf: 2026-10-15\nheaderRow: 2\ncolumns:\n  执法辅助证号: certificateNo\n',
    });
    expect(r.problems.map(formatProblem)).toEqual([]);
    expect(r.auxiliaries).toEqual([{ certificateNo: 'NY-01', name: '张三', agencyId: 'rq-scjg', post: '协管员', status: 'active' }]);
    expect(r.files[0]).toMatchObject({ asOf: '2026-10-15', droppedColumns: ['序号', '联系电话'] });
  });

  it('a 单位 cell that disagrees with the mapping agency is a problem; an empty one takes the mapping agency', async () => {
    const r = await importFiles({
      'rosters/a-2026-11-01.csv': csv([
        ['姓名', '单位', '证号'],
        ['张三', 'rq-cgj', 'A1'],
        ['李四', '', 'A2'],
        ['王五', '任丘市市场监督管理局', 'A3'],
      ]),
      'rosters/a-2026-11-01.mapping.yaml': 'agency: rq-scjg\n',
    });
    expect(r.problems.map(formatProblem)).toEqual([
      'rosters/a-2026-11-01.csv 第 2 行，B 列「单位」，值「rq-cgj」：与映射文件指定的单位「任丘市市场监督管理局」（rq-scjg）不一致',
    ]);
    expect(r.auxiliaries.map((a) => [a.name, a.agencyId])).toEqual([
      ['李四', 'rq-scjg'],
      ['王五', 'rq-scjg'],
    ]);
  });

  it('rows of another unit: grouped in the folder in its wording, one line each in the workspace in its own (the catalogue has both)', async () => {
    const others = Array.from({ length: 6 }, (_, i) => [`张${i}`, 'rq-cgj', `A${i}`]);
    const r = await importFiles({
      'rosters/a-2026-11-01.csv': csv([['姓名', '单位', '证号'], ...others]),
      'rosters/a-2026-11-01.mapping.yaml': 'agency: rq-scjg\n',
    });
    expect(problemTexts(r.problems, 'folder')).toEqual([
      'rosters/a-2026-11-01.csv，B 列「单位」第 2–7 行，共 6 处，值如「rq-cgj」：与映射文件指定的单位「任丘市市场监督管理局」（rq-scjg）不一致',
    ]);
    expect(problemTexts(r.problems, 'workspace')).toEqual(
      others.map(
        (_, i) => `rosters/a-2026-11-01.csv 第 ${i + 2} 行，B 列「单位」，值「rq-cgj」：不是任丘市市场监督管理局：您只能发布任丘市市场监督管理局的人员`,
      ),
    );
  });

  it('without a mapping file, the header under a title is found; what cannot be read comes with a mapping file to edit', async () => {
    const r = await importFiles({ 'rosters/nync-2026-11-01.csv': ROSTER });
    expect(r.problems.map(formatProblem)).toEqual([
      'rosters/nync-2026-11-01.csv 第 2 行：缺少必需的「证件编号」列：表头应为「证件编号」、「辅助行政执法证件编号」、「证号」、「编号」之一，或在映射文件 columns 中指定',
      'rosters/nync-2026-11-01.csv 第 2 行：缺少必需的「单位」列：表头应为「单位」、「所在单位」、「工作单位」、「招用单位」之一，或在映射文件 columns 中指定；或在映射文件中用 agency 指定全部人员所属的单位',
    ]);
    const help = r.files[0]!.mappingHelp!.join('\n');
    expect(help).toContain('第 1 行：A「农业农村局辅助人员名单」');
    expect(help).toContain('第 2 行：A「序号」 B「姓名」 C「执法辅助证号」 D「岗位」 E「联系电话」');
    expect(help).toContain('姓名：姓名\n');
    expect(help).toContain('可以把下面几行存为 nync-2026-11-01.mapping.yaml');
    expect(help).toContain('  headerRow: 2\n');
    expect(help).toContain('  asOf: 2026-11-01\n');
    expect(help).toContain('    "执法辅助证号": certificateNo');
    expect(help).toContain('    # "联系电话": 个人隐私，不能公开，不要填写');
    // The printed file, with its comment lines, is a valid mapping once saved: the export then imports.
    const yaml = r.files[0]!.mappingHelp!.slice(r.files[0]!.mappingHelp!.findIndex((l) => l.includes('# 名单映射文件')))
      .map((l) => l.slice(2))
      .join('\n')
      .replace('# agency: 机关id', 'agency: rq-scjg');
    const again = await importFiles({ 'rosters/nync-2026-11-01.csv': ROSTER, 'rosters/nync-2026-11-01.mapping.yaml': yaml });
    expect(again.problems.map(formatProblem)).toEqual([]);
    expect(again.auxiliaries).toEqual([{ certificateNo: 'NY-01', name: '张三', agencyId: 'rq-scjg', post: '协管员', status: 'active' }]);
  });

  it('a mapped header that is not in the file', async () => {
    const r = await importFiles({
      'rosters/nync.csv': ROSTER,
      'rosters/nync.mapping.yaml': 'agency: rq-scjg\nasOf: 2026-11-01\nheaderRow: 2\ncolumns:\n  执法辅助证号: certificateNo\n  在岗情况: status\n',
    });
    expect(r.problems.map(formatProblem)).toEqual([
      'rosters/nync.csv 第 2 行：映射文件 columns 中的表头「在岗情况」在这一行中找不到：映射文件中的表头须与 Excel 中表头单元格的文字完全一致',
    ]);
    expect(r.auxiliaries).toEqual([]);
  });

  it('a mapping file whose name matches no roster', async () => {
    const r = await importFiles({
      'rosters/nync-2026-11-01.csv': csv([
        ['姓名', '单位', '证号'],
        ['张三', 'rq-cgj', 'A1'],
      ]),
      'rosters/nync.mapping.yaml': 'asOf: 2026-11-01\n',
    });
    expect(r.problems.map(formatProblem)).toEqual([
      'rosters/nync.mapping.yaml：映射文件没有同名的名单文件，不会被使用：映射文件应与名单同名，如 城管局-2026-11-01.xlsx 对应 城管局-2026-11-01.mapping.yaml',
    ]);
  });

  it('a mapping file that is not YAML', async () => {
    const r = await importFiles({ 'rosters/nync.csv': ROSTER, 'rosters/nync.mapping.yaml': 'agency: [rq-scjg\n' });
    expect(r.problems).toHaveLength(1);
    expect(formatProblem(r.problems[0]!)).toMatch(/^rosters\/nync\.mapping\.yaml：映射文件不是有效的 YAML：/);
  });

  it('every wrong entry of a mapping file at once', async () => {
    const r = await importFiles({
      'rosters/nync.csv': ROSTER,
      'rosters/nync.mapping.yaml': 'agency: RQ SCJG\nasOf: 2026-02-30\nheaderRow: 0\ncolumns:\n  执法辅助证号: 证件编号\nsheets: 名单\n',
    });
    expect(r.problems.map(formatProblem)).toEqual([
      'rosters/nync.mapping.yaml：agency：id 只能用小写字母、数字和连字符，且以字母或数字开头',
      'rosters/nync.mapping.yaml：asOf：日期应为 YYYY-MM-DD 格式的有效日期',
      'rosters/nync.mapping.yaml：columns.执法辅助证号：字段名应为以下之一：name, agency, certificateNo, post, status, statusSince, issuedOn, validUntil, employment, dispatcher, photo, photoConsent',
      'rosters/nync.mapping.yaml：headerRow：headerRow 应为正整数（表头所在的行号）',
      'rosters/nync.mapping.yaml：未知字段 sheets（可用字段：agency、asOf、columns、sheet、headerRow）',
    ]);
    expect(r.auxiliaries).toEqual([]);
  });

  it('an agency id that is not in the registry', async () => {
    const r = await importFiles({ 'rosters/nync.csv': ROSTER, 'rosters/nync.mapping.yaml': 'agency: rq-nync\nasOf: 2026-11-01\n' });
    expect(r.problems.map(formatProblem)).toEqual([
      'rosters/nync.mapping.yaml，值「rq-nync」：agency：在 agencies.yaml 中没有这个 id：请照 agencies.yaml 中该机关的 id 填写',
    ]);
  });

  it('a header row that is empty', async () => {
    const r = await importFiles({
      'rosters/a-2026-11-01.csv': `\r\n${csv([
        ['姓名', '单位', '证号'],
        ['张三', 'rq-cgj', 'A1'],
      ])}`,
      'rosters/a-2026-11-01.mapping.yaml': 'headerRow: 1\n',
    });
    expect(r.problems.map(formatProblem)).toEqual([
      'rosters/a-2026-11-01.csv 第 1 行：映射文件指定的表头行第 1 行是空的：请在 Excel 或 WPS 中看清表头在第几行，改正映射文件的 headerRow',
    ]);
  });
});
