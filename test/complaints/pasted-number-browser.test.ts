/**
 * A badge's QR link pasted into the complaint form's number field, through the real server and functions (`npm
 * start`'s stack on the built sample site): JSON and the plain form's post over HTTP, then the island and the plain
 * form in Chromium, each to a stored complaint about that auxiliary. In this stack SITE_URL is https://gongshi.example
 * (the functions'), while the build's QR codes carry its own SITE_URL's host, which the island knows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { islandReady } from '../support/browser.ts';
import { fillComplaintForm, firstCertificate, stackSkipReason, startStack, type Stack } from '../support/stack.ts';
import { decodeQr } from '../portal/helpers.ts';
import { validSubmission } from './support.ts';

const reason = stackSkipReason('pasted number tests', ['complaint/index.html', 'verify']);
const OTHER_SITE = '您粘贴的链接不是本站地址';
const SITE = 'https://gongshi.example';
const fullWidth = (s: string) => s.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));

describe.skipIf(reason)('a pasted QR link in the complaint form', { timeout: 120_000 }, () => {
  let stack: Stack;
  let no: string;
  let name: string;
  let agencyId: string;
  let category: string;
  beforeAll(async () => {
    stack = await startStack();
    const first = firstCertificate(stack);
    no = first.no;
    name = first.aux.name;
    agencyId = first.agency.id;
    category = stack.app.world.directory.regulation(first.agency.regulation)!.categories[0]!.code;
  });
  afterAll(() => stack?.stop());

  const targetOf = async (reference: string) =>
    JSON.parse((await stack.app.world.store.query<{ target: string }>('SELECT target FROM complaints WHERE reference = ?', [reference]))[0]!.target);
  // An anonymous tip-off: no acknowledgement mail to wait for.
  const answers = (certificateNo: string): Record<string, string> => {
    const { name: _name, phone: _phone, email: _email, ...rest } = validSubmission({ certificateNo, category, kind: 'report' });
    return rest as Record<string, string>;
  };

  it('JSON: a QR link in a chat message files the complaint about that auxiliary; another site’s link is a field error', async () => {
    const post = (certificateNo: string) =>
      fetch(`${stack.server.url}/api/complaints`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(answers(certificateNo)),
      });
    const stored = await post(`请核验 ${SITE}/verify/${encodeURIComponent(no)}/?from=singlemessage&isappinstalled=0 谢谢`);
    const body = (await stored.json()) as { reference: string };
    expect(stored.status, JSON.stringify(body)).toBe(201);
    expect(await targetOf(body.reference)).toMatchObject({ about: 'auxiliary', certificateNo: no, name, agencyId });

    const refused = await post(`https://gongshi-example.com/verify/${encodeURIComponent(no)}/`);
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { errors: Record<string, string> }).errors.certificateNo).toContain(OTHER_SITE);
  });

  it('the plain form’s post: the check page shows the person and carries the number, 确认提交 stores it', async () => {
    const data = new FormData();
    for (const [k, v] of Object.entries(answers(fullWidth(`${SITE}/verify/${no}/`)))) data.append(k, v);
    const check = await fetch(`${stack.server.url}/api/complaints`, { method: 'POST', headers: { accept: 'text/html' }, body: data });
    const page = await check.text();
    expect(check.status).toBe(200);
    expect(page).toContain('请核对');
    expect(page).toContain(name);
    const hidden = new URLSearchParams([...page.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1]!, m[2]!]));
    expect(hidden.get('certificateNo')).toBe(no);
    hidden.set('confirm', '1');
    const done = await fetch(`${stack.server.url}/api/complaints`, {
      method: 'POST',
      headers: { accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
      body: hidden,
    });
    expect(done.status).toBe(201);
    expect(await targetOf(done.headers.get('x-reference')!)).toMatchObject({ about: 'auxiliary', certificateNo: no, name });

    const foreign = new FormData();
    for (const [k, v] of Object.entries(answers(`https://gongshi-example.com/verify/${no}/`))) foreign.append(k, v);
    const refused = await fetch(`${stack.server.url}/api/complaints`, { method: 'POST', headers: { accept: 'text/html' }, body: foreign });
    expect(refused.status).toBe(400);
    const html = await refused.text();
    expect(html).toContain(OTHER_SITE);
    expect(html).toContain(`value="https://gongshi-example.com/verify/${no}/"`);
  });

  async function pasteInto(page: Page, text: string) {
    await page.evaluate((t) => navigator.clipboard.writeText(t), text);
    await page.locator('#f-certificateNo').focus();
    await page.keyboard.press('Control+V');
  }

  it('island: the QR code’s link pasted shows its number in the field and ends in a stored complaint about that person', async () => {
    const context = await stack.browser.newContext({ permissions: ['clipboard-read', 'clipboard-write'] });
    const page = await context.newPage();
    // What the badge's QR code really says: the build's SITE_URL, not the 127.0.0.1 the test serves on.
    const qr = (await decodeQr(page, `${stack.server.url}/verify/${encodeURIComponent(no)}/qr.svg`))!;
    expect(qr).toMatch(/^https?:\/\/[^/]+\/verify\/.+\/$/);
    await page.goto(`${stack.server.url}/complaint/`);
    await islandReady(page);
    await page.getByLabel('一名辅助人员（知道证件编号）').check();

    await pasteInto(page, `https://gongshi-example.com/verify/${encodeURIComponent(no)}/`);
    await expect.poll(() => page.locator('#certificate-refused').textContent()).toContain(OTHER_SITE);
    expect(await page.locator('#f-certificateNo').inputValue()).toBe(`https://gongshi-example.com/verify/${encodeURIComponent(no)}/`);
    await page.getByRole('button', { name: '下一步：核对' }).click();
    expect(await page.locator('.error-summary').textContent()).toContain(OTHER_SITE);

    await page.locator('#f-certificateNo').fill('');
    await pasteInto(page, `请核验 ${qr}?from=singlemessage 谢谢`);
    await expect.poll(() => page.locator('#f-certificateNo').inputValue()).toBe(no);
    expect(await page.locator('#certificate-refused').count()).toBe(0);
    await expect.poll(() => page.locator('#certificate-match').textContent(), { timeout: 10_000 }).toContain(name);
    await fillComplaintForm(page);
    await expect.poll(() => page.locator('#check-title').textContent()).toContain('请核对');
    const posted = page.waitForRequest((r) => r.method() === 'POST' && new URL(r.url()).pathname === '/api/complaints');
    await page.getByRole('button', { name: '确认提交' }).click();
    const reference = (await page.locator('#reference').textContent({ timeout: 10_000 }))!;
    expect((await posted).postDataJSON()).toMatchObject({ certificateNo: no });
    expect(await targetOf(reference)).toMatchObject({ about: 'auxiliary', certificateNo: no, name, agencyId });
    await context.close();
  });

  it('plain form without JavaScript: a pasted link longer than the number fits in the field and files the complaint', async () => {
    const context = await stack.browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${stack.server.url}/complaint/`);
    await page.getByLabel('投诉（需留下姓名和电话，会收到办理结果）').check();
    await page.getByLabel('一名辅助人员（知道证件编号）').check();
    const link = `请核验 ${SITE}/verify/${encodeURIComponent(no)}/?from=singlemessage&isappinstalled=0 谢谢`;
    await page.locator('#f-certificateNo').fill(link);
    expect(await page.locator('#f-certificateNo').inputValue(), 'not cut by the field').toBe(link);
    await page.locator('#f-category').selectOption(category);
    await page.locator('#f-when').fill('2026-11-20');
    await page.locator('#f-place').fill('示例路口');
    await page.locator('#f-description').fill('对方在没有执法人员在场时单独扣押了我的三轮车，并要求当场交钱。');
    await page.locator('#f-name').fill('测试市民');
    await page.locator('#f-phone').fill('13900000000');
    await page.getByRole('button', { name: '下一步：核对' }).click();
    expect(await page.locator('.check-answers').textContent()).toContain(name);
    await page.getByRole('button', { name: '确认提交' }).click();
    const reference = (await page.locator('#reference').textContent())!;
    expect(await targetOf(reference)).toMatchObject({ about: 'auxiliary', certificateNo: no, name });
    await context.close();
  });
});
