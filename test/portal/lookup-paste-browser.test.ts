/**
 * Pasting into the number box on a static-only host (dist/ served with no functions), in Chromium at phone size:
 * the built /lookup/ page's script reads the number out of a badge's QR link, a labelled number or a number typed
 * with a name, looks it up in the static number index, and shows the foreign-link hint for another site's link and
 * the name-mismatch note for a name that is not the holder's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/browser.ts';
import { serveSite } from '../support/site.ts';
import { stackSkipReason } from '../support/stack.ts';
import { builtRecords, decodeQr, type PublishedRecord } from './helpers.ts';

const skip = stackSkipReason('pasted links on a static-only host', ['index.html', 'lookup/index.html']);
const LABEL = '输入辅助行政执法证件编号核验';
const HINT = '您粘贴的链接不是本站地址';

describe.skipIf(skip)('pasted links and labels in the lookup box, static-only host', { timeout: 120_000 }, () => {
  let server: Awaited<ReturnType<typeof serveSite>>;
  let browser: Browser;
  let page: Page;
  let record: PublishedRecord;
  let qrText: string;

  beforeAll(async () => {
    server = await serveSite();
    browser = await launchChromium();
    page = await (await browser.newContext()).newPage();
    record = (await builtRecords()).find((r) => r.status === 'active' && /^[A-Z]+-\d{4}-\d{4}$/.test(r.certificateNo))!;
    // What the badge's QR code really says (SITE_URL's host, not the 127.0.0.1 this test serves on).
    qrText = (await decodeQr(page, `${server.url}/verify/${encodeURIComponent(record.certificateNo)}/qr.svg`))!;
    await page.setViewportSize({ width: 390, height: 844 });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const own = () => `/verify/${encodeURIComponent(record.certificateNo)}/`;
  async function paste(text: string) {
    await page.goto(`${server.url}/`);
    await page.getByLabel(LABEL).fill(text);
    await page.getByRole('button', { name: '核验' }).click();
  }

  it('a badge’s QR link, as scanned or wrapped in a message, and a labelled number reach the number’s page', async () => {
    expect(qrText).toMatch(/^https?:\/\/[^/]+\/verify\/.+\/$/);
    for (const pasted of [qrText, `请核验 ${qrText}?from=singlemessage&isappinstalled=0 谢谢`, `证件编号：${record.certificateNo}`]) {
      await paste(pasted);
      await page.waitForURL(`**${own()}`, { timeout: 15_000 });
      expect(await page.locator('#auxiliary').getAttribute('data-name'), pasted).toBe(record.name);
    }
  });

  it('a number typed with its holder’s name reaches the page; with another name the page says the name differs', async () => {
    for (const typed of [`${record.name} ${record.certificateNo}`, `${record.certificateNo}，${record.name}`]) {
      await paste(typed);
      await page.waitForURL(`**${own()}`, { timeout: 15_000 });
      expect(await page.locator('#auxiliary').getAttribute('data-name'), typed).toBe(record.name);
    }
    const other = (await builtRecords()).find((r) => r.name !== record.name && /^\p{Script=Han}{2,4}$/u.test(r.name))!.name;
    await paste(`${other} ${record.certificateNo}`);
    await page.locator('#name-mismatch').waitFor();
    expect(page.url()).toContain('/lookup/');
    expect(await page.locator('#nm-name').innerText()).toBe(other);
    expect(await page.locator('#nm-no').innerText()).toBe(record.certificateNo);
    expect(await page.title()).toContain('请核对姓名');
    await page.locator('#nm-verify').click();
    await page.waitForURL(`**${own()}`);
    expect(await page.locator('#auxiliary').getAttribute('data-name')).toBe(record.name);
  });

  it('another site’s link: the hint stays on screen with the way to this site’s page; an unlisted number shows the number, not the link', async () => {
    await paste(`https://gongshi-example.com/verify/${encodeURIComponent(record.certificateNo)}/`);
    await page.locator('#foreign-found').waitFor();
    expect(await page.locator('#foreign-link').innerText()).toContain(HINT);
    expect(await page.locator('#foreign-link').innerText()).toContain('gongshi-example.com');
    await page.locator('#ff-verify').click();
    await page.waitForURL(`**${own()}`);
    expect(await page.locator('#auxiliary').getAttribute('data-name')).toBe(record.name);

    await paste('请核验 https://gongshi-example.com/verify/ZZQQ-1999-9999/?from=singlemessage 谢谢');
    await page.locator('#not-found').waitFor();
    expect(await page.locator('#nf-no').innerText()).toBe('ZZQQ-1999-9999');
    expect(await page.getByLabel(LABEL).inputValue()).toBe('ZZQQ-1999-9999');
    expect(await page.locator('#foreign-link').innerText()).toContain(HINT);
    const hint = (await page.locator('#foreign-link').boundingBox())!;
    const warning = (await page.locator('#not-found .status').boundingBox())!;
    expect(warning.y + warning.height, 'the warning is on the first screen').toBeLessThan(844);
    expect(hint.y).toBeLessThan(warning.y);
    // This site's own link to an unlisted number: the number, no hint.
    await paste(`${server.url}/verify/ZZQQ-1999-9999/`);
    await page.locator('#not-found').waitFor();
    expect(await page.locator('#nf-no').innerText()).toBe('ZZQQ-1999-9999');
    expect(await page.locator('#foreign-link').count()).toBe(0);
  });
});
