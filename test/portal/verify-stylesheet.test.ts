/**
 * A verification page carries only the rules of site.css its templates can use (src/build/portal/verify-stylesheet.ts):
 * in Chromium, every element of every kind of verification page — each status, a photo, every optional field, an
 * agency phone, filing numbers in the footer, a draft regulation, a certificate /expiry.js turns amber — must look
 * exactly as it does with the whole of site.css, on a phone, on a desktop and in print.
 */
import { readFileSync, rmSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPortal } from '../../src/build/portal/data.ts';
import type { PublicAuxiliary } from '../../src/build/portal/public-view.ts';
import { verifyPageHtml } from '../../src/build/portal/verify-html.ts';
import { verifyStylesheet } from '../../src/build/portal/verify-stylesheet.ts';
import { footerHtml } from '../../src/core/frame.ts';
import { loadSite } from '../../src/import/site.ts';
import { makeContent, PEOPLE, policyWith } from '../legal/content.ts';
import { CHROMIUM_PATH, chromiumAvailable, launchChromium } from '../support/browser.ts';

const SITE_CSS = readFileSync('public/site.css', 'utf8');
const EXPIRY_JS = readFileSync('public/expiry.js', 'utf8');
const STYLE = /<style>[\s\S]*?<\/style>/;

/**
 * Every element, in document order, with a digest of the computed values of `properties` (hashed in the page to keep
 * the transfer small).
 */
function computedStyles(properties: string[]): string[] {
  return [...document.querySelectorAll('*')].map((el) => {
    const style = getComputedStyle(el);
    let hash = 2166136261;
    for (const p of properties) {
      const text = `${p}:${style.getPropertyValue(p)};`;
      for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 16777619);
    }
    return `${el.tagName.toLowerCase()}.${el.className} ${(hash >>> 0).toString(16)}`;
  });
}

/** Every property (longhand) a rule of the page's stylesheets sets, @media rules included: no other can differ. */
function propertiesSet(): string[] {
  const names = new Set<string>();
  const walk = (rules: CSSRuleList) => {
    for (const rule of rules) {
      if ('style' in rule) for (const name of (rule as CSSStyleRule).style) names.add(name);
      if ('cssRules' in rule) walk((rule as CSSGroupingRule).cssRules);
    }
  };
  for (const sheet of document.styleSheets) walk(sheet.cssRules);
  return [...names].sort();
}

/** The classes and elements a page shows: pages alike in these are styled alike. */
const shape = (html: string) => [...new Set(html.match(/<[a-z0-9]+(?: class="[^"]*")?/g))].sort().join(' ');

async function pages(): Promise<{ label: string; html: string }[]> {
  const dir = makeContent(policyWith(['post', 'employment', 'dispatcher', 'photo']));
  try {
    const portal = buildPortal(await loadSite(dir));
    const out: { label: string; html: string }[] = [];
    const footer = footerHtml([...new Set(portal.auxiliaries.map((a) => portal.regulationOf(portal.agencyById.get(a.agencyId)!)))], {
      siteOwner: '某某市司法局',
      siteContact: '0317-0000000',
      filings: { icp: '冀ICP备00000000号', psb: '冀公网安备 13000000000000号', govId: '1300000000' },
    });
    for (const aux of portal.auxiliaries) {
      const agency = portal.agencyById.get(aux.agencyId)!;
      const regulation = portal.regulationOf(agency);
      out.push({ label: `${aux.certificateNo} (${aux.status})`, html: verifyPageHtml(aux, agency, regulation, portal.asOf(agency.id), footer) });
      if (aux.certificateNo === PEOPLE.activeConsent.no) {
        expect(aux.photo, 'the active holder who consented has a photo').toBeDefined();
        out.push({
          label: `${aux.certificateNo} under a draft`,
          html: verifyPageHtml(aux, { ...agency, phone: '0317-0200001' }, { ...regulation, status: 'draft' }, undefined),
        });
        // Built while valid, read after the date: /expiry.js restyles it in the browser.
        const lapsed: PublicAuxiliary = { ...aux, validUntil: '2020-01-01' };
        out.push({ label: `${aux.certificateNo} read after its validity`, html: verifyPageHtml(lapsed, agency, regulation, portal.asOf(agency.id)) });
      }
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe.skipIf(!chromiumAvailable())(`verification pages carry the rules they use (Chromium at ${CHROMIUM_PATH})`, { timeout: 120_000 }, () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('leaves out rules no verification page uses, and keeps the ones only some states show', () => {
    expect(verifyStylesheet.length).toBeLessThan(SITE_CSS.length * 0.7);
    expect(verifyStylesheet).not.toContain('.complaint-form');
    expect(verifyStylesheet).not.toContain('.stats-table');
    expect(verifyStylesheet).not.toContain('/*');
    for (const kept of ['.person img{', '.status-expired{', '[hidden]{', '.site-foot .filings a{', '.draft-notice{', '@media print{']) {
      expect(verifyStylesheet, kept).toContain(kept);
    }
  });

  it('every element of every kind of verification page looks as with the whole of site.css: phone, desktop and print', async () => {
    const all = await pages();
    const shapes = new Set<string>();
    const distinct = all.filter((p) => p.label.includes('read after its validity') || (!shapes.has(shape(p.html)) && shapes.add(shape(p.html))));
    expect(distinct.length).toBeGreaterThanOrEqual(8);
    const page = await browser.newPage({ javaScriptEnabled: true });
    await page.setContent(`<style>${SITE_CSS}</style>`);
    const properties = await page.evaluate(propertiesSet);
    expect(properties).toEqual(expect.arrayContaining(['background-color', 'border-top-style', 'display', 'grid-template-columns', 'color']));
    const differences: string[] = [];
    for (const { label, html } of distinct) {
      expect(html.match(STYLE)?.[0], label).toBe(`<style>${verifyStylesheet}</style>`);
      // No network: the page's own scripts and photo are left out of both.
      const offline = html.replace(/<script src="[^"]*" defer><\/script>/g, '');
      const MODES = [
        ['screen', 360],
        ['screen', 1024],
        ['print', 1024],
      ] as const;
      /** The page's styles with `css` in its <style>, in each mode. */
      const styled = async (css: string) => {
        await page.setContent(offline.replace(STYLE, () => `<style>${css}</style>`));
        if (label.includes('read after its validity')) await page.addScriptTag({ content: EXPIRY_JS });
        const out: string[][] = [];
        for (const [media, width] of MODES) {
          await page.setViewportSize({ width, height: 800 });
          await page.emulateMedia({ media });
          out.push(await page.evaluate(computedStyles, properties));
        }
        return out;
      };
      const subset = await styled(verifyStylesheet);
      const whole = await styled(SITE_CSS);
      MODES.forEach(([media, width], m) => {
        expect(subset[m]!.length, label).toBe(whole[m]!.length);
        whole[m]!.forEach((element, i) => {
          if (subset[m]![i] !== element) differences.push(`${label}, ${media} ${width}px: ${element.split(' ')[0]}`);
        });
      });
    }
    if (all.some((p) => p.label.includes('read after its validity'))) {
      await page.setContent(all.find((p) => p.label.includes('read after its validity'))!.html.replace(/<script src="[^"]*" defer><\/script>/g, ''));
      await page.addScriptTag({ content: EXPIRY_JS });
      expect(await page.locator('.status').getAttribute('class'), '/expiry.js ran').toContain('status-expired');
    }
    await page.close();
    expect(differences).toEqual([]);
  });
});
