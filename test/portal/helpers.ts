import type { Page } from 'playwright-core';
import { PNG } from 'pngjs';
import jsQR from 'jsqr';
import axe from 'axe-core';
import { buildPortal } from '../../src/build/portal/data.ts';
import type { PublicAuxiliary } from '../../src/build/portal/public-view.ts';
import { getSite } from '../../src/import/site.ts';

export type PublishedRecord = PublicAuxiliary & { name: string; agencyName: string };

/**
 * Every auxiliary whose name the site shows (the public view the build made of the same content, on the same
 * day): open data holds active staff only, the search and the pages everyone within the retention period.
 */
export async function builtRecords(): Promise<PublishedRecord[]> {
  const portal = buildPortal(await getSite());
  return portal.auxiliaries
    .filter((a): a is PublicAuxiliary & { name: string } => a.name !== undefined)
    .map((a) => ({ ...a, agencyName: portal.agencyById.get(a.agencyId)!.name }));
}

/** Renders an SVG QR code from the site in the page, screenshots it and decodes it with jsQR. */
export async function decodeQr(page: Page, url: string): Promise<string | undefined> {
  await page.setViewportSize({ width: 420, height: 420 });
  await page.goto(url);
  await page.evaluate(() => {
    const svg = document.querySelector('svg')!;
    svg.setAttribute('width', '400');
    svg.setAttribute('height', '400');
  });
  const png = PNG.sync.read(await page.screenshot({ clip: { x: 0, y: 0, width: 400, height: 400 } }));
  return jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data;
}

/** axe-core run in the page; returns the serious and critical violations. */
export async function axeViolations(page: Page): Promise<{ id: string; impact: string; nodes: string[] }[]> {
  // Evaluated through DevTools, not added as an inline <script>: the site's CSP (rightly) refuses those.
  await page.evaluate(axe.source);
  return page.evaluate(async () => {
    // @ts-expect-error injected above
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations
      .filter((v: { impact: string }) => v.impact === 'serious' || v.impact === 'critical')
      .map((v: { id: string; impact: string; nodes: { target: string[] }[] }) => ({
        id: v.id,
        impact: v.impact,
        nodes: v.nodes.map((n) => n.target.join(' ')),
      }));
  });
}
