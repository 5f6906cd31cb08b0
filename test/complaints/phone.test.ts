import { islandReady } from '../support/browser.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { distDir } from '../support/site.ts';
import { stackSkipReason, startStack, type Stack } from '../support/stack.ts';
import { simpleParser } from './parse.ts';
import { linksIn } from '../handling/support.ts';
import { beijingToday } from '../../src/core/complaint/rules.ts';
import { FRESH_LINKS_PATH } from '../../functions/handling/links.ts';
import { evidenceMessages } from '../../src/core/complaint/fields.ts';

/**
 * The citizen's complaint journey on a phone (390×844), with and without JavaScript: the number carried from the
 * verify page, the same rules before and after the check step, evidence through the no-JS check page, the handling
 * agency named in the confirmation, and function-rendered pages that fit the screen.
 */
const reason = stackSkipReason('complaint phone tests', ['complaint/index.html', 'verify']);
const PHONE = { width: 390, height: 844 };
/** A 1×1 PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

function phone(browser: Browser, javaScriptEnabled: boolean): Promise<BrowserContext> {
  return browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true, javaScriptEnabled });
}

/** `SCREENSHOT_DIR=docs/screenshots` also saves the no-JS path's pages there (how docs/screenshots/ were made). */
async function shot(page: Page, name: string): Promise<void> {
  if (process.env.SCREENSHOT_DIR) await page.screenshot({ path: join(process.env.SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

/** Wider than the screen means sideways scrolling on a phone. Also: the page is in the site's frame (stylesheet, header, navigation). */
async function width(page: Page): Promise<number> {
  expect(await page.locator('link[rel=stylesheet][href^="/site.css"]').count()).toBe(1);
  expect(await page.locator('header nav a[href="/complaint/"]').count()).toBeGreaterThan(0);
  return page.evaluate(() => document.documentElement.scrollWidth);
}

/** The day after today in Beijing, as the date field takes it. */
function tomorrow(): string {
  return new Date(Date.parse(`${beijingToday(new Date())}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

describe.skipIf(reason)('complaint journey on a phone', () => {
  let stack: Stack;
  let no: string;
  beforeAll(async () => {
    stack = await startStack();
    // A valid certificate (its verify page offers 投诉此人).
    no = readdirSync(join(distDir, 'verify'))
      .sort()
      .find((n) => readFileSync(join(distDir, 'verify', n, 'index.html'), 'utf8').includes('>投诉此人</a>'))!;
  });
  afterAll(() => stack?.stop());

  const url = (path: string) => `${stack.server.url}${path}`;

  it('without JavaScript: the number arrives from the verify page, a future date is refused at once, files reach the check page and the agency', async () => {
    const aux = stack.app.world.directory.auxiliary(no)!;
    const agency = stack.app.world.directory.agency(aux.agencyId)!;
    const context = await phone(stack.browser, false);
    const page = await context.newPage();
    await page.goto(url(`/verify/${no}/`));
    await page.getByRole('link', { name: '投诉此人' }).first().click();
    expect(await page.locator('#f-certificateNo').inputValue()).toBe(no);
    expect(await page.getByLabel('一名辅助人员（知道证件编号）').isChecked()).toBe(true);
    expect(await width(page)).toBeLessThanOrEqual(PHONE.width);
    await shot(page, 'complaint-nojs-1-form-from-verify-phone');

    await page.getByLabel('投诉（需留下姓名和电话，会收到办理结果）').check();
    await page.locator('#f-category').selectOption('other');
    await page.locator('#f-when').fill(tomorrow());
    await page.locator('#f-place').fill('示例路口');
    await page.locator('#f-description').fill('对方在没有执法人员在场时单独扣押了我的三轮车，并要求当场交钱。');
    await page.locator('#f-name').fill('测试市民');
    await page.locator('#f-phone').fill('13900000000');
    await page.locator('#f-evidence').setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: PNG });
    await page.getByRole('button', { name: '下一步：核对' }).click();
    // Refused before any check page, with the field named; the page (with its long selects) fits the phone.
    expect(await page.locator('.error-summary').textContent()).toContain('发生时间不能晚于今天');
    expect(await page.locator('#check-title').count()).toBe(0);
    expect(await page.locator('#f-certificateNo').inputValue()).toBe(no);
    expect(await width(page)).toBeLessThanOrEqual(PHONE.width);
    await shot(page, 'complaint-nojs-2-future-date-refused-phone');

    await page.locator('#f-when').fill(beijingToday(new Date()));
    await page.locator('#f-evidence').setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: PNG });
    await page.getByRole('button', { name: '下一步：核对' }).click();
    const answers = (await page.locator('.check-answers').textContent())!;
    expect(answers).toContain(aux.name);
    expect(answers).toContain('证据1.png');
    expect(await width(page)).toBeLessThanOrEqual(PHONE.width);
    await shot(page, 'complaint-nojs-3-check-with-evidence-phone');

    // 修改 keeps the files (listed at the field) without choosing them again.
    await page.getByRole('button', { name: '修改' }).click();
    expect(await page.locator('#f-evidence-kept').textContent()).toContain('证据1.png');
    await page.getByRole('button', { name: '下一步：核对' }).click();
    expect(await page.locator('.check-answers').textContent()).toContain('证据1.png');

    await page.getByRole('button', { name: '确认提交' }).click();
    const reference = (await page.locator('#reference').textContent())!;
    expect(reference).toMatch(/^TS-/);
    expect(await page.locator('#handled-by').textContent()).toContain(agency.name);
    expect(await width(page)).toBeLessThanOrEqual(PHONE.width);
    await shot(page, 'complaint-nojs-4-confirmation-phone');

    await stack.app.sendPendingMail();
    const mail = stack.smtp.received.find((m) => m.raw.includes(reference) && m.to[0] === agency.complaints.email)!;
    const parsed = await simpleParser(mail.raw);
    expect(parsed.attachments.map((a) => [a.filename, a.contentType, a.size])).toEqual([['证据1.png', 'image/png', PNG.byteLength]]);

    // The kept files go once they expire: the purge removes them.
    const [kept] = await stack.app.world.store.query<{ n: number | string }>('SELECT COUNT(*) AS n FROM evidence_drafts');
    expect(Number(kept!.n)).toBeGreaterThan(0);
    const realNow = stack.app.world.clock.now;
    stack.app.world.clock.now = () => new Date(Date.now() + 3 * 3600_000);
    await stack.app.purgeClosedComplaints();
    stack.app.world.clock.now = realNow;
    const [left] = await stack.app.world.store.query<{ n: number | string }>('SELECT COUNT(*) AS n FROM evidence_drafts');
    expect(Number(left!.n)).toBe(0);
    await context.close();
  });

  it('with JavaScript: a future date is refused at the check step, and the confirmation names the handling agency', async () => {
    const aux = stack.app.world.directory.auxiliary(no)!;
    const agency = stack.app.world.directory.agency(aux.agencyId)!;
    const context = await phone(stack.browser, true);
    const page = await context.newPage();
    await page.goto(url(`/verify/${no}/`));
    await page.getByRole('link', { name: '投诉此人' }).first().click();
    await expect.poll(() => page.locator('#certificate-match').textContent(), { timeout: 10_000 }).toContain(aux.name);
    await page.getByLabel('投诉（需留下姓名和电话，会收到办理结果）').check();
    await page.locator('#f-category').selectOption('other');
    await page.locator('#f-when').fill(tomorrow());
    await page.locator('#f-place').fill('示例路口');
    await page.locator('#f-description').fill('对方在没有执法人员在场时单独扣押了我的三轮车，并要求当场交钱。');
    await page.locator('#f-name').fill('测试市民');
    await page.locator('#f-phone').fill('13900000000');
    await page.getByRole('button', { name: '下一步：核对' }).click();
    expect(await page.locator('#f-when-error').textContent()).toContain('发生时间不能晚于今天');
    expect(await page.locator('#check-title').count()).toBe(0);
    expect(await width(page)).toBeLessThanOrEqual(PHONE.width);

    await page.locator('#f-when').fill(beijingToday(new Date()));
    // A file that only claims to be a picture: its first bytes say otherwise, as the handler would find.
    await page.locator('#f-evidence').setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: Buffer.from('not a picture at all') });
    await page.getByRole('button', { name: '下一步：核对' }).click();
    await expect.poll(() => page.locator('#f-evidence-error').textContent(), { timeout: 10_000 }).toContain(evidenceMessages.wrongType(1));
    expect(await page.locator('#check-title').count()).toBe(0);
    await page.locator('#f-evidence').setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: PNG });
    await page.getByRole('button', { name: '下一步：核对' }).click();
    const posted = page.waitForRequest((r) => r.method() === 'POST' && new URL(r.url()).pathname === '/api/complaints');
    await page.getByRole('button', { name: '确认提交' }).click();
    await expect.poll(() => page.locator('#handled-by').textContent(), { timeout: 10_000 }).toContain(agency.name);
    expect(await width(page)).toBeLessThanOrEqual(PHONE.width);
    // With a file the island posts multipart, and the photo reaches the agency.
    expect((await posted).headers()['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    const reference = (await page.locator('#reference').textContent())!;
    await stack.app.sendPendingMail();
    const mail = stack.smtp.received.find((m) => m.raw.includes(reference) && m.to[0] === agency.complaints.email)!;
    expect((await simpleParser(mail.raw)).attachments.map((a) => [a.contentType, a.size])).toEqual([['image/png', PNG.byteLength]]);
    await context.close();
  });

  it('without JavaScript: a category outside the unit’s regulation is refused before the check page', async () => {
    const directory = stack.app.world.directory;
    // A unit and a category of another regulation than its own.
    const unit = directory.agencies.find((a) => directory.agencies.some((b) => b.regulation !== a.regulation))!;
    const foreign = directory.agencies.find((b) => b.regulation !== unit.regulation)!.regulation;
    const context = await phone(stack.browser, false);
    const page = await context.newPage();
    await page.goto(url(`/complaint/?agency=${unit.id}`));
    expect(await page.locator('#f-agencyId').inputValue()).toBe(unit.id);
    await page.getByLabel('举报（可以匿名；匿名举报不会收到办理反馈）').check();
    const option = await page.locator(`#f-category option[value^="${foreign}:"]`).first().getAttribute('value');
    await page.locator('#f-category').selectOption(option!);
    await page.locator('#f-when').fill(beijingToday(new Date()));
    await page.locator('#f-place').fill('某菜市场门口');
    await page.locator('#f-description').fill('几名穿制服的人在市场里单独罚款，没有看到执法人员。');
    await page.getByRole('button', { name: '下一步：核对' }).click();
    expect(await page.locator('#f-category-error').textContent()).toContain('不适用于该单位');
    expect(await page.locator('#check-title').count()).toBe(0);
    await context.close();
  });

  it('a complaint about a body with nothing above it on the platform is refused before the check page, with and without JavaScript', async () => {
    const directory = stack.app.world.directory;
    const { noSuperiorGuidance, superiorOf } = await import('../../src/core/complaint/superior.ts');
    const top = directory.agencies.find((a) => !superiorOf(a, directory))!;
    for (const javaScriptEnabled of [true, false]) {
      const context = await phone(stack.browser, javaScriptEnabled);
      const page = await context.newPage();
      await page.goto(url(`/complaint/?agency=${top.id}&about=agency`));
      if (javaScriptEnabled) await islandReady(page);
      await expect.poll(() => page.locator('#f-agencyId').inputValue(), { timeout: 10_000 }).toBe(top.id);
      await page.getByLabel('举报（可以匿名；匿名举报不会收到办理反馈）').check();
      await page.locator('#f-category').selectOption('other');
      await page.locator('#f-when').fill(beijingToday(new Date()));
      await page.locator('#f-place').fill('某政府门口');
      await page.locator('#f-description').fill('该机关没有公示其招用的辅助人员名单，也没有设置投诉渠道。');
      await page.getByRole('button', { name: '下一步：核对' }).click();
      await expect.poll(() => page.locator('.error-summary').textContent(), { timeout: 10_000 }).toContain(noSuperiorGuidance(top));
      expect(await page.locator('#check-title').count()).toBe(0);
      await context.close();
    }
  });

  it('agency pages fit a phone, and an agency gets fresh links at its registered mailbox without JavaScript', async () => {
    const response = await fetch(url('/api/complaints'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({
        kind: 'report',
        about: 'auxiliary',
        certificateNo: no,
        category: 'other',
        when: beijingToday(new Date()),
        place: '示例路口',
        description: '对方在没有执法人员在场时单独扣押了我的三轮车。',
      }),
    });
    const { reference, trackingCode, agencyName } = (await response.json()) as { reference: string; trackingCode: string; agencyName: string };
    const agency = stack.app.world.directory.agencies.find((a) => a.name === agencyName)!;
    await stack.app.sendPendingMail();
    const intake = stack.smtp.received.find((m) => m.raw.includes(reference) && m.to[0] === agency.complaints.email)!;
    const transfer = linksIn(intake)['转办其他机关']!;

    const context = await phone(stack.browser, false);
    const page = await context.newPage();
    // The citizen's status page as the function renders it for the plain form.
    await page.goto(url('/complaint/status/'));
    await page.locator('#reference').fill(reference);
    await page.locator('#code').fill(trackingCode);
    await page.getByRole('button', { name: '查询' }).click();
    expect(await page.locator('#status').textContent()).toBeTruthy();
    expect(await page.textContent('body')).toContain(agencyName);
    expect(await width(page)).toBeLessThanOrEqual(PHONE.width);
    // With JavaScript, both pasted as they come from the confirmation or a message: labels, other dashes, a 。.
    const scripted = await (await phone(stack.browser, true)).newPage();
    await scripted.goto(url('/complaint/status/'));
    await scripted.locator('#reference').fill(`受理编号：${reference.replace(/-/g, '—')}`);
    await scripted.locator('#code').fill(`查询码：${trackingCode.replace(/-/g, '－')}。`);
    await scripted.getByRole('button', { name: '查询' }).click();
    await scripted.getByText(agencyName).first().waitFor();
    expect(await scripted.textContent('body')).not.toContain('网络连接失败');
    await scripted.context().close();
    // The transfer form's select lists every agency by its full name.
    await page.goto(url(transfer));
    expect(await page.locator('#transferTo option').count()).toBeGreaterThan(2);
    expect(await width(page)).toBeLessThanOrEqual(PHONE.width);

    await page.goto(url(FRESH_LINKS_PATH));
    expect(await width(page)).toBeLessThanOrEqual(PHONE.width);
    await page.locator('#reference').fill(reference);
    await page.locator('#mailbox').fill(agency.complaints.email);
    await page.getByRole('button', { name: '发送新链接' }).click();
    expect(await page.locator('#fresh-links-sent').textContent()).toContain('新的办理链接');
    expect(await width(page)).toBeLessThanOrEqual(PHONE.width);
    const before = stack.smtp.received.length;
    await stack.app.sendPendingMail();
    const fresh = stack.smtp.received.slice(before).filter((m) => m.raw.includes(reference));
    expect(fresh.map((m) => m.to)).toEqual([[agency.complaints.email]]);
    expect(Object.keys(linksIn(fresh[0]!))).toContain('受理此件');
    await context.close();
  });
});
