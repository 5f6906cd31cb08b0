import { islandReady } from '../support/browser.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { fillComplaintForm, firstCertificate, pageWatchingOrigins, stackSkipReason, startStack, type Stack } from '../support/stack.ts';
import { header } from '../complaints/support.ts';
import { linksIn, mailText } from './support.ts';
import { axeViolations } from '../portal/helpers.ts';

/**
 * One complaint from filing to resolution in Chromium: the citizen files it through the form, the agency
 * acts only through the links in the e-mails it receives (over a real SMTP server), and the citizen follows
 * it on /complaint/status/ and by e-mail.
 */
const reason = stackSkipReason('handling browser test', ['complaint/index.html', 'complaint/status/index.html', 'verify']);

describe.skipIf(reason)('one complaint from filing to resolution through the e-mailed links (Chromium)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack?.stop());

  /** Delivers what is due and returns the new messages. */
  async function deliver() {
    const before = stack.smtp.received.length;
    await stack.app.sendPendingMail();
    return stack.smtp.received.slice(before);
  }
  /** The e-mailed link, opened on the local server instead of the published origin. */
  const local = (path: string) => `${stack.server.url}${path}`;

  async function act(page: Page, path: string, fill: Record<string, string>, button: string): Promise<string> {
    await page.goto(local(path));
    for (const [selector, value] of Object.entries(fill)) await page.locator(selector).fill(value);
    await page.getByRole('button', { name: button }).click();
    return (await page.locator('[role=status]').textContent({ timeout: 10_000 }))!;
  }

  it('files, accepts, resolves; the citizen sees each step', async () => {
    const { no, aux, agency } = firstCertificate(stack);
    const { page, thirdParty } = await pageWatchingOrigins(stack);

    // 1. The citizen files the complaint through the form.
    await page.goto(local(`/complaint/?no=${encodeURIComponent(no)}`));
    await islandReady(page);
    await expect.poll(() => page.locator('#certificate-match').textContent(), { timeout: 10_000 }).toContain(aux.name);
    await fillComplaintForm(page, { '#f-email': 'citizen@example.net' });
    await page.getByRole('button', { name: '确认提交' }).click();
    const reference = (await page.locator('#reference').textContent({ timeout: 10_000 }))!.trim();
    const trackingCode = (await page.locator('#tracking-code').textContent())!.trim();

    // 2. The employing agency receives it with three links; opening one shows a form and changes nothing.
    const first = await deliver();
    const agencyMail = first.find((m) => m.to[0] === agency.complaints.email && header(m.raw, 'subject')!.includes(reference))!;
    const links = linksIn(agencyMail);
    expect(Object.keys(links).sort()).toEqual(['不予受理', '受理此件', '转办其他机关'].sort());
    // The confirmation pages pass axe (a context that lets axe's script past the pages' no-script CSP).
    const audit = await stack.browser.newContext({ bypassCSP: true });
    const auditPage = await audit.newPage();
    for (const path of [links['转办其他机关']!, '/complaint/status/', '/stats/']) {
      await auditPage.goto(local(path));
      expect(await axeViolations(auditPage), path).toEqual([]);
    }
    await audit.close();
    expect(await act(page, links['受理此件']!, {}, '确认受理')).toContain(`已受理 ${reference}`);

    // 3. Accepting brings a second mail with the 办结 link; the citizen is told.
    const second = await deliver();
    expect(second.some((m) => m.to[0] === 'citizen@example.net' && header(m.raw, 'subject')!.includes('已受理'))).toBe(true);
    const next = linksIn(second.find((m) => m.to[0] === agency.complaints.email)!);
    await page.goto(local(next['办结']!));
    await page.getByRole('button', { name: '确认办结' }).click(); // empty: refused, nothing done
    expect(await page.locator('#result').evaluate((el: HTMLTextAreaElement) => el.validity.valueMissing)).toBe(true);
    expect(await act(page, next['办结']!, { '#result': '经核查属实，已责令该辅助人员退还并作出处理。' }, '确认办结')).toContain('已办结');

    // A used link cannot be used again.
    await page.goto(local(links['受理此件']!));
    expect(await page.locator('[role=alert]').textContent()).toContain('已经使用过');

    // 4. The citizen gets the result by e-mail and sees the dated history on /complaint/status/.
    const third = await deliver();
    const result = third.find((m) => m.to[0] === 'citizen@example.net')!;
    expect(mailText(result.raw)).toContain('已责令该辅助人员退还');
    await page.goto(local('/complaint/status/'));
    await page.locator('astro-island:not([ssr])').waitFor({ state: 'attached' }); // hydrated: the island answers in place
    await page.locator('#reference').fill(reference);
    await page.locator('#code').fill(trackingCode);
    await page.getByRole('button', { name: '查询' }).click();
    await expect.poll(() => page.locator('#status').textContent(), { timeout: 10_000 }).toBe('已办结');
    const history = (await page.locator('.status-result tbody').textContent())!;
    expect(history).toContain('已提交');
    expect(history).toContain('已受理');
    expect(history).toContain('已责令该辅助人员退还');
    expect(history).not.toContain('三轮车');
    expect(page.url()).toBe(local('/complaint/status/')); // answered in place, not by the plain form
    expect(thirdParty).toEqual([]);

    // Without JavaScript the same lookup works through the plain form.
    const noJs = await stack.browser.newContext({ javaScriptEnabled: false });
    const plain = await noJs.newPage();
    await plain.goto(local('/complaint/status/'));
    await plain.locator('#reference').fill(reference);
    await plain.locator('#code').fill(trackingCode);
    await plain.getByRole('button', { name: '查询' }).click();
    expect(await plain.locator('#status').textContent()).toBe('已办结');
    await noJs.close();
    await page.close();
  });
});
