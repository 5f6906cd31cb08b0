/**
 * A verification page paints from its own HTML (src/build/portal/verify-stylesheet.ts, docs/PORTAL.md "One stylesheet,
 * inline on verification pages"): a citizen scanning a badge's QR code on a slow phone has nothing cached, and a
 * linked stylesheet cost a second round trip before anything showed. The stylesheet is in a <style> element allowed
 * by its hash in the policy `/verify/` is served with (no 'unsafe-inline'); every other page keeps the cached link.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyStylesheet } from '../../src/build/portal/verify-stylesheet.ts';
import { parseHeadersFile } from '../../src/core/security-headers.ts';
import { launchChromium } from '../support/browser.ts';
import { measureVerifyPage, PAGE_BUDGETS, SLOW_3G } from '../support/page-weight.ts';
import { distDir, serveSite } from '../support/site.ts';
import { stackSkipReason } from '../support/stack.ts';

const skip = stackSkipReason('verification page first paint', ['verify', '_headers', 'index.html']);

const INLINE_STYLE = /<style>([\s\S]*?)<\/style>/g;
const sha256 = (text: string) => `sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}`;

/** A colour of site.css's :root as Chromium computes it (`rgb(r, g, b)`). */
function cssColour(name: string): string {
  const hex = new RegExp(`--${name}:#([0-9a-f]{6})`, 'i').exec(readFileSync('public/site.css', 'utf8'))![1]!;
  const [r, g, b] = [0, 2, 4].map((i) => Number.parseInt(hex.slice(i, i + 2), 16));
  return `rgb(${r}, ${g}, ${b})`;
}

/** The style-src sources of the policy the static files, `/verify/` included, are served with (`_headers`' `/*` rule). */
function staticPolicy(): string {
  return parseHeadersFile(readFileSync(join(distDir, '_headers'), 'utf8'))['content-security-policy']!;
}

describe.skipIf(!!skip)('a verification page paints from its own HTML', { timeout: 180_000 }, () => {
  let server: Awaited<ReturnType<typeof serveSite>>;
  let browser: Browser;
  /** An active certificate with a validity date: the page that also loads /expiry.js, the heaviest. */
  let no: string;

  beforeAll(async () => {
    server = await serveSite();
    browser = await launchChromium();
    no = readdirSync(join(distDir, 'verify'))
      .sort()
      .find((n) => /class="status status-active" role="status" data-valid-until=/.test(readFileSync(join(distDir, 'verify', n, 'index.html'), 'utf8')))!;
    expect(no, 'an active certificate with a validity date in the sample').toBeDefined();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("every verification page carries site.css inline, the same text, allowed by its hash in _headers' policy; other pages link it", () => {
    const policy = staticPolicy();
    expect(policy).not.toContain('unsafe-inline');
    const styleSrc = policy.split(';').find((d) => d.trim().startsWith('style-src '))!;
    const hashes = new Set<string>();
    const pages = readdirSync(join(distDir, 'verify'));
    for (const n of pages) {
      const html = readFileSync(join(distDir, 'verify', n, 'index.html'), 'utf8');
      expect(/<link[^>]+rel="stylesheet"/.test(html), `${n} links a stylesheet`).toBe(false);
      const styles = [...html.matchAll(INLINE_STYLE)].map((m) => m[1]!);
      expect(styles, n).toEqual([verifyStylesheet]);
      hashes.add(sha256(styles[0]!));
    }
    expect(pages.length).toBeGreaterThan(100);
    expect(hashes.size, 'one text on every page, so one hash').toBe(1);
    expect(styleSrc).toContain(`'${[...hashes][0]}'`);
    // Derived from public/site.css: the rules these pages use, without its comments (verify-stylesheet.test.ts).
    expect(verifyStylesheet).toContain('.status-active{');
    expect(verifyStylesheet).not.toContain('/*');
    for (const page of ['index.html', 'agencies/index.html', 'search/index.html', 'complaint/index.html', 'lookup/index.html']) {
      const html = readFileSync(join(distDir, page), 'utf8');
      expect(html, page).toMatch(/<link rel="stylesheet" href="\/site\.css\?v=[0-9a-f]{10}">/);
      expect(html, page).not.toContain(verifyStylesheet.slice(0, 60));
    }
  });

  it('under slow 3G, JavaScript off, CSP enforced: painted one round trip after the page with no stylesheet asked for, styled, no violation', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    await cdp.send('Network.emulateNetworkConditions', SLOW_3G);
    const requests: { path: string; type: string }[] = [];
    page.on('request', (r) => requests.push({ path: new URL(r.url()).pathname, type: r.resourceType() }));
    const refused: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) refused.push(m.text());
    });
    const response = await page.goto(`${server.url}/verify/${encodeURIComponent(no)}/`, { waitUntil: 'load', timeout: 60_000 });
    const policy = response!.headers()['content-security-policy']!;
    expect(policy, 'the page is served with the policy _headers holds').toBe(staticPolicy());

    // The load event can come before the first frame is presented (a small page, all of it in the first packets):
    // the paint entry is read once Chromium has recorded it, with the time it painted at.
    let firstPaint: number | undefined;
    for (let tries = 0; firstPaint === undefined && tries < 50; tries++) {
      if (tries) await new Promise((resolve) => setTimeout(resolve, 100));
      firstPaint = await page.evaluate(() => performance.getEntriesByType('paint').find((e) => e.name === 'first-contentful-paint')?.startTime);
    }
    expect(firstPaint, 'Chromium painted the page').toBeGreaterThan(0);
    expect(
      requests.filter((r) => r.type === 'stylesheet'),
      'no stylesheet asked for',
    ).toEqual([]);
    // The page is one round trip (2 s under slow 3G); a linked stylesheet made it two (4.3 s).
    expect(firstPaint!).toBeLessThan(2 * SLOW_3G.latency);

    // Styled by site.css: the header's blue, the status box's border and green, the facts' grid.
    expect(await page.locator('.site-head').evaluate((el) => getComputedStyle(el).backgroundColor)).toBe(cssColour('brand'));
    const status = page.locator('#auxiliary .status');
    expect(await status.evaluate((el) => getComputedStyle(el).borderTopStyle)).toBe('solid');
    expect(await status.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe(cssColour('ok-bg'));
    expect(
      await page
        .locator('dl.facts')
        .first()
        .evaluate((el) => getComputedStyle(el).display),
    ).toBe('grid');
    expect(refused).toEqual([]);
    await context.close();
  });

  it(`with JavaScript on, under slow 3G, it stays within ${PAGE_BUDGETS.verifyPageBytes / 1024} KB: the page, its script and the icon, no stylesheet`, async () => {
    const { transfer, stylesheetsBeforePaint, firstContentfulPaintS } = await measureVerifyPage(browser, server.url, no);
    expect(transfer.byType.document?.requests).toBe(1);
    expect(transfer.byType.stylesheet, 'no stylesheet request').toBeUndefined();
    expect(stylesheetsBeforePaint).toBe(0);
    expect(firstContentfulPaintS).toBeLessThan((2 * SLOW_3G.latency) / 1000);
    expect(transfer.bytes).toBeLessThanOrEqual(PAGE_BUDGETS.verifyPageBytes);
  });
});
