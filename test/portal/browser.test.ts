import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chromiumAvailable, launchChromium } from '../support/browser.ts';
import { serveSite, siteBuilt } from '../support/site.ts';
import { statusInfo } from '../../src/core/labels.ts';
import { readSettings } from '../../src/core/settings.ts';
import { axeViolations, builtRecords, decodeQr, type PublishedRecord } from './helpers.ts';
import { NUMBER_SLIPS, spelledWith } from './number-slips.ts';

const ready = chromiumAvailable() && siteBuilt();
const STATUS_WORDS = { active: '有效', suspended: '暂停使用', revoked: '证件已收回', left: '已离职' } as const;

describe.skipIf(!ready)('public portal in Chromium', { timeout: 180_000 }, () => {
  let server: Awaited<ReturnType<typeof serveSite>>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let records: PublishedRecord[];
  const siteUrl = readSettings().siteUrl;

  beforeAll(async () => {
    server = await serveSite();
    browser = await launchChromium();
    context = await browser.newContext();
    page = await context.newPage();
    records = await builtRecords();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const local = (absolute: string) => server.url + new URL(absolute).pathname;

  it('scan to verify: each status, from the QR code to a page that says the status first', async () => {
    for (const status of Object.keys(STATUS_WORDS) as (keyof typeof STATUS_WORDS)[]) {
      const record = records.find((r) => r.status === status);
      expect(record, `sample has a ${status} record`).toBeDefined();
      const decoded = await decodeQr(page, `${server.url}/verify/${encodeURIComponent(record!.certificateNo)}/qr.svg`);
      expect(decoded).toBe(`${siteUrl}/verify/${encodeURIComponent(record!.certificateNo)}/`);
      await page.setViewportSize({ width: 360, height: 740 });
      await page.goto(local(decoded!));
      const article = page.locator('#auxiliary');
      expect(await article.getAttribute('data-certificate-no')).toBe(record!.certificateNo);
      expect(await article.getAttribute('data-name')).toBe(record!.name);
      expect(await article.getAttribute('data-agency-id')).toBe(record!.agencyId);
      expect(await article.getAttribute('data-agency-name')).toBe(record!.agencyName);
      expect(await article.getAttribute('data-status')).toBe(status);
      // The status is the first thing in the article after the heading, in words.
      const statusBox = article.locator('.status');
      expect((await statusBox.innerText()).split('\n')[0]).toContain(STATUS_WORDS[status]);
      // A valid certificate offers a complaint about its holder; any other, a report about whoever still uses it.
      const [linkName, href] =
        status === 'active'
          ? ['投诉此人', `/complaint/?no=${encodeURIComponent(record!.certificateNo)}`]
          : ['举报仍在使用此证件的人', `/complaint/?kind=report&no=${encodeURIComponent(record!.certificateNo)}`];
      expect(await page.getByRole('link', { name: linkName }).first().getAttribute('href')).toBe(href);
      expect(await page.getByRole('link', { name: record!.agencyName }).first().getAttribute('href')).toBe(`/agencies/${record!.agencyId}/`);
      // Readable at 360 px: nothing wider than the screen.
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    }
  });

  it('verification works with JavaScript off', async () => {
    const noJs = await browser.newContext({ javaScriptEnabled: false });
    const p = await noJs.newPage();
    const record = records.find((r) => r.status === 'revoked')!;
    await p.goto(`${server.url}/verify/${encodeURIComponent(record.certificateNo)}/`);
    expect(await p.locator('#auxiliary .status').innerText()).toContain('已收回');
    expect(await p.locator('#auxiliary').innerText()).toContain(record.name);
    expect(await p.getByRole('heading', { name: /不得做/ }).count()).toBeGreaterThan(0);
    // A static-only host cannot answer /lookup/?no= without JS (the functions do: lookup-browser.test.ts), but the
    // page never asks a person to edit an address by hand.
    await p.goto(`${server.url}/lookup/?no=${encodeURIComponent(record.certificateNo)}`);
    expect(await p.getByLabel('输入辅助行政执法证件编号核验').count()).toBe(1);
    expect(await p.content()).not.toContain('/verify/证件编号/');
    await noJs.close();
  });

  it('lookup box: a number typed messily goes straight to its page', async () => {
    const record = records.find((r) => /-/.test(r.certificateNo) && /[A-Z]/.test(r.certificateNo))!;
    const messy = [
      record.certificateNo.toLowerCase(),
      record.certificateNo.replace(/-/g, ''),
      ` ${record.certificateNo.replace(/-/g, ' ')} `,
      record.certificateNo.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)),
      record.certificateNo.toLowerCase().replace(/-/g, '—'),
    ];
    for (const typed of messy) {
      await page.goto(`${server.url}/`);
      await page.getByLabel('输入辅助行政执法证件编号核验').fill(typed);
      await page.getByRole('button', { name: '核验' }).click();
      await page.waitForURL(`**/verify/**`);
      expect(decodeURIComponent(new URL(page.url()).pathname), typed).toBe(`/verify/${record.certificateNo}/`);
      expect(await page.locator('#auxiliary').getAttribute('data-name')).toBe(record.name);
    }
  });

  it('lookup on a static host: a number with other dashes or invisible characters reaches its page (the page’s script and the number index agree)', async () => {
    const record = records.find((r) => /^[A-Z]+-\d{4}-\d{4}$/.test(r.certificateNo))!;
    const own = `/verify/${encodeURIComponent(record.certificateNo)}/`;
    const failures: string[] = [];
    const reaches = async (path: string) => {
      await page.goto(`${server.url}${path}`);
      const reached = await page.waitForURL(`**${own}`, { timeout: 10_000 }).then(
        () => true,
        () => false,
      );
      return reached && (await page.locator('#auxiliary').getAttribute('data-name')) === record.name;
    };
    for (const [label, ch] of Object.entries(NUMBER_SLIPS)) {
      if (!(await reaches(`/lookup/?no=${encodeURIComponent(spelledWith(record.certificateNo, ch))}`))) failures.push(`/lookup/: ${label}`);
    }
    // A verification address with such a number: the 404 page's script sends it through the lookup.
    const small = NUMBER_SLIPS['small hyphen-minus U+FE63'];
    if (!(await reaches(`/verify/${encodeURIComponent(spelledWith(record.certificateNo, small))}/`))) failures.push('/verify/: small hyphen-minus U+FE63');
    expect(failures).toEqual([]);
  });

  it('lookup: a number not on any roster gets a clear page with the roster date and a report link', async () => {
    await page.goto(`${server.url}/lookup/?no=${encodeURIComponent('zz-0000-fake')}`);
    const box = page.locator('#not-found');
    await box.waitFor({ state: 'visible' });
    const text = await box.innerText();
    expect(text).toContain('不在截至');
    expect(text).toMatch(/\d{4}年\d{1,2}月\d{1,2}日 的公示名单中/);
    expect(text).toContain('ZZ-0000-FAKE'.toLowerCase());
    expect(await page.getByRole('link', { name: '举报此编号' }).getAttribute('href')).toBe('/complaint/?kind=report&no=zz-0000-fake');
  });

  it('a mistyped /verify/ address goes through the lookup; other unknown paths get the helpful 404', async () => {
    const record = records[0]!;
    await page.goto(`${server.url}/verify/${encodeURIComponent(record.certificateNo.toLowerCase().replace(/-/g, ''))}/`);
    await page.waitForURL(`**/verify/${encodeURIComponent(record.certificateNo)}/`);
    expect(await page.locator('#auxiliary').getAttribute('data-certificate-no')).toBe(record.certificateNo);
    const response = await page.goto(`${server.url}/no-such-page/`);
    expect(response?.status()).toBe(404);
    expect(await page.locator('h1').innerText()).toBe('页面不存在');
    expect(await page.getByLabel('输入辅助行政执法证件编号核验').count()).toBe(1);
  });

  /**
   * The results as shown for a query: the first page (20 people), or with `allPages` every page, clicking 显示更多
   * until it hides (the order of equally ranked people can differ between builds, so "finds X" must not depend on
   * X being on the first page).
   */
  async function searchFor(
    query: string,
    filters: Record<string, string> = {},
    allPages = false,
  ): Promise<{ names: string[]; nos: string[]; summary: string }> {
    const params = new URLSearchParams({ q: query, ...filters });
    await page.goto(`${server.url}/search/?${params}`);
    await page
      .locator('#search-summary')
      .filter({ hasText: /找到|没有找到/ })
      .waitFor();
    const results = page.locator('#search-results li a');
    const more = page.locator('#search-more');
    while (allPages && (await more.isVisible())) {
      const before = await results.count();
      await more.click();
      // A last page can be empty: then the button just hides.
      await expect.poll(async () => (await results.count()) > before || !(await more.isVisible())).toBe(true);
    }
    // A small result is read to its end for the count once the first page has shown.
    if (!allPages)
      await page
        .locator('#search-summary')
        .filter({ hasText: /共找到|已找到|没有找到/ })
        .waitFor();
    const items = await results.allInnerTexts();
    return {
      names: items.map((t) => t.replace(/（.*$/, '')),
      nos: items.map((t) => /（(.*)）$/.exec(t)?.[1] ?? ''),
      summary: await page.locator('#search-summary').innerText(),
    };
  }

  it('search: an exact full name ranks first, even when longer names contain it', async () => {
    // Names that are also the beginning of other names: the hard case for ranking.
    const names = [...new Set(records.map((r) => r.name))];
    const prefixes = names.filter((n) => names.some((m) => m !== n && m.startsWith(n))).slice(0, 5);
    expect(prefixes.length).toBeGreaterThan(0);
    for (const name of prefixes) {
      const { names: found } = await searchFor(name);
      const exact = records.filter((r) => r.name === name).length;
      expect(found.slice(0, exact), name).toEqual(Array(exact).fill(name));
    }
  });

  it('search: a partial name, a number and a number tail find the page; filters narrow', async () => {
    const record = records.find((r) => [...r.name].length >= 3 && !r.name.includes('·'))!;
    const inner = [...record.name].slice(1, 3).join('');
    expect((await searchFor(inner, {}, true)).nos).toContain(record.certificateNo);
    expect((await searchFor(record.certificateNo)).nos[0]).toBe(record.certificateNo);
    const tail = record.certificateNo.replace(/-/g, '').slice(-5);
    expect((await searchFor(tail, {}, true)).nos).toContain(record.certificateNo);
    // Pasted into the search box as into the lookup box: the badge's QR link, a labelled number.
    expect((await searchFor(`请核验 ${siteUrl}/verify/${encodeURIComponent(record.certificateNo)}/ 谢谢`)).nos[0]).toBe(record.certificateNo);
    expect((await searchFor(`证件编号：${record.certificateNo}`)).nos[0]).toBe(record.certificateNo);
    expect(await page.locator('#foreign-link').count()).toBe(0);
    // Another site's link: this site's result, under the same warning as in the lookup box.
    expect((await searchFor(`https://evil.example\\@${new URL(siteUrl).host}/verify/${encodeURIComponent(record.certificateNo)}/`)).nos[0]).toBe(
      record.certificateNo,
    );
    expect(await page.locator('#foreign-link').innerText()).toContain('您粘贴的链接不是本站地址');
    expect(await page.locator('#foreign-link').innerText()).toContain('evil.example');
    const filtered = await searchFor(inner, { status: statusInfo[record.status].label }, true);
    expect(filtered.nos).toContain(record.certificateNo);
    const statuses = records.filter((r) => filtered.nos.includes(r.certificateNo)).map((r) => r.status);
    expect(new Set(statuses)).toEqual(new Set([record.status]));
    const byAgency = await searchFor(inner, { agency: record.agencyName }, true);
    expect(records.filter((r) => byAgency.nos.includes(r.certificateNo)).every((r) => r.agencyId === record.agencyId)).toBe(true);
    expect(byAgency.nos).toContain(record.certificateNo);
  });

  it('search: a part of a name lists each person once, though the part index and Pagefind both find them, with the exact count', async () => {
    const count = new Map<string, number>();
    for (const r of records) {
      const chars = [...r.name];
      for (let i = 0; i + 2 <= chars.length; i++) count.set(chars.slice(i, i + 2).join(''), (count.get(chars.slice(i, i + 2).join('')) ?? 0) + 1);
    }
    const common = [...count]
      .filter(([part]) => !part.includes('·'))
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([part]) => part);
    const inner = [...records.find((r) => [...r.name].length >= 3 && !r.name.includes('·'))!.name].slice(1, 3).join('');
    for (const part of [...common, inner]) {
      const { nos, summary } = await searchFor(part);
      const expected = records.filter((r) => r.name.includes(part) || r.post?.includes(part) || r.agencyName.includes(part));
      expect(expected.length, part).toBeGreaterThan(0);
      expect(expected.length, part).toBeLessThanOrEqual(20);
      expect(nos, part).toHaveLength(new Set(nos).size);
      expect(new Set(nos), part).toEqual(new Set(expected.map((r) => r.certificateNo)));
      expect(summary, part).toBe(`共找到 ${expected.length} 人`);
    }
  });

  it('search: part of a unit name finds its people; posts are not published by default, so none is searchable', async () => {
    expect(records.some((r) => r.post)).toBe(false);
    const record = records.find((r) => r.status === 'active')!;
    const unitPart = [...record.agencyName].slice(2, 6).join('');
    const byUnit = await searchFor(unitPart, { status: statusInfo[record.status].label });
    expect(byUnit.nos.length).toBeGreaterThan(0);
    expect(records.filter((r) => byUnit.nos.includes(r.certificateNo)).every((r) => r.agencyName.includes(unitPart) || r.name.includes(unitPart))).toBe(true);
  });

  it('badge QR sheet lists every active auxiliary of the agency with name and number', async () => {
    const agencyId = records.find((r) => r.status === 'active')!.agencyId;
    const active = records.filter((r) => r.agencyId === agencyId && r.status === 'active');
    await page.goto(`${server.url}/agencies/${agencyId}/qr/`);
    const cells = page.locator('.qr-sheet li');
    expect(await cells.count()).toBe(active.length);
    const text = await page.locator('.qr-sheet').innerText();
    for (const r of active) expect(text).toContain(r.certificateNo);
    expect(await page.locator('.qr-sheet img').first().getAttribute('src')).toMatch(/^\/verify\/.+\/qr\.svg$/);
    // Printed, every code is there (the page's load event waits for every non-lazy image).
    await page.emulateMedia({ media: 'print' });
    const blank = await page
      .locator('.qr-sheet img')
      .evaluateAll((imgs) => (imgs as HTMLImageElement[]).filter((img) => !img.complete || img.naturalWidth === 0).map((img) => img.src));
    expect(blank).toEqual([]);
    await page.emulateMedia({ media: 'screen' });
  });

  it('no page requests anything from another origin', async () => {
    const foreign: string[] = [];
    const p = await context.newPage();
    p.on('request', (r) => {
      if (!r.url().startsWith(server.url) && !r.url().startsWith('data:')) foreign.push(r.url());
    });
    const r = records[0]!;
    for (const path of [
      '/',
      `/verify/${encodeURIComponent(r.certificateNo)}/`,
      `/search/?q=${encodeURIComponent(r.name)}`,
      `/agencies/${r.agencyId}/qr/`,
      '/data/',
    ]) {
      await p.goto(server.url + path, { waitUntil: 'networkidle' });
    }
    expect(foreign).toEqual([]);
    await p.close();
  });

  it('axe-core: no serious or critical violations on every page type', async () => {
    const r = records.find((x) => x.status === 'suspended')!;
    const regulation = (await (await fetch(`${server.url}/agencies/${r.agencyId}/`)).text()).match(/href="\/regulations\/([^/]+)\/"/)![1];
    const pages = [
      '/',
      `/verify/${encodeURIComponent(r.certificateNo)}/`,
      '/lookup/?no=NOT-A-NUMBER',
      `/search/?q=${encodeURIComponent(r.name)}`,
      '/agencies/',
      `/agencies/${r.agencyId}/`,
      `/agencies/${r.agencyId}/qr/`,
      '/data/',
      `/regulations/${regulation}/`,
      '/this-page-does-not-exist/',
    ];
    const found: Record<string, unknown> = {};
    for (const path of pages) {
      await page.setViewportSize({ width: 1024, height: 800 });
      await page.goto(server.url + path, { waitUntil: 'networkidle' });
      const violations = await axeViolations(page);
      if (violations.length) found[path] = violations;
    }
    expect(found).toEqual({});
  });
});
