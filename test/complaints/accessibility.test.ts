import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { islandReady } from '../support/browser.ts';
import { fillComplaintForm, firstCertificate, stackSkipReason, startStack, type Stack } from '../support/stack.ts';
import { beijingToday } from '../../src/core/complaint/rules.ts';
import { validSubmission } from './support.ts';

/**
 * The complaint form's accessibility, measured in Chromium with and without JavaScript: the check step fits a
 * 320 px screen (WCAG 1.4.10), files survive a refused no-JS post (3.3.1), every error is said at once and marked on
 * its control, an error summary link shows the question and focuses its control, the page title says there are
 * errors, the main buttons look like buttons, and the confirmation links the privacy notice and the status page.
 */
const reason = stackSkipReason('complaint accessibility tests', ['complaint/index.html', 'complaint/status/index.html', 'verify']);
/** A 1×1 PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
const LONG_EMAIL = 'zhang.san.citizen.mailbox@example-long-domain.com.cn';
const LONG_DESCRIPTION = '对方单独执法，现场照片见 https://example.com/very/long/path/without/any/spaces/at/all/photo-evidence-0001.jpg 谢谢';

function tomorrow(): string {
  return new Date(Date.parse(`${beijingToday(new Date())}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

/** The page's width and the elements reaching past the screen's right edge. */
function overflow(page: Page) {
  return page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    wider: [...document.querySelectorAll('body *')]
      .filter((el) => el.getBoundingClientRect().right > innerWidth + 0.5)
      .map((el) => `${el.tagName.toLowerCase()}.${el.className} ${(el.textContent ?? '').trim().slice(0, 30)}`),
  }));
}

