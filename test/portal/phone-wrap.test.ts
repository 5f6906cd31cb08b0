/**
 * A phone number on a narrow phone stays on one line: the footer's contact (SITE_CONTACT) and an agency's phone are
 * tappable `tel:` links that never break at their hyphen (「0317-」 on one line, the digits on the next). Rendered in
 * Chromium with site.css at every width from 300 to 430 px, so that wherever the line happens to end, it is tried.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { chromiumAvailable, CHROMIUM_PATH, launchChromium } from '../support/browser.ts';
import { footerHtml, headerHtml } from '../../src/core/frame.ts';
import { phoneHtml } from '../../src/core/phone.ts';

const skip = chromiumAvailable() ? undefined : `Chromium not found at ${CHROMIUM_PATH}`;
if (skip) console.log(`phone numbers on narrow screens skipped: ${skip}`);

const css = readFileSync('public/site.css', 'utf8');
const contact = '任丘市人民政府办公室，电话 0317-2222333、0317-2222334（工作日），地址 任丘市会战道 1 号';
const footer = footerHtml([], { siteOwner: '任丘市人民政府办公室', siteContact: contact, filings: {} as never });
const agencyLine = `<main class="wrap"><p>向所在单位任丘市城市管理综合行政执法局核实：拨打 ${phoneHtml('0317-2260015 转 8001、(0317) 2260016')}。</p></main>`;
const page = `<!doctype html><html lang="zh-CN"><head><meta name="viewport" content="width=device-width, initial-scale=1"><style>${css}</style></head><body>${headerHtml}${agencyLine}${footer}</body></html>`;

describe.skipIf(skip)('phone numbers on narrow screens', { timeout: 120_000 }, () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(() => browser?.close());

  it('every number in the footer and in an agency line is a tel: link on one line at 300–430 px', async () => {
    const tab = await browser.newPage();
    await tab.setContent(page);
    const numbers = await tab.locator('a[href^="tel:"]').allInnerTexts();
    expect(numbers).toEqual(['0317-2260015', '(0317) 2260016', '0317-2222333', '0317-2222334']);
    const broken: string[] = [];
    for (let width = 300; width <= 430; width += 2) {
      await tab.setViewportSize({ width, height: 800 });
      const lines = await tab.$$eval('a[href^="tel:"]', (links) => links.map((a) => `${a.textContent}: ${a.getClientRects().length}`));
      for (const line of lines) if (!line.endsWith(': 1')) broken.push(`${width} px ${line} lines`);
    }
    expect(broken).toEqual([]);
    await tab.close();
  });
});
