import { islandReady } from '../support/browser.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { distDir } from '../support/site.ts';
import { fillComplaintForm, firstCertificate, pageWatchingOrigins, stackSkipReason, startStack, type Stack } from '../support/stack.ts';
import { header } from './support.ts';
import { simpleParser } from './parse.ts';
import { axeViolations } from '../portal/helpers.ts';

const reason = stackSkipReason('complaint browser tests', ['complaint/index.html', 'verify']);

describe.skipIf(reason)('complaint form in Chromium', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack?.stop());

  it('files a complaint about a person from the verify link, and the routed agency receives the e-mail', async () => {
    const { no, aux, agency } = firstCertificate(stack);
    const { page, thirdParty } = await pageWatchingOrigins(stack);
    await page.goto(`${stack.server.url}/complaint/?no=${encodeURIComponent(no)}`);
    await islandReady(page);
    expect(await axeViolations(page)).toEqual([]);
    // The number is looked up on its verify page and shown for confirmation.
    await expect.poll(() => page.locator('#certificate-match').textContent(), { timeout: 10_000 }).toContain(aux.name);

    // Submitting with gaps: the error summary takes focus and names each field.
    await page.getByRole('button', { name: '下一步：核对' }).click();
    const summary = page.locator('.error-summary');
    await expect.poll(() => summary.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await summary.textContent()).toContain('请选择是投诉还是举报');
    expect(await page.locator('#f-description-error').textContent()).toContain('请至少用');

    await fillComplaintForm(page);

    await expect.poll(() => page.locator('#check-title').textContent()).toContain('请核对');
    expect(await page.locator('.check-answers').textContent()).toContain(aux.name);
    const posted = page.waitForRequest((r) => r.method() === 'POST' && new URL(r.url()).pathname === '/api/complaints');
    await page.getByRole('button', { name: '确认提交' }).click();
    const reference = (await page.locator('#reference').textContent({ timeout: 10_000 }))!;
    expect(reference).toMatch(/^TS-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    // Without files the island posts JSON (no multipart for the handler to parse), under the form's field names.
    const request = await posted;
    expect(request.headers()['content-type']).toBe('application/json');
    expect(request.postDataJSON()).toMatchObject({ about: 'auxiliary', certificateNo: no, idempotencyKey: expect.any(String) });
    expect(await page.locator('#tracking-code').textContent()).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    expect(thirdParty).toEqual([]);
    // The confirmation has no serious accessibility violations (axe-core).
    expect(await axeViolations(page)).toEqual([]);

    await stack.app.sendPendingMail();
    const mail = stack.smtp.received.find((m) => m.raw.includes(reference))!;
    expect(mail.to).toEqual([agency.complaints.email]);
    expect(header(mail.raw, 'Message-ID')).toBe(`<${reference}.agency@gongshi.example>`);
    const text = (await simpleParser(mail.raw)).text;
    expect(text).toContain('三轮车');
    expect(text).toContain('严格保密');
    await page.close();
  });

  it('finds the person for a number typed in lower case without its dashes, even when typed before the script arrived', async () => {
    const no = readdirSync(join(distDir, 'verify'))
      .sort()
      .find((n) => n.includes('-'))!;
    const aux = stack.app.world.directory.auxiliary(no)!;
    const page = await stack.browser.newPage();
    // Typed into the plain form before the island's script arrives (a slow phone): the island takes it over.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    await page.route('**/_astro/ComplaintForm*.js', async (route) => {
      await held;
      await route.continue();
    });
    await page.goto(`${stack.server.url}/complaint/`, { waitUntil: 'commit' });
    await page.getByLabel('一名辅助人员（知道证件编号）').check();
    await page.locator('#f-certificateNo').fill(no.replace(/-/g, '').toLowerCase());
    expect(await page.locator('astro-island[ssr]').count(), 'typed before the island ran').toBe(1);
    release();
    await page.locator('astro-island:not([ssr])').waitFor({ state: 'attached', timeout: 20_000 });
    expect(await page.locator('#f-certificateNo').inputValue()).toBe(no.replace(/-/g, '').toLowerCase());
    await expect.poll(() => page.locator('#certificate-match').textContent(), { timeout: 10_000 }).toContain(aux.name);
    await page.locator('#f-certificateNo').fill('NO-SUCH-NUMBER-1');
    await expect.poll(() => page.locator('#certificate-missing').textContent(), { timeout: 10_000 }).toContain('不在公示名单中');
    await page.close();
  });

  it('offers two complaints on an agency page, each prefilling its own target', async () => {
    const agency = stack.app.world.directory.agency('renqiu-cgj')!;
    const page = await stack.browser.newPage();
    await page.goto(`${stack.server.url}/agencies/${agency.id}/`);
    // About its auxiliaries: the employing agency handles it, named as such; no dispatch company.
    const auxiliaries = page.locator('#complain-auxiliary');
    expect(await auxiliaries.textContent()).toContain('招用辅助人员的行政执法机关');
    await auxiliaries.getByRole('link', { name: `投诉或举报${agency.name}招用的辅助人员` }).click();
    await expect.poll(() => page.locator('#f-agencyId').inputValue(), { timeout: 10_000 }).toBe(agency.id);
    expect(await page.getByLabel('某行政执法机关招用的辅助人员（不知道是谁）').isChecked()).toBe(true);
    // About the agency itself: goes to its parent, never to the agency.
    await page.goto(`${stack.server.url}/agencies/${agency.id}/`);
    const itself = page.locator('#complain-agency');
    expect(await itself.textContent()).toContain('转任丘市人民政府办理');
    await itself.getByRole('link', { name: `投诉或举报${agency.name}本身` }).click();
    await expect.poll(() => page.locator('#f-agencyId').inputValue(), { timeout: 10_000 }).toBe(agency.id);
    expect(await page.getByLabel(/行政执法机关本身/).isChecked()).toBe(true);
    // A government with no superior on the platform: no link, the reason and where to turn instead.
    await page.goto(`${stack.server.url}/agencies/renqiu-gov/`);
    const gov = page.locator('#complain-agency');
    expect(await gov.getByRole('link').count()).toBe(0);
    expect(await gov.textContent()).toContain('上一级人民政府');
    await page.close();
  });

  it('works as a plain HTML form without JavaScript: errors re-rendered with input kept, then the confirmation', async () => {
    const context = await stack.browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${stack.server.url}/complaint/`);
    await page.getByLabel('举报（可以匿名；匿名举报不会收到办理反馈）').check();
    await page.getByLabel('某行政执法机关招用的辅助人员（不知道是谁）').check();
    await page.locator('#f-place').fill('某菜市场门口');
    await page.getByRole('button', { name: '下一步：核对' }).click();
    expect(await page.locator('.error-summary').textContent()).toContain('请选择单位');
    expect(await page.locator('#f-place').inputValue()).toBe('某菜市场门口');

    const agency = stack.app.world.directory.agencies.find((a) => a.oversight)!;
    await page.locator('#f-agencyId').selectOption(agency.id);
    await page.locator('#f-category').selectOption('other');
    await page.locator('#f-when').fill('2026-11-19');
    await page.locator('#f-description').fill('几名穿制服的人在市场里单独罚款，没有看到执法人员。');
    await page.getByRole('button', { name: '下一步：核对' }).click();
    // Check your answers, go back to change one, check again, then submit.
    expect(await page.locator('.check-answers').textContent()).toContain('某菜市场门口');
    await page.getByRole('button', { name: '修改' }).click();
    expect(await page.locator('#f-description').inputValue()).toBe('几名穿制服的人在市场里单独罚款，没有看到执法人员。');
    await page.locator('#f-place').fill('某菜市场北门');
    await page.getByRole('button', { name: '下一步：核对' }).click();
    expect(await page.locator('.check-answers').textContent()).toContain('某菜市场北门');
    await page.getByRole('button', { name: '确认提交' }).click();
    const reference = (await page.locator('#reference').textContent())!;
    expect(reference).toMatch(/^TS-/);
    expect(await page.textContent('body')).toContain('匿名举报：不会收到办理反馈');
    await stack.app.sendPendingMail();
    expect(stack.smtp.received.find((m) => m.raw.includes(reference))!.to).toEqual([agency.complaints.email]);
    await context.close();
  });
});
