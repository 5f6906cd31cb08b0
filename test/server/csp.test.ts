import { islandReady } from '../support/browser.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aboutChoices } from '../../src/core/complaint/fields.ts';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page, Response } from 'playwright-core';
import { distDir } from '../support/site.ts';
import { fillComplaintForm, firstCertificate, stackSkipReason, startStack, type Stack } from '../support/stack.ts';
import { simpleParser } from '../complaints/parse.ts';

const reason = stackSkipReason('CSP browser tests', ['complaint/index.html', 'search/index.html', 'verify']);

/** Every CSP violation the page reports (the DOM event, which fires even for a probe the page catches), and console refusals. */
async function watched(context: BrowserContext): Promise<{ page: Page; violations: string[] }> {
  const page = await context.newPage();
  const violations: string[] = [];
  await page.exposeFunction('__cspViolation', (v: string) => void violations.push(v));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      // @ts-expect-error exposed by the test
      void window.__cspViolation(`${e.violatedDirective} ${e.blockedURI} ${location.pathname}`);
    });
  });
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(`console: ${m.text()}`);
  });
  return { page, violations };
}

function expectHeaders(response: Response | null, what: string) {
  const headers = response!.headers();
  expect(headers['content-security-policy'], what).toMatch(/frame-ancestors 'none'/);
  expect(headers['x-content-type-options'], what).toBe('nosniff');
  expect(headers['referrer-policy'], what).toBe('no-referrer');
}

