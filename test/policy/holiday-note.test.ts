import { describe, expect, it } from 'vitest';
import { runDeadlineJobs } from '../../functions/deadlines/jobs.ts';
import { timeLimitFor, yearsNotCovered } from '../../functions/deadlines/label.ts';
import { makeCalendar, missingYears } from '../../src/core/policy/calendar.ts';
import { HOLIDAYS_NOT_COUNTED, HOLIDAYS_NOT_DEDUCTED, PLATFORM_LIMIT, timeLimitSummary } from '../../src/core/policy/labels.ts';
import { DEFAULT_POLICY } from '../../src/core/policy/schema.ts';
import type { ReceivedMail } from '../complaints/support.ts';
import { header, linksIn, mailText } from '../handling/support.ts';
import { describeEachStore, freshStore, harnessOn } from '../support/stores.ts';

/**
 * The holiday note (节假日日历…年未覆盖，计算工作日时未扣除法定节假日) belongs to a deadline whose span — from when it
 * was counted to the deadline, or to a date a mail counts from it — reaches a year the holiday calendar lacks, and
 * names that year. A deadline inside the covered years carries none, however close the end of those years is: the
 * build's 90-day warning is the operator's (docs/HANDLING.md, "Deadlines"; docs/LEGAL.md).
 *
 * The calendar here covers 2026 only (coverage alone: no holidays listed, nothing invented).
 */
const cst = (s: string) => new Date(`${s}+08:00`).toISOString();
const calendar = makeCalendar({ years: [{ year: 2026, source: '测试用：只声明覆盖，不含节假日' }] });
const NOTE_2027 = `节假日日历2027年未覆盖，${HOLIDAYS_NOT_DEDUCTED}`;
const textOf = (m: ReceivedMail) => `${header(m.raw, 'subject') ?? ''}\n${mailText(m.raw)}`;

describe('the note for a deadline text', () => {
  it('names the years its span reaches that the calendar lacks, and nothing inside covered years', () => {
    expect(yearsNotCovered(calendar, [{ from: cst('2026-11-30T10:00:00'), to: cst('2026-12-07T23:59:59.999') }])).toEqual([]);
    expect(yearsNotCovered(calendar, [{ from: cst('2026-12-28T10:00:00'), to: cst('2027-01-04T23:59:59.999') }])).toEqual([2027]);
    // China time: 2026-12-31 16:30 UTC is already 1 January 2027 in Beijing.
    expect(yearsNotCovered(calendar, [{ from: cst('2026-12-20T10:00:00'), to: '2026-12-31T16:30:00.000Z' }])).toEqual([2027]);
    expect(
      yearsNotCovered(calendar, [
        { from: cst('2025-12-29T10:00:00'), to: cst('2026-01-05T23:59:59.999') },
        { from: cst('2027-12-28T10:00:00'), to: cst('2028-01-04T23:59:59.999') },
      ]),
    ).toEqual([2025, 2027, 2028]);
    const world = { calendar };
    // A bare instant is the 受理 deadline counted from it (the intake mails): Mon 30 Nov → Mon 7 Dec, covered.
    expect(timeLimitFor(world, new Date(cst('2026-11-30T10:00:00')))).toBe(timeLimitFor(world, []));
    expect(timeLimitFor(world, new Date(cst('2026-11-30T10:00:00')))).not.toContain(HOLIDAYS_NOT_DEDUCTED);
    // Mon 28 Dec → the 5th working day is in 2027.
    expect(timeLimitFor(world, new Date(cst('2026-12-28T10:00:00')))).toContain(NOTE_2027);
    expect(timeLimitFor({}, { from: cst('2026-11-30T10:00:00'), to: cst('2026-12-07T23:59:59.999') })).toContain(
      `节假日日历2026年未覆盖，${HOLIDAYS_NOT_DEDUCTED}`,
    );
  });

  it('a rule text given the years the coming 90 days lack names them; given only "not covered", it says so without a year', () => {
    // What the static pages and /stats/ need to pass (src/import/policy/view.ts gives only whether holidays are counted).
    const years = missingYears(calendar, new Date(cst('2026-11-30T10:00:00')));
    expect(years).toEqual([2027]);
    expect(timeLimitSummary(DEFAULT_POLICY.handling, years)).toContain(
      `（${PLATFORM_LIMIT}，不是《办法》的规定（两部办法均未规定受理、办结期限）；${NOTE_2027}）`,
    );
    expect(timeLimitSummary(DEFAULT_POLICY.handling, [])).not.toContain(HOLIDAYS_NOT_DEDUCTED);
    expect(timeLimitSummary(DEFAULT_POLICY.handling, false)).toContain(HOLIDAYS_NOT_COUNTED);
    expect(timeLimitSummary(DEFAULT_POLICY.handling, true)).not.toContain(HOLIDAYS_NOT_DEDUCTED);
  });
});

