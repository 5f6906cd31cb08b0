/**
 * The real build of a small content folder (test/legal/content.ts), read as a legal reviewer would: what it
 * publishes with the default policy and with switches on, what each status says and cites, drafts labelled as
 * such, readings only from the reviewed table, noindex and robots.txt, the footer's owner, the not-found pages.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { directoryFilePath, readDirectoryFile } from '../../functions/server/directory-file.ts';
import { lookupFunctions } from '../../functions/server/lookup.ts';
import { startServer, type RunningServer } from '../../functions/server/node.ts';
import { loadReadingsTable } from '../../src/import/regulation/load.ts';
import { chromiumAvailable, launchChromium } from '../support/browser.ts';
import { LUAN_LEFT, makeContent, MARK, PEOPLE, policyWith, root } from './content.ts';

const OWNER = '测试市司法局（主办单位标记）';
const CONTACT = '0317-0000000 转 测试';

function build(content: string): string {
  const outDir = `${content}-dist`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    CONTENT_DIR: content,
    OUT_DIR: outDir,
    SITE_OWNER: OWNER,
    SITE_CONTACT: CONTACT,
    ASTRO_TELEMETRY_DISABLED: '1',
  };
  const result = spawnSync(process.execPath, [join(root, 'node_modules/astro/bin/astro.mjs'), 'build'], { cwd: root, env, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`build failed:\n${result.stdout}\n${result.stderr}`);
  return outDir;
}

/** Every file's text, gzip files (Pagefind) unzipped. */
function texts(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    let bytes = readFileSync(path);
    if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
    out.set(relative(dir, path), bytes.toString('utf8'));
  }
  return out;
}

const page = (dist: string, no: string) => readFileSync(join(dist, 'verify', no, 'index.html'), 'utf8');
/** The status box of a verification page, as HTML. */
const statusBox = (html: string) => /<div class="status [^"]*"[^>]*>.*?<div class="note">.*?<\/div><\/div>/s.exec(html)![0];
/** The page's own content, without the shared footer (which names every regulation). */
const main = (html: string) => /<main[^>]*>.*<\/main>/s.exec(html)![0];
const decode = (s: string) =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&#39;/g, "'");

