import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HOLIDAYS_NOT_DEDUCTED, PLATFORM_LIMIT } from '../../src/core/policy/labels.ts';
import { distDir, siteBuilt } from '../support/site.ts';

/** Every word by which a page can state a handling deadline or its breach. */
// A retention period (保存期限), a draft's comment period (征求意见的期限), a roster's freshness period (更新期限,
// N 个工作日未更新) and the holiday caveat on its own (计算工作日时未扣除) are not handling deadlines.
const DEADLINE_WORDS = /(?<!保存|征求意见的|更新)期限|时限|逾期|超期|工作日(?!未更新|时未扣除)/;

function* files(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    // Script bundles and the search index hold no page text of their own.
    if (entry.isDirectory()) {
      if (entry.name !== '_astro' && entry.name !== 'pagefind') yield* files(path);
    } else if (/\.(html|json|csv|txt)$/.test(entry.name)) yield path;
  }
}

describe.skipIf(!siteBuilt())('every place of the built site that states a deadline labels it', () => {
  it("as the platform's time limit, with the holiday caveat (the sample has no citation and no calendar years)", () => {
    const stating: string[] = [];
    for (const path of files(distDir)) {
      const text = readFileSync(path, 'utf8').replace(/<[^>]+>/g, '');
      if (!DEADLINE_WORDS.test(text)) continue;
      const where = relative(distDir, path);
      stating.push(where);
      expect(text, where).toContain(PLATFORM_LIMIT);
      // The note names the years the calendar lacks (the sample has none), so a reader can tell which deadlines it touches.
      expect(text, where).toMatch(new RegExp(`节假日日历\\d{4}(、\\d{4})*年未覆盖，${HOLIDAYS_NOT_DEDUCTED}`));
    }
    for (const expected of ['regulations/hebei-2021/index.html', 'regulations/luan-draft/index.html', 'complaint/status/index.html', 'privacy/index.html']) {
      expect(stating, expected).toContain(expected);
    }
  });
});
