import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { islandReady } from '../support/browser.ts';
import { distDir } from '../support/site.ts';
import { fillComplaintForm, stackSkipReason, startStack, type Stack } from '../support/stack.ts';

/**
 * The island's check step on a phone (360×740, JavaScript on): the phone's Back returns to the form with every answer
 * kept, a reload keeps the text answers (never the contact details or files, and nothing once submitted), and a
 * submission without a network stays on the check step naming the button that is there.
 */
const reason = stackSkipReason('complaint check-step history tests', ['complaint/index.html', 'verify']);
/** A 1×1 PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
const DESCRIPTION = '对方在没有执法人员在场时单独扣押了我的三轮车，并要求当场交钱。';

describe.skipIf(reason)('complaint check step: Back, reload and offline on a phone', () => {
  let stack: Stack;
  let no: string;
  beforeAll(async () => {
    stack = await startStack();
    no = readdirSync(join(distDir, 'verify'))
      .sort()
      .find((n) => readFileSync(join(distDir, 'verify', n, 'index.html'), 'utf8').includes('>投诉此人</a>'))!;
  });
  afterAll(() => stack?.stop());

  const phone = (): Promise<BrowserContext> => stack.browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
  const stored = async () => (await stack.app.world.store.query<{ reference: string }>('SELECT reference FROM complaints', [])).length;
  /** From the verify page's 投诉此人 to the filled form, a photo chosen, and on to the check step. */
  async function toCheckStep(page: Page): Promise<void> {
    await page.goto(`${stack.server.url}/verify/${no}/`);
    await page.getByRole('link', { name: '投诉此人' }).first().click();
    await page.waitForURL(/\/complaint\/\?no=/);
    await islandReady(page);
    await expect.poll(() => page.locator('#certificate-match').textContent(), { timeout: 10_000 }).toContain('查到');
    await page.locator('#f-evidence').setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: PNG });
    await fillComplaintForm(page, { '#f-description': DESCRIPTION });
    await expect.poll(() => page.locator('#check-title').textContent()).toContain('请核对您填写的内容');
  }
  const chosenFiles = (page: Page) => page.locator('#f-evidence').evaluate((el: HTMLInputElement) => [...(el.files ?? [])].map((f) => f.name));
  async function expectFormKept(page: Page): Promise<void> {
    await page.locator('#f-description').waitFor();
    expect(new URL(page.url()).pathname).toBe('/complaint/');
    expect(new URL(page.url()).searchParams.get('no')).toBe(no);
    expect(await page.getByLabel('投诉（需留下姓名和电话，会收到办理结果）').isChecked()).toBe(true);
    expect(await page.locator('#f-certificateNo').inputValue()).toBe(no);
    expect(await page.locator('#f-category').inputValue()).not.toBe('');
    expect(await page.locator('#f-when').inputValue()).toBe('2026-11-20');
    expect(await page.locator('#f-place').inputValue()).toBe('示例路口');
    expect(await page.locator('#f-description').inputValue()).toBe(DESCRIPTION);
    expect(await page.locator('#f-name').inputValue()).toBe('测试市民');
    expect(await page.locator('#f-phone').inputValue()).toBe('13900000000');
    expect(await chosenFiles(page)).toEqual(['photo.png']);
  }

  it('Back from the check step shows the form with every answer and the photo; Forward and Back again; then one complaint is filed', async () => {
    const context = await phone();
    const page = await context.newPage();
    await toCheckStep(page);
    expect(await page.locator('.check-answers').textContent()).toContain('photo.png');

    await page.goBack();
    await expectFormKept(page);
    expect(await page.locator('#check-title').count()).toBe(0);

    await page.goForward();
    await expect.poll(() => page.locator('#check-title').count()).toBe(1);
    expect(new URL(page.url()).pathname).toBe('/complaint/');
    await page.goBack();
    await expectFormKept(page);

    // 修改 returns through history as well: one Back from the form then leaves the page, as from any form.
    await page.getByRole('button', { name: '下一步：核对' }).click();
    await page.getByRole('button', { name: '修改情况描述' }).click();
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('f-description');
    await expectFormKept(page);

    await page.getByRole('button', { name: '下一步：核对' }).click();
    const posted = page.waitForRequest((r) => r.method() === 'POST' && new URL(r.url()).pathname === '/api/complaints');
    await page.getByRole('button', { name: '确认提交' }).click();
    const reference = (await page.locator('#reference').textContent({ timeout: 10_000 }))!;
    expect(reference).toMatch(/^TS-/);
    expect((await posted).headers()['content-type']).toContain('multipart/form-data');
    expect(await stored()).toBe(1);
    expect(await page.evaluate(() => sessionStorage.length), 'nothing kept in the tab after submitting').toBe(0);

    // Back from the form's own entry leaves for the verify page.
    await page.goBack();
    await page.goBack();
    await page.waitForURL(/\/verify\//);
    await context.close();
    expect(await stored()).toBe(1);
  });

  it('a reload keeps the text answers for this address, never the contact details or files', async () => {
    const context = await phone();
    const page = await context.newPage();
    await toCheckStep(page);
    await page.reload();
    await islandReady(page);
    expect(await page.locator('#f-description').inputValue()).toBe(DESCRIPTION);
    expect(await page.locator('#f-place').inputValue()).toBe('示例路口');
    expect(await page.locator('#f-name').inputValue()).toBe('');
    expect(await page.locator('#f-phone').inputValue()).toBe('');
    const kept = (await page.evaluate(() => Object.values(sessionStorage).join('')))!;
    expect(kept).toContain('示例路口');
    expect(kept).not.toContain('13900000000');
    expect(kept).not.toContain('测试市民');
    // Another address (another person's link) starts afresh.
    await page.goto(`${stack.server.url}/complaint/`);
    await islandReady(page);
    expect(await page.locator('#f-description').inputValue()).toBe('');
    await context.close();
  });

  it('offline on 确认提交: stays on the check step, says there is no network and names the button on screen; then files once', async () => {
    const before = await stored();
    const context = await phone();
    const page = await context.newPage();
    await toCheckStep(page);
    await context.setOffline(true);
    await page.getByRole('button', { name: '确认提交' }).click();
    const alert = page.getByRole('alert');
    await expect.poll(() => alert.textContent()).toContain('没有连上网络');
    const said = (await alert.textContent())!;
    expect(said).not.toContain('提交前请修改');
    expect(said).toContain('“确认提交”');
    expect(await page.getByRole('button', { name: '确认提交' }).isVisible()).toBe(true);
    expect(await page.locator('#check-title').isVisible()).toBe(true);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('role'))).toBe('alert');

    await context.setOffline(false);
    await page.getByRole('button', { name: '确认提交' }).click();
    await page.locator('#reference').waitFor({ timeout: 10_000 });
    expect(await stored()).toBe(before + 1);
    await context.close();
  });
});
