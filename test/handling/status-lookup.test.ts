import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { islandReady } from '../support/browser.ts';
import { firstCertificate, stackSkipReason, startStack, type Stack } from '../support/stack.ts';
import { validSubmission } from '../complaints/support.ts';
import { newReference, parseReference, ALPHABET } from '../../functions/complaints/reference.ts';
import { referenceProblem } from '../../src/core/complaint/status-lookup.ts';

/**
 * The status lookup when it cannot answer (/complaint/status/): both typed values are kept, the error stands at its
 * field (aria-invalid, aria-describedby, linked from the summary), a reference with one mistyped character is told
 * so (its check character does not match), and an unknown reference and a wrong code stay one answer. Without
 * JavaScript over HTTP (`POST /api/status`, in Chromium with scripts off), with JavaScript in Chromium.
 */

/** The reference with one character changed (not the check character): well formed, wrong check character. */
function oneSlip(reference: string): string {
  const at = reference.length - 2; // the last symbol before the check character
  const next = ALPHABET[(ALPHABET.indexOf(reference[at]!) + 1) % ALPHABET.length]!;
  return reference.slice(0, at) + next + reference.slice(at + 1);
}

describe('the reference check in the browser agrees with the server', () => {
  it('tells a one-character slip from a malformed reference, as parseReference reads it', () => {
    for (let i = 0; i < 500; i++) {
      const reference = newReference();
      expect(referenceProblem(reference)).toBeUndefined();
      expect(referenceProblem(reference.toLowerCase().replace(/-/g, ' '))).toBeUndefined();
      const slip = oneSlip(reference);
      expect(parseReference(slip)).toBeUndefined();
      expect(referenceProblem(slip)).toBe('check');
    }
    expect(referenceProblem('')).toBe('empty');
    expect(referenceProblem('  ')).toBe('empty');
    expect(referenceProblem('hello')).toBe('format');
    expect(referenceProblem('TS-7K3M-9QX2-1')).toBe('format');
    expect(referenceProblem('TS-7K3M-9QX')).toBe('format');
  });
});

const reason = stackSkipReason('status lookup test', ['complaint/status/index.html', 'verify']);

