/**
 * Numbers as people type them, against the sample content: every spelling with the same lookup key reaches the
 * number's page through the functions (Node server and the Netlify adapter), `/lookup/?no=…` answers without
 * JavaScript, and close listed numbers are offered below the not-on-roster warning — never instead of it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { directoryFilePath, readDirectoryFile } from '../../functions/server/directory-file.ts';
import { lookupFunctions } from '../../functions/server/lookup.ts';
import { searchPageFunction } from '../../functions/server/search-page.ts';
import { parseHeadersFile } from '../../src/core/security-headers.ts';
import { distDir, siteBuilt } from '../support/site.ts';
import { buildDirectory, type Directory } from '../../src/core/directory.ts';
import { NAME_WITHHELD } from '../../src/core/labels.ts';
import { loadRegulations } from '../../src/import/regulation/load.ts';
import { testAgencies } from '../complaints/support.ts';
import { oneEditApart, suggestionIndex, suggestNumbers, withoutLeadingZeros } from '../../src/core/number-suggest.ts';
import { certificateLookupKey } from '../../src/core/text.ts';
import { NUMBER_SLIPS, spelledWith } from './number-slips.ts';

const root = join(import.meta.dirname, '../..');
const listed = ['RQCG-2024-0001', 'RQCG-2024-0002', 'RQCG-2023-0010', 'LA-CG-00004', 'LAJA-CG-00004', 'RQSJ-2024-0001'].map((certificateNo) => ({
  certificateNo,
}));
const nos = (typed: string) => suggestNumbers(typed, listed).map((s) => s.entry.certificateNo);

describe('close-number suggestions', () => {
  it('offers a listed number for one symbol wrong, missing, extra or swapped', () => {
    expect(nos('RQCG-2024-0003')).toEqual(['RQCG-2024-0001', 'RQCG-2024-0002']);
    expect(nos('RQCG-2024-001')).toContain('RQCG-2024-0001');
    expect(nos('RQCG-2024-00011')).toEqual(['RQCG-2024-0001']);
    expect(nos('RQCG-2023-0100')).toEqual(['RQCG-2023-0010']);
    expect(oneEditApart('ABCD', 'ABDC')).toBe(true);
    expect(oneEditApart('ABCD', 'BADC')).toBe(false);
  });
  it('reads O as 0 and I as 1 (and the other way round), and then offers that number alone', () => {
    expect(nos('RQCG-2O24-OOO1')).toEqual(['RQCG-2024-0001']);
    expect(nos('rqcg 2024 000i')).toEqual(['RQCG-2024-0001']);
  });
  it('finds a number with one whole segment left out', () => {
    expect(nos('RQCG-0010')).toEqual(['RQCG-2023-0010']);
    expect(nos('LAJA-00004')).toEqual(['LAJA-CG-00004']);
  });
  it('offers a listed number for its leading zeros left out or added, run by run, and only as a suggestion', () => {
    const zeros = [...listed, { certificateNo: 'LAJA-CG-0003' }, { certificateNo: 'HB-2024-0001' }, { certificateNo: 'RQNY-2024-0100' }];
    const offered = (typed: string) => suggestNumbers(typed, zeros).map((s) => [s.entry.certificateNo, s.reason]);
    expect(offered('LAJA-CG-3')).toEqual([['LAJA-CG-0003', 'zeros']]);
    expect(offered('LAJA-CG-03')).toEqual([['LAJA-CG-0003', 'zeros']]);
    expect(offered('laja cg 3')).toEqual([['LAJA-CG-0003', 'zeros']]);
    expect(offered('ＬＡＪＡ－ＣＧ－３')).toEqual([['LAJA-CG-0003', 'zeros']]);
    expect(offered('HB-2024-1')).toEqual([['HB-2024-0001', 'zeros']]);
    expect(offered('HB 2024 1')).toEqual([['HB-2024-0001', 'zeros']]);
    expect(offered('HB-2024-000001')).toEqual([['HB-2024-0001', 'zeros']]);
    // The O/0 and I/1 fold applies as for the other slips.
    expect(offered('HB-2O24-I')).toEqual([['HB-2024-0001', 'zeros']]);
    // Only leading zeros: the zeros inside a run (0100) and the digits' own grouping count.
    expect(offered('RQNY-2024-1')).toEqual([]);
    expect(offered('RQNY-2024-100')).toEqual([['RQNY-2024-0100', 'zeros']]);
    expect(offered('HB-20-241')).toEqual([]);
    expect(offered('HB-202-41')).toEqual([]);
    expect(offered('HB20241')).toEqual([]);
    expect(offered('HB-2024-2')).toEqual([]);
    expect(offered('LAJA-CG-30')).toEqual([]);
    // Ranked after O/0 alone, before one symbol off.
    const both = [{ certificateNo: 'RQCG-2024-11' }, { certificateNo: 'RQCG-2024-0001' }];
    expect(suggestNumbers('RQCG-2024-1', both).map((s) => [s.entry.certificateNo, s.reason])).toEqual([
      ['RQCG-2024-0001', 'zeros'],
      ['RQCG-2024-11', 'one-off'],
    ]);
    expect(withoutLeadingZeros('HB-2024-0001')).toBe(withoutLeadingZeros('HB 2024 1'));
    expect(withoutLeadingZeros('0000')).toBe('0');
  });
  it('offers nothing by leading zeros for digits alone, zeros alone, a name, a Han agency number or a long paste', () => {
    const zeros = [{ certificateNo: 'LAJA-CG-0003' }, { certificateNo: '00000000' }, { certificateNo: '冀城管辅字第0001号' }, { certificateNo: '2024-0007' }];
    const index = suggestionIndex(zeros);
    const offered = (typed: string) => index.suggest(typed).map((s) => [s.entry.certificateNo, s.reason]);
    expect(offered('0003')).toEqual([]);
    expect(offered('3')).toEqual([]);
    expect(offered('00003')).toEqual([]);
    expect(offered('0000')).toEqual([['00000000', 'zeros']]);
    expect(offered('2024-7')).toEqual([['2024-0007', 'zeros']]);
    expect(offered('20247')).toEqual([]);
    expect(offered('张三')).toEqual([]);
    expect(offered('冀城管辅字第1号')).toEqual([['冀城管辅字第0001号', 'zeros']]);
    expect(offered('冀城管辅字第0002号')).toEqual([['冀城管辅字第0001号', 'one-off']]);
    expect(offered('冀城管辅字第0001号')).toEqual([]);
    for (const long of ['0'.repeat(1000), `LAJA-CG-${'0'.repeat(1000)}3`, 'LAJA-CG-3-'.repeat(100), '1-'.repeat(500)]) {
      const started = performance.now();
      const got = offered(long);
      expect(performance.now() - started, long.slice(0, 20)).toBeLessThan(200);
      expect(
        got.every(([, reason]) => reason !== 'confusable'),
        long.slice(0, 20),
      ).toBe(true);
    }
    expect(offered(`LAJA-CG-${'0'.repeat(1000)}3`)).toEqual([['LAJA-CG-0003', 'zeros']]);
  });
  it('offers nothing for the listed number itself, a made-up number or too little to judge', () => {
    expect(nos('rqcg-2024-0001')).toEqual([]);
    expect(nos('ZZZZ-1999-9999')).toEqual([]);
    expect(nos('RQCG-2021-9999')).toEqual([]);
    expect(nos('RQ1')).toEqual([]);
  });
  it('offers at most three', () => {
    const many = Array.from({ length: 9 }, (_, i) => ({ certificateNo: `X-100${i}` }));
    expect(suggestNumbers('X-100A', many)).toHaveLength(3);
  });
});

describe('the lookup key of a number typed with other dashes or invisible characters', () => {
  it.each(Object.entries(NUMBER_SLIPS))('is the listed number’s key with %s between and around its parts', (_label, ch) => {
    for (const no of ['RQCG-2024-0001', 'LA-CG-00004', 'LAJA-CG-00004']) {
      const key = certificateLookupKey(no);
      expect(certificateLookupKey(spelledWith(no, ch)), no).toBe(key);
      expect(certificateLookupKey(no.replace(/-/g, `${ch}-`)), no).toBe(key);
      expect(certificateLookupKey(`${ch}${no.toLowerCase().replace(/-/g, ` ${ch} `)}`), no).toBe(key);
    }
  });
});

describe.skipIf(!siteBuilt())('lookup and verification addresses answered by the functions (the built directory file)', () => {
  let directory: Directory;
  let published: { certificateNo: string; agencyId: string }[];
  let handle: ReturnType<typeof lookupFunctions>;
  const get = (path: string, accept = 'text/html') => handle(new Request(`http://localhost${path}`, { headers: { accept } }), { clientAddress: '127.0.0.1' });

  beforeAll(async () => {
    directory = await readDirectoryFile(directoryFilePath(distDir));
    published = [...directory.certificates()];
    handle = lookupFunctions(() => directory);
  });

  it('redirects every spelling of every listed number to its own page, and leaves its own page to the static files', async () => {
    const failures: string[] = [];
    for (const aux of published) {
      const no = aux.certificateNo;
      const own = `/verify/${encodeURIComponent(no)}/`;
      const fullWidth = no.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
      const spellings = [
        no.toLowerCase(),
        no.replace(/-/g, ''),
        no.replace(/-/g, ' '),
        no.replace(/-/g, '.'),
        fullWidth,
        ` ${no.toLowerCase().replace(/-/g, '／')} `,
        no.replace(/-/g, '·'),
        no.replace(/-/g, '、'),
        no.replace(/-/g, '，'),
      ];
      if ((await get(own)) !== undefined) failures.push(`${no}: own page not left to static`);
      for (const s of spellings) {
        const r = await get(`/verify/${encodeURIComponent(s)}/`);
        if (r?.status !== 302 || r.headers.get('location') !== own) failures.push(`${no} as "${s}": ${r?.status} ${r?.headers.get('location')}`);
      }
      const r = await get(`/lookup/?no=${encodeURIComponent(no.toLowerCase().replace(/-/g, ' '))}`);
      if (r?.status !== 303 || r.headers.get('location') !== own) failures.push(`${no} via /lookup/: ${r?.status}`);
    }
    expect(published.length).toBeGreaterThan(500);
    expect(failures).toEqual([]);
  });

  it.each(Object.entries(NUMBER_SLIPS))('redirects a listed number typed with %s between and around its parts to its own page', async (_label, ch) => {
    // One number of each shape in the roster (e.g. RQCG-2024-0001, LA-CG-00004).
    const shapes = new Map<string, string>();
    for (const { certificateNo } of published) shapes.set(certificateNo.replace(/[A-Z]/g, 'A').replace(/\d/g, '9'), certificateNo);
    expect(shapes.size).toBeGreaterThan(1);
    for (const no of shapes.values()) {
      const own = `/verify/${encodeURIComponent(no)}/`;
      for (const typed of [spelledWith(no, ch), no.toLowerCase().replace(/-/g, `${ch} `)]) {
        const looked = await get(`/lookup/?no=${encodeURIComponent(typed)}`);
        expect([looked?.status, looked?.headers.get('location')], `/lookup/?no=${typed}`).toEqual([303, own]);
        const verified = await get(`/verify/${encodeURIComponent(typed)}/`);
        expect([verified?.status, verified?.headers.get('location')], `/verify/${typed}/`).toEqual([302, own]);
      }
    }
  });

  it('keeps the rest of the address (QR code, photo) and sends a number without a page to the lookup', async () => {
    const no = published[0]!.certificateNo;
    expect((await get(`/verify/${no.toLowerCase()}/qr.svg`))?.headers.get('location')).toBe(`/verify/${encodeURIComponent(no)}/qr.svg`);
    const unknown = await get('/verify/zzzz-1999-9999/');
    expect(unknown?.status).toBe(302);
    expect(unknown?.headers.get('location')).toBe('/lookup/?no=zzzz-1999-9999');
    expect(await get('/verify/zzzz-1999-9999/qr.svg')).toBeUndefined();
  });

  it('sends a page’s own address without the trailing slash to the folder address, its query kept', async () => {
    for (const aux of published.slice(0, 20)) {
      const own = `/verify/${encodeURIComponent(aux.certificateNo)}/`;
      const r = await get(own.slice(0, -1));
      expect(r?.status, aux.certificateNo).toBe(302);
      expect(r?.headers.get('location')).toBe(own);
      expect((await get(`${own.slice(0, -1)}?from=qr`))?.headers.get('location')).toBe(`${own}?from=qr`);
      expect(await get(`${own}qr.svg`)).toBeUndefined();
    }
  });

  it('answers a number not on the roster: the warning first, then close numbers with their unit, the number kept in the box', async () => {
    const aux = published.find((a) => /\d{4}$/.test(a.certificateNo))!;
    const typo = aux.certificateNo.slice(0, -1) + (aux.certificateNo.endsWith('9') ? '8' : '9');
    const listedTypo = directory.auxiliary(typo);
    const typed = listedTypo ? `${aux.certificateNo.replace(/0/g, 'O')}Q` : typo;
    const r = (await get(`/lookup/?no=${encodeURIComponent(typed)}`))!;
    expect(r.status).toBe(200);
    const html = await r.text();
    const warning = html.search(/不在(截至 [^<]+ 的)?公示名单中/);
    const suggestion = html.indexOf('您输入的可能是');
    expect(warning).toBeGreaterThan(0);
    expect(suggestion).toBeGreaterThan(warning);
    expect(html).toContain(`href="/verify/${encodeURIComponent(aux.certificateNo)}/"`);
    expect(html).toContain(directory.agency(aux.agencyId)!.name);
    expect(html).toContain(`value="${typed}"`);
    expect(html).not.toContain('地址是');
    // The same address answers a page or JSON by Accept, and may be cached publicly: every answer says it varies.
    expect(r.headers.get('vary')).toMatch(/\bAccept\b/);
    const asJson = (await get(`/api/lookup?no=${encodeURIComponent(typed)}`, 'application/json'))!;
    expect(asJson.headers.get('vary')).toMatch(/\bAccept\b/);
    const found = (await get(`/lookup/?no=${encodeURIComponent(aux.certificateNo)}`))!;
    expect(found.status).toBe(303);
    expect(found.headers.get('vary')).toMatch(/\bAccept\b/);

    const json = (await (await get(`/api/lookup?no=${encodeURIComponent(typed)}`, 'application/json'))!.json()) as {
      found: null;
      suggestions: { no: string; agency: string }[];
    };
    expect(json.found).toBeNull();
    expect(json.suggestions.map((s) => s.no)).toContain(aux.certificateNo);
    expect(json.suggestions.length).toBeLessThanOrEqual(3);
  });

  it('reads a trailing 号 and a link path without its host as the number, as the built lookup page does', async () => {
    for (const typed of ['LA-CG-00001号', 'verify/LA-CG-00001', 'verify/LA-CG-00001/', '请核验 verify/la-cg-00001/']) {
      const r = (await get(`/lookup/?no=${encodeURIComponent(typed)}`))!;
      expect(r.status, typed).toBe(303);
      expect(r.headers.get('location'), typed).toBe('/verify/LA-CG-00001/');
    }
    expect((await get(`/verify/${encodeURIComponent('LA-CG-00001号')}/`))?.headers.get('location')).toBe(`/lookup/?no=${encodeURIComponent('LA-CG-00001号')}`);
  });

  it('answers O for 0 with the listed number first under the warning, without the word forgery', async () => {
    const r = (await get(`/lookup/?no=${encodeURIComponent('LA-CG-OOOO1')}`))!;
    expect(r.status).toBe(200);
    const html = await r.text();
    expect(html).toContain('<title>请核对编号');
    expect(html).not.toContain('伪造');
    const offered = html.indexOf('您输入的可能是');
    expect(offered).toBeGreaterThan(html.search(/不在(截至 [^<]+ 的)?公示名单中/));
    expect(html.indexOf('href="/verify/LA-CG-00001/"')).toBeGreaterThan(offered);
    expect(html.indexOf('href="/verify/LA-CG-00001/"')).toBeLessThan(html.indexOf('id="nf-report"'));
  });

  it('offers a listed number typed without its leading zeros first under the warning, never as an exact match', async () => {
    const shapes = ['LAJA-CG-00003', 'RQCG-2024-0001'].filter((no) => directory.auxiliary(no)?.certificateNo === no);
    expect(shapes).toHaveLength(2);
    for (const no of shapes) {
      const typings = no.startsWith('LAJA') ? ['LAJA-CG-3', 'LAJA-CG-03', 'laja cg 3'] : ['RQCG-2024-1', 'rqcg 2024 01'];
      for (const typed of typings) {
        const r = (await get(`/lookup/?no=${encodeURIComponent(typed)}`))!;
        expect(r.status, typed).toBe(200);
        const html = await r.text();
        expect(html, typed).toContain('<title>请核对编号');
        const offered = html.indexOf('您输入的可能是');
        expect(offered, typed).toBeGreaterThan(html.search(/不在(截至 [^<]+ 的)?公示名单中/));
        expect(html.indexOf(`href="/verify/${no}/"`), typed).toBeGreaterThan(offered);
        const json = (await (await get(`/api/lookup?no=${encodeURIComponent(typed)}`, 'application/json'))!.json()) as {
          found: null;
          suggestions: { no: string }[];
        };
        expect(json.found, typed).toBeNull();
        expect(json.suggestions[0]?.no, typed).toBe(no);
      }
    }
    // Digits alone, and the grouping of the digits changed, are no slip of zeros.
    const digits = (await (await get('/api/lookup?no=0003', 'application/json'))!.json()) as { suggestions: unknown[] };
    expect(digits.suggestions).toEqual([]);
    const regrouped = (await (await get('/api/lookup?no=RQCG-20-241', 'application/json'))!.json()) as { suggestions: { no: string }[] };
    expect(regrouped.suggestions.map((s) => s.no)).not.toContain('RQCG-2024-0001');
  });

  it('reads a number typed with its holder’s name; another name gets a page that says it differs, not the redirect', async () => {
    const holder = published.find(
      (a) => /^[A-Z]+-[A-Z]+-\d+$/.test(a.certificateNo) && /^\p{Script=Han}{2,4}$/u.test(directory.auxiliary(a.certificateNo)!.name),
    )!;
    const name = directory.auxiliary(holder.certificateNo)!.name;
    const no = holder.certificateNo;
    const own = `/verify/${encodeURIComponent(no)}/`;
    // The plain forms, and the same in a short message (a trial found each of the latter called 查无此证, or the right
    // name with 「谢谢」 after it taken for another name).
    const messages = [
      `${name} ${no} 谢谢`,
      `你好，${name} ${no}`,
      `${no} ${name}。`,
      `${no} ${name} 谢谢`,
      `${name}，编号${no}`,
      `${name} 证号${no}`,
      `姓名：${name} 证号：${no}`,
    ];
    for (const typed of [
      `${name} ${no}`,
      `${name}${no}`,
      `${no} ${name}`,
      `${name}\u3000${no}`,
      `${no}，${name}`,
      `${name}，${no.toLowerCase()}`,
      ...messages,
    ]) {
      const r = await get(`/lookup/?no=${encodeURIComponent(typed)}`);
      expect([r?.status, r?.headers.get('location')], typed).toEqual([303, own]);
    }
    const other = published.map((a) => directory.auxiliary(a.certificateNo)!.name).find((n) => /^\p{Script=Han}{2,4}$/u.test(n) && n !== name)!;
    for (const typed of [`${other} ${no}`, `${no}（${other}）`]) {
      const r = (await get(`/lookup/?no=${encodeURIComponent(typed)}`))!;
      expect(r.status, typed).toBe(200);
      expect(r.headers.get('location')).toBeNull();
      const html = await r.text();
      expect(html).toContain('<title>请核对姓名');
      expect(html).toContain(`<b id="nm-name">${other}</b>`);
      expect(html).toContain(`id="nm-verify" href="${own}"`);
      expect(html).not.toContain(name);
      // It asks to type again: the box is there, with the number in it.
      expect(html).toMatch(new RegExp(`<input id="lookup-no"[^>]*value="${no}"`));
      const json = (await (await get(`/api/lookup?no=${encodeURIComponent(typed)}`, 'application/json'))!.json()) as Record<string, unknown>;
      expect(json).toEqual({ found: no, href: own, nameDiffers: true });
    }
    // A name with a number not on the roster: the number is what the answer shows and offers close numbers for.
    const unlisted = await (await get(`/lookup/?no=${encodeURIComponent(`${name} ${no}9`)}`))!.text();
    expect(unlisted).toContain(`<b id="nf-no">${no}9</b>`);
  });

  it('offers nothing for a made-up number, and escapes what was typed', async () => {
    const html = await (await get(`/lookup/?no=${encodeURIComponent('<b>ZZ-0000</b>')}`))!.text();
    expect(html).toMatch(/不在(截至 [^<]+ 的)?公示名单中/);
    expect(html).not.toContain('您输入的可能是');
    expect(html).not.toContain('<b>ZZ');
  });

  it('says what the built lookup page says of a number not on the roster: the roster’s date and which agencies are covered', async () => {
    const built = readFileSync(join(distDir, 'lookup', 'index.html'), 'utf8');
    const asOf = /data-as-of="([^"]+)"/.exec(built)![1]!;
    const coverage = (html: string) => /<section class="coverage"[\s\S]*?<\/section>/.exec(html)?.[0];
    expect(coverage(built)).toContain('辅警');
    const html = await (await get('/lookup/?no=ZZZ-0001'))!.text();
    expect(html).toContain(`不在截至 ${asOf} 的公示名单中`);
    expect(coverage(html)).toBe(coverage(built));
  });

  it('sends a name to search with the text kept, and leaves the bare lookup page to the static files', async () => {
    const r = await get(`/lookup/?no=${encodeURIComponent(' 城管 ')}`);
    expect(r?.status).toBe(303);
    expect(r?.headers.get('location')).toBe(`/search/?q=${encodeURIComponent('城管')}`);
    expect(await get('/lookup/')).toBeUndefined();
    expect(await get('/lookup/?no=')).toBeUndefined();
  });
});

describe('a name typed with a number, against numbers that hold Han text and a name no longer published', () => {
  let handle: ReturnType<typeof lookupFunctions>;
  const get = (typed: string, accept = 'text/html') =>
    handle(new Request(`http://localhost/lookup/?no=${encodeURIComponent(typed)}`, { headers: { accept } }), { clientAddress: '127.0.0.1' });

  beforeAll(async () => {
    const agencyId = testAgencies[0]!.id;
    const directory = buildDirectory({
      agencies: testAgencies,
      regulations: await loadRegulations(join(root, 'content')),
      auxiliaries: [
        { certificateNo: '冀城管辅字第0001号', name: '李四', agencyId, status: 'active' },
        { certificateNo: '王五SL-0001', name: '赵六', agencyId, status: 'active' },
        { certificateNo: 'SL-CG-0002', name: NAME_WITHHELD, agencyId, status: 'left', statusSince: '2001-01-01' },
        { certificateNo: 'SL-CG-0003', name: '张三', agencyId, status: 'active' },
      ],
    });
    handle = lookupFunctions(() => directory);
  });

  it('finds an agency’s Han number as typed, and one that begins like a name, without calling the name wrong', async () => {
    const typings: [string, string][] = [
      ['冀城管辅字第0001号', '冀城管辅字第0001号'],
      ['王五SL-0001', '王五SL-0001'],
      ['王五 SL-0001', '王五SL-0001'],
    ];
    for (const [typed, no] of typings) {
      const r = await get(typed);
      expect([r?.status, r?.headers.get('location')], typed).toEqual([303, `/verify/${encodeURIComponent(no)}/`]);
    }
  });

  it('never says a name differs from one no longer published; says it for a published one', async () => {
    expect((await get('张三 SL-CG-0002'))?.headers.get('location')).toBe('/verify/SL-CG-0002/');
    expect((await get('张三 SL-CG-0003'))?.headers.get('location')).toBe('/verify/SL-CG-0003/');
    const other = (await get('李四 SL-CG-0003'))!;
    expect(other.status).toBe(200);
    expect(await other.text()).toContain('<b id="nm-name">李四</b>');
  });
});

describe.skipIf(!siteBuilt())('the serverless deployment', () => {
  it('redirects a respelled number from its lookup function, and its config rewrites /lookup/?no= to it', async () => {
    const env = { ...process.env };
    try {
      process.env.OUT_DIR = distDir;
      const { default: lookup, config } = await import('../../functions/platform/netlify/lookup.ts');
      expect(config.path).toContain('/verify/*');
      expect(config.preferStatic).toBe(true);
      const directory = await readDirectoryFile(directoryFilePath(distDir));
      const no = [...directory.certificates()][0]!.certificateNo;
      const r = await lookup(new Request(`https://gongshi.example/verify/${no.toLowerCase().replace(/-/g, '')}/`), {});
      expect(r.status).toBe(302);
      expect(r.headers.get('location')).toBe(`/verify/${encodeURIComponent(no)}/`);
      // Whatever the host's own trailing-slash rule, a slashless address that reaches the function gets the slash.
      const slashless = await lookup(new Request(`https://gongshi.example/verify/${encodeURIComponent(no)}`), {});
      expect(slashless.status).toBe(302);
      expect(slashless.headers.get('location')).toBe(`/verify/${encodeURIComponent(no)}/`);
      const answer = await lookup(new Request(`https://gongshi.example/api/lookup?no=${encodeURIComponent(no.toLowerCase())}`), {});
      expect(answer.headers.get('location')).toBe(`/verify/${encodeURIComponent(no)}/`);
      const notFound = await lookup(new Request('https://gongshi.example/api/lookup?no=ZZQQ-1999-9999', { headers: { accept: 'text/html' } }), {});
      expect(await notFound.text()).toMatch(/不在(截至 [^<]+ 的)?公示名单中/);
      expect(notFound.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
      expect(notFound.headers.get('x-content-type-options')).toBe('nosniff');
      expect(certificateLookupKey(no.toLowerCase())).toBe(certificateLookupKey(no));
    } finally {
      process.env = env;
    }
    const toml = readFileSync(join(root, 'functions/platform/netlify/netlify.toml.example'), 'utf8');
    expect(toml).toMatch(/from = "\/lookup\/"\s+query = \{ no = ":no" \}\s+to = "\/api\/lookup"\s+status = 200\s+force = true/);
  });
});

describe.skipIf(!siteBuilt())('the search page with the query in its box (for browsers without JavaScript)', () => {
  it("fills the box, escaped, with the static page's own headers; leaves the page without a query to the static file", async () => {
    const handle = searchPageFunction(() => distDir);
    const get = (path: string) => handle(new Request(`http://localhost${path}`), { clientAddress: '127.0.0.1' });
    const staticHtml = readFileSync(join(distDir, 'search', 'index.html'), 'utf8');
    const r = (await get(`/search/?q=${encodeURIComponent('张"><script>x</script>')}`))!;
    expect(r.status).toBe(200);
    const html = await r.text();
    expect(html).toContain('value="张&quot;&gt;&lt;script&gt;x&lt;/script&gt;"');
    expect(html).not.toContain('<script>x');
    // Nothing else differs from the built page, and the headers are the ones the static file gets.
    expect(html.replace(/ value="[^"]*"/, '')).toBe(staticHtml);
    const csp = parseHeadersFile(readFileSync(join(distDir, '_headers'), 'utf8'))['content-security-policy'];
    expect(csp).toMatch(/wasm-unsafe-eval/);
    expect(r.headers.get('content-security-policy')).toBe(csp);
    expect(await get('/search/')).toBeUndefined();
    expect(await get('/search/?q=%20')).toBeUndefined();
    const toml = readFileSync(join(root, 'functions/platform/netlify/netlify.toml.example'), 'utf8');
    expect(toml).toMatch(/from = "\/search\/"\s+query = \{ q = ":q" \}\s+to = "\/api\/search-page"\s+status = 200\s+force = true/);
    expect(toml).toMatch(/included_files = \[[^\]]*"dist\/search\/index\.html"[^\]]*"dist\/_headers"/);
  });
});
