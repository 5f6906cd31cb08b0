import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { CHROMIUM_PATH, chromiumAvailable, launchChromium } from './browser.ts';
import { distDir } from './site.ts';
import { createApp, type App } from '../../functions/server/app.ts';
import { startServer, type RunningServer } from '../../functions/server/node.ts';
import { readSettings } from '../../src/core/settings.ts';
import { startSmtp, tempDir } from '../complaints/support.ts';

/**
 * Why a browser test of the whole stack cannot run here (no Chromium, or no built site with these paths), or
 * undefined when it can. The reason is printed so a skipped run says what to install or build.
 */
export function stackSkipReason(suite: string, builtPaths: string[]): string | undefined {
  const reason = !chromiumAvailable()
    ? `Chromium not found at ${CHROMIUM_PATH}`
    : !builtPaths.every((p) => existsSync(join(distDir, p)))
      ? `no built site with ${builtPaths.join(', ')} at ${distDir} (run npm run build, or set TEST_DIST_DIR)`
      : undefined;
  if (reason) console.log(`${suite} skipped: ${reason}`);
  return reason;
}

export interface Stack {
  smtp: Awaited<ReturnType<typeof startSmtp>>;
  app: App;
  server: RunningServer;
  browser: Browser;
  stop(): Promise<void>;
}

/**
 * The whole thing as `npm start` runs it: the built site and the functions on one loopback port, a fresh
 * SQLite store, mail to a real SMTP server on loopback, and Debian's Chromium. `distDir`: another build than the
 * tests' own (a test that builds its own content).
 */
export async function startStack(options: { distDir?: string } = {}): Promise<Stack> {
  const dist = options.distDir ?? distDir;
  const smtp = await startSmtp();
  const varDir = tempDir('gongshi-stack-');
  const env = { ...process.env, SMTP_URL: smtp.url, VAR_DIR: varDir, DATABASE_URL: '' };
  const settings = { ...readSettings(env), siteUrl: 'https://gongshi.example', outDir: dist };
  const app = await createApp(settings, { log: () => undefined });
  const server = await startServer({ distDir: dist, port: 0, functions: app.functions });
  const browser = await launchChromium();
  return {
    smtp,
    app,
    server,
    browser,
    async stop() {
      await browser.close();
      await server.close();
      await app.close();
      await smtp.stop();
      rmSync(varDir, { recursive: true, force: true });
    },
  };
}

/** The first certificate of the built site, with its auxiliary and the agency employing them. */
export function firstCertificate(stack: Stack) {
  const no = readdirSync(join(distDir, 'verify')).sort()[0]!;
  const aux = stack.app.world.directory.auxiliary(no)!;
  return { no, aux, agency: stack.app.world.directory.agency(aux.agencyId)! };
}

/** A new page, and the list of every request it makes to another origin than the local server. */
export async function pageWatchingOrigins(stack: Stack): Promise<{ page: Page; thirdParty: string[] }> {
  const page = await stack.browser.newPage();
  const thirdParty: string[] = [];
  page.on('request', (r) => {
    if (!r.url().startsWith(stack.server.url)) thirdParty.push(r.url());
  });
  return { page, thirdParty };
}

/**
 * Fills the complaint form with one valid complaint (the first category the unit's regulation offers; `extra` fills
 * more fields by selector) and asks for the check step. The form must already show the certificate's match.
 */
export async function fillComplaintForm(page: Page, extra: Record<string, string> = {}): Promise<void> {
  await page.getByLabel('投诉（需留下姓名和电话，会收到办理结果）').check();
  await page.locator('#f-category').selectOption({ index: 1 });
  await page.locator('#f-when').fill('2026-11-20');
  await page.locator('#f-place').fill('示例路口');
  await page.locator('#f-description').fill('对方在没有执法人员在场时单独扣押了我的三轮车，并要求当场交钱。');
  await page.locator('#f-name').fill('测试市民');
  await page.locator('#f-phone').fill('13900000000');
  for (const [selector, value] of Object.entries(extra)) await page.locator(selector).fill(value);
  await page.getByRole('button', { name: '下一步：核对' }).click();
}
