import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { ContentError } from '../../src/core/friendly-errors.ts';
import { checkRegistry, loadRegistry, type Registry } from '../../src/import/registry/load.ts';
import { loadRegulations } from '../../src/import/regulation/load.ts';

const REGULATIONS = new Set(['hebei-2021', 'luan-draft']);

function agency(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { id, name: `机关${id}`, region: '某省某市', regulation: 'hebei-2021', complaints: { email: `${id}@example.gov.cn.example` }, ...extra };
}

/** The problems checkRegistry reports for `input` (it must throw a ContentError). */
function problemsOf(input: unknown): string[] {
  try {
    checkRegistry(input, REGULATIONS);
  } catch (error) {
    expect(error).toBeInstanceOf(ContentError);
    expect((error as ContentError).where).toBe('agencies.yaml');
    return (error as ContentError).problems;
  }
  throw new Error('checkRegistry accepted a broken registry');
}

describe('the committed agency registry', () => {
  let registry: Registry;
  beforeAll(async () => {
    const regulations = await loadRegulations('content');
    registry = await loadRegistry('content', new Set(regulations.keys()));
  });

  it('passes every check and covers both jurisdictions', () => {
    expect(registry.agencies.length).toBeGreaterThanOrEqual(20);
    expect(new Set(registry.agencies.map((a) => a.regulation))).toEqual(REGULATIONS);
    for (const region of ['河北省沧州市任丘市', '安徽省六安市', '安徽省六安市金安区', '安徽省六安市裕安区']) {
      expect(
        registry.agencies.some((a) => a.region === region),
        region,
      ).toBe(true);
    }
  });

  it('gives every bureau a government above it and a justice bureau over it', () => {
    for (const agency of registry.agencies) {
      if (agency.name.endsWith('人民政府')) continue;
      expect(agency.parent, agency.id).toBeDefined();
      const parent = registry.byId.get(agency.parent!)!;
      expect(parent.regulation, agency.id).toBe(agency.regulation);
      if (agency.name.endsWith('司法局')) continue;
      const oversight = registry.byId.get(agency.oversight!);
      expect(oversight?.name, agency.id).toMatch(/司法局$/);
    }
    // A district justice bureau answers to the city's.
    expect(registry.byId.get('luan-jinan-sfj')?.oversight).toBe('luan-sfj');
  });

  it('uses only fictional contact addresses', () => {
    for (const agency of registry.agencies) {
      expect(agency.complaints.email, agency.id).toMatch(/\.example$/);
      // Chinese local numbers never start with 0 after the area code, so these reach nobody.
      if (agency.phone) expect(agency.phone, agency.id).toMatch(/^0\d{2,3}-0\d{6,7}$/);
    }
  });

  it('matches agencies by exact name as well as by id', async () => {
    const list = parseYaml(await readFile('content/agencies.yaml', 'utf8')) as { id: string; name: string }[];
    for (const { id, name } of list) expect(registry.byName.get(name)?.id).toBe(id);
  });
});