describe('the built site, legally read', { timeout: 300_000 }, () => {
  let content: string;
  let dist: string;
  let files: Map<string, string>;
  beforeAll(() => {
    content = makeContent();
    dist = build(content);
    files = texts(dist);
  });
  afterAll(() => {
    rmSync(content, { recursive: true, force: true });
    rmSync(dist, { recursive: true, force: true });
    rmSync(`${dist}-cache`, { recursive: true, force: true });
  });

  it('with the defaults holds none of the switched-off fields, in any file', () => {
    const leaks: string[] = [];
    for (const [path, text] of files) {
      if (text.includes(MARK.post)) leaks.push(`${path}: 岗位`);
      if (text.includes(MARK.dispatcher)) leaks.push(`${path}: 劳务派遣单位`);
      if (/<dt>用工方式<\/dt>/.test(text)) leaks.push(`${path}: 用工方式`);
    }
    expect(leaks).toEqual([]);
    expect([...files.keys()].filter((p) => /\.(png|jpe?g|webp)$/.test(p))).toEqual([]);
  });

  it('shows no name of a leaver past retention anywhere, while the number still verifies as not valid', () => {
    for (const p of [PEOPLE.leftLongAgo, PEOPLE.revokedLongAgo]) {
      expect([...files].filter(([, t]) => t.includes(p.name)).map(([path]) => path)).toEqual([]);
      const html = page(dist, p.no);
      expect(html).toContain('（姓名已不再公示）');
      expect(statusBox(html)).toMatch(/不再有效/);
    }
    expect(page(dist, PEOPLE.leftRecently.no)).toContain(PEOPLE.leftRecently.name);
  });

  it('says a certificate is no longer valid without naming a body the roster does not state', () => {
    for (const p of [PEOPLE.revokedLongAgo, PEOPLE.cancelled, PEOPLE.leftRecently]) {
      const box = statusBox(page(dist, p.no));
      expect(box).toMatch(/不再有效/);
      expect(box).not.toMatch(/机关|单位|部门/);
    }
  });

  it('marks the pages of people who no longer hold a certificate noindex, and publishes robots.txt', () => {
    for (const p of [PEOPLE.leftRecently, PEOPLE.leftLongAgo, PEOPLE.revokedLongAgo, PEOPLE.cancelled]) {
      expect(page(dist, p.no), p.no).toContain('<meta name="robots" content="noindex">');
    }
    expect(page(dist, PEOPLE.activeConsent.no)).not.toContain('noindex');
    expect(files.get('robots.txt')).toMatch(/^User-agent: \*$/m);
  });

  it('never shows an expired certificate as valid; the validity date stands inside the status box', () => {
    const expired = statusBox(page(dist, PEOPLE.expired.no));
    expect(expired).toContain('status-expired');
    expect(expired).toContain('已过有效期');
    expect(expired).not.toMatch(/>有效</);
    expect(expired).toMatch(/有效期至 \d{4}年\d+月\d+日（已过期）/);
    const active = page(dist, PEOPLE.activeConsent.no);
    expect(statusBox(active)).toContain(`data-valid-until="${PEOPLE.activeConsent.until}"`);
    expect(statusBox(active)).toContain('有效期至');
    expect(active).toContain('<script src="/expiry.js" defer></script>');
    expect(files.has('expiry.js')).toBe(true);
  });

  it('shows no validity date on revoked, cancelled and left pages, and no wording of misconduct', () => {
    for (const p of [PEOPLE.leftRecently, PEOPLE.revokedLongAgo, PEOPLE.cancelled]) {
      const html = page(dist, p.no);
      expect(html, p.no).not.toContain('有效期至');
      expect(html, p.no).not.toContain('data-valid-until');
      expect(statusBox(html), p.no).not.toMatch(/违法|违纪|违规|处分|辞退|开除|解除劳动合同/);
    }
  });

  it('tells the citizen what to do for each status, citing the jurisdiction’s own article', () => {
    const left = decode(page(dist, PEOPLE.leftRecently.no));
    expect(left).toContain('请<a href="/complaint/?kind=report&no=RQT-0004">举报</a>');
    expect(left).toContain('“行政执法辅助人员开展行政执法辅助工作时，应当持有辅助行政执法证件，实行持证上岗。”'.slice(1, -1));
    expect(left).toContain('第十九条第一款');
    expect(left).toContain('110');
    const luan = decode(page(dist, LUAN_LEFT.no));
    expect(luan).toContain('行政执法辅助人员离职时，行政执法机关应当收回行政执法辅助标识、证件等。');
    expect(luan).toContain('第21条第二款');
    expect(luan).toContain('以行政执法人员的名义从事行政执法工作');
    const active = decode(page(dist, PEOPLE.activeConsent.no));
    expect(active).toContain('投诉此人');
    expect(active).toContain('不具有行政执法资格');
  });

  it('says on every page relying on the Lu’an draft that it has no legal force', () => {
    const notice = /征求意见稿[^<]*不具有法律效力/;
    expect(page(dist, LUAN_LEFT.no)).toMatch(notice);
    expect(files.get('agencies/luan-cgj/index.html')).toMatch(notice);
    expect(files.get('regulations/luan-draft/index.html')).toMatch(notice);
    expect(files.get('complaint/index.html')).toMatch(notice);
    expect(files.get('index.html')).toMatch(/六安市行政执法辅助人员管理办法（征求意见稿）》<\/a>（征求意见稿，不具有法律效力）/);
    // The in-force text is labelled from its own source, with what the source does not give.
    const hebei = main(files.get('regulations/hebei-2021/index.html')!);
    expect(hebei).not.toMatch(notice);
    expect(hebei).toContain('现行有效，自2021年12月1日起施行（第二十九条）');
    expect(hebei).toContain('[2022]—32号');
    expect(hebei).toContain('来源材料中没有：原发布文件');
    expect(main(page(dist, PEOPLE.activeConsent.no))).not.toMatch(notice);
  });

  it('uses each jurisdiction’s own words', () => {
    expect(page(dist, LUAN_LEFT.no)).toContain('不具有独立的行政执法资格');
    expect(main(page(dist, PEOPLE.activeConsent.no))).not.toContain('不具有独立的行政执法资格');
    expect(page(dist, PEOPLE.activeConsent.no)).toContain('辅助行政执法证件');
  });

  it('shows only readings from the reviewed table, each after the verbatim text it reads', async () => {
    const table = await loadReadingsTable(content);
    const readings = new Set(table.map((r) => r.reading));
    let shown = 0;
    for (const [path, text] of files) {
      if (!path.endsWith('.html')) continue;
      for (const m of text.matchAll(/<p class="reading"><span class="reading-label">本站解读：<\/span>(.*?)<\/p>/g)) {
        shown++;
        expect(readings.has(decode(m[1]!)), `${path}: ${m[1]}`).toBe(true);
        // The verbatim quote comes first.
        expect(text.lastIndexOf('<q class="verbatim">', m.index)).toBeGreaterThanOrEqual(0);
      }
    }
    expect(shown).toBeGreaterThan(100);
    // Complaint categories are readings too: each option's text, without its article, is in the table.
    const form = files.get('complaint/index.html')!;
    const options = [...form.matchAll(/<option value="(?:hebei-2021|luan-draft):[^"]+"[^>]*>(.*?)<\/option>/g)]
      .map((m) => decode(m[1]!))
      .map((o) => o.slice(0, o.lastIndexOf('（第')));
    expect(options.length).toBeGreaterThan(20);
    for (const o of options) expect(readings.has(o), o).toBe(true);
  });

  it('shows Hebei art. 10 (二) and art. 9 (二)3 side by side, verbatim', () => {
    const html = decode(files.get('regulations/hebei-2021/index.html')!);
    const item = /<li><q class="verbatim">开展行政执法的现场核查和调查取证<\/q>.*?<\/li>/s.exec(html)![0];
    expect(item).toContain('另见第九条第（二）项第3目：<q>承担下列行政执法辅助工作：……协助行政执法人员开展现场核查、调查取证工作</q>');
    expect(html).toContain('<q class="verbatim">行政执法辅助人员不得从事下列工作：</q>');
  });

  it('names the site owner and contact from the settings in every footer', () => {
    for (const path of ['index.html', `verify/${PEOPLE.activeConsent.no}/index.html`, 'agencies/renqiu-cgj/index.html']) {
      expect(files.get(path), path).toContain(`主办单位：${OWNER} · 联系方式：<a class="tel" href="tel:03170000000">0317-0000000</a> 转 测试。`);
    }
  });

  it('the not-found pages say which agencies are covered and that police auxiliaries are not', () => {
    for (const path of ['404.html', 'lookup/index.html']) {
      const html = files.get(path)!;
      expect(html, path).toContain('公安机关的警务辅助人员（辅警）不在本站公示范围内');
      expect(html, path).toContain('任丘市城市管理综合行政执法局');
      expect(html, path).toContain('公安机关警务辅助人员的管理，按照国家和本省有关规定执行。');
    }
  });

  it('the functions’ not-found answer (npm start, Netlify) says the roster’s date and which agencies are covered, as the built pages do', async () => {
    // As npm start and the Netlify function answer /lookup/?no=…: from the directory file the build wrote.
    const directory = await readDirectoryFile(directoryFilePath(dist));
    const server = await startServer({ distDir: dist, port: 0, functions: lookupFunctions(() => directory) });
    try {
      const response = await fetch(`${server.url}/lookup/?no=ZZZ-0001`);
      expect(response.status).toBe(200);
      const html = await response.text();
      // Both rosters of the content folder are dated 2026-11-01 (content.ts); the built page says the same date.
      expect(files.get('lookup/index.html')).toContain('data-as-of="2026年11月1日"');
      expect(html).toContain('编号「<b id="nf-no">ZZZ-0001</b>」不在截至 2026年11月1日 的公示名单中');
      expect(html).toContain('公安机关的警务辅助人员（辅警）不在本站公示范围内');
      expect(html).toContain('<a href="/agencies/renqiu-cgj/">任丘市城市管理综合行政执法局</a>');
      expect(html).toContain(
        '<q class="verbatim">公安机关警务辅助人员的管理，按照国家和本省有关规定执行。</q>（《河北省行政执法辅助人员管理办法》第三条第二款）',
      );
      // The very section the built 404 and lookup pages show.
      const coverage = /<section class="coverage"[\s\S]*?<\/section>/;
      for (const path of ['404.html', 'lookup/index.html']) expect(coverage.exec(html)?.[0], path).toBe(coverage.exec(files.get(path)!)![0]);
    } finally {
      await server.close();
    }
  });

  describe.skipIf(!chromiumAvailable())('in Chromium', () => {
    let server: RunningServer;
    let browser: Browser;
    // biome-ignore lint/suspicious/noDuplicateTestHooks: hooks of this nested describe, not of the file's
    beforeAll(async () => {
      server = await startServer({ distDir: dist, port: 0 });
      browser = await launchChromium();
    });
    // biome-ignore lint/suspicious/noDuplicateTestHooks: hooks of this nested describe, not of the file's
    afterAll(async () => {
      await browser?.close();
      await server?.close();
    });

    it('turns a valid status amber once its validity date has passed, on a page built before', async () => {
      const p = await browser.newPage();
      const url = `${server.url}/verify/${PEOPLE.activeConsent.no}/`;
      await p.goto(url);
      expect(await p.locator('.status').getAttribute('class')).toContain('status-active');
      await p.clock.setFixedTime(new Date(`${PEOPLE.activeConsent.until}T16:00:01Z`));
      await p.goto(url);
      expect(await p.locator('.status').getAttribute('class')).toContain('status-expired');
      expect(await p.locator('.status .label').innerText()).toBe('已过有效期');
      // Not 「起在岗」 beside it: the box says the validity only, as a page built after the date does.
      expect(await p.locator('.status').innerText()).not.toContain('在岗');
      expect(await p.locator('.status .valid-until').innerText()).toContain('（已过期）');
      await p.close();
    });
  });
});

/** Retention periods of the policy file, adopted by a document: the privacy notice states both, with it. */
const RETENTION_CITATION = '测试市司法局《投诉人信息保存规定》（测司发〔2026〕3号）';
const COMPLAINT_DATA = `complaintData:\n  keepYearsAfterClosed: 4\n  keepYearsIfNeverClosed: 7\n  citation: ${RETENTION_CITATION}\n`;

describe('the built site with switches on', { timeout: 300_000 }, () => {
  let content: string;
  let dist: string;
  beforeAll(() => {
    content = makeContent(policyWith(['post', 'photo'], COMPLAINT_DATA));
    dist = build(content);
  });
  afterAll(() => {
    rmSync(content, { recursive: true, force: true });
    rmSync(dist, { recursive: true, force: true });
    rmSync(`${dist}-cache`, { recursive: true, force: true });
  });

  it('publishes exactly the fields switched on, and a photo only of the active holder who consented', () => {
    const all = texts(dist);
    const joined = [...all.values()].join('\n');
    expect(joined).toContain(MARK.post);
    expect(joined).not.toContain(MARK.dispatcher);
    expect(joined).not.toMatch(/<dt>用工方式<\/dt>/);
    expect([...all.keys()].filter((p) => p.endsWith('.png'))).toEqual([`verify/${MARK.photoConsentNo}/photo.png`]);
    expect(existsSync(join(dist, 'verify', MARK.photoNoConsentNo, 'photo.png'))).toBe(false);
    expect(all.get('data/index.html')).toContain('测试依据第1号');
  });

  it("states the policy's retention periods on the privacy notice — after closing and, never closed, after filing — citing the adopting document", () => {
    const html = readFileSync(join(dist, 'privacy/index.html'), 'utf8');
    const text = (id: string) => decode(new RegExp(`<p id="${id}">([\\s\\S]*?)</p>`).exec(html)![1]!.replace(/<[^>]+>/g, ''));
    expect(html).toMatch(/id="retention-years"[^>]*>4 年</);
    expect(html).toMatch(/id="retention-years-never-closed"[^>]*>7 年</);
    const neverClosed = text('retention-never-closed');
    expect(neverClosed).toContain('投诉自提交之日起满 7 年仍未办结');
    expect(neverClosed).toContain(`依据${RETENTION_CITATION}`);
    expect(html).not.toContain('这是本平台设定的保存期限');
  });
});
