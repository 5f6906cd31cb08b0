import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import axe from 'axe-core';
import { distDir } from '../support/site.ts';
import { stackSkipReason, startStack, type Stack } from '../support/stack.ts';
import { builtRecords, type PublishedRecord } from './helpers.ts';

/**
 * The portal's pages measured in Chromium: the focus indicator's contrast (WCAG 1.4.11), footer link targets
 * (2.5.8), buttons' edges in forced colours, a certificate number kept whole in the verify heading, focus after
 * 显示更多 (2.4.3), and search without JavaScript (the functions list the people of exactly the name typed).
 */
const reason = stackSkipReason('portal accessibility tests', ['index.html', 'search/index.html', 'verify']);

/** WCAG contrast ratio of two `rgb(…)` colours. */
function contrast(a: string, b: string): number {
  const luminance = (color: string) => {
    const [r, g, bl] = color
      .match(/[\d.]+/g)!
      .slice(0, 3)
      .map((v) => {
        const c = Number(v) / 255;
        return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
      });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * bl!;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

const WHITE = 'rgb(255, 255, 255)';
/** --bg, the footer's and the notices' grey. */
const GREY = 'rgb(246, 248, 250)';
/** --brand, the header's blue. */
const BLUE = 'rgb(11, 61, 145)';

describe.skipIf(reason)('portal accessibility in Chromium', { timeout: 180_000 }, () => {
  let stack: Stack;
  let records: PublishedRecord[];
  const contexts: BrowserContext[] = [];
  const url = (path: string) => `${stack.server.url}${path}`;
  async function open(options: { js?: boolean; width?: number; forcedColors?: 'active' | 'none' } = {}): Promise<Page> {
    const context = await stack.browser.newContext({
      viewport: { width: options.width ?? 360, height: 740 },
      javaScriptEnabled: options.js ?? true,
      forcedColors: options.forcedColors ?? 'none',
    });
    contexts.push(context);
    return context.newPage();
  }
  /** The focused element's indicator: its outline colour and width, and the ring drawn inside it (box-shadow). */
  const indicator = (page: Page) =>
    page.evaluate(() => {
      const el = document.activeElement!;
      const s = getComputedStyle(el);
      return { text: el.textContent?.trim(), outline: s.outlineColor, outlineWidth: parseFloat(s.outlineWidth), style: s.outlineStyle, ring: s.boxShadow };
    });

  beforeAll(async () => {
    stack = await startStack();
    records = await builtRecords();
  });
  afterAll(async () => {
    for (const context of contexts) await context.close();
    await stack?.stop();
  });

  it('the focus indicator is at least 3:1 against white and the grey background, its ring against the blue header; so is the error summary’s', async () => {
    const page = await open({ width: 1280 });
    await page.goto(url('/'));
    const seen = [];
    // Keyboard focus on a header link (blue), the lookup box and its button, a link in the text (white), a footer link (grey).
    for (const selector of ['.site-head nav a', '#lookup-no', 'form.box .btn', 'main a[href="/search/"]', '.site-foot .wrap > a']) {
      await page.locator(selector).first().focus();
      await page.keyboard.press('Shift+Tab');
      await page.keyboard.press('Tab');
      const shown = await indicator(page);
      seen.push(shown.text);
      expect(shown.style, selector).toBe('solid');
      expect(shown.outlineWidth, selector).toBeGreaterThanOrEqual(2);
      expect(contrast(shown.outline, WHITE), selector).toBeGreaterThanOrEqual(3);
      expect(contrast(shown.outline, GREY), selector).toBeGreaterThanOrEqual(3);
      const ring = /^(rgba?\([^)]*\))/.exec(shown.ring)?.[1];
      expect(ring, `${selector}: a light ring inside the outline`).toBeDefined();
      expect(contrast(ring!, BLUE), selector).toBeGreaterThanOrEqual(3);
    }
    expect(seen.length).toBe(5);

    // The no-JS form's error summary takes focus when the page opens.
    const plain = await open({ js: false });
    await plain.goto(url('/complaint/'));
    await Promise.all([
      plain.waitForEvent('framenavigated', (frame) => frame === plain.mainFrame()),
      plain.getByRole('button', { name: '下一步：核对' }).click(),
    ]);
    await plain.waitForLoadState();
    expect(await plain.evaluate(() => document.activeElement?.className)).toBe('error-summary');
    const summary = await indicator(plain);
    expect(summary.style).toBe('solid');
    expect(contrast(summary.outline, WHITE)).toBeGreaterThanOrEqual(3);
  });

  it('footer links are whole words, at least 24×24 px, not touching one another, at 360 px (axe target-size passes)', async () => {
    const page = await open({ width: 360 });
    for (const path of ['/', `/verify/${encodeURIComponent(records[0]!.certificateNo)}/`, '/complaint/status/']) {
      await page.goto(url(path));
      const links = await page.locator('.site-foot .wrap > a').evaluateAll((as) =>
        as.map((a) => {
          const r = a.getBoundingClientRect();
          return {
            text: a.textContent,
            lines: a.getClientRects().length,
            width: r.width,
            height: r.height,
            left: r.left,
            right: r.right,
            top: r.top,
            bottom: r.bottom,
          };
        }),
      );
      expect(links.map((l) => l.text)).toContain('办理统计');
      for (const l of links) {
        expect(l.lines, `${path} ${l.text}`).toBe(1);
        expect(l.width, `${path} ${l.text}`).toBeGreaterThanOrEqual(24);
        expect(l.height, `${path} ${l.text}`).toBeGreaterThanOrEqual(24);
      }
      for (const [i, a] of links.entries()) {
        for (const b of links.slice(i + 1)) {
          const apart = a.right <= b.left || b.right <= a.left || a.bottom <= b.top || b.bottom <= a.top;
          expect(apart, `${path}: ${a.text} and ${b.text}`).toBe(true);
        }
      }
      await page.evaluate(axe.source);
      const violations = await page.evaluate(async () => {
        // @ts-expect-error injected above
        const result = await window.axe.run('.site-foot', { runOnly: ['target-size'] });
        return result.violations.flatMap((v: { nodes: { target: string[] }[] }) => v.nodes.map((n) => n.target.join(' ')));
      });
      expect(violations, path).toEqual([]);
    }
  });

  it('buttons and the 投诉此人 call to action keep an edge in forced colours', async () => {
    const page = await open({ forcedColors: 'active' });
    const active = records.find((r) => r.status === 'active')!;
    await page.goto(url(`/verify/${encodeURIComponent(active.certificateNo)}/`));
    const edges = async (selector: string) =>
      page
        .locator(selector)
        .first()
        .evaluate((el) => {
          const s = getComputedStyle(el);
          return {
            width: parseFloat(s.borderTopWidth) >= 1 && parseFloat(s.borderLeftWidth) >= 1,
            style: s.borderTopStyle,
            color: s.borderTopColor !== s.backgroundColor,
          };
        });
    expect(await edges('a.btn')).toEqual({ width: true, style: 'solid', color: true });
    await page.goto(url('/'));
    expect(await edges('form.box .btn')).toEqual({ width: true, style: 'solid', color: true });
  });

  it('the verify heading keeps the certificate number on one line at 320 and 360 px', async () => {
    const numbers = readdirSync(join(distDir, 'verify')).sort();
    const longest = [...numbers].sort((a, b) => b.length - a.length).slice(0, 3);
    for (const width of [320, 360]) {
      const page = await open({ width });
      for (const no of [...longest, numbers[0]!]) {
        await page.goto(url(`/verify/${encodeURIComponent(no)}/`));
        const heading = await page.locator('h1').evaluate((h) => {
          const number = h.querySelector('.cert-no');
          return { number: number?.textContent, lines: number?.getClientRects().length, wide: document.documentElement.scrollWidth };
        });
        expect(heading, `${no} at ${width}`).toEqual({ number: no, lines: 1, wide: width });
      }
    }
  });

  it('显示更多 moves focus to the first result it added, also when it hides itself after the last page', async () => {
    const page = await open({ width: 1280 });
    await page.goto(url(`/search/?q=${encodeURIComponent('城管')}`));
    await page.locator('#search-summary').filter({ hasText: /找到/ }).waitFor();
    const more = page.locator('#search-more');
    let presses = 0;
    while (await more.isVisible()) {
      const before = await page.locator('#search-results li').count();
      await more.click();
      presses++;
      await expect
        .poll(() =>
          page.evaluate((n) => {
            const items = document.querySelectorAll('#search-results li');
            return document.activeElement === (items[n] ?? items[items.length - 1])?.querySelector('a');
          }, before),
        )
        .toBe(true);
    }
    expect(presses, 'more than one page of results').toBeGreaterThan(1);
    expect(await page.evaluate(() => document.activeElement?.closest('#search-results') !== null)).toBe(true);
  });

  it('without JavaScript, a name typed into the lookup box lists the people of that name, linked to their pages', async () => {
    const page = await open({ js: false });
    const byName = new Map<string, PublishedRecord[]>();
    for (const r of records) byName.set(r.name, [...(byName.get(r.name) ?? []), r]);
    const [name, people] = [...byName].find(([, list]) => list.length > 1)!;
    await page.goto(url('/'));
    await page.locator('#lookup-no').fill(name);
    await Promise.all([page.waitForURL('**/search/?q=*'), page.locator('#lookup-no').press('Enter')]);
    expect(await page.locator('#q').inputValue()).toBe(name);
    expect(await page.locator('#search-nojs-summary').textContent()).toContain(`有 ${people.length} 人`);
    const listed = await page
      .locator('#search-nojs-summary + ol li')
      .evaluateAll((items) => items.map((li) => ({ href: li.querySelector('a')!.getAttribute('href'), text: li.textContent })));
    expect(listed.map((l) => l.href).sort()).toEqual(people.map((p) => `/verify/${encodeURIComponent(p.certificateNo)}/`).sort());
    for (const p of people) expect(listed.find((l) => l.href!.includes(encodeURIComponent(p.certificateNo)))!.text).toContain(p.agencyName);
    await page.locator('#search-nojs-summary + ol a').first().click();
    expect(await page.locator('#auxiliary').getAttribute('data-name')).toBe(name);

    // A unit's everyday name: its roster pages; a name nobody has: said so, with what needs JavaScript.
    await page.goto(url(`/search/?q=${encodeURIComponent('城管')}`));
    expect(await page.locator('#search-nojs-summary').textContent()).toContain('没有姓名为「城管」的人员');
    expect(await page.locator('a[href="/agencies/renqiu-cgj/"]').count()).toBeGreaterThan(0);
    expect(await page.locator('#search-nojs').textContent()).toContain('需要 JavaScript');
    // A name no longer published is not found by the text that stands in for it.
    await page.goto(url(`/search/?q=${encodeURIComponent('（姓名已不再公示）')}`));
    expect(await page.locator('#search-nojs-summary + ol li').count()).toBe(0);
    // With JavaScript the page's own search runs; the block is not shown.
    const withJs = await open({ js: true });
    await withJs.goto(url(`/search/?q=${encodeURIComponent(name)}`));
    await withJs.locator('#search-summary').filter({ hasText: /找到/ }).waitFor();
    expect(await withJs.locator('#search-nojs-summary').count()).toBe(0);
  });
});
