import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSiteInBackground } from '../../scripts/build/atomic.ts';
import { createApp, type App } from '../../functions/server/app.ts';
import { startServer, type RunningServer } from '../../functions/server/node.ts';
import { buildFailureMessage } from '../../functions/publish/republish.ts';
import { openStore } from '../../functions/store/index.ts';
import { publishVersion } from '../../functions/store/records/roster-versions.ts';
import { readSettings } from '../../src/core/settings.ts';
import { CHROMIUM_PATH, chromiumAvailable, islandReady, launchChromium } from '../support/browser.ts';
import { startSmtp, tempDir } from '../complaints/support.ts';
import { simpleParser } from '../complaints/parse.ts';

/**
 * A clerk's whole journey in Chromium, on the stack `npm start` runs: the site built by Astro into a temporary
 * OUT_DIR and served with the functions on a loopback port, a SQLite store under VAR_DIR, mail through a real SMTP
 * server on loopback, and every confirmation rebuilt by the real build in the background and swapped in.
 * The content is the sample's registry and regulations with one small Git roster, so that each build is quick.
 */
const reason = chromiumAvailable() ? undefined : `Chromium not found at ${CHROMIUM_PATH}`;
if (reason) console.log(`publishing journey skipped: ${reason}`);

const root = resolve(import.meta.dirname, '../..');
const AGENCY = 'renqiu-jtys';
const NEW_NO = 'RQ-JT-0100';
const NEW_NAME = '𠮷路政';

/** Writes an XLSX export with ExcelJS: another writer than the importer's reader. */
async function xlsx(rows: string[][]): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('名单');
  for (const row of rows) sheet.addRow(row);
  return Buffer.from(await book.xlsx.writeBuffer());
}

