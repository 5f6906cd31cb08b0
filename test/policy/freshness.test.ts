import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sendDailySummaries } from '../../functions/deadlines/jobs.ts';
import type { Db } from '../../functions/store/index.ts';
import { buildPortal } from '../../src/build/portal/data.ts';
import { buildDirectory } from '../../src/core/directory.ts';
import { ContentError } from '../../src/core/friendly-errors.ts';
import { formatDate } from '../../src/core/labels.ts';
import { makeCalendar } from '../../src/core/policy/calendar.ts';
import { currentUntil, holidaysCountedFor } from '../../src/core/policy/freshness.ts';
import { HOLIDAYS_NOT_COUNTED } from '../../src/core/policy/labels.ts';
import { DEFAULT_POLICY } from '../../src/core/policy/schema.ts';
import { loadPolicy } from '../../src/import/policy/load.ts';
import { loadRegulations } from '../../src/import/regulation/load.ts';
import { getSite, loadSite } from '../../src/import/site.ts';
import { freshDb, manualClock, testAgencies } from '../complaints/support.ts';
import { makeContent } from '../legal/content.ts';
import { chromiumAvailable, launchChromium } from '../support/browser.ts';
import { describeEachStore } from '../support/stores.ts';

const root = resolve(import.meta.dirname, '../..');
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const content = (policy?: string) => {
  const dir = makeContent(policy);
  dirs.push(dir);
  return dir;
};

describe('freshness: N working days in the policy file', () => {
  it('is a policy setting with a default, an optional citation, and a Chinese error naming the field', async () => {
    expect((await loadPolicy(content())).freshness).toEqual({ workingDays: 20 });
    expect((await loadPolicy(content('freshness:\n  workingDays: 5\n  citation: 某市司法局通知（某司发〔2026〕2号）\n'))).freshness).toEqual({
      workingDays: 5,
      citation: '某市司法局通知（某司发〔2026〕2号）',
    });
    const error = (await loadPolicy(content('freshness:\n  workingDays: 0\n')).catch((e: unknown) => e)) as ContentError;
    expect(error).toBeInstanceOf(ContentError);
    expect(error.problems).toContain('freshness.workingDays: freshness.workingDays 应为正整数（工作日数）');
  });

  it('an agency page’s roster counts as current for N working days after its date, then as possibly out of date', async () => {
    const site = await loadSite(content('freshness:\n  workingDays: 5\n'));
    // The legal test roster is dated 2026-11-01, a Sunday: five working days later is Friday 2026-11-06.
    expect(buildPortal(site, '2026-11-06').freshnessOf('renqiu-cgj')).toMatchObject({ asOf: '2026-11-01', currentUntil: '2026-11-06', stale: false });
    expect(buildPortal(site, '2026-11-07').freshnessOf('renqiu-cgj')).toMatchObject({ currentUntil: '2026-11-06', stale: true });
    // Holidays of the calendar count: with Thursday 1 and Friday 2 October off, the working day after 30 September is Monday 5.
    const holidays = makeCalendar({ years: [{ year: 2026, source: '测试用放假安排', holidays: ['2026-10-01', '2026-10-02'] }] });
    expect(currentUntil('2026-09-30', { workingDays: 1 }, holidays)).toBe('2026-10-05');
    expect(holidaysCountedFor('2026-09-30', '2026-10-05', holidays)).toBe(true);
    expect(holidaysCountedFor('2026-12-30', '2027-01-05', holidays)).toBe(false);
    // An agency without a roster has no date to judge.
    expect(buildPortal(site).freshnessOf('renqiu-gov')).toBeUndefined();
  });

  it('the built agency page tells the roster date, the day after which it may be out of date, and the rule’s basis, without JavaScript', async () => {
    const path = join(root, 'dist/agencies/renqiu-cgj/index.html');
    if (!existsSync(path)) throw new Error('run npm run build first');
    const html = readFileSync(path, 'utf8');
    const site = await getSite();
    const portal = buildPortal(site);
    const f = portal.freshnessOf('renqiu-cgj')!;
    const match = /<p class="freshness" data-current-until="([\d-]+)">([\s\S]*?)<\/p>/.exec(html);
    expect(match).not.toBeNull();
    const [, until = '', note = ''] = match!;
    expect(until).toBe(currentUntil(f.asOf, site.policy.freshness, makeCalendar(site.holidays)));
    expect(note).toContain(formatDate(f.asOf));
    expect(note).toContain(`即 ${formatDate(until)} 之后`);
    expect(note).toContain('本平台设定的更新期限');
    // The sample's holiday calendar lists no years: the note says holidays were not counted.
    expect(site.holidays.years).toEqual([]);
    expect(note).toContain(HOLIDAYS_NOT_COUNTED);
    // Stale when built: the warning shows as written; otherwise it is in the page, hidden, for the script.
    const warning = /<strong class="stale-warning"[^>]*>/.exec(note)![0];
    const staleWhenBuilt = portal.today > until;
    expect(warning.includes('hidden')).toBe(!staleWhenBuilt);
    // Only a page that may still turn stale carries the script that turns it.
    expect(/<script[^>]*src="\/freshness\.js"/.test(html)).toBe(!staleWhenBuilt);
  });

  it.skipIf(!chromiumAvailable())('freshness.js (in Chromium) shows the page’s hidden warning once the date in Beijing has passed, and only then', async () => {
    const script = readFileSync(join(root, 'public/freshness.js'), 'utf8');
    // The built agency page's own note, as it is written when the roster is still current at build time.
    const built = /<p class="freshness"[\s\S]*?<\/p>/.exec(readFileSync(join(root, 'dist/agencies/renqiu-cgj/index.html'), 'utf8'))![0];
    const current = built
      .replace(/data-current-until="[\d-]+"/, 'data-current-until="2026-12-01"')
      .replace(/<strong class="stale-warning"(?! hidden)/, '<strong class="stale-warning" hidden');
    const browser = await launchChromium();
    try {
      const shownAt = async (instant: string) => {
        const page = await browser.newPage();
        await page.clock.setFixedTime(new Date(instant));
        await page.setContent(`<!doctype html><html lang="zh-CN"><body>${current}</body></html>`);
        await page.addScriptTag({ content: script });
        const visible = await page.locator('.stale-warning').isVisible();
        await page.close();
        return visible;
      };
      expect(await shownAt('2026-12-01T15:59:00Z')).toBe(false); // 23:59 on 1 December in Beijing
      expect(await shownAt('2026-12-01T16:00:00Z')).toBe(true); // 00:00 on 2 December in Beijing
    } finally {
      await browser.close();
    }
  });
});