describeEachStore('mails state the holiday note only for deadlines that reach a year not covered', (kind) => {
  const db = freshStore(kind);
  const h = harnessOn(db, cst('2026-11-30T10:00:00'), () => ({ calendar }));
  const mailsOf = (mails: ReceivedMail[], reference: string) => mails.filter((m) => textOf(m).includes(reference));

  it('a deadline inside the covered year: no note in the intake, transfer, reminder, escalation and summary mails; a 办结 deadline in 2027: the note', async () => {
    h.clock.set(cst('2026-11-30T10:00:00')); // Monday; 90 days ahead reach 2027, the deadline does not
    const c = await h.submit();
    expect((await h.complaint(c.reference)).accept_due_at).toBe(cst('2026-12-07T23:59:59.999'));
    const moved = await h.submit({ certificateNo: 'SL-SC-0002', category: 'other' }); // 李四 of the market regulator
    const intake = await h.deliver();
    const agencyMail = intake.find((m) => m.to[0] === 'cgj@city.example' && textOf(m).includes(c.reference))!;
    const ack = intake.find((m) => m.to[0] === 'zhao@citizen.example' && textOf(m).includes(c.reference))!;
    expect(textOf(agencyMail)).toContain('受理期限');
    expect(textOf(ack)).toContain('受理期限');
    // A transfer on Tue 1 Dec: the new 受理 deadline is Tue 8 Dec.
    const transferLink = linksIn(intake.find((m) => m.to[0] === 'scjg@city.example' && textOf(m).includes(moved.reference))!)['转办其他机关']!;
    h.clock.set(cst('2026-12-01T10:00:00'));
    expect((await h.post(transferLink, { transferTo: 'city-cgj', reason: '属城管执法职责' })).status).toBe(200);
    const transfer = (await h.deliver()).find((m) => m.to[0] === 'cgj@city.example' && textOf(m).includes(moved.reference))!;
    expect(textOf(transfer)).toContain('受理期限');

    h.clock.set(cst('2026-12-09T09:00:00')); // both overdue: reminders (escalation dates 10 and 11 Dec) and a summary
    expect(await runDeadlineJobs(h.world)).toMatchObject({ reminders: 2, escalations: 0 });
    const late = await h.deliver();
    const reminder = mailsOf(late, c.reference).find((m) => header(m.raw, 'subject')?.startsWith('【催办】'))!;
    const summary = late.find((m) => m.to[0] === 'sfj@city.example' && header(m.raw, 'subject')?.startsWith('【每日汇总】'))!;
    expect(mailText(summary.raw)).toContain(`${c.reference} · 示例市城市管理综合行政执法局 · 受理期限 2026-12-07 已过`);

    h.clock.set(cst('2026-12-14T09:00:00'));
    expect(await runDeadlineJobs(h.world)).toMatchObject({ escalations: 2 });
    const escalation = mailsOf(await h.deliver(), c.reference).find((m) => header(m.raw, 'subject')?.startsWith('【逾期报告】'))!;

    for (const m of [agencyMail, ack, transfer, reminder, summary, escalation]) {
      const text = textOf(m);
      expect(text, header(m.raw, 'subject')).toContain(`时限说明：${PLATFORM_LIMIT}`);
      expect(text, header(m.raw, 'subject')).not.toContain(HOLIDAYS_NOT_DEDUCTED);
    }

    // Accepted on 14 Dec: its 办结 deadline (60 days on) is 12 Feb 2027, so the 【已受理】 mail names 2027.
    expect((await h.post(linksIn(agencyMail)['受理此件']!)).status).toBe(200);
    expect((await h.complaint(c.reference)).resolve_due_at).toBe(cst('2027-02-12T23:59:59.999'));
    const accepted = mailsOf(await h.deliver(), c.reference).find((m) => header(m.raw, 'subject')?.startsWith('【已受理】'))!;
    expect(textOf(accepted)).toContain(`时限说明：${PLATFORM_LIMIT}，不是《办法》的规定（两部办法均未规定受理、办结期限）；${NOTE_2027}`);
  });

  it('a deadline reaching 2027: the note naming 2027, in the intake, accepted, reminder, escalation and summary mails', async () => {
    h.clock.set(cst('2026-12-28T10:00:00')); // Monday: the 5th working day is Mon 4 Jan 2027
    const c = await h.submit();
    expect((await h.complaint(c.reference)).accept_due_at).toBe(cst('2027-01-04T23:59:59.999'));
    const intake = mailsOf(await h.deliver(), c.reference);
    const agencyMail = intake.find((m) => m.to[0] === 'cgj@city.example')!;
    const ack = intake.find((m) => m.to[0] === 'zhao@citizen.example')!;

    h.clock.set(cst('2027-01-05T09:00:00'));
    expect(await runDeadlineJobs(h.world)).toMatchObject({ reminders: 1 });
    const late = await h.deliver();
    const reminder = mailsOf(late, c.reference).find((m) => header(m.raw, 'subject')?.startsWith('【催办】'))!;
    const summary = late.find((m) => m.to[0] === 'sfj@city.example' && header(m.raw, 'subject')?.startsWith('【每日汇总】'))!;
    expect(mailText(summary.raw)).toContain(`${c.reference} · 示例市城市管理综合行政执法局 · 受理期限 2027-01-04 已过`);

    h.clock.set(cst('2027-01-08T09:00:00'));
    expect(await runDeadlineJobs(h.world)).toMatchObject({ escalations: 1 });
    const escalation = mailsOf(await h.deliver(), c.reference).find((m) => header(m.raw, 'subject')?.startsWith('【逾期报告】'))!;

    // Accepted on 8 Jan: the 办结 deadline (60 days) is in 2027 as well.
    const accept = linksIn(agencyMail)['受理此件']!;
    expect((await h.post(accept)).status).toBe(200);
    const accepted = mailsOf(await h.deliver(), c.reference).find((m) => header(m.raw, 'subject')?.startsWith('【已受理】'))!;

    for (const m of [agencyMail, ack, reminder, summary, escalation, accepted]) {
      const text = textOf(m);
      expect(text, header(m.raw, 'subject')).toContain(`时限说明：${PLATFORM_LIMIT}`);
      expect(text, header(m.raw, 'subject')).toContain(NOTE_2027);
      expect(text, header(m.raw, 'subject')).not.toContain('2026年未覆盖');
    }
  });
});

