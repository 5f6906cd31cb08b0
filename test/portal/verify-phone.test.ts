/**
 * A verification page on a phone (390×844), JavaScript on and off, for every status, on a unit under the Lu'an
 * draft with every optional field published (the longest first screen): the status with its date, the holder's
 * name and the complaint (or report) button sit on the first screen, measured by their boxes in Chromium; the draft
 * notice and the validity date or its expiry are on the page; a link jumps to what the auxiliary may and may not do;
 * the address without its trailing slash shows the page with its photo and working links, through the functions
 * and even where a host serves the page there without redirecting.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { chromiumAvailable, CHROMIUM_PATH } from '../support/browser.ts';
import { startStack, type Stack } from '../support/stack.ts';
import { formatDate, statusInfo } from '../../src/core/labels.ts';
import type { ShownStatus } from '../../src/core/roster/schema.ts';
import { buildPhoneSite, PHONE_PEOPLE } from '../../scripts/screenshots/phone-site.ts';

const PHONE = { width: 390, height: 844 };
const skip = chromiumAvailable() ? undefined : `Chromium not found at ${CHROMIUM_PATH}`;
if (skip) console.log(`verification pages on a phone skipped: ${skip}`);

interface Box {
  top: number;
  bottom: number;
}

async function box(page: Page, selector: string): Promise<Box> {
  const b = await page.locator(selector).first().boundingBox();
  if (!b) throw new Error(`${selector} is not rendered`);
  return { top: b.y, bottom: b.y + b.height };
}

describe.skipIf(skip)('verification pages on a phone', { timeout: 300_000 }, () => {
  let site: ReturnType<typeof buildPhoneSite>;
  let stack: Stack;
  const contexts: Record<'js' | 'nojs', BrowserContext> = {} as never;

  beforeAll(async () => {
    site = buildPhoneSite();
    stack = await startStack({ distDir: site.dist });
    contexts.js = await stack.browser.newContext({ viewport: PHONE });
    contexts.nojs = await stack.browser.newContext({ viewport: PHONE, javaScriptEnabled: false });
  });
  afterAll(async () => {
    await stack?.stop();
    site?.remove();
  });

  const url = (path: string) => `${stack.server.url}${path}`;
  const own = (no: string) => `/verify/${encodeURIComponent(no)}/`;

  for (const mode of ['js', 'nojs'] as const) {
    describe(mode === 'js' ? 'JavaScript on' : 'JavaScript off', () => {
      for (const status of Object.keys(PHONE_PEOPLE) as ShownStatus[]) {
        it(`${status}: status with its date, name and button on the first screen; draft notice and dates on the page`, async () => {
          const person = PHONE_PEOPLE[status];
          const page = await contexts[mode].newPage();
          await page.goto(url(own(person.no)));
          const statusBox = page.locator('#auxiliary .status');
          expect(await statusBox.getAttribute('class')).toContain(`status-${status}`);
          expect(await statusBox.locator('.label').textContent()).toBe(statusInfo[status].label);
          const boxText = (await statusBox.innerText()).replace(/\s+/g, ' ');
          if (status === 'active' || status === 'suspended' || status === 'expired') {
            expect(boxText).toContain(`有效期至 ${formatDate(person.until)}${status === 'expired' ? '（已过期）' : ''}`);
          } else {
            expect(boxText).toContain(formatDate(person.since));
            expect(boxText).not.toContain('有效期至');
          }
          const name = page.locator('#auxiliary dl.facts dd').first();
          expect(await name.innerText()).toBe(person.name);
          const button = page.locator('#auxiliary a.btn');
          expect(await button.innerText()).toBe(statusInfo[status].valid ? '投诉此人' : '举报仍在使用此证件的人');
          const measured = {
            status: await box(page, '#auxiliary .status'),
            name: await box(page, '#auxiliary dl.facts dd'),
            button: await box(page, '#auxiliary a.btn'),
          };
          for (const [what, b] of Object.entries(measured)) {
            expect(b.top, what).toBeGreaterThanOrEqual(0);
            expect(b.bottom, what).toBeLessThanOrEqual(PHONE.height);
          }
          expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
          // The draft notice is on the page, before the rules it quotes.
          const draft = page.locator('.draft-notice');
          expect(await draft.innerText()).toMatch(/征求意见稿.*不具有法律效力/);
          expect((await box(page, '.draft-notice')).top).toBeLessThan((await box(page, '#rules')).top);
          await page.close();
        });
      }

      it('a link on the first screen jumps to what the auxiliary may and may not do', async () => {
        const page = await contexts[mode].newPage();
        await page.goto(url(own(PHONE_PEOPLE.active.no)));
        const jump = page.locator('#auxiliary a[href="#rules"]');
        expect((await box(page, '#auxiliary a[href="#rules"]')).bottom).toBeLessThanOrEqual(PHONE.height);
        await jump.click();
        await expect.poll(() => new URL(page.url()).hash).toBe('#rules');
        const rules = await box(page, '#rules');
        // Scrolled to the heading (a fraction of a pixel either way).
        expect(Math.abs(rules.top)).toBeLessThan(2);
        expect(await page.locator('#rules').innerText()).toContain('可以做什么');
        await page.close();
      });

      it('the address without the trailing slash shows the page with its photo and working links', async () => {
        const page = await contexts[mode].newPage();
        const no = PHONE_PEOPLE.active.no;
        const response = await page.goto(url(own(no).slice(0, -1)));
        expect(response?.status()).toBe(200);
        expect(new URL(page.url()).pathname).toBe(own(no));
        await expectPageWorks(page, no);
        // A host that serves the folder's page at the slashless address without redirecting (Netlify with
        // "pretty URLs" off): the page's links and photo are absolute, so they work there too.
        const html = readFileSync(join(site.dist, 'verify', no, 'index.html'), 'utf8');
        const slashless = url(own(no).slice(0, -1));
        await page.route(slashless, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }));
        await page.goto(slashless);
        expect(page.url()).toBe(slashless);
        await expectPageWorks(page, no);
        await page.close();
      });
    });
  }

  async function expectPageWorks(page: Page, no: string) {
    const img = page.locator('#auxiliary img');
    await expect.poll(() => img.evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth)).toBeGreaterThan(0);
    // The stylesheet applied (the status box has its colours).
    expect(await page.locator('#auxiliary .status').evaluate((el) => getComputedStyle(el).borderTopStyle)).toBe('solid');
    const hrefs = await page.locator('#auxiliary a').evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href));
    for (const href of hrefs) {
      const target = new URL(href);
      if (target.hash && target.pathname === new URL(page.url()).pathname) continue;
      const r = await page.request.get(href, { maxRedirects: 0 });
      expect(r.status(), href).toBe(200);
    }
    expect(hrefs).toContain(url(`/complaint/?no=${encodeURIComponent(no)}`));
  }
});
