import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { ContentError } from '../../src/core/friendly-errors.ts';
import { complaintCategories } from '../../src/core/regulation/categories.ts';
import { loadReadingsTable, loadRegulations, provisionById } from '../../src/import/regulation/load.ts';
import { regulationListNames, type Provision, type Regulation } from '../../src/core/regulation/schema.ts';
import { draftNotice, legalStatusText, sourceText as sourceLine } from '../../src/core/regulation/status.ts';

const CONTENT = 'content';
/** The source texts, kept next to the data so the quotes can be checked anywhere (copied from shared/regulations/). */
const SOURCES = join(CONTENT, 'regulations');
/** Where the project's shared material keeps the originals (absent on CI machines: that check is skipped there). */
const SHARED = '/work/shared/regulations';
const LISTS = regulationListNames;

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
        if (provision.leadIn) expect(source, `${id} ${provision.id} leadIn`).toContain(provision.leadIn);
      }
      expect(source, `${id}: wording`).toContain(regulation.wording.noEnforcementPower);
      expect(source, `${id}: wording`).toContain(regulation.wording.certificate);
    }
  });

  it('cites the article each quote is taken from', async () => {
    for (const [id, regulation] of regulations) {
      const byHead = await articles(id);
      for (const provision of provisions(regulation)) {
        const head = /^第[^条]+条/.exec(provision.article)?.[0];
        expect(head, `${id} ${provision.id}: ${provision.article}`).toBeDefined();
        expect(byHead.get(head!), `${id} ${provision.id}: ${head} 中应有引文`).toContain(provision.text);
        // The lead-in comes before the item in the same article: it is what limits the item.
        if (provision.leadIn) {
          const article = byHead.get(head!)!;
          expect(article.indexOf(provision.leadIn), `${id} ${provision.id}: 引语在条文中`).toBeGreaterThanOrEqual(0);
          expect(article.indexOf(provision.leadIn)).toBeLessThan(article.indexOf(provision.text));
        }
      }
      const effectiveHead = /^第[^条]+条/.exec(regulation.effectiveArticle)![0];
      expect(byHead.get(effectiveHead), `${id} effectiveArticle`).toContain(regulation.effectiveClause);
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

  it('states each source as the source gives it, and what it does not give', async () => {
    const hebei = regulations.get('hebei-2021')!;
    const hebeiSource = await sourceText('hebei-2021');
    expect(hebei.source.forwardedBy).toBe('任丘市依法行政工作领导小组办公室');
    expect(hebei.source.number).toBe('[2022]—32号');
    expect(hebei.source.date).toBe('2021年12月8日');
    for (const piece of [hebei.source.forwardedBy, hebei.source.number, hebei.source.date]) expect(hebeiSource).toContain(piece);
    expect(hebei.source.notInSource.join()).toContain('原发布文件');
    expect(legalStatusText(hebei)).toBe('现行有效，自2021年12月1日起施行（第二十九条）。');
    expect(sourceLine(hebei)).toContain('来源材料中没有：原发布文件');
    expect(draftNotice(hebei)).toBeUndefined();

    const luan = regulations.get('luan-draft')!;
    expect(await sourceText('luan-draft')).toContain(`${luan.source.attachment}：`);
    expect(luan.source.number).toBeUndefined();
    expect(luan.source.date).toBeUndefined();
    expect(luan.source.notInSource).toEqual(expect.arrayContaining(['文号', '日期']));
    expect(legalStatusText(luan)).toContain('不具有法律效力');
    expect(draftNotice(luan)).toContain('征求意见稿');
    expect(draftNotice(luan)).toContain('不具有法律效力');
  });

  it("uses each jurisdiction's own words", () => {
    expect(regulations.get('luan-draft')!.wording.noEnforcementPower).toBe('不具有独立的行政执法资格');
    expect(regulations.get('hebei-2021')!.wording.noEnforcementPower).toBe('不具有行政执法资格');
    for (const r of regulations.values()) expect(r.wording.certificate).toBe('辅助行政执法证件');
  });

  it('quotes list items with the lead-in that limits them', () => {
    const luan = regulations.get('luan-draft')!;
    expect(provisionById(luan, '14.2.4')).toMatchObject({ text: '调查取证', leadIn: '协助行政执法人员承担下列行政执法辅助性工作：' });
    // 第14条第二款 limits to acting alone (单独): quoted whole, never as bare words.
    expect(luan.forbiddenDuties.map((p) => p.text)).toEqual([expect.stringMatching(/^行政执法辅助人员不得单独从事/)]);
    for (const r of regulations.values()) {
      for (const p of [...r.permittedDuties, ...r.forbiddenDuties, ...r.prohibitedConduct, ...r.auxiliaryDuties]) {
        if (!p.text.startsWith('行政执法辅助人员') && !p.text.startsWith('协助')) expect(p.leadIn, `${r.id} ${p.id}`).toBeDefined();
      }
    }
  });

  describe('the reviewed readings table', () => {
    it('gives a reading to every provision shown, each from the table with the same article and exact text', async () => {
      const table = await loadReadingsTable(CONTENT);
      const rows = new Map(table.map((r) => [`${r.regulation}|${r.article}|${r.text}`, r.reading]));
      expect(rows.size).toBe(table.length);
      for (const [id, regulation] of regulations) {
        for (const p of provisions(regulation)) {
          expect(p.reading, `${id} ${p.id}`).toBeDefined();
          expect(rows.get(`${id}|${p.article}|${p.text}`)).toBe(p.reading);
        }
      }
    });

    it('neither narrows nor widens Hebei art. 10: no 自己 in (一); (二) and 9 (二)3 shown side by side', () => {
      const hebei = regulations.get('hebei-2021')!;
      for (const p of hebei.forbiddenDuties) expect(p.reading, p.id).not.toMatch(/自己决定|自己单独/);
      expect(provisionById(hebei, '10.1')!.reading).toBe('不得从事行政执法的立案、受理。');
      expect(provisionById(hebei, '10.2')!.seeAlso).toEqual(['9.2.3']);
      expect(provisionById(hebei, '9.2.3')!.seeAlso).toEqual(['10.2']);
      expect(provisionById(hebei, '10.2')!.reading).toContain('协助行政执法人员开展');
    });
  });

  it('aims complaint categories at the auxiliary or at the agency, with the articles the text gives', () => {
    const articles = (id: string, target: string) => [
      ...new Set(
        complaintCategories(regulations.get(id)!)
          .filter((c) => c.target === target)
          .map((c) => /^第[^条]+条/.exec(c.provision.article)![0]),
      ),
    ];
    expect(articles('hebei-2021', 'auxiliary').sort()).toEqual(['第十九条', '第八条', '第十条'].sort());
    expect(articles('hebei-2021', 'agency').sort()).toEqual(['第二十一条', '第二十条', '第十九条', '第十六条'].sort());
    expect(articles('luan-draft', 'auxiliary').sort()).toEqual(['第13条', '第14条', '第15条']);
    expect(articles('luan-draft', 'agency').sort()).toEqual(['第18条', '第19条', '第21条']);
    const hebei = complaintCategories(regulations.get('hebei-2021')!);
    expect(hebei.find((c) => c.code === 'hebei-2021:20')).toMatchObject({ target: 'agency' });
    expect(hebei.find((c) => c.code === 'hebei-2021:10.1')).toMatchObject({ target: 'auxiliary', label: '不得从事行政执法的立案、受理。（第十条第（一）项）' });
    const luan = complaintCategories(regulations.get('luan-draft')!);
    expect(luan.find((c) => c.code === 'luan-draft:21.k2')).toMatchObject({ target: 'agency' });
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
        (data.auxiliaryDuties as Record<string, unknown>[])[0]!.id = '10.1';
      });
      const error = await problemsOf();
      expect(error.problems).toContain('auxiliaryDuties.0.id: "10.1" 重复');
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

    it('rejects a reading whose quote no longer matches the text (it must be reviewed again)', async () => {
      await withHebei(() => undefined);
      const path = join(dir, 'regulations', 'readings.yaml');
      const table = parseYaml(await readFile(path, 'utf8')) as Record<string, string>[];
      table[0]!.text = table[0]!.text!.replace('不具有', '不具备');
      await writeFile(path, stringifyYaml(table));
      const error = await problemsOf();
      expect(error.where).toBe(path);
      expect(error.problems).toEqual([expect.stringMatching(/^第 1 行（hebei-2021 第八条第一款）: .*重新审阅/)]);
    });

    it('rejects a category that names a provision of the wrong party', async () => {
      await withHebei((data) => {
        (data.complaintCategories as { agency: string[] }).agency.push('10.1');
        (data.complaintCategories as { auxiliary: string[] }).auxiliary.push('99');
      });
      const error = await problemsOf();
      expect(error.problems).toEqual([
        'complaintCategories.auxiliary.7: 没有 id 为 "99" 的条文',
        'complaintCategories.agency.4: "10.1" 在 forbiddenDuties 中，这里只能引用 agencyDuties 中的条文',
      ]);
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
