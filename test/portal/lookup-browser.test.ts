/**
 * A person in the street with a phone (390×844), with JavaScript on and off, against the whole stack as `npm start`
 * runs it: a number typed any way reaches its page, a mistyped one gets the warning first and close numbers below
 * it, a name goes to search; search knows everyday unit names, puts active holders first, counts, colours statuses
 * as everywhere else, finds a number by its tail, and lays its filters out for a phone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { stackSkipReason, startStack, type Stack } from '../support/stack.ts';
import { builtRecords, type PublishedRecord } from './helpers.ts';
import { certificateLookupKey } from '../../src/core/text.ts';

const skip = stackSkipReason('lookup and search journeys', ['index.html', 'lookup/index.html', 'search/index.html']);
const PHONE = { width: 390, height: 844 };
const LABEL = '输入辅助行政执法证件编号核验';

describe.skipIf(skip)('lookup and search journeys at phone size', { timeout: 240_000 }, () => {
  let stack: Stack;
  let records: PublishedRecord[];
  let byNo: Map<string, PublishedRecord>;
  let listedKeys: Set<string>;
  const contexts: Record<'js' | 'nojs', BrowserContext> = {} as never;

  beforeAll(async () => {
    stack = await startStack();
    records = await builtRecords();
    byNo = new Map(records.map((r) => [r.certificateNo, r]));
    listedKeys = new Set([...stack.app.world.directory.certificates()].map((c) => certificateLookupKey(c.certificateNo)));
    contexts.js = await stack.browser.newContext({ viewport: PHONE });
    contexts.nojs = await stack.browser.newContext({ viewport: PHONE, javaScriptEnabled: false });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const url = (path: string) => `${stack.server.url}${path}`;
  const own = (no: string) => `/verify/${encodeURIComponent(no)}/`;

  async function typeInBox(page: Page, text: string) {
    await page.goto(url('/'));
    await page.getByLabel(LABEL).fill(text);
    await page.getByRole('button', { name: '核验' }).click();
    await page.waitForLoadState('load');
  }

  /**
   * One typo of each kind the issue names, made from a listed number of an active holder so that the result is
   * not itself listed. `alone`: a number that differs only in O/0 or I/1 is offered by itself.
   */
  function slips(): { kind: string; record: PublishedRecord; typo: string; alone: boolean }[] {
    const active = records.filter((r) => r.status === 'active');
    const pick = (kind: string, alone: boolean, make: (no: string) => string | undefined) => {
      for (const record of active) {
        const typo = make(record.certificateNo);
        if (typo && !listedKeys.has(certificateLookupKey(typo))) return { kind, record, typo, alone };
      }
      throw new Error(`no sample number to make "${kind}" from`);
    };
    return [
      // A letter of the prefix: a last digit off is one symbol from up to 9 listed numbers of the same series, of
      // which only 3 can be offered (any 3: none is likelier than another), so it could not name this one.
      pick('one symbol off', false, (no) =>
        /^[A-Z]{2}/.test(no) ? `${no[0]}${no[1] === 'Z' ? 'Y' : String.fromCharCode(no.charCodeAt(1) + 1)}${no.slice(2)}` : undefined,
      ),
      pick('O for 0', true, (no) => (no.includes('0') ? no.replace(/0(?=[^0]*$)/, 'O') : undefined)),
      pick('I for 1', true, (no) => (no.includes('1') ? no.replace(/1(?=[^1]*$)/, 'I') : undefined)),
      pick('a segment left out', false, (no) => {
        const parts = no.split('-');
        return parts.length === 3 ? `${parts[0]}-${parts[2]}` : undefined;
      }),
    ];
  }

  for (const mode of ['js', 'nojs'] as const) {
    describe(mode === 'js' ? 'JavaScript on' : 'JavaScript off', () => {
      it('a listed number typed in any spelling, in the box or in the address, reaches its own page', async () => {
        const page = await contexts[mode].newPage();
        const samples = [records.find((r) => /^[A-Z]+-\d{4}-\d{4}$/.test(r.certificateNo))!, records.find((r) => /^[A-Z]+-[A-Z]+-\d+$/.test(r.certificateNo))!];
        for (const record of samples) {
          const no = record.certificateNo;
          const fullWidth = no.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
          for (const typed of [no.toLowerCase(), ` ${no.replace(/-/g, ' ')} `, fullWidth, no.replace(/-/g, '/')]) {
            await typeInBox(page, typed);
            await page.waitForURL(`**${own(no)}`);
            expect(await page.locator('#auxiliary').getAttribute('data-name'), typed).toBe(record.name);
          }
          for (const path of [
            `/verify/${no.toLowerCase()}/`,
            `/verify/${no.replace(/-/g, '')}`,
            `/verify/${encodeURIComponent(fullWidth)}/`,
            `/lookup/?no=${encodeURIComponent(no.toLowerCase())}`,
          ]) {
            const response = await page.goto(url(path));
            expect(new URL(page.url()).pathname, path).toBe(own(no));
            expect(response?.status(), path).toBe(200);
            // Never the not-found wording for a listed number.
            expect(await page.locator('body').innerText()).not.toMatch(/查无此证|不在公示名单中|页面不存在/);
          }
        }
        await page.close();
      });

      it('each kind of slip (one symbol off, O for 0, I for 1, a segment left out): the warning first, then up to 3 close numbers with their unit', async () => {
        const page = await contexts[mode].newPage();
        for (const { kind, record, typo, alone } of slips()) {
          await typeInBox(page, typo);
          await page.locator('#not-found').waitFor();
          const warning = page.locator('#not-found .status');
          await page.locator('#nf-suggest').waitFor();
          expect(await warning.innerText(), kind).toContain('不在');
          expect(await page.locator('#nf-no').innerText(), kind).toBe(typo);
          const warningBox = (await warning.boundingBox())!;
          const suggestBox = (await page.locator('#nf-suggest').boundingBox())!;
          expect(suggestBox.y, kind).toBeGreaterThan(warningBox.y + warningBox.height - 1);
          expect(warningBox.y + warningBox.height, kind).toBeLessThan(PHONE.height);
          const items = page.locator('#nf-suggest li');
          const offered = await items.allInnerTexts();
          expect(offered.length, kind).toBeGreaterThan(0);
          expect(offered.length, kind).toBeLessThanOrEqual(alone ? 1 : 3);
          // Every number offered is a listed one, shown with the unit that employs its holder.
          for (const text of offered) {
            const no = text.split(' · ')[0]!.trim();
            expect(listedKeys.has(certificateLookupKey(no)), `${kind}: ${text}`).toBe(true);
            expect(text, kind).toContain(` · ${byNo.get(no)?.agencyName ?? ''}`);
          }
          const wanted = offered.find((text) => text.startsWith(`${record.certificateNo} `));
          expect(wanted, `${kind}: ${typo} → ${offered.join(' | ')}`).toContain(record.agencyName);
          // The number typed is kept in the box, to be corrected; nobody is asked to edit an address.
          expect(await page.getByLabel(LABEL).inputValue(), kind).toBe(typo);
          expect(await page.locator('body').innerText(), kind).not.toMatch(/地址栏|修改(网址|地址)/);
          expect(await page.evaluate(() => document.documentElement.scrollWidth), kind).toBeLessThanOrEqual(PHONE.width);
        }
        // A suggestion leads to its page.
        const { record, typo } = slips()[0]!;
        await typeInBox(page, typo);
        await page.locator('#nf-suggest li').filter({ hasText: record.certificateNo }).getByRole('link').click();
        await page.waitForURL(`**${own(record.certificateNo)}`);
        expect(await page.locator('#auxiliary').getAttribute('data-name')).toBe(record.name);
        // A made-up number gets the warning and no suggestion.
        await typeInBox(page, 'ZZQQ-1999-9999');
        await page.locator('#not-found').waitFor();
        expect(await page.locator('#nf-suggest').count()).toBe(0);
        expect(await page.getByRole('link', { name: '举报此编号' }).getAttribute('href')).toBe('/complaint/?kind=report&no=ZZQQ-1999-9999');
        await page.close();
      });

      it('a name typed into the lookup box goes to search with the text kept', async () => {
        const page = await contexts[mode].newPage();
        const name = records.find((r) => r.status === 'active')!.name;
        await typeInBox(page, name);
        await page.waitForURL('**/search/?q=*');
        expect(new URL(page.url()).searchParams.get('q')).toBe(name);
        // Kept in the search box too, also when no script can put it there (the functions fill it in).
        expect(await page.locator('#q').inputValue()).toBe(name);
        if (mode === 'js') {
          await page.locator('#search-summary').filter({ hasText: /找到/ }).waitFor();
          expect(await page.locator('#search-results li').first().innerText()).toContain(name);
        }
        await page.close();
      });

      it('filters line up on a phone: labels level with their selects, the selects in one column, nothing wider than the screen', async () => {
        const page = await contexts[mode].newPage();
        await page.goto(url('/search/'));
        const rows = await page.locator('.filters select').evaluateAll((selects) =>
          selects.map((s) => {
            const label = document.querySelector(`label[for="${s.id}"]`)!.getBoundingClientRect();
            const box = s.getBoundingClientRect();
            return {
              selectX: Math.round(box.left),
              selectRight: Math.round(box.right),
              labelMid: label.top + label.height / 2,
              top: box.top,
              bottom: box.bottom,
            };
          }),
        );
        expect(rows).toHaveLength(3);
        expect(new Set(rows.map((r) => r.selectX)).size).toBe(1);
        expect(new Set(rows.map((r) => r.selectRight)).size).toBe(1);
        for (const r of rows) expect(r.labelMid > r.top && r.labelMid < r.bottom).toBe(true);
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
        await page.close();
      });
    });
  }

  describe('search (JavaScript on)', () => {
    async function search(page: Page, q: string): Promise<{ nos: string[]; summary: string }> {
      await page.goto(url(`/search/?q=${encodeURIComponent(q)}`));
      const summary = await page.locator('#search-summary').filter({ hasText: /找到/ }).innerText();
      const nos = (await page.locator('#search-results li a').allInnerTexts()).map((t) => /（(.*)）$/.exec(t)![1]!);
      return { nos, summary };
    }

    it("everyday unit names find the unit's people, active holders first, with the count shown and the usual colours", async () => {
      const page = await contexts.js.newPage();
      for (const [alias, pattern] of [
        ['城管', /城市管理/],
        ['市场监管', /市场监督管理/],
      ] as const) {
        const { nos, summary } = await search(page, alias);
        expect(nos.length, alias).toBeGreaterThan(0);
        expect(
          nos.every((no) => pattern.test(byNo.get(no)!.agencyName)),
          alias,
        ).toBe(true);
        expect(summary).toMatch(/\d+ 人/);
        const statuses = nos.map((no) => byNo.get(no)!.status);
        const firstOther = statuses.findIndex((s) => s !== 'active');
        if (firstOther >= 0) expect(statuses.slice(firstOther).includes('active'), `${alias}: ${statuses.join(',')}`).toBe(false);
      }
      // A query whose whole result is read at once: the count is exact.
      const small = records.find((r) => r.status === 'revoked')!;
      const { nos, summary } = await search(page, small.name);
      expect(summary).toBe(`共找到 ${nos.length} 人`);
      // Active before others for the same kind of match, in results that mix both (read whole: under 20 people).
      const names = new Set(records.map((r) => r.name));
      const parts = new Map<string, PublishedRecord[]>();
      for (const r of records) {
        const chars = [...r.name];
        for (let i = 0; i + 2 <= chars.length; i++) {
          const part = chars.slice(i, i + 2).join('');
          if (!names.has(part) && !part.includes('·')) parts.set(part, [...(parts.get(part) ?? []), r]);
        }
      }
      const mixedParts = [...parts.keys()]
        .map((part) => [part, records.filter((r) => r.name.includes(part) || r.post?.includes(part) || r.agencyName.includes(part))] as const)
        .filter(([, all]) => all.length >= 3 && all.length <= 20 && all.some((r) => r.status === 'active') && all.some((r) => r.status !== 'active'));
      expect(mixedParts.length).toBeGreaterThan(2);
      for (const [part, people] of mixedParts.slice(0, 6)) {
        const { nos: mixed } = await search(page, part);
        expect(new Set(mixed), part).toEqual(new Set(people.map((r) => r.certificateNo)));
        const order = mixed.map((no) => (byNo.get(no)!.status === 'active' ? 'A' : 'o')).join('');
        expect(order, part).toMatch(/^A+o+$/);
      }
      await page.close();
    });

    it("status badges in the results have the colours of the verification page's status box, for every status", async () => {
      const page = await contexts.js.newPage();
      const statuses = [...new Set(records.map((r) => r.status))];
      expect(statuses.length).toBeGreaterThan(2);
      for (const status of statuses) {
        const record = records.find((r) => r.status === status)!;
        const { nos } = await search(page, record.certificateNo);
        expect(nos[0], status).toBe(record.certificateNo);
        const badge = await page
          .locator('#search-results li .tag')
          .first()
          .evaluate((el) => {
            const s = getComputedStyle(el);
            return { words: el.textContent, colours: [s.color, s.backgroundColor, s.borderTopColor] };
          });
        await page.goto(url(own(record.certificateNo)));
        const box = await page.locator('#auxiliary .status').evaluate((el) => {
          const s = getComputedStyle(el);
          return { words: el.querySelector('.label')!.textContent, colours: [s.color, s.backgroundColor, s.borderTopColor] };
        });
        expect(badge, status).toEqual(box);
      }
      await page.close();
    });

    it('a 4-character tail that more than 3 numbers share lists every one of them, counted, active holders first; typing more narrows it', async () => {
      const page = await contexts.js.newPage();
      const keyOf = (r: PublishedRecord) => certificateLookupKey(r.certificateNo);
      const sharing = new Map<string, PublishedRecord[]>();
      for (const r of records) sharing.set(keyOf(r).slice(-4), [...(sharing.get(keyOf(r).slice(-4)) ?? []), r]);
      // The most shared tail (0004 and its like: one per numbering series of the sample). No order can put all of
      // them in the first 3, so the page must show them all, say how many, and let one more character decide.
      const [tail, people] = [...sharing].sort((a, b) => b[1].length - a[1].length)[0]!;
      expect(people.length).toBeGreaterThan(3);
      expect(people.length).toBeLessThanOrEqual(20);
      const { nos, summary } = await search(page, tail);
      expect(new Set(nos)).toEqual(new Set(people.map((r) => r.certificateNo)));
      expect(summary).toBe(`共找到 ${people.length} 人`);
      expect(nos.map((no) => (byNo.get(no)!.status === 'active' ? 'A' : 'o')).join('')).toMatch(/^A*o*$/);
      const record = people.find((r) => r.status !== 'active') ?? people[0]!;
      const longer = keyOf(record).slice(-6);
      const { nos: narrowed } = await search(page, longer);
      expect(narrowed.length).toBeLessThan(people.length);
      expect(narrowed.slice(0, 3), longer).toContain(record.certificateNo);
      await page.close();
    });

    it("a number's last 4 or more characters find its certificate among the first 3 results", async () => {
      const page = await contexts.js.newPage();
      const keys = records.map((r) => certificateLookupKey(r.certificateNo));
      const picks = [...new Map(records.map((r) => [r.certificateNo.replace(/\d/g, '9'), r])).values()].slice(0, 6);
      for (const record of picks) {
        const key = certificateLookupKey(record.certificateNo);
        // The shortest tail of 4+ characters that at most 3 listed numbers share (a shorter one is ambiguous by nature).
        let tail = '';
        for (let n = 4; n <= key.length; n++) {
          tail = key.slice(-n);
          if (keys.filter((k) => k.endsWith(tail)).length <= 3) break;
        }
        const { nos } = await search(page, tail.toLowerCase());
        expect(nos.slice(0, 3), `${record.certificateNo} by ${tail}`).toContain(record.certificateNo);
      }
      await page.close();
    });
  });
});