describe.skipIf(reason)('complaint form accessibility in Chromium', () => {
  let stack: Stack;
  let no: string;
  const url = (path: string) => `${stack.server.url}${path}`;
  const contexts: BrowserContext[] = [];
  async function open(options: { js: boolean; width?: number; height?: number }): Promise<Page> {
    const context = await stack.browser.newContext({
      viewport: { width: options.width ?? 360, height: options.height ?? 740 },
      isMobile: true,
      hasTouch: true,
      javaScriptEnabled: options.js,
    });
    contexts.push(context);
    return context.newPage();
  }
  async function islandWithMatch(page: Page): Promise<void> {
    await page.goto(url(`/complaint/?no=${encodeURIComponent(no)}`));
    await islandReady(page);
    await expect.poll(() => page.locator('#certificate-match').textContent(), { timeout: 10_000 }).toBeTruthy();
  }
  /** Submits the plain form and waits for the page the function answers with. */
  async function postPlain(page: Page, button = '下一步：核对'): Promise<void> {
    await Promise.all([page.waitForEvent('framenavigated', (frame) => frame === page.mainFrame()), page.getByRole('button', { name: button }).click()]);
    await page.waitForLoadState();
  }

  beforeAll(async () => {
    stack = await startStack();
    no = firstCertificate(stack).no;
  });
  afterAll(async () => {
    for (const context of contexts) await context.close();
    await stack?.stop();
  });

  it('the check step is no wider than a 320 px screen, with a long e-mail address and a web address, with and without JavaScript', async () => {
    const island = await open({ js: true, width: 320, height: 640 });
    await islandWithMatch(island);
    await fillComplaintForm(island, { '#f-email': LONG_EMAIL, '#f-description': LONG_DESCRIPTION });
    await island.locator('#check-title').waitFor();
    expect(await island.locator('.check-answers').textContent()).toContain(LONG_EMAIL);
    expect(await overflow(island)).toEqual({ scrollWidth: 320, wider: [] });

    const plain = await open({ js: false, width: 320, height: 640 });
    await plain.goto(url(`/complaint/?no=${encodeURIComponent(no)}`));
    await plain.getByLabel('投诉（需留下姓名和电话，会收到办理结果）').check();
    await plain.locator('#f-category').selectOption('other');
    for (const [field, value] of Object.entries({
      when: '2026-11-20',
      place: '示例路口',
      description: LONG_DESCRIPTION,
      name: '测试市民',
      phone: '13900000000',
      email: LONG_EMAIL,
    })) {
      await plain.locator(`#f-${field}`).fill(value);
    }
    await postPlain(plain);
    expect(await plain.locator('.check-answers').textContent()).toContain(LONG_EMAIL);
    expect(await overflow(plain)).toEqual({ scrollWidth: 320, wider: [] });
  });

  it('without JavaScript keeps an attached photo through a refused post and names it at the field; refused files are said to be dropped', async () => {
    const page = await open({ js: false });
    await page.goto(url(`/complaint/?no=${encodeURIComponent(no)}`));
    await page.getByLabel('投诉（需留下姓名和电话，会收到办理结果）').check();
    await page.locator('#f-category').selectOption('other');
    await page.locator('#f-when').fill('2026-11-20');
    await page.locator('#f-place').fill('示例路口');
    await page.locator('#f-description').fill('对方在没有执法人员在场时单独扣押了我的三轮车，并要求当场交钱。');
    await page.locator('#f-name').fill('测试市民');
    await page.locator('#f-phone').fill('1380013800a');
    await page.locator('#f-evidence').setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: PNG });
    await postPlain(page);
    expect(await page.locator('.error-summary').textContent()).toContain('联系电话');
    expect(await page.locator('#f-evidence-kept').textContent()).toContain('证据1.png');
    expect(await page.locator('#f-evidence').getAttribute('aria-describedby')).toContain('f-evidence-kept');
    // Sent on without choosing the file again: the check page has it.
    await page.locator('#f-phone').fill('13800138000');
    await postPlain(page);
    expect(await page.locator('.check-answers').textContent()).toContain('证据1.png');

    // A file the handler refuses cannot be kept: the summary says so, not only the field's hint.
    await page.goto(url(`/complaint/?no=${encodeURIComponent(no)}`));
    await page.locator('#f-evidence').setInputFiles({ name: 'notes.png', mimeType: 'image/png', buffer: Buffer.from('not an image at all') });
    await postPlain(page);
    const summary = (await page.locator('.error-summary').textContent())!;
    expect(summary).toContain('第 1 个证据文件不是');
    expect(summary).toContain('所选的文件都没有保存，请重新选择');
    expect(await page.locator('#f-evidence-kept').count()).toBe(0);
  });

  it('reports a date in the future together with the other errors: the island and the handler', async () => {
    const island = await open({ js: true });
    await islandWithMatch(island);
    await island.locator('#f-when').fill(tomorrow());
    await island.getByRole('button', { name: '下一步：核对' }).click();
    const summary = island.locator('.error-summary');
    await summary.waitFor();
    expect(await summary.textContent()).toContain('发生时间不能晚于今天');
    expect(await summary.textContent()).toContain('请至少用');

    const response = await fetch(url('/api/complaints'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(validSubmission({ certificateNo: no, category: 'other', when: tomorrow(), description: '' })),
    });
    expect(response.status).toBe(400);
    const { errors } = (await response.json()) as { errors: Record<string, string> };
    expect(Object.keys(errors)).toEqual(['when', 'description']);
    expect(errors.when).toContain('不能晚于今天');
  });

  it('marks every control with an error aria-invalid (radios, selects, text area, file field), with and without JavaScript', async () => {
    const controls = ['input[name=kind]', '#f-category', '#f-description', '#f-evidence', '#f-place'];
    const invalid = (page: Page) =>
      page.evaluate((selectors) => selectors.map((s) => [...document.querySelectorAll(s)].map((el) => el.getAttribute('aria-invalid'))), controls);
    const expected = [['true', 'true'], ['true'], ['true'], ['true'], ['true']];

    const island = await open({ js: true });
    await islandWithMatch(island);
    await island.locator('#f-evidence').setInputFiles({ name: 'notes.png', mimeType: 'image/png', buffer: Buffer.from('not an image at all') });
    await island.getByRole('button', { name: '下一步：核对' }).click();
    await island.locator('.error-summary').waitFor();
    expect(await invalid(island)).toEqual(expected);
    // Answered: no longer marked.
    await island.getByLabel('投诉（需留下姓名和电话，会收到办理结果）').check();
    await island.locator('#f-evidence').setInputFiles([]);
    await island.getByRole('button', { name: '下一步：核对' }).click();
    await expect.poll(() => island.locator('#f-evidence').getAttribute('aria-invalid')).toBe(null);
    expect(await island.locator('input[name=kind]').first().getAttribute('aria-invalid')).toBe(null);

    const plain = await open({ js: false });
    await plain.goto(url(`/complaint/?no=${encodeURIComponent(no)}`));
    await plain.locator('#f-evidence').setInputFiles({ name: 'notes.png', mimeType: 'image/png', buffer: Buffer.from('not an image at all') });
    await postPlain(plain);
    expect(await invalid(plain)).toEqual(expected);
  });

  it("an error summary link scrolls the field's question into view and focuses its control: island, no-JS form and status lookup", async () => {
    /** Follows each link of the summary from the top of the page: what has focus, and where the question is. */
    const follow = async (page: Page) => {
      const hrefs = await page.locator('.error-summary a').evaluateAll((links) => links.map((a) => a.getAttribute('href')!));
      expect(hrefs.length).toBeGreaterThan(1);
      const seen = [];
      for (const href of hrefs) {
        await page.evaluate(() => scrollTo(0, 0));
        await page.locator(`.error-summary a[href="${href}"]`).click();
        seen.push(
          await page.evaluate((target) => {
            const control = document.querySelector<HTMLInputElement>(target)!;
            const question =
              control.type === 'radio' ? control.closest('fieldset')!.querySelector('legend')! : document.querySelector(`label[for="${control.id}"]`)!;
            const q = question.getBoundingClientRect();
            const c = control.getBoundingClientRect();
            // Scrolled to the top, a question may start a fraction of a pixel above it.
            return { target, focused: document.activeElement === control, questionShown: q.top > -1, controlShown: c.bottom <= innerHeight };
          }, href),
        );
      }
      return seen;
    };
    const all = (hrefs: { target: string }[]) => hrefs.map(({ target }) => ({ target, focused: true, questionShown: true, controlShown: true }));

    const island = await open({ js: true });
    await islandWithMatch(island);
    await island.locator('#f-when').fill(tomorrow());
    await island.locator('#f-email').fill('not-an-address');
    await island.getByRole('button', { name: '下一步：核对' }).click();
    await island.locator('.error-summary').waitFor();
    const fromIsland = await follow(island);
    expect(fromIsland).toEqual(all(fromIsland));
    // The summary's links keep the address as it was (the island handles them).
    expect(new URL(island.url()).hash).toBe('');

    const plain = await open({ js: false });
    await plain.goto(url(`/complaint/?no=${encodeURIComponent(no)}`));
    await plain.locator('#f-when').fill(tomorrow());
    await plain.locator('#f-email').fill('not-an-address');
    await postPlain(plain);
    const fromPlain = await follow(plain);
    expect(fromPlain).toEqual(all(fromPlain));

    const status = await open({ js: true, height: 400 });
    await status.goto(url('/complaint/status/'));
    await islandReady(status);
    await status.getByRole('button', { name: '查询' }).click();
    await status.locator('.error-summary').waitFor();
    expect(await status.locator('.error-summary a').evaluateAll((links) => links.map((a) => a.getAttribute('href')))).toEqual(['#reference', '#code']);
    const fromStatus = await follow(status);
    expect(fromStatus).toEqual(all(fromStatus));
    expect(new URL(status.url()).hash).toBe('');
  });

  it('the title starts with 错误： while the island shows errors, and is restored once they are fixed', async () => {
    const page = await open({ js: true });
    await islandWithMatch(page);
    const title = await page.title();
    expect(title).toMatch(/^投诉举报/);
    await page.getByRole('button', { name: '下一步：核对' }).click();
    await expect.poll(() => page.title()).toBe(`错误：${title}`);
    await fillComplaintForm(page);
    await page.locator('#check-title').waitFor();
    expect(await page.title()).toBe(title);
  });

  it("the main buttons have the site's button style, and the confirmation links the privacy notice and the status page with the reference", async () => {
    const buttonStyle = (page: Page, name: string) =>
      page.getByRole('button', { name }).evaluate((b) => {
        const s = getComputedStyle(b);
        return { className: b.className, tall: b.getBoundingClientRect().height >= 40, background: s.backgroundColor, color: s.color };
      });
    const brand = { className: 'btn btn-plain', tall: true, background: 'rgb(11, 61, 145)', color: 'rgb(255, 255, 255)' };

    for (const js of [true, false]) {
      const page = await open({ js });
      if (js) await islandWithMatch(page);
      else await page.goto(url(`/complaint/?no=${encodeURIComponent(no)}`));
      expect(await buttonStyle(page, '下一步：核对'), `js ${js}`).toEqual(brand);
      if (js) await fillComplaintForm(page);
      else {
        await page.getByLabel('投诉（需留下姓名和电话，会收到办理结果）').check();
        await page.locator('#f-category').selectOption('other');
        for (const [field, value] of Object.entries({
          when: '2026-11-20',
          place: '示例路口',
          description: '对方在没有执法人员在场时单独扣押了我的三轮车。',
          name: '测试市民',
          phone: '13900000000',
        })) {
          await page.locator(`#f-${field}`).fill(value);
        }
        await postPlain(page);
      }
      await page.locator('#check-title').waitFor();
      expect(await buttonStyle(page, '确认提交'), `js ${js}`).toEqual(brand);
      if (js) await page.getByRole('button', { name: '确认提交' }).click();
      else await postPlain(page, '确认提交');
      const reference = (await page.locator('#reference').textContent({ timeout: 10_000 }))!.trim();
      expect(await page.locator('#handled-by a').getAttribute('href'), `js ${js}`).toBe('/privacy/');
      expect(await page.locator('#handled-by a').textContent()).toBe('个人信息保护说明');
      const status = page.getByRole('link', { name: '用受理编号和查询码查询办理进度' });
      expect(await status.getAttribute('href'), `js ${js}`).toBe(`/complaint/status/?ref=${encodeURIComponent(reference)}`);
      if (js) {
        // The status page takes the reference from the link.
        await status.click();
        await islandReady(page);
        await expect.poll(() => page.locator('#reference').inputValue()).toBe(reference);
      }
    }
  });
});
