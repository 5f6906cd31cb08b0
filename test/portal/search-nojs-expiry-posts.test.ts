/**
 * The search page without JavaScript (functions/server/search-page.ts) on what the directory file carries since
 * version 5: an active certificate past its 有效期至 is shown as 已过有效期 — decided on the day of the request, not
 * the build's — and ranks below valid ones as the page's script ranks it; where policy.yaml publishes posts, a post
 * typed as the query finds its holders instead of names one character off it. Built from a content folder of its
 * own (test/legal/content.ts, with posts switched on, plus three people), checked through the functions and in
 * Chromium through the whole stack with JavaScript off and on.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directoryFilePath, readDirectoryFile } from '../../functions/server/directory-file.ts';
import { searchPageFunction } from '../../functions/server/search-page.ts';
import { writeDirectoryFile } from '../../src/build/directory/write.ts';
import { shanghaiDateOf } from '../../src/core/dates.ts';
import type { Directory } from '../../src/core/directory.ts';
import { loadSite } from '../../src/import/site.ts';
import { chromiumAvailable } from '../support/browser.ts';
import { startStack } from '../support/stack.ts';
import { distDir } from '../support/site.ts';
import { tempDir } from '../complaints/support.ts';
import { makeContent, MARK, PEOPLE, policyWith, root } from '../legal/content.ts';

const today = shanghaiDateOf(new Date());
const daysFrom = (days: number) => new Date(Date.parse(`${today}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/**
 * Added to the legal content's roster (whose 丙过期, RQT-0003, is 在岗 with a certificate 10 days past its date): an
 * expired 司机 listed before a valid one, a valid namesake of 丙过期, and 司琪 — one character off the post 司机.
 */
const ADDED = {
  expiredDriver: { no: 'RQT-0009', name: '癸到期', post: '司机', until: daysFrom(-1) },
  siqi: { no: 'RQT-0010', name: '司琪', post: '交通协管', until: daysFrom(900) },
  validNamesake: { no: 'RQT-0011', name: PEOPLE.expired.name, post: '司机', until: daysFrom(900) },
} as const;

function contentWith(policy: string): string {
  const dir = makeContent(policy);
  const rows = Object.values(ADDED).map((p) =>
    [p.name, 'renqiu-cgj', p.no, p.post, '在岗', daysFrom(-400), '2019-01-01', p.until, '直接招用', '', '', ''].join(','),
  );
  appendFileSync(join(dir, 'rosters', 'renqiu', 'renqiu-cgj-2026-11-01.csv'), `${rows.join('\n')}\n`);
  return dir;
}

const href = (no: string) => `/verify/${encodeURIComponent(no)}/`;

