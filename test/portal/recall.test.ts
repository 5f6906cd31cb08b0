/**
 * Recall on the whole roster, against the Pagefind index the built site ships: every name, every 2-character
 * part of every name, every number and every number tail, asked with the same query tokens the search page
 * uses (lib/search/tokens.ts), in Chromium.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { chromiumAvailable, launchChromium } from '../support/browser.ts';
import { serveSite, siteBuilt } from '../support/site.ts';
import { queryTokens, searchName } from '../../src/lib/search/tokens.ts';
import { certificateLookupKey } from '../../src/lib/text.ts';
import { builtRecords, type PublishedRecord } from './helpers.ts';

const ready = chromiumAvailable() && siteBuilt();

interface Ask {
  term: string;
  /** The certificate numbers that must be among the results. */
  expect: string[];
  /** When set, the results must be exactly these (exact-name searches). */
  only?: boolean;
}

describe.skipIf(!ready)('search recall on the whole sample roster', () => {
  let server: Awaited<ReturnType<typeof serveSite>>;
  let browser: Browser;
  let page: Page;
  let records: PublishedRecord[];

  beforeAll(async () => {
    server = await serveSite();
    browser = await launchChromium();
    page = await browser.newPage();
    await page.goto(`${server.url}/search/`);
    // A string, so that the test runner's bundler leaves the browser's dynamic import alone.
    await page.evaluate(`import('/pagefind/pagefind.js').then(async (pf) => { await pf.init(); window.__pagefind = pf; })`);
    records = builtRecords();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function failures(asks: Ask[]): Promise<string[]> {
    return page.evaluate(async (asks: Ask[]) => {
      const pf = (window as unknown as { __pagefind: { search(t: string): Promise<{ results: { data(): Promise<{ meta: { no: string } }> }[] }> } }).__pagefind;
      const failed: string[] = [];
      for (const ask of asks) {
        const found = await pf.search(ask.term);
        const data = await Promise.all(found.results.slice(0, 2000).map((r: { data(): Promise<{ meta: { no: string } }> }) => r.data()));
        const nos = new Set(data.map((d: { meta: { no: string } }) => d.meta.no));
        const missing = ask.expect.filter((no) => !nos.has(no));
        if (missing.length) failed.push(`${ask.term}: missing ${missing.join(',')}`);
        if (ask.only && nos.size !== ask.expect.length) failed.push(`${ask.term}: ${nos.size} results, expected exactly ${ask.expect.length}`);
      }
      return failed;
    }, asks);
  }

  it('every full name finds exactly the people with that name', async () => {
    const byName = new Map<string, string[]>();
    for (const r of records) byName.set(searchName(r.name), [...(byName.get(searchName(r.name)) ?? []), r.certificateNo]);
    const asks = [...byName].map(([name, nos]) => ({ term: queryTokens(name, certificateLookupKey(name)).exactName!, expect: nos, only: true }));
    expect(asks.length).toBeGreaterThan(500);
    expect(await failures(asks)).toEqual([]);
  });

  it('every 2-character part of every name finds that person', async () => {
    const byPart = new Map<string, string[]>();
    for (const r of records) {
      for (const part of searchName(r.name).split('·')) {
        const chars = [...part];
        for (let i = 0; i + 2 <= chars.length; i++) {
          const two = chars.slice(i, i + 2).join('');
          byPart.set(two, [...(byPart.get(two) ?? []), r.certificateNo]);
        }
      }
    }
    const asks = [...byPart].map(([two, nos]) => ({ term: queryTokens(two, certificateLookupKey(two)).partialName!, expect: nos }));
    expect(asks.length).toBeGreaterThan(500);
    expect(await failures(asks)).toEqual([]);
  });

  it('every number and its last 4 characters find the page', async () => {
    const asks: Ask[] = [];
    const byTail = new Map<string, string[]>();
    for (const r of records) {
      const key = certificateLookupKey(r.certificateNo);
      asks.push({ term: queryTokens(r.certificateNo, key).number!, expect: [r.certificateNo] });
      const tail = [...key].slice(-4).join('');
      byTail.set(tail, [...(byTail.get(tail) ?? []), r.certificateNo]);
    }
    for (const [tail, nos] of byTail) asks.push({ term: queryTokens(tail, tail).number!, expect: nos });
    expect(await failures(asks)).toEqual([]);
  });
});
