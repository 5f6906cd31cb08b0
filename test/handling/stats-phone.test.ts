/**
 * /stats/ on a phone (390×844) in Chromium, served by the function from a real SQLite store behind the Node server
 * (the built site's stylesheet): no column squeezed to a character per line and nothing wider than the screen; when
 * most counts are suppressed the page says so in words instead of drawing empty bars, and draws bars otherwise.
 */
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { buildDirectory } from '../../src/core/directory.ts';
import { loadRegistry } from '../../src/import/registry/load.ts';
import { loadRegulations } from '../../src/import/regulation/load.ts';
import type { Db } from '../../functions/store/index.ts';
import { statsFunctions } from '../../functions/stats/http.ts';
import { startServer, type RunningServer } from '../../functions/server/node.ts';
import { freshDb, manualClock } from '../complaints/support.ts';
import { launchChromium } from '../support/browser.ts';
import { stackSkipReason } from '../support/stack.ts';
import { distDir } from '../support/site.ts';
import { seedComplaints as seed } from '../../scripts/screenshots/stats-seed.ts';

const PHONE = { width: 390, height: 844 };
const skip = stackSkipReason('/stats/ on a phone', ['site.css']);
const root = resolve(import.meta.dirname, '../..');
const contentDir = join(root, 'content');
const regulations = await loadRegulations(contentDir);
const registry = await loadRegistry(contentDir, new Set(regulations.keys()));
const directory = buildDirectory({ agencies: registry.agencies, regulations, auxiliaries: [] });

/** Table cells squeezed to a few characters a line, and the page's width. */
async function squeezed(page: Page): Promise<{ cells: string[]; scrollWidth: number; measured: number }> {
  return page.evaluate(() => {
    const cells: string[] = [];
    let measured = 0;
    for (const cell of document.querySelectorAll<HTMLElement>('main table th, main table td')) {
      const text = cell.textContent?.trim() ?? '';
      // Column heads visually hidden on a phone (each cell carries its column's name) are not read there.
      const head = cell.closest('thead')?.getBoundingClientRect();
      if (!cell.offsetParent || !text || (head && head.width <= 1)) continue;
      measured++;
      const range = document.createRange();
      range.selectNodeContents(cell);
      const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
      // Squeezed: broken into lines of fewer than 4 characters (a long label over 2–3 full lines is fine).
      if (lines > 1 && text.length / lines < 4) cells.push(`${text} (${lines} lines, ${Math.round(cell.getBoundingClientRect().width)} px)`);
    }
    return { cells, scrollWidth: document.documentElement.scrollWidth, measured };
  });
}

describe.skipIf(skip)('/stats/ on a phone', { timeout: 120_000 }, () => {
  let browser: Browser;
  const servers: RunningServer[] = [];
  const dbs: Db[] = [];

  /** A server whose /stats/ reads a fresh store seeded with `plan`. */
  async function statsSite(plan: [agency: string, category: string, count: number][]): Promise<string> {
    const db = await freshDb('sqlite');
    dbs.push(db);
    for (const [agency, category, count] of plan) await seed(db, agency, category, count);
    const stats = statsFunctions({ store: db, clock: manualClock(), directory, log: () => undefined });
    const server = await startServer({ distDir, port: 0, functions: stats });
    servers.push(server);
    return `${server.url}/stats/`;
  }

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    for (const s of servers) await s.close();
    for (const db of dbs) await db.close();
  });

  for (const javaScriptEnabled of [true, false]) {
    it(`reads on a phone: no squeezed columns, nothing wider than the screen, bars drawn (JavaScript ${javaScriptEnabled ? 'on' : 'off'})`, async () => {
      const url = await statsSite([
        ['renqiu-cgj', 'hebei-2021:10.1', 24],
        ['renqiu-scjg', 'hebei-2021:10.2', 16],
        ['renqiu-jtzf', 'hebei-2021:10.1', 12],
        ['luan-cgj', 'hebei-2021:10.2', 9],
      ]);
      const context = await browser.newContext({ viewport: PHONE, javaScriptEnabled });
      const page = await context.newPage();
      await page.goto(url);
      const { cells, scrollWidth, measured } = await squeezed(page);
      expect(measured).toBeGreaterThan(20);
      expect(cells).toEqual([]);
      expect(scrollWidth).toBeLessThanOrEqual(PHONE.width);
      // Every value still sits with its column's name.
      const shown = await page
        .locator('#by-agency tbody tr')
        .first()
        .locator('td')
        .evaluateAll((tds) => tds.map((td) => `${getComputedStyle(td, '::before').content.replace(/"/g, '')} ${td.textContent}`));
      expect(shown[0]).toMatch(/^收到 \d+$/);
      expect(shown.at(-1)).toMatch(/^超期比例 /);
      expect(await page.locator('#by-agency-title + figure svg rect.received').count()).toBeGreaterThan(0);
      expect(await page.locator('.chart-withheld').count()).toBe(0);
      await context.close();
    });
  }

  it('says in words that most counts are suppressed instead of drawing empty bars', async () => {
    const url = await statsSite([
      ['renqiu-cgj', 'hebei-2021:10.1', 6],
      ['renqiu-scjg', 'hebei-2021:10.2', 3],
      ['renqiu-jtzf', 'hebei-2021:10.1', 2],
      ['luan-cgj', 'hebei-2021:10.2', 1],
    ]);
    const context = await browser.newContext({ viewport: PHONE });
    const page = await context.newPage();
    await page.goto(url);
    const section = page.locator('section[aria-labelledby="by-agency-title"]');
    await expect.poll(() => section.locator('.chart-withheld').innerText()).toMatch(/共 4 个机关，多数件数少于 5 件或不公布.*不画图表/);
    expect(await section.locator('svg').count()).toBe(0);
    // The table still lists every agency, the small counts in words.
    expect(await section.locator('tbody tr').count()).toBe(4);
    expect(await section.locator('tbody').innerText()).toContain('少于 5');
    expect((await squeezed(page)).scrollWidth).toBeLessThanOrEqual(PHONE.width);
    await context.close();
  });
});