// Its own harness: the intake's rate limit allows only so many submissions from one address in the tests above.
describeEachStore('a reminder states the escalation date counted from its deadline', (kind) => {
  const db = freshStore(kind);
  const h = harnessOn(db, cst('2026-12-21T10:00:00'), () => ({ calendar }));
  const mailsOf = (mails: ReceivedMail[], reference: string) => mails.filter((m) => textOf(m).includes(reference));

  it('a deadline inside 2026 whose escalation date, counted from it, is in 2027: the reminder names 2027', async () => {
    h.clock.set(cst('2026-12-21T10:00:00')); // Monday: due Mon 28 Dec; three working days on end Thu 31 Dec
    const inside = await h.submit();
    h.clock.set(cst('2026-12-23T10:00:00')); // Wednesday: due Wed 30 Dec; three working days on reach Mon 4 Jan 2027
    const reaching = await h.submit();
    await h.deliver();
    h.clock.set(cst('2026-12-31T08:00:00'));
    await runDeadlineJobs(h.world);
    const reminders = (await h.deliver()).filter((m) => header(m.raw, 'subject')?.startsWith('【催办】'));
    const insideReminder = mailsOf(reminders, inside.reference)[0]!;
    const reachingReminder = mailsOf(reminders, reaching.reference)[0]!;
    expect(textOf(insideReminder)).toContain('2026年12月31日 23:59（北京时间） 后仍未受理');
    expect(textOf(insideReminder)).not.toContain(HOLIDAYS_NOT_DEDUCTED);
    expect(textOf(reachingReminder)).toContain('2027年1月4日 23:59（北京时间） 后仍未受理');
    expect(textOf(reachingReminder)).toContain(NOTE_2027);
  });
});