describe.skipIf(reason)('status lookup errors keep what was typed and stand at their field (Chromium)', () => {
  let stack: Stack;
  let reference: string;
  let code: string;
  beforeAll(async () => {
    stack = await startStack();
    const filed = await fetch(`${stack.server.url}/api/complaints`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(validSubmission({ certificateNo: firstCertificate(stack).no, category: 'other' })),
    });
    expect(filed.status).toBe(201);
    ({ reference, trackingCode: code } = (await filed.json()) as { reference: string; trackingCode: string });
  });
  afterAll(() => stack?.stop());

  const lookup = (form: Record<string, string>) =>
    fetch(`${stack.server.url}/api/status`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });

  /** What the field shows about itself: its value, aria-invalid and the text of what describes it. */
  async function fieldState(page: Page, id: 'reference' | 'code') {
    expect(await page.locator(`#${id}`).count(), `the form again, with #${id}`).toBe(1);
    return page.locator(`#${id}`).evaluate((input: HTMLInputElement) => ({
      value: input.value,
      invalid: input.getAttribute('aria-invalid'),
      described: (input.getAttribute('aria-describedby') ?? '')
        .split(/\s+/)
        .map((id) => document.getElementById(id)?.textContent ?? `missing #${id}`)
        .join(' | '),
    }));
  }

  /** The summary's links: text and target. */
  async function summaryLinks(page: Page) {
    return page.locator('.error-summary a').evaluateAll((links) => links.map((a) => [a.textContent, a.getAttribute('href')]));
  }

  it('without JavaScript over HTTP: the form comes back with both values kept, escaped', async () => {
    const hostile = '<script>alert(1)</script>"';
    const wrong = await lookup({ reference: hostile, code: 'AAAA-"><b>' });
    expect(wrong.status).toBe(400);
    const html = await wrong.text();
    expect(html).not.toContain('<script>alert');
    expect(html).toContain('value="&lt;script&gt;alert(1)&lt;/script&gt;&quot;"');
    expect(html).toContain('value="AAAA-&quot;&gt;&lt;b&gt;"');
    expect(html).not.toContain('返回重新查询');

    // A wrong code and an unknown (well-formed) reference: the same page apart from the values typed.
    const wrongCode = await lookup({ reference, code: 'AAAA-BBBB-CCCC' });
    const unknown = await lookup({ reference: newReference(), code: 'AAAA-BBBB-CCCC' });
    expect([wrongCode.status, unknown.status]).toEqual([404, 404]);
    const strip = (s: string) => s.replace(/value="[^"]*"/g, 'value=""');
    expect(strip(await wrongCode.text())).toBe(strip(await unknown.text()));
  });

  for (const js of [false, true]) {
    const how = js ? 'with JavaScript' : 'without JavaScript';

    async function submit(page: Page, typed: { reference: string; code: string }) {
      await page.goto(`${stack.server.url}/complaint/status/`);
      if (js) await islandReady(page);
      await page.locator('#reference').fill(typed.reference);
      await page.locator('#code').fill(typed.code);
      await page.getByRole('button', { name: '查询' }).click();
      await page.locator('[role=alert]').first().waitFor({ timeout: 10_000 });
      if (js) expect(new URL(page.url()).pathname).toBe('/complaint/status/');
      else expect(new URL(page.url()).pathname).toBe('/api/status');
    }

    it(`${how}: a wrong code keeps both values, marks the fields and never tells which one is wrong`, async () => {
      const context = await stack.browser.newContext({ javaScriptEnabled: js });
      const page = await context.newPage();
      const wrongCode = code.slice(0, -1) + (code.endsWith('0') ? '1' : '0');
      await submit(page, { reference, code: wrongCode });
      const ref = await fieldState(page, 'reference');
      const cod = await fieldState(page, 'code');
      expect(ref.value).toBe(reference);
      expect(cod.value).toBe(wrongCode);
      expect([ref.invalid, cod.invalid]).toEqual(['true', 'true']);
      expect(ref.described).toContain('受理编号或查询码不正确');
      expect(cod.described).toContain('受理编号或查询码不正确');
      expect(await summaryLinks(page)).toEqual([[expect.stringContaining('受理编号或查询码不正确'), '#reference']]);

      // An unknown reference with some code: the same words and the same fields.
      await submit(page, { reference: newReference(), code: wrongCode });
      expect(await summaryLinks(page)).toEqual([[expect.stringContaining('受理编号或查询码不正确'), '#reference']]);
      expect((await fieldState(page, 'code')).invalid).toBe('true');
      await context.close();
    });

    it(`${how}: a one-character slip in the reference says the check character does not match, at the reference`, async () => {
      const context = await stack.browser.newContext({ javaScriptEnabled: js });
      const page = await context.newPage();
      const slip = oneSlip(reference);
      await submit(page, { reference: slip, code });
      const alert = (await page.locator('[role=alert]').first().textContent())!;
      expect(alert).toContain('可能有一位输错了');
      expect(alert).not.toContain('格式不对');
      const ref = await fieldState(page, 'reference');
      const cod = await fieldState(page, 'code');
      expect(ref.value).toBe(slip);
      expect(cod.value).toBe(code);
      expect(ref.invalid).toBe('true');
      expect(cod.invalid).toBeNull();
      expect(ref.described).toContain('可能有一位输错了');
      expect(ref.described).not.toContain('格式不对');
      expect(await summaryLinks(page)).toEqual([[expect.stringContaining('可能有一位输错了'), '#reference']]);
      await context.close();
    });

    it(`${how}: an empty code is told at the code, the reference kept`, async () => {
      const context = await stack.browser.newContext({ javaScriptEnabled: js });
      const page = await context.newPage();
      await submit(page, { reference, code: '' });
      const ref = await fieldState(page, 'reference');
      const cod = await fieldState(page, 'code');
      expect(ref.value).toBe(reference);
      expect([ref.invalid, cod.invalid]).toEqual([null, 'true']);
      expect(cod.described).toContain('请填写查询码');
      expect(await summaryLinks(page)).toEqual([[expect.stringContaining('请填写查询码'), '#code']]);
      // Following the summary's link puts the cursor in the field.
      await page.locator('.error-summary a').click();
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('code');
      await context.close();
    });
  }
});
