import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { islandReady } from '../support/browser.ts';
import { distDir } from '../support/site.ts';
import { fillComplaintForm, firstCertificate, stackSkipReason, startStack, type Stack } from '../support/stack.ts';
import { validSubmission } from './support.ts';

const reason = stackSkipReason('complaint island fixes', ['complaint/index.html', 'verify']);

/** One certificate per status whose holder's name is no longer published (its verify page carries no name). */
function withheldByStatus(): Map<string, string> {
  const found = new Map<string, string>();
  for (const no of readdirSync(join(distDir, 'verify')).sort()) {
    let page: string;
    try {
      page = readFileSync(join(distDir, 'verify', no, 'index.html'), 'utf8');
    } catch {
      continue;
    }
    const m = /id="auxiliary"[^>]* data-name="" [^>]*data-status="(\w+)"/.exec(page);
    if (m && !found.has(m[1]!)) found.set(m[1]!, no);
  }
  return found;
}

describe.skipIf(reason)('complaint island in Chromium: names withheld, focus, acknowledgement claims', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack?.stop());

  it('says the name is no longer published, with no stray comma and nobody to confirm, for every status without a name', async () => {
    const certificates = withheldByStatus();
    expect(certificates.size, 'the sample has certificates whose names are withheld').toBeGreaterThan(0);
    for (const [status, no] of certificates) {
      const page = await stack.browser.newPage();
      await page.goto(`${stack.server.url}/complaint/?no=${encodeURIComponent(no)}`);
      await islandReady(page);
      const match = page.locator('#certificate-match');
      await expect.poll(() => match.textContent(), { timeout: 10_000 }).toContain('姓名已不再公示');
      const said = (await match.textContent())!;
      expect(said, status).not.toContain('：，');
      expect(said, status).not.toContain('请确认是此人');
      await fillComplaintForm(page);
      await expect.poll(() => page.locator('#check-title').textContent()).toContain('请核对');
      const answers = (await page.locator('.check-answers').textContent())!;
      expect(answers, status).toContain(`（姓名已不再公示）（${no}，`);
      expect(answers, status).not.toContain(`：（${no}`);
      await page.close();
    }
  });

  it('gives focus to the field being changed, and an error-summary link of a radio question to its first radio', async () => {
    const { no } = firstCertificate(stack);
    const page = await stack.browser.newPage();
    await page.goto(`${stack.server.url}/complaint/?no=${encodeURIComponent(no)}`);
    await islandReady(page);
    await page.getByRole('button', { name: '下一步：核对' }).click();
    const kindLink = page.locator('.error-summary a', { hasText: '请选择是投诉还是举报' });
    await kindLink.click();
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name)).toBe('kind');
    await expect.poll(() => page.locator('#certificate-match').textContent(), { timeout: 10_000 }).toBeTruthy();
    await fillComplaintForm(page);
    await expect.poll(() => page.locator('#check-title').textContent()).toContain('请核对');
    await page.getByRole('button', { name: '修改联系电话' }).click();
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('f-phone');
    await page.getByRole('button', { name: '下一步：核对' }).click();
    await page.getByRole('button', { name: '修改类型' }).click();
    await expect.poll(() => page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name)).toBe('kind');
    await page.close();
  });

  it('does not claim a confirmation e-mail for the 4th submission of the day from one mailbox', async () => {
    const { no } = firstCertificate(stack);
    const email = 'fourth@citizen.example';
    // Three filed already today from this mailbox take its acknowledgements.
    for (let i = 0; i < 3; i++) {
      const response = await fetch(`${stack.server.url}/api/complaints`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(validSubmission({ certificateNo: no, category: 'other', email: `fourth+${i}@citizen.example` })),
      });
      expect(response.status).toBe(201);
      expect(((await response.json()) as { ackQueued: boolean }).ackQueued).toBe(true);
    }
    const page = await stack.browser.newPage();
    await page.goto(`${stack.server.url}/complaint/?no=${encodeURIComponent(no)}`);
    await islandReady(page);
    await expect.poll(() => page.locator('#certificate-match').textContent(), { timeout: 10_000 }).toBeTruthy();
    await fillComplaintForm(page, { '#f-email': email });
    await page.getByRole('button', { name: '确认提交' }).click();
    await page.locator('#reference').waitFor({ timeout: 10_000 });
    const said = (await page.locator('#handled-by').textContent())!;
    expect(said).not.toContain('确认邮件将发往');
    expect(said).toContain('已达上限');
    await page.close();
  });
});
