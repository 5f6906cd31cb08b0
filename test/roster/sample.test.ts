import { copyFile, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadRegistry } from '../../src/import/registry/load.ts';
import { findRosterFiles, formatProblem, importRosters, readRosterSources, RosterImportError } from '../../src/import/roster/index.ts';
import { auxiliarySchema } from '../../src/core/roster/schema.ts';
import { loadSite } from '../../src/import/site.ts';
import { stringify } from 'yaml';
import { AGENCIES, contentDir, csv, removeDir } from './support.ts';

const CONTENT = fileURLToPath(new URL('../../content/', import.meta.url));

describe('the committed sample content', () => {
  it('imports without a problem, in every export style, keeping no private column', async () => {
    const regulations = (await readdir(join(CONTENT, 'regulations'))).filter((n) => n.endsWith('.yaml')).map((n) => n.replace(/\.yaml$/, ''));
    const registry = await loadRegistry(CONTENT, new Set(regulations));
    const result = await importRosters(await readRosterSources(await findRosterFiles(CONTENT), CONTENT), registry);
    expect(result.problems.map(formatProblem)).toEqual([]);
    expect(result.auxiliaries.length).toBeGreaterThan(500);
    expect(new Set(result.files.map((f) => f.encoding))).toEqual(new Set(['UTF-8', 'UTF-8 (BOM)', 'GB18030', 'XLSX']));
    for (const a of result.auxiliaries) auxiliarySchema.parse(a);
    const dropped = new Set(result.files.flatMap((f) => f.droppedColumns));
    for (const column of ['身份证号', '联系电话', '住址', '出生日期']) expect(dropped).toContain(column);
    for (const file of result.files) expect(file.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(new Set(result.auxiliaries.map((a) => a.status))).toEqual(new Set(['active', 'suspended', 'revoked', 'cancelled', 'left']));
  });
});

describe('RosterImportError', () => {
  it('lists every problem in its message', () => {
    const error = new RosterImportError([
      { file: 'rosters/a.csv', reason: '文件为空：请在 Excel 或 WPS 中打开原表，确认有内容后重新导出' },
      { file: 'rosters/b.csv', row: 3, column: 'A 列「姓名」', reason: '姓名为空：请填上姓名；不是人员的行（如说明文字）请删去' },
    ]);
    expect(error.message).toBe(
      '名单有 2 处问题，未生成网站：\n  - rosters/a.csv：文件为空：请在 Excel 或 WPS 中打开原表，确认有内容后重新导出\n  - rosters/b.csv 第 3 行，A 列「姓名」：姓名为空：请填上姓名；不是人员的行（如说明文字）请删去',
    );
    expect(error.problems).toHaveLength(2);
  });
});

describe('loadSite', () => {
  it('refuses to build from a content folder with a broken roster, listing every problem', async () => {
    const dir = await contentDir({
      'agencies.yaml': stringify(AGENCIES),
      'rosters/a-2026-11-01.csv': csv([
        ['姓名', '单位', '证件编号'],
        ['', 'rq-cgj', 'A1'],
        ['张三', '城管', 'A2'],
      ]),
    });
    try {
      await mkdir(join(dir, 'regulations'));
      await copyFile(join(CONTENT, 'regulations', 'hebei-2021.yaml'), join(dir, 'regulations', 'hebei-2021.yaml'));
      const error = await loadSite(dir).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(RosterImportError);
      expect((error as RosterImportError).problems.map(formatProblem)).toEqual([
        'rosters/a-2026-11-01.csv 第 2 行，A 列「姓名」：姓名为空：请填上姓名；不是人员的行（如说明文字）请删去',
        'rosters/a-2026-11-01.csv 第 3 行，B 列「单位」，值「城管」：在 agencies.yaml 中找不到这个单位（应与机关的 id 或完整名称一致）',
      ]);
    } finally {
      await removeDir(dir);
    }
  });
});