describeEachStore("the oversight bureau's daily summary lists stale rosters", (kind) => {
  let db: Db;
  afterAll(async () => {
    await db?.close();
  });

  it('names each agency past its period under its bureau, and only there', async () => {
    db = await freshDb(kind);
    const regulations = await loadRegulations(join(root, 'content'));
    const directory = buildDirectory({
      agencies: testAgencies,
      regulations,
      auxiliaries: [],
      policy: { ...DEFAULT_POLICY, freshness: { workingDays: 5 } },
      // Fri 2026-11-13 + 5 working days → Fri 2026-11-20: stale on Mon 23; 2026-11-20 → current until 27.
      rosterDates: new Map([
        ['city-cgj', '2026-11-13'],
        ['city-scjg', '2026-11-20'],
        ['other-cgj', '2026-11-20'],
      ]),
    });
    const world = {
      store: db,
      clock: manualClock('2026-11-23T02:00:00.000Z'),
      directory,
      policy: directory.policy,
      settings: { secret: 's', siteUrl: 'https://gongshi.example' },
    };
    expect(await sendDailySummaries(world, world.clock.now())).toBe(1);
    const mails = await db.query<{ recipient: string; subject: string; body_text: string }>(
      "SELECT recipient, subject, body_text FROM outbox WHERE kind = 'summary'",
    );
    expect(mails.map((m) => m.recipient)).toEqual(['sfj@city.example']);
    expect(mails[0]!.subject).toContain('名单可能已过时 1 个机关');
    expect(mails[0]!.body_text).toContain(`示例市城市管理综合行政执法局 · 名单日期 ${formatDate('2026-11-13')}，${formatDate('2026-11-20')} 后未再更新`);
    expect(mails[0]!.body_text).not.toContain('示例市市场监督管理局');
    expect(mails[0]!.body_text).toContain('本平台设定的更新期限');
  });
});