describe('the search page without JavaScript: expired certificates and posts', { timeout: 300_000 }, () => {
  let content: string;
  let dist: string;
  let directory: Directory;

  beforeAll(async () => {
    content = contentWith(policyWith(['post']));
    dist = join(tempDir('gongshi-nojs-posts-'), 'dist');
    const env = { ...process.env, CONTENT_DIR: content, OUT_DIR: dist, ASTRO_TELEMETRY_DISABLED: '1' };
    const build = spawnSync(process.execPath, [join(root, 'node_modules/astro/bin/astro.mjs'), 'build'], { cwd: root, env, encoding: 'utf8' });
    if (build.status !== 0) throw new Error(`build failed:\n${build.stdout}\n${build.stderr}`);
    directory = await readDirectoryFile(directoryFilePath(dist));
  });
  afterAll(() => {
    rmSync(content, { recursive: true, force: true });
    rmSync(join(dist, '..'), { recursive: true, force: true });
    rmSync(`${dist}-cache`, { recursive: true, force: true });
  });

  /** The <noscript> block's people as the functions answer `q` on the day `now`: [number, status label, the line's text]. */
  async function answer(q: string, now = new Date(), dir = directory, out = dist) {
    const handle = searchPageFunction(
      () => out,
      () => dir,
      { now: () => now },
    );
    const response = (await handle(new Request(`http://localhost/search/?${new URLSearchParams({ q })}`), { clientAddress: '127.0.0.1' }))!;
    const block = /<noscript id="search-nojs">([\s\S]*?)<\/noscript>/.exec(await response.text())![1]!;
    const people = [
      ...block.matchAll(
        /<li><a href="\/verify\/([^/"]+)\/">[^<]*<\/a>(?: <span class="tag status-[a-z]+">([^<]+)<\/span>)?<div class="muted">([^<]*)<\/div><\/li>/g,
      ),
    ].map((m) => ({ no: decodeURIComponent(m[1]!), status: m[2], muted: m[3] }));
    return { block, people, close: block.includes('id="search-nojs-close"') };
  }

  it('the search box offers 岗位 where posts are published (this build), and not where they are not (the sample site)', () => {
    expect(readFileSync(join(dist, 'search', 'index.html'), 'utf8')).toContain('<label for="q">姓名、单位、岗位或证件编号');
    const sample = readFileSync(join(distDir, 'search', 'index.html'), 'utf8');
    expect(sample).toContain('<label for="q">姓名、单位或证件编号');
    expect(sample).not.toContain('岗位');
  });

  it('shows an expired holder as 已过有效期, below the valid holder of the same name', async () => {
    const { people, close } = await answer(PEOPLE.expired.name);
    expect(close).toBe(false);
    expect(people.map((p) => [p.no, p.status])).toEqual([
      [ADDED.validNamesake.no, '有效'],
      [PEOPLE.expired.no, '已过有效期'],
    ]);
  });

  it('decides expiry on the day of the request, not the build’s', async () => {
    // 癸到期's certificate ran until yesterday: two days ago it was valid, today it is not.
    const before = await answer(ADDED.expiredDriver.name, new Date(Date.now() - 2 * 86_400_000));
    expect(before.people.map((p) => p.status)).toEqual(['有效']);
    const now = await answer(ADDED.expiredDriver.name);
    expect(now.people.map((p) => p.status)).toEqual(['已过有效期']);
  });

  it('ranks the names one character off by the status shown today: the valid holder first', async () => {
    const { people, close } = await answer('丙过朗');
    expect(close).toBe(true);
    expect(people.map((p) => [p.no, p.status])).toEqual([
      [ADDED.validNamesake.no, '有效'],
      [PEOPLE.expired.no, '已过有效期'],
    ]);
  });

  it('finds the people with a published post typed as the query, valid first, and offers no names one character off', async () => {
    const drivers = await answer('司机');
    expect(drivers.close).toBe(false);
    expect(drivers.block).not.toContain('您要找的是不是');
    expect(drivers.block).not.toContain(ADDED.siqi.no);
    expect(drivers.block).toContain('岗位为「司机」的有 2 人');
    expect(drivers.people).toEqual([
      { no: ADDED.validNamesake.no, status: '有效', muted: '任丘市城市管理综合行政执法局 · 司机' },
      { no: ADDED.expiredDriver.no, status: '已过有效期', muted: '任丘市城市管理综合行政执法局 · 司机' },
    ]);
    const traffic = await answer('交通协管');
    expect(traffic.people.map((p) => p.no)).toEqual([ADDED.siqi.no]);
    expect(traffic.close).toBe(false);
    // Part of a post, as the script matches one: every 岗位标记甲乙 holder whose name is still published, valid first.
    const marked = await answer(MARK.post.slice(2));
    expect(marked.block).toContain(`岗位含「${MARK.post.slice(2)}」的有`);
    const statuses = marked.people.map((p) => p.status);
    expect(statuses.slice(0, 2)).toEqual(['有效', '有效']);
    expect(statuses.slice(2)).not.toContain('有效');
    expect(marked.people.map((p) => p.no)).toContain(PEOPLE.expired.no);
    expect(marked.people.map((p) => p.no)).not.toContain(PEOPLE.leftLongAgo.no);
    expect(marked.block).toContain('只按完整姓名和岗位查找');
  });

  it('with posts not published (the default), the directory file holds no post and a post finds no one by it', async () => {
    const plain = contentWith(policyWith([]));
    const out = tempDir('gongshi-nojs-noposts-');
    try {
      const path = await writeDirectoryFile(await loadSite(plain), out);
      const text = readFileSync(path, 'utf8');
      for (const post of [MARK.post, '司机', '交通协管']) expect(text).not.toContain(post);
      const unpublished = await readDirectoryFile(path);
      expect([...unpublished.certificates()].some((c) => c.post)).toBe(false);
      // The built page and headers of the other build: only the directory differs.
      const { block, people } = await answer(MARK.post, new Date(), unpublished, dist);
      expect(people).toEqual([]);
      expect(block).toContain(`没有姓名为「${MARK.post}」的人员`);
      // Nothing is promised for posts where none are published, with or without JavaScript.
      expect(block).toContain('按姓名的一部分、单位或编号末几位搜索需要 JavaScript');
      // Expiry is published whatever the policy: still shown.
      expect((await answer(PEOPLE.expired.name, new Date(), unpublished, dist)).people.map((p) => p.status)).toEqual(['有效', '已过有效期']);
    } finally {
      rmSync(plain, { recursive: true, force: true });
      rmSync(out, { recursive: true, force: true });
    }
  });

  it.skipIf(!chromiumAvailable())(
    'in Chromium, lists the same people as the page’s script, in the same order with the same status, unit and post: a name, a post, a name one character off',
    async () => {
      const stack = await startStack({ distDir: dist });
      try {
        const page = await (await stack.browser.newContext({ javaScriptEnabled: false })).newPage();
        const js = await stack.browser.newPage();
        const listed = (list: ReturnType<Page['locator']>) =>
          list.evaluateAll((items) => items.map((li) => ({ href: li.querySelector('a')!.getAttribute('href')!, all: li.textContent! })));
        const withoutJs = async (query: string) => {
          await page.goto(`${stack.server.url}/search/?${new URLSearchParams({ q: query })}`);
          return {
            close: (await page.locator('#search-nojs-close').count()) > 0,
            people: await listed(page.locator('#search-nojs li:has(a[href^="/verify/"])')),
          };
        };
        const withJs = async (query: string) => {
          await js.goto(`${stack.server.url}/search/?${new URLSearchParams({ q: query })}`);
          const summary = js.locator('#search-summary');
          await summary.filter({ hasText: /找到/ }).waitFor();
          await expect.poll(() => summary.innerText()).toMatch(/^(共找到|没有找到)/);
          return {
            close: await js.locator('#search-close').isVisible(),
            people: await listed(js.locator('#search-results li, #search-close li')),
          };
        };
        for (const query of [PEOPLE.expired.name, '司机', '交通协管', '丙过朗']) {
          const off = await withoutJs(query);
          expect(off, query).toEqual(await withJs(query));
          expect(off.people.length, query).toBeGreaterThan(0);
        }
        const drivers = await withoutJs('司机');
        expect(drivers.close).toBe(false);
        expect(drivers.people.map((p) => p.href)).toEqual([href(ADDED.validNamesake.no), href(ADDED.expiredDriver.no)]);
        expect(drivers.people[1]!.all).toContain('已过有效期');
      } finally {
        await stack.stop();
      }
    },
  );
});
