/**
 * `npm run screenshots`: what citizens see, at phone size (390×844), into docs/screenshots/ — the verification
 * page for every status (a small site built here: a unit under the Lu'an draft, every optional field published),
 * and, on the built sample site (`npm run build` first) with the functions, the lookup's not-found answer with a
 * suggestion, search by an everyday unit name, /stats/ (with complaints written into a scratch store), and the
 * complaint path without JavaScript (form, error, check,
 * confirmation). Debian's Chromium (CHROMIUM_PATH) through playwright-core; Chinese text needs a CJK font
 * (Debian: fonts-noto-cjk). First screens only: a PNG shows what a phone shows before scrolling.
 */
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { mkdtempSync } from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import { createApp } from '../functions/server/app.ts';
import { startServer } from '../functions/server/node.ts';
import { complaintFields, formWords } from '../src/core/complaint/fields.ts';
import { readSettings } from '../src/core/settings.ts';
import { launchChromium } from '../test/support/browser.ts';
import { buildPhoneSite, PHONE_PEOPLE } from './screenshots/phone-site.ts';
import { seedComplaints } from './screenshots/stats-seed.ts';

const root = resolve(import.meta.dirname, '..');
const out = join(root, 'docs', 'screenshots');
const sampleDist = resolve(root, process.env.OUT_DIR || 'dist');
const PHONE = { width: 390, height: 844 };

if (!existsSync(join(sampleDist, 'index.html'))) {
  console.error(`没有找到建好的网站 ${sampleDist}：请先运行 npm run build`);
  process.exit(1);
}
mkdirSync(out, { recursive: true });

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(out, name) });
  console.log(`docs/screenshots/${name}`);
}

const browser = await launchChromium();
try {
  // The verification page for every status.
  const phone = buildPhoneSite();
  const phoneServer = await startServer({ distDir: phone.dist, port: 0 });
  try {
    const context = await browser.newContext({ viewport: PHONE });
    const page = await context.newPage();
    for (const [status, person] of Object.entries(PHONE_PEOPLE)) {
      await page.goto(`${phoneServer.url}/verify/${encodeURIComponent(person.no)}/`);
      await page.locator('#auxiliary img, #auxiliary .status').first().waitFor();
      await shot(page, `verify-${status}-phone.png`);
    }
    await context.close();
  } finally {
    await phoneServer.close();
    phone.remove();
  }

  // The sample site with the functions, as `npm start` runs it (mail to .eml files in a scratch folder).
  const varDir = mkdtempSync(join(tmpdir(), 'gongshi-shots-'));
  const settings = { ...readSettings({ ...process.env, VAR_DIR: varDir, DATABASE_URL: '', SMTP_URL: '' }), outDir: sampleDist };
  const app = await createApp(settings, { log: () => undefined });
  const server = await startServer({ distDir: sampleDist, port: 0, functions: app.functions });
  const url = (path: string) => `${server.url}${path}`;
  try {
    const noJs: BrowserContext = await browser.newContext({ viewport: PHONE, javaScriptEnabled: false });
    const js: BrowserContext = await browser.newContext({ viewport: PHONE });

    // /stats/ with enough complaints to publish most counts (the store is the scratch one of this run).
    for (const [agency, category, count] of [
      ['renqiu-cgj', 'hebei-2021:10.1', 24],
      ['renqiu-scjg', 'hebei-2021:10.2', 16],
      ['renqiu-jtzf', 'hebei-2021:10.1', 12],
      ['luan-cgj', 'luan-draft:15.1', 9],
    ] as const) {
      await seedComplaints(app.world.store, agency, category, count);
    }
    const stats = await noJs.newPage();
    await stats.goto(url('/stats/'));
    await stats.locator('#by-agency-title').scrollIntoViewIfNeeded();
    await stats.evaluate(() => document.getElementById('by-agency-title')!.scrollIntoView());
    await shot(stats, 'stats-phone.png');

    const lookup = await noJs.newPage();
    await lookup.goto(url('/lookup/?no=RQCG-2O24-0001'));
    await shot(lookup, 'lookup-not-found-suggestion.png');

    const search = await js.newPage();
    await search.goto(url(`/search/?q=${encodeURIComponent('城管')}`));
    await search.locator('#search-results li').first().waitFor();
    await shot(search, 'search-alias-phone.png');

    // The complaint path without JavaScript, from a verification page's 投诉此人.
    const no = readdirSync(join(sampleDist, 'verify')).sort()[0]!;
    const form = await noJs.newPage();
    await form.goto(url(`/verify/${encodeURIComponent(no)}/`));
    await form.getByRole('link', { name: '投诉此人' }).first().click();
    await form.waitForLoadState('load');
    await shot(form, 'complaint-nojs-1-form.png');
    await form.getByLabel(complaintFields.kind.choices!.complaint!).check();
    await form.getByLabel(complaintFields.about.choices!.auxiliary!).check();
    await form.locator('#f-certificateNo').fill(no);
    await form.locator('#f-when').fill('2026-11-20');
    await form.getByRole('button', { name: formWords.toCheck }).click();
    await form.locator('.error-summary').waitFor();
    await shot(form, 'complaint-nojs-2-error.png');
    // A category of the holder's own regulation (the form refuses another's).
    const regulation = app.world.directory.agency(app.world.directory.auxiliary(no)!.agencyId)!.regulation;
    const category = await form.locator(`#f-category option[value^="${regulation}:"]`).first().getAttribute('value');
    await form.locator('#f-category').selectOption(category!);
    await form.locator('#f-place').fill('示例路与示例街交叉口');
    await form.locator('#f-description').fill('对方在没有执法人员在场时单独扣押了我的三轮车，并要求当场交钱。');
    await form.locator('#f-name').fill('测试市民');
    await form.locator('#f-phone').fill('13900000000');
    await form.getByRole('button', { name: formWords.toCheck }).click();
    await form.getByRole('button', { name: formWords.submit }).waitFor();
    await shot(form, 'complaint-nojs-3-check.png');
    await form.getByRole('button', { name: formWords.submit }).click();
    await form.locator('.confirmation').waitFor();
    await shot(form, 'complaint-nojs-4-confirmation.png');
  } finally {
    await server.close();
    await app.close();
    rmSync(varDir, { recursive: true, force: true });
  }
} finally {
  await browser.close();
}
