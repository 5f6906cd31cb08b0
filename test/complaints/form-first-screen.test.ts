import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { islandReady } from '../support/browser.ts';
import { stackSkipReason, startStack, type Stack } from '../support/stack.ts';

/**
 * The complaint page on a small phone (360×740), with JavaScript and without: the form's first question is on the
 * first screen (a trial found the whole first screen was explanation), and what was folded away is one tap from it —
 * the routing, with the platform's own rules said to be the platform's, and the evidence files' metadata notice, which
 * the file field's own hint repeats.
 */
const reason = stackSkipReason('complaint page on a phone', ['complaint/index.html']);
const PHONE = { width: 360, height: 740 };

describe.skipIf(reason)('the complaint page on a phone', { timeout: 120_000 }, () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack?.stop());

  for (const javaScriptEnabled of [true, false]) {
    it(`JavaScript ${javaScriptEnabled ? 'on' : 'off'}: the first question is on the first screen; routing and metadata one tap away`, async () => {
      const context = await stack.browser.newContext({ viewport: PHONE, javaScriptEnabled });
      const page = await context.newPage();
      await page.goto(`${stack.server.url}/complaint/`);
      if (javaScriptEnabled) await islandReady(page);
      const first = page.locator('main form fieldset legend').first();
      expect(await first.innerText()).toContain('投诉还是举报');
      const box = await first.boundingBox();
      expect(box, 'first question rendered').not.toBeNull();
      expect(box!.y + box!.height).toBeLessThanOrEqual(PHONE.height);

      const routing = page.locator('details.intro-more', { hasText: '转给哪个机关' });
      expect(await routing.locator('p').isVisible()).toBe(false);
      await routing.locator('summary').click();
      expect(await routing.locator('p').innerText()).toContain('是本平台的规则');
      const metadata = page.locator('details.intro-more', { has: page.locator('#evidence-metadata') });
      await metadata.locator('summary').click();
      expect(await page.locator('#evidence-metadata').innerText()).toContain('PDF 文件按原样保存和转交');
      // And again where a file is chosen: the file input's own description warns that a PDF keeps its author.
      const described = (await page.locator('input[type="file"][name="evidence"]').getAttribute('aria-describedby')) ?? '';
      const hints = await Promise.all(
        described
          .split(' ')
          .filter(Boolean)
          .map((id) => page.locator(`[id="${id}"]`).innerText()),
      );
      expect(hints.join(' ')).toContain('PDF 按原样转交，其中的作者等信息不删除');
      await context.close();
    });
  }
});