describe('checkRegistry', () => {
  it('accepts a small valid registry', () => {
    const registry = checkRegistry([agency('gov'), agency('sfj', { parent: 'gov' }), agency('cgj', { parent: 'gov', oversight: 'sfj' })], REGULATIONS);
    expect(registry.byId.get('cgj')?.oversight).toBe('sfj');
  });

  it('rejects a duplicate id', () => {
    expect(problemsOf([agency('a'), agency('b'), { ...agency('a'), name: '另一个机关' }])).toEqual(['第 3 项（id: a）: id "a" 重复']);
  });

  it('rejects a duplicate name', () => {
    expect(problemsOf([agency('a'), { ...agency('b'), name: '机关a' }])).toEqual(['第 2 项（id: b）: 名称 "机关a" 与 id "a" 重复']);
  });

  it('rejects an unknown parent or oversight', () => {
    expect(problemsOf([agency('a', { parent: 'nobody' }), agency('b', { oversight: 'nowhere' })])).toEqual([
      '第 1 项（id: a）: parent "nobody" 不存在',
      '第 2 项（id: b）: oversight "nowhere" 不存在',
    ]);
  });

  it('rejects an agency that is its own parent', () => {
    expect(problemsOf([agency('a', { parent: 'a' })])).toContain('第 1 项（id: a）: parent 不能指向自身');
  });

  it('rejects a cycle of parents, naming it once', () => {
    expect(problemsOf([agency('a', { parent: 'c' }), agency('b', { parent: 'a' }), agency('c', { parent: 'b' }), agency('d', { parent: 'a' })])).toEqual([
      '上级机关 parent 关系成环：a → c → b → a',
    ]);
  });

  it('rejects a cycle of oversight', () => {
    expect(problemsOf([agency('a', { oversight: 'b' }), agency('b', { oversight: 'a' })])).toEqual(['监督机关 oversight 关系成环：a → b → a']);
  });

  it('rejects an unknown regulation', () => {
    expect(problemsOf([agency('a', { regulation: 'beijing-2030' })])).toEqual([
      '第 1 项（id: a）: 适用办法 regulation "beijing-2030" 未定义（已有：hebei-2021、luan-draft）',
    ]);
  });

  it('rejects an invalid e-mail address', () => {
    expect(problemsOf([agency('a', { complaints: { email: 'cgj@renqiu' } })])).toEqual([
      '第 1 项（id: a）的 complaints.email：投诉受理邮箱 complaints.email 不是有效的电子邮件地址',
    ]);
  });

  it('accepts an optional publishing mailbox and names a bad one', () => {
    expect(checkRegistry([agency('a', { publish: { email: 'roster@a.example' } })], REGULATIONS).byId.get('a')?.publish?.email).toBe('roster@a.example');
    expect(problemsOf([agency('a', { publish: { email: 'roster@' } }), agency('b', { publish: 'roster@b.example' })])).toEqual([
      '第 1 项（id: a）的 publish.email：名单发布邮箱 publish.email 不是有效的电子邮件地址',
      '第 2 项（id: b）的 publish：publish 应写成 publish: { email: … }（名单发布邮箱）',
    ]);
  });

  it('names every missing field, counting entries from 1', () => {
    const { name: _name, ...noName } = agency('a');
    const { complaints: _complaints, ...noComplaints } = agency('b');
    expect(problemsOf([noName, noComplaints, agency('c', { complaints: {} })])).toEqual([
      '第 1 项（id: a）的 name：缺少名称 name',
      '第 2 项（id: b）的 complaints：缺少 complaints.email（投诉受理邮箱）',
      '第 3 项（id: c）的 complaints.email：缺少投诉受理邮箱 complaints.email',
    ]);
  });

  it('names unknown fields and a phone number written as a number', () => {
    expect(problemsOf([agency('a', { emial: 'x' }), agency('b', { phone: 3170200001 })])).toEqual([
      '第 1 项（id: a）：未知字段 emial（可用字段：id、name、region、regulation、parent、oversight、complaints、publish、phone、address、aliases）',
      "第 2 项（id: b）的 phone：电话 phone 应写成文字并加引号，例如 phone: '0317-1234567'",
    ]);
  });

  it('rejects a file that is not a list', () => {
    expect(problemsOf({ agencies: [] })).toEqual(['agencies.yaml 应是机关列表']);
  });

  it('lists every reference problem at once', () => {
    const problems = problemsOf([
      agency('a', { parent: 'x', regulation: 'y' }),
      agency('a'),
      agency('b', { complaints: { email: 'b@example.gov.cn.example' }, oversight: 'z' }),
    ]);
    expect(problems).toEqual([
      '第 1 项（id: a）: 适用办法 regulation "y" 未定义（已有：hebei-2021、luan-draft）',
      '第 2 项（id: a）: id "a" 重复',
      '第 1 项（id: a）: parent "x" 不存在',
      '第 3 项（id: b）: oversight "z" 不存在',
    ]);
  });
});

describe('agency aliases (everyday names for search)', () => {
  it('are optional lists of text, and the committed registry gives the enforcement bureaus theirs', async () => {
    expect(checkRegistry([agency('a', { aliases: ['城管', '城管局'] })], REGULATIONS).agencies[0]!.aliases).toEqual(['城管', '城管局']);
    const regulations = await loadRegulations('content');
    const registry = await loadRegistry('content', new Set(regulations.keys()));
    expect(
      registry.agencies
        .filter((a) => a.aliases?.includes('城管'))
        .map((a) => a.id)
        .sort(),
    ).toEqual(
      registry.agencies
        .filter((a) => a.id.endsWith('-cgj'))
        .map((a) => a.id)
        .sort(),
    );
    expect(registry.agencies.some((a) => a.aliases?.includes('市场监管'))).toBe(true);
  });
  it('refuse a single string or an empty item, naming the agency and the field', () => {
    const single = problemsOf([agency('a', { aliases: '城管' })]).join('\n');
    expect(single).toContain('aliases');
    expect(single).toContain('列表');
    const empty = problemsOf([agency('b', { aliases: ['城管', '  '] })]).join('\n');
    expect(empty).toContain('简称 aliases 里有空项');
    expect(empty).toMatch(/b/);
  });
});
