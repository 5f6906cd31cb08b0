import { readdir, readFile } from 'node:fs/promises';
import { formatIssue } from '../../core/issues.ts';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ContentError } from '../../core/friendly-errors.ts';
import { regulationSchema, type Regulation } from '../../core/regulation/schema.ts';

/** Reads every `regulations/*.yaml`; the file name (without extension) must equal the regulation's id. */
export async function loadRegulations(contentDir: string): Promise<Map<string, Regulation>> {
  const dir = join(contentDir, 'regulations');
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.yaml')).sort();
  } catch (error) {
    throw new ContentError(dir, [`无法读取办法目录：${(error as Error).message}`]);
  }
  const regulations = new Map<string, Regulation>();
  for (const name of names) {
    const path = join(dir, name);
    let data: unknown;
    try {
      data = parseYaml(await readFile(path, 'utf8'));
    } catch (error) {
      throw new ContentError(path, [`YAML 格式错误：${(error as Error).message}`]);
    }
    const parsed = regulationSchema.safeParse(data);
    if (!parsed.success) throw new ContentError(path, parsed.error.issues.map((issue) => formatIssue(issue)));
    const regulation = parsed.data;
    const expected = name.replace(/\.yaml$/, '');
    if (regulation.id !== expected) throw new ContentError(path, [`id "${regulation.id}" 应与文件名 "${expected}" 一致`]);
    const ids = new Set<string>();
    const problems: string[] = [];
    for (const list of ['noEnforcementPower', 'permittedDuties', 'forbiddenDuties', 'prohibitedConduct', 'disclosure'] as const) {
      regulation[list].forEach((p, i) => {
        if (ids.has(p.id)) problems.push(`${list}.${i}.id: "${p.id}" 重复`);
        ids.add(p.id);
      });
    }
    if (problems.length) throw new ContentError(path, problems);
    regulations.set(regulation.id, regulation);
  }
  return regulations;
}

/** `permittedDuties.2.text: 缺少原文 text`; unknown fields named in Chinese. */

