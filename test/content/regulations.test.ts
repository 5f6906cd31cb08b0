import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { ContentError } from '../../src/core/friendly-errors.ts';
import { loadRegulations } from '../../src/import/regulation/load.ts';
import type { Provision, Regulation } from '../../src/core/regulation/schema.ts';

const CONTENT = 'content';
/** The source texts, kept next to the data so the quotes can be checked anywhere (copied from shared/regulations/). */
const SOURCES = join(CONTENT, 'regulations');
/** Where the project's shared material keeps the originals (absent on CI machines: that check is skipped there). */
const SHARED = '/work/shared/regulations';
const LISTS = ['noEnforcementPower', 'permittedDuties', 'forbiddenDuties', 'prohibitedConduct', 'disclosure'] as const;

function provisions(regulation: Regulation): Provision[] {
  return LISTS.flatMap((list) => regulation[list]);
}

/** The source with its line breaks removed (the Hebei text has hard breaks in the middle of articles). */
async function sourceText(id: string): Promise<string> {
  return (await readFile(join(SOURCES, `${id}.zh.txt`), 'utf8')).replace(/\r?\n/g, '');
}

/** Article heading (`第九条`, `第14条`) → that article's text, up to the next article. */
async function articles(id: string): Promise<Map<string, string>> {
  const lines = (await readFile(join(SOURCES, `${id}.zh.txt`), 'utf8')).split(/\r?\n/);
  const byHead = new Map<string, string>();
  let head: string | undefined;
  for (const line of lines) {
    const match = /^\s*(第[一二三四五六七八九十百\d]+条)[\s\u3000]/.exec(line);
    if (match) head = match[1]!;
    if (head) byHead.set(head, (byHead.get(head) ?? '') + line.trim());
  }
  return byHead;
}

describe('regulations as data', () => {
  let regulations: Map<string, Regulation>;
  beforeAll(async () => {
    regulations = await loadRegulations(CONTENT);
  });

  it('loads both regulations with their legal status', () => {
    expect([...regulations.keys()].sort()).toEqual(['hebei-2021', 'luan-draft']);
    const hebei = regulations.get('hebei-2021')!;
    expect(hebei.status).toBe('in-force');
    expect(hebei.effectiveDate).toBe('2021-12-01');
    expect(hebei.forbiddenDuties.map((p) => p.id)).toEqual(['10.1', '10.2', '10.3', '10.4', '10.5']);
    const luan = regulations.get('luan-draft')!;
    expect(luan.status).toBe('draft');
    expect(luan.effectiveDate).toBeUndefined();
    expect(luan.effectiveClause).toBe('本办法自印发之日起施行。');
    expect(luan.prohibitedConduct.map((p) => p.id)).toEqual(Array.from({ length: 11 }, (_, i) => `15.${i + 1}`));
    // Deadlines are the deployment's policy, not a regulation's: no regulation file carries them.
    for (const regulation of regulations.values()) expect(regulation).not.toHaveProperty('deadlines');
  });

  it('quotes every provision and effect clause verbatim from the source text', async () => {
    for (const [id, regulation] of regulations) {
      const source = await sourceText(id);
      expect(source, `${id}: effectiveClause`).toContain(regulation.effectiveClause);
      for (const provision of provisions(regulation)) {
        expect(source, `${id} ${provision.id}`).toContain(provision.text);
      }
    }
  });

  it('cites the article each quote is taken from', async () => {
    for (const [id, regulation] of regulations) {
      const byHead = await articles(id);
      for (const provision of provisions(regulation)) {
        const head = /^第[^条]+条/.exec(provision.article)?.[0];
        expect(head, `${id} ${provision.id}: ${provision.article}`).toBeDefined();
        expect(byHead.get(head!), `${id} ${provision.id}: ${head} 中应有引文`).toContain(provision.text);
      }
    }
  });

  it.skipIf(!existsSync(SHARED))('keeps the source texts identical to the shared originals', async () => {
    for (const id of regulations.keys()) {
      expect(await readFile(join(SOURCES, `${id}.zh.txt`), 'utf8'), id).toBe(await readFile(join(SHARED, `${id}.zh.txt`), 'utf8'));
    }
  });

  it('gives every provision a unique lower-case id', () => {
    for (const regulation of regulations.values()) {
      const ids = provisions(regulation).map((p) => p.id);
      expect(new Set(ids).size).toBe(ids.length);
      for (const id of ids) expect(id).toMatch(/^[a-z0-9][a-z0-9.-]*$/);
    }
  });

  describe('a broken regulation file', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'regulations-'));
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    async function withHebei(change: (data: Record<string, unknown>) => unknown): Promise<string> {
      await rm(join(dir, 'regulations'), { recursive: true, force: true });
      await cp(join(CONTENT, 'regulations'), join(dir, 'regulations'), { recursive: true });
      const path = join(dir, 'regulations', 'hebei-2021.yaml');
      const data = parseYaml(await readFile(path, 'utf8')) as Record<string, unknown>;
      const changed = change(data);
      await writeFile(path, typeof changed === 'string' ? changed : stringifyYaml(data));
      return path;
    }

    async function problemsOf(): Promise<ContentError> {
      const error = await loadRegulations(dir).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ContentError);
      return error as ContentError;
    }

    it('names the file and the path of a missing quote', async () => {
      const path = await withHebei((data) => {
        delete (data.permittedDuties as Record<string, unknown>[])[2]!.text;
      });
      const error = await problemsOf();
      expect(error.where).toBe(path);
      expect(error.problems).toEqual(['permittedDuties.2.text: 缺少原文 text']);
      expect(error.message).toContain(path);
    });

    it('lists every problem at once, unknown fields in Chinese', async () => {
      await withHebei((data) => {
        data.status = 'repealed';
        (data.forbiddenDuties as Record<string, unknown>[])[0]!.note = 'x';
        data.deadlines = { acceptWorkingDays: 5, resolveDays: 60 };
      });
      const error = await problemsOf();
      expect(error.problems).toEqual(
        expect.arrayContaining([
          'status: status 应为 in-force（已施行）或 draft（征求意见稿）',
          'forbiddenDuties.0: 未知字段 note',
          '(根): deadlines 不再写在办法文件里，请移到 policy.yaml 的 handling 一节（办理时限是本平台的规则，不是办法的规定）',
        ]),
      );
      expect(error.problems).toHaveLength(3);
    });

    it('rejects a duplicate provision id, naming both lists', async () => {
      await withHebei((data) => {
        (data.prohibitedConduct as Record<string, unknown>[])[0]!.id = '10.1';
      });
      const error = await problemsOf();
      expect(error.problems).toEqual(['prohibitedConduct.0.id: "10.1" 重复']);
    });

    it('rejects an id that differs from the file name', async () => {
      await withHebei((data) => {
        data.id = 'hebei-2022';
      });
      const error = await problemsOf();
      expect(error.problems).toEqual(['id "hebei-2022" 应与文件名 "hebei-2021" 一致']);
    });

    it('reports a YAML syntax error with the file', async () => {
      const path = await withHebei(() => 'id: hebei-2021\ntitle: [未闭合\n');
      const error = await problemsOf();
      expect(error.where).toBe(path);
      expect(error.problems[0]).toMatch(/^YAML 格式错误：/);
    });

    it('reports a missing regulations folder', async () => {
      const error = await loadRegulations(join(dir, 'nowhere')).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ContentError);
      expect((error as ContentError).where).toBe(join(dir, 'nowhere', 'regulations'));
    });
  });
});
