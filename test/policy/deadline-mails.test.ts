import { expect, it } from 'vitest';
import { runDeadlineJobs } from '../../functions/deadlines/jobs.ts';
import { makeCalendar } from '../../src/core/policy/calendar.ts';
import { HOLIDAYS_NOT_DEDUCTED, PLATFORM_LIMIT } from '../../src/core/policy/labels.ts';
import { policySchema } from '../../src/core/policy/schema.ts';
import type { ReceivedMail } from '../complaints/support.ts';
import { header, linksIn, mailText } from '../handling/support.ts';
import { describeEachStore, freshStore, harnessOn } from '../support/stores.ts';

/** Every word by which a mail can state a handling deadline or its breach. */
// A retention period (保存期限) is not a handling deadline.
const DEADLINE_WORDS = /(?<!保存)期限|时限|逾期|超期|工作日/;
const cst = (s: string) => new Date(`${s}+08:00`).toISOString();
const textOf = (m: ReceivedMail) => `${header(m.raw, 'subject') ?? ''}\n${mailText(m.raw)}`;
/** The holiday note of a mail's deadlines names the years they reach that the calendar lacks (test/policy/holiday-note.test.ts). */
const HOLIDAY_NOTE = new RegExp(`节假日日历\\d{4}(、\\d{4})*年未覆盖，${HOLIDAYS_NOT_DEDUCTED}`);

describeEachStore('every mail that states a deadline labels it', (kind) => {
  const db = freshStore(kind);
  const h = harnessOn(db, cst('2026-11-20T10:00:00'));

  it("as the platform's own time limit, with holidays not counted, when no citation and no calendar are set", async () => {
    const c = await h.submit();
    const intake = await h.deliver();
    const agencyMail = intake.find((m) => m.to[0] === 'cgj@city.example')!;
    expect(await h.post(linksIn(agencyMail)['受理此件']!)).toHaveProperty('status', 200);
    const accepted = await h.deliver();
    // Past the 60-day resolve limit: a reminder; 3 working days on, an escalation; from 08:00, the daily summary.
    h.clock.set(cst('2027-01-25T09:00:00'));
    await runDeadlineJobs(h.world);
    h.clock.set(cst('2027-01-29T09:00:00'));
    await runDeadlineJobs(h.world);
    const overdue = await h.deliver();
    const all = [...intake, ...accepted, ...overdue].filter((m) => textOf(m).includes(c.reference) || header(m.raw, 'subject')?.startsWith('【每日汇总】'));
    const withDeadline = all.filter((m) => DEADLINE_WORDS.test(textOf(m)));
    const subjects = withDeadline.map((m) => header(m.raw, 'subject')!);
    for (const prefix of ['已收到您的投诉', '【已受理】', '【催办】', '【逾期报告】', '【每日汇总】']) {
      expect(
        subjects.some((s) => s.startsWith(prefix)),
        `${prefix} in ${subjects.join(' | ')}`,
      ).toBe(true);
    }
    expect(withDeadline.some((m) => m.to[0] === 'cgj@city.example' && textOf(m).includes('受理期限'))).toBe(true);
    for (const m of withDeadline) {
      const text = textOf(m).replace(/=\r?\n/g, '');
      expect(text, header(m.raw, 'subject')).toContain(PLATFORM_LIMIT);
      expect(text, header(m.raw, 'subject')).toMatch(HOLIDAY_NOTE);
    }
  });

  it('with the adopting document once the policy cites one, and no holiday caveat once the calendar covers', async () => {
    h.world.policy = policySchema.parse({ handling: { citation: '示例市司法局《投诉办理时限规定》（示司发〔2026〕1号）' } });
    // Coverage only: these test years list no holidays, so nothing is invented.
    h.world.calendar = makeCalendar({ years: [2026, 2027, 2028].map((year) => ({ year, source: '测试用：只声明覆盖，不含节假日' })) });
    h.clock.set(cst('2027-03-01T10:00:00'));
    const c = await h.submit();
    const mails = (await h.deliver()).filter((m) => textOf(m).includes(c.reference));
    expect(mails).toHaveLength(2);
    for (const m of mails) {
      const text = textOf(m);
      expect(text).toContain('示司发〔2026〕1号');
      expect(text).not.toContain(PLATFORM_LIMIT);
      expect(text).not.toContain(HOLIDAYS_NOT_DEDUCTED);
    }
  });
});