describe.skipIf(reason)('Content-Security-Policy in Chromium: zero violations on every page type', () => {
  let stack: Stack;
  let context: BrowserContext;
  beforeAll(async () => {
    stack = await startStack();
    context = await stack.browser.newContext();
  });
  afterAll(async () => {
    await context?.close();
    await stack?.stop();
  });

  it('the build wrote dist/_headers with the policy, its inline hashes and wasm-unsafe-eval', () => {
    const headers = readFileSync(join(distDir, '_headers'), 'utf8');
    expect(headers).toMatch(/^\/\*$/m);
    expect(headers).toMatch(/Content-Security-Policy: default-src 'self'; script-src 'self' 'wasm-unsafe-eval' 'sha256-/);
    expect(headers).toContain("frame-ancestors 'none'");
    expect(headers).toContain('X-Content-Type-Options: nosniff');
    expect(headers).toContain('Referrer-Policy: no-referrer');
  });

  it('static pages: headers on each, and no violation while the page runs', async () => {
    const { no, agency } = firstCertificate(stack);
    const regulation = readdirSync(join(distDir, 'regulations')).find((d) => !d.includes('.'))!;
    const paths = [
      '/',
      `/verify/${encodeURIComponent(no)}/`,
      '/agencies/',
      `/agencies/${agency.id}/`,
      `/agencies/${agency.id}/qr/`,
      '/lookup/',
      `/lookup/?no=${encodeURIComponent(no)}`,
      `/regulations/${regulation}/`,
      '/data/',
      '/complaint/status/',
      '/no-such-page/',
    ];
    if (readdirSync(distDir).includes('stats')) paths.push('/stats/');
    const { page, violations } = await watched(context);
    for (const path of paths) {
      const response = await page.goto(`${stack.server.url}${path}`, { waitUntil: 'networkidle' });
      expectHeaders(response, path);
    }
    expect(violations).toEqual([]);
    await page.close();
  });

  it('search works (Pagefind WebAssembly under wasm-unsafe-eval) with no violation', async () => {
    const { aux } = firstCertificate(stack);
    const { page, violations } = await watched(context);
    expectHeaders(await page.goto(`${stack.server.url}/search/?q=${encodeURIComponent(aux.name)}`), '/search/');
    await page.locator('#search-summary').filter({ hasText: /找到/ }).waitFor({ timeout: 20_000 });
    expect(await page.locator('#search-results li a').count()).toBeGreaterThan(0);
    expect(violations).toEqual([]);
    await page.close();
  });

  it('the complaint form works (zod jitless), then the status lookup, the agency action pages and the no-JS pages, with no violation', async () => {
    const { no, aux } = firstCertificate(stack);
    const { page, violations } = await watched(context);
    expectHeaders(await page.goto(`${stack.server.url}/complaint/?no=${encodeURIComponent(no)}`), '/complaint/');
    await islandReady(page);
    await page.getByRole('button', { name: '下一步：核对' }).click(); // the island's own checks (zod) run here
    await page.locator('.error-summary').waitFor();
    // Categories follow the unit of the number found, so choose one after the lookup has answered.
    await expect.poll(() => page.locator('#certificate-match').textContent(), { timeout: 10_000 }).toContain(aux.name);
    await fillComplaintForm(page);
    await expect.poll(() => page.locator('#check-title').textContent(), { timeout: 20_000 }).toContain('请核对');
    await page.getByRole('button', { name: '确认提交' }).click();
    const reference = (await page.locator('#reference').textContent({ timeout: 10_000 }))!;
    const code = (await page.locator('#tracking-code').textContent())!;
    expect(reference).toMatch(/^TS-/);

    // The status lookup island (fetch to the function).
    await page.goto(`${stack.server.url}/complaint/status/`);
    await page.locator('#reference').fill(reference);
    await page.locator('#code').fill(code);
    await page.getByRole('button', { name: '查询' }).click();
    await page.locator('#status').waitFor({ timeout: 10_000 });

    // Function-rendered: the agency's action page from its e-mail, and the page after acting.
    await stack.app.sendPendingMail();
    const mail = stack.smtp.received.find((m) => m.raw.includes(reference))!;
    const accept = /受理此件：(https?:\/\/\S+)/.exec((await simpleParser(mail.raw)).text)![1]!;
    const actionPage = await page.goto(`${stack.server.url}${new URL(accept).pathname}`);
    expect(actionPage!.status()).toBe(200);
    expectHeaders(actionPage, 'action page');
    const [done] = await Promise.all([
      page.waitForResponse((r) => r.request().isNavigationRequest()),
      page.locator('form button[type=submit], form input[type=submit]').first().click(),
    ]);
    expectHeaders(done, 'action done page');
    // Refusal pages of the functions.
    expectHeaders(await page.goto(`${stack.server.url}/api/actions/not-a-token`), 'bad action link');
    expectHeaders(await page.goto(`${stack.server.url}/api/evidence/not-a-token`), 'bad evidence link');
    expect(violations).toEqual([]);
    await page.close();
  });

  it('the no-JavaScript form and status pages rendered by the functions carry the headers', async () => {
    const noJs = await stack.browser.newContext({ javaScriptEnabled: false });
    const { page, violations } = await watched(noJs);
    await page.goto(`${stack.server.url}/complaint/`);
    await page.getByLabel('举报（可以匿名；匿名举报不会收到办理反馈）').check();
    await page.getByLabel(aboutChoices.unit).check();
    const [form] = await Promise.all([
      page.waitForResponse((r) => r.request().isNavigationRequest()),
      page.getByRole('button', { name: '下一步：核对' }).click(),
    ]);
    expect(form!.status()).toBe(400);
    expectHeaders(form, 'no-JS form with errors');
    // The status form without JavaScript posts to /api/status, which renders the answer.
    await page.goto(`${stack.server.url}/complaint/status/`);
    await page.locator('#reference').fill('TS-0000-0000');
    await page.locator('#code').fill('AAAA-BBBB-CCCC');
    const [status] = await Promise.all([page.waitForResponse((r) => r.request().isNavigationRequest()), page.getByRole('button', { name: '查询' }).click()]);
    expect(new URL(status.url()).pathname).toBe('/api/status');
    expectHeaders(status, 'no-JS status page');
    expect(violations).toEqual([]);
    await noJs.close();
  });
});
