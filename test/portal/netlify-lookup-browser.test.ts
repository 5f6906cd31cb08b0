/**
 * The serverless deployment, in Chromium at 390×844 with JavaScript on and off: the Netlify `lookup` function
 * (functions/platform/netlify/lookup.ts, the real adapter) behind the routing its config asks Netlify for — the
 * netlify.toml rewrite of `/lookup/?no=…` to `/api/lookup` (forced over the static page, query passed on) and
 * `preferStatic` on `/verify/*` (a file that exists is served; only misses reach the function). Netlify's router
 * is not available here, so those two rules are reproduced in front of the built site; the lookup test checks
 * that the config still says them.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../support/browser.ts';
import { distDir } from '../support/site.ts';
import { stackSkipReason } from '../support/stack.ts';
import { startServer, type FunctionHandler, type RunningServer } from '../../functions/server/node.ts';
import { certificateLookupKey } from '../../src/core/text.ts';
import { builtRecords, type PublishedRecord } from './helpers.ts';

const skip = stackSkipReason('lookup on the serverless deployment', ['index.html', 'lookup/index.html', '_functions/directory.json']);
const PHONE = { width: 390, height: 844 };
const LABEL = '输入辅助行政执法证件编号核验';

/** True when a static host has a file for this path (`/a/` → `/a/index.html`). */
function staticFileFor(pathname: string): boolean {
  let path: string;
  try {
    path = join(distDir, decodeURIComponent(pathname));
  } catch {
    return false;
  }
  if (!path.startsWith(distDir)) return false;
  if (pathname.endsWith('/')) path = join(path, 'index.html');
  return existsSync(path) && statSync(path).isFile();
}

describe.skipIf(skip)('lookup on the serverless deployment at phone size', { timeout: 180_000 }, () => {
  let server: RunningServer;
  let browser: Browser;
  let records: PublishedRecord[];
  let listedKeys: Set<string>;
  const contexts: Record<'js' | 'nojs', BrowserContext> = {} as never;
  const env = { ...process.env };

  beforeAll(async () => {
    process.env.OUT_DIR = distDir;
    const { default: lookup, config } = await import('../../functions/platform/netlify/lookup.ts');
    const { default: searchPage } = await import('../../functions/platform/netlify/search-page.ts');
    const routed = (pathname: string) =>
      config.path.some((pattern) => (pattern.endsWith('/*') ? pathname.startsWith(pattern.slice(0, -1)) : pathname === pattern));
    const netlify: FunctionHandler = async (request) => {
      const url = new URL(request.url);
      // [[redirects]] from = "/lookup/", query = { no = ":no" }, to = "/api/lookup", status = 200, force = true
      if (url.pathname === '/lookup/' && url.searchParams.has('no')) {
        return lookup(new Request(new URL(`/api/lookup${url.search}`, url), { headers: request.headers }), {});
      }
      // [[redirects]] from = "/search/", query = { q = ":q" }, to = "/api/search-page", status = 200, force = true
      if (url.pathname === '/search/' && url.searchParams.has('q')) {
        return searchPage(new Request(new URL(`/api/search-page${url.search}`, url), { headers: request.headers }), {});
      }
      if (routed(url.pathname) && !(config.preferStatic && staticFileFor(url.pathname))) return lookup(request, {});
      return undefined;
    };
    server = await startServer({ distDir, port: 0, functions: netlify });
    browser = await launchChromium();
    contexts.js = await browser.newContext({ viewport: PHONE });
    contexts.nojs = await browser.newContext({ viewport: PHONE, javaScriptEnabled: false });
    records = await builtRecords();
    const { directoryFilePath, readDirectoryFile } = await import('../../functions/server/directory-file.ts');
    const directory = await readDirectoryFile(directoryFilePath(distDir));
    listedKeys = new Set([...directory.certificates()].map((c) => certificateLookupKey(c.certificateNo)));
  });
  afterAll(async () => {
    process.env = env;
    await browser?.close();
    await server?.close();
  });

  const url = (path: string) => `${server.url}${path}`;
  const own = (no: string) => `/verify/${encodeURIComponent(no)}/`;

  async function typeInBox(page: Page, text: string) {
    await page.goto(url('/'));
    await page.getByLabel(LABEL).fill(text);
    await page.getByRole('button', { name: '核验' }).click();
    await page.waitForLoadState('load');
  }

  for (const mode of ['js', 'nojs'] as const) {
    it(`${mode === 'js' ? 'JavaScript on' : 'JavaScript off'}: every spelling reaches the page, a typo gets the warning and close numbers, a name goes to search with the text kept`, async () => {
      const page = await contexts[mode].newPage();
      const record = records.find((r) => /^[A-Z]+-\d{4}-\d{4}$/.test(r.certificateNo) && r.status === 'active')!;
      const no = record.certificateNo;
      const fullWidth = no.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
      for (const path of [
        `/verify/${no.toLowerCase()}/`,
        `/verify/${no.replace(/-/g, '')}`,
        `/verify/${encodeURIComponent(` ${fullWidth} `)}/`,
        own(no).slice(0, -1),
      ]) {
        const response = await page.goto(url(path));
        expect(new URL(page.url()).pathname, path).toBe(own(no));
        expect(response?.status(), path).toBe(200);
        expect(await page.locator('#auxiliary').getAttribute('data-name'), path).toBe(record.name);
        expect(await page.locator('body').innerText(), path).not.toMatch(/查无此证|不在公示名单中|页面不存在/);
      }
      for (const typed of [no.toLowerCase().replace(/-/g, ' '), fullWidth, no.replace(/-/g, '/')]) {
        await typeInBox(page, typed);
        await page.waitForURL(`**${own(no)}`);
        expect(await page.locator('#auxiliary').getAttribute('data-name'), typed).toBe(record.name);
      }

      // O for 0: the warning first, then the number it was meant to be, with its unit; the number kept in the box.
      const typo = no.replace(/0(?=[^0]*$)/, 'O');
      expect(listedKeys.has(certificateLookupKey(typo))).toBe(false);
      await typeInBox(page, typo);
      const warning = page.locator('#not-found .status');
      await page.locator('#nf-suggest').waitFor();
      expect(await warning.innerText()).toContain('不在');
      expect((await page.locator('#nf-suggest').boundingBox())!.y).toBeGreaterThan((await warning.boundingBox())!.y);
      const offered = await page.locator('#nf-suggest li').allInnerTexts();
      expect(offered).toEqual([`${no} · ${record.agencyName}`]);
      expect(await page.getByLabel(LABEL).inputValue()).toBe(typo);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);

      // A number with no page, at a verification address: the lookup's answer, not the bare 404.
      await page.goto(url('/verify/zzqq-1999-9999/'));
      expect(new URL(page.url()).pathname).toBe('/lookup/');
      expect(await page.locator('#not-found .status').innerText()).toContain('不在');

      // A name goes to search, the text kept in the address.
      await typeInBox(page, record.name);
      await page.waitForURL('**/search/?q=*');
      expect(new URL(page.url()).searchParams.get('q')).toBe(record.name);
      expect(await page.locator('#q').inputValue()).toBe(record.name);
      if (mode === 'js') {
        // The page served by the function runs its script under the site's own policy: the search works.
        await page.locator('#search-summary').filter({ hasText: /找到/ }).waitFor();
        expect(await page.locator('#search-results li').first().innerText()).toContain(record.name);
      }
      await page.close();
    });
  }
});