describe.skipIf(reason)('the publishing journey in Chromium', () => {
  const work = tempDir('gongshi-journey-');
  const content = join(work, 'content');
  const varDir = join(work, 'var');
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let app: App;
  let server: RunningServer;
  let browser: Browser;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    CONTENT_DIR: content,
    OUT_DIR: join(work, 'dist'),
    VAR_DIR: varDir,
    ASTRO_CACHE_DIR: join(work, 'cache'),
    SITE_URL: 'http://127.0.0.1',
    SECRET: 'journey-test-secret-journey-test-secret-0123',
  };
  delete env.ROSTER_STORE_URL;
  delete env.DATABASE_URL;
  delete env.BUILD_HOOK_URL;

  beforeAll(async () => {
    cpSync(join(root, 'content'), content, { recursive: true, filter: (src) => !src.startsWith(join(root, 'content/rosters')) });
    mkdirSync(join(content, 'rosters'));
    cpSync(join(root, 'content/rosters/luan-jinan/luan-jinan-yjgl-2026-11-01.csv'), join(content, 'rosters/luan-jinan-yjgl-2026-11-01.csv'));
    // The agency published once before through the workspace: version 1, three people.
    const store = await openStore({ databaseUrl: undefined, varDir });
    await publishVersion(store, {
      agencyId: AGENCY,
      publishedAt: '2026-11-01T02:00:00.000Z',
      mailbox: 'jtj@renqiu.gov.cn.example',
      fileHash: 'seed',
      counts: { total: 3 },
      diff: {},
      records: ['路政甲', '路政乙', '路政丙'].map((name, i) => ({ certificateNo: `RQ-JT-000${i + 1}`, name, agencyId: AGENCY, status: 'active' as const })),
    });
    await store.close();
    const settings = readSettings(env);
    const first = await buildSiteInBackground({ outDir: settings.outDir, env });
    if (!first.ok) throw new Error(first.output);
    smtp = await startSmtp();
    let ready!: (app: App) => void;
    const appReady = new Promise<App>((done) => (ready = done));
    server = await startServer({ distDir: settings.outDir, port: 0, functions: async (request, context) => (await appReady).functions(request, context) });
    app = await createApp(
      { ...settings, siteUrl: server.url, smtpUrl: smtp.url },
      {
        env,
        log: () => undefined,
        rebuildSite: async () => {
          const result = await buildSiteInBackground({ outDir: settings.outDir, env });
          return result.ok ? { ok: true } : { ok: false, message: buildFailureMessage(result.output) };
        },
      },
    );
    ready(app);
    browser = await launchChromium();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await app?.close();
    await smtp?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  /** The sign-in link in the newest mail to `to`, delivered by the outbox to the SMTP server. */
  async function mailedLink(to: string): Promise<string> {
    await app.sendPendingMail();
    const mail = smtp.received.filter((m) => m.to.includes(to)).at(-1);
    if (!mail) throw new Error(`no mail to ${to}`);
    const text = (await simpleParser(mail.raw)).text ?? '';
    const link = new RegExp(`${server.url.replace(/[.:/]/g, '\\$&')}/publish/sign-in/[A-Za-z0-9_-]{43}`).exec(text)?.[0];
    if (!link) throw new Error('no sign-in link in the mail');
    return link;
  }

  /** Polls until the address answers as expected (the background build swaps the site in when it is done). */
  async function waitFor(path: string, test: (response: Response) => boolean, timeoutMs = 240_000): Promise<number> {
    const started = performance.now();
    while (performance.now() - started < timeoutMs) {
      const response = await fetch(`${server.url}${path}`, { redirect: 'manual' });
      await response.arrayBuffer();
      if (test(response)) return (performance.now() - started) / 1000;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`${path} did not change within ${timeoutMs / 1000} s`);
  }

  const upload = async (page: Page, name: string, buffer: Buffer, mimeType: string) => {
    await page.locator('#roster').setInputFiles({ name, mimeType, buffer });
    await page.getByRole('button', { name: '上传并检查' }).click();
    await page.waitForLoadState();
  };

  it('signs in by mail, sees the reports of two bad exports, confirms a fixed one, and undoes it', async () => {
    const page = await browser.newPage();
    const verifyPath = `/verify/${NEW_NO}/`;
    expect((await fetch(`${server.url}${verifyPath}`, { redirect: 'manual' })).status).toBe(302);

    // Sign in: the agency's mailbox gets a link; opening it shows a button; pressing it signs in.
    await page.goto(`${server.url}/publish/`);
    await page.locator('#agency').selectOption(AGENCY);
    await page.getByRole('button', { name: '发送登录链接' }).click();
    await expect.poll(() => page.locator('[role=status]').textContent()).toContain('j***@renqiu.gov.cn.example');
    const link = await mailedLink('jtj@renqiu.gov.cn.example');
    await page.goto(link);
    expect(await page.locator('h1').textContent()).toBe('登录名单发布');
    expect(new URL(page.url()).pathname).toMatch(/^\/publish\/sign-in\//);
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL(`${server.url}/publish/workspace/`);
    expect(await page.locator('[data-version]').textContent()).toContain('当前第 1 版');

    // A GB18030 CSV with a bad status word and a missing number: every problem named by row and column.
    await upload(page, '交通运输局-2026-11-30.csv', readFileSync(join(import.meta.dirname, 'fixtures/journey-gb18030.csv')), 'text/csv');
    expect(await page.locator('h1').textContent()).toBe('名单有问题，未保存');
    const csvProblems = await page.locator('ol.problems').textContent();
    expect(csvProblems).toMatch(/第 3 行，D 列「状态」，值「放假了」/);
    expect(csvProblems).toMatch(/第 4 行，B 列「证件编号」/);
    expect(await page.locator('pre.report').textContent()).toContain('GB18030');

    // An XLSX written by ExcelJS with an ID-card number in a published column: named, and the number not shown.
    const idCard = '130982199001011234';
    await upload(
      page,
      '交通运输局-2026-11-30.xlsx',
      await xlsx([
        ['姓名', '证件编号', '岗位', '状态'],
        ['路政甲', 'RQ-JT-0001', idCard, '在岗'],
        ['路政乙', 'RQ-JT-0002', '路政协管员', '暂停'],
      ]),
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    expect(await page.locator('h1').textContent()).toBe('名单有问题，未保存');
    const xlsxProblems = (await page.locator('ol.problems').textContent()) ?? '';
    expect(xlsxProblems).toMatch(/第 2 行，C 列「岗位」/);
    expect(xlsxProblems).toContain('居民身份证号码');
    expect(await page.content()).not.toContain(idCard);

    // The fixed file: one added, one suspended, one gone (to be ticked as left), one unchanged.
    await upload(
      page,
      '交通运输局-2026-11-30.xlsx',
      await xlsx([
        ['姓名', '证件编号', '岗位', '状态'],
        ['路政甲', 'RQ-JT-0001', '路政协管员', '在岗'],
        ['路政乙', 'RQ-JT-0002', '路政协管员', '暂停'],
        [NEW_NAME, NEW_NO, '路政协管员', '在岗'],
      ]),
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    expect(await page.locator('h1').textContent()).toBe('核对变化');
    const diff = (await page.locator('.publish').textContent()) ?? '';
    expect(diff).toContain(`新增（1 人）${NEW_NAME}（${NEW_NO}）`);
    expect(diff).toContain('路政乙（RQ-JT-0002）：在岗 → 暂停');
    expect(diff).toContain('名单中消失的人员（1 人）');
    await page.getByLabel('路政丙（RQ-JT-0003）已离职').check();

    // Confirm: the workspace says the site is being rebuilt; the old site is served until the new one is live.
    await page.getByRole('button', { name: '确认发布' }).click();
    await page.waitForURL(`${server.url}/publish/workspace/`);
    expect(await page.locator('[data-state]').getAttribute('data-state')).toBe('building');
    const live = await waitFor(verifyPath, (r) => r.status === 200);
    console.log(`[journey] confirm → ${verifyPath} served: ${live.toFixed(1)} s`);
    await page.reload();
    await expect.poll(() => page.locator('[data-state]').getAttribute('data-state'), { timeout: 30_000 }).toBe('live');
    expect(await page.locator('[data-version]').textContent()).toContain('当前第 2 版');
    const verify = await browser.newPage();
    await verify.goto(`${server.url}${verifyPath}`);
    expect(await verify.locator('main').textContent()).toContain(NEW_NAME);
    await verify.goto(`${server.url}/verify/RQ-JT-0003/`);
    expect(await verify.locator('main').textContent()).toContain('离职');

    // A citizen complains about the newly published number: it routes to the agency's complaint mailbox.
    const form = await browser.newPage();
    await form.goto(`${server.url}/complaint/?no=${encodeURIComponent(NEW_NO)}`);
    await islandReady(form);
    await expect.poll(() => form.locator('#certificate-match').textContent(), { timeout: 10_000 }).toContain(NEW_NAME);
    await form.getByLabel('投诉（需留下姓名和电话，会收到办理结果）').check();
    await form.locator('#f-category').selectOption({ index: 1 });
    await form.locator('#f-when').fill('2026-11-29');
    await form.locator('#f-place').fill('示例路收费站');
    await form.locator('#f-description').fill('该路政协管员在没有执法人员在场时单独拦车检查，并要求当场缴纳罚款。');
    await form.locator('#f-name').fill('测试市民');
    await form.locator('#f-phone').fill('13900000000');
    await form.getByRole('button', { name: '下一步：核对' }).click();
    await expect.poll(() => form.locator('#check-title').textContent()).toContain('请核对');
    await form.getByRole('button', { name: '确认提交' }).click();
    const reference = (await form.locator('#reference').textContent({ timeout: 10_000 }))!;
    await app.sendPendingMail();
    const routed = smtp.received.find((m) => m.raw.includes(reference));
    expect(routed?.to).toEqual([app.world.directory.agency(AGENCY)!.complaints.email]);
    expect((await simpleParser(routed!.raw)).text).toContain(NEW_NO);

    // Undo: version 1 is published again as version 3, and the new number is no longer on the site.
    await page.getByRole('button', { name: /^撤销：重新发布第 1 版/ }).click();
    await page.waitForURL(`${server.url}/publish/workspace/`);
    const gone = await waitFor(verifyPath, (r) => r.status === 302);
    console.log(`[journey] undo → ${verifyPath} gone: ${gone.toFixed(1)} s`);
    expect(existsSync(join(readSettings(env).outDir, 'verify', NEW_NO))).toBe(false);
    // A visitor who had not seen the page (pages may be cached for a minute) is told the number is not listed.
    const visitor = await (await browser.newContext()).newPage();
    await visitor.goto(`${server.url}${verifyPath}`);
    expect(new URL(visitor.url()).pathname).toBe('/lookup/');
    expect(await visitor.locator('main').textContent()).toContain(NEW_NO);
    expect(await visitor.locator('main').textContent()).not.toContain(NEW_NAME);
    await page.reload();
    await expect.poll(() => page.locator('[data-version]').textContent(), { timeout: 30_000 }).toContain('当前第 3 版');
    await page.close();
  }, 600_000);
});
