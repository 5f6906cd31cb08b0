import { chromium, type Browser, type Page } from 'playwright-core';
import { existsSync } from 'node:fs';

/** Debian's Chromium, installed by .ci/run; never a downloaded browser. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM_PATH);
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/**
 * Waits until the page's island has hydrated. Tests that are not about the plain form's hand-over to the island call
 * this before they type, so that what they do is handled by the island, not by a page still loading its script.
 */
export async function islandReady(page: Page): Promise<void> {
  await page.locator('astro-island:not([ssr])').first().waitFor({ state: 'attached', timeout: 30_000 });
  // Astro drops `ssr` once it has asked React to render, which React does in slices: the plain form may still be on
  // the page. React marks the elements it has committed (a `__reactFiber$…` property); wait for the island's first.
  await page.waitForFunction(
    () => {
      const first = document.querySelector('astro-island:not([ssr])')?.firstElementChild;
      return !!first && Object.keys(first).some((key) => key.startsWith('__reactFiber$'));
    },
    null,
    { timeout: 30_000 },
  );
}
