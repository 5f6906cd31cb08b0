import { expect, it } from 'vitest';
import { runDeadlineJobs } from '../../functions/deadlines/jobs.ts';
import { sendPendingMail } from '../../functions/outbox/worker.ts';
import { createMailer } from '../../functions/mail/transport.ts';
import { senderAddress } from '../../functions/complaints/world.ts';
import { header, linksIn, mailText } from './support.ts';
import { intakeMailComposer } from '../../functions/complaints/intake-mail.ts';
import { describeEachStore, freshStore, harnessOn } from '../support/stores.ts';

// China Standard Time instants. 2026-11-20 is a Friday.
const cst = (s: string) => new Date(`${s}+08:00`).toISOString();

describeEachStore('deadline reminders, escalations and daily summaries', (kind) => {
  const db = freshStore(kind);
  const h = harnessOn(db, cst('2026-11-20T10:00:00'));

  const run = () => runDeadlineJobs(h.world);
  const outboxKinds = async (reference: string) =>
    (
      await db.query<{ kind: string; recipient: string }>(
        'SELECT o.kind, o.recipient FROM outbox o JOIN complaints c ON c.id = o.complaint_id WHERE c.reference = ? ORDER BY o.created_at, o.kind',
        [reference],
      )
    ).filter((r) => r.kind.startsWith('reminder') || r.kind.startsWith('escalation'));

  it('accept deadline across a weekend: reminder once after it passes, escalation once 3 working days later, to parent and oversight', async () => {
    h.clock.set(cst('2026-11-20T10:00:00'));
    const c = await h.submit();
    expect((await h.complaint(c.reference)).accept_due_at).toBe(cst('2026-11-27T23:59:59.999'));
    await h.deliver();

    h.clock.set(cst('2026-11-27T23:00:00')); // due day: not yet overdue
    expect(await run()).toMatchObject({ reminders: 0, escalations: 0 });

    h.clock.set(cst('2026-11-28T09:00:00')); // Saturday: overdue
    expect(await run()).toMatchObject({ reminders: 1, escalations: 0 });
    for (let i = 0; i < 3; i++) expect(await run()).toMatchObject({ reminders: 0, escalations: 0 });
    const reminder = (await h.deliver()).filter((m) => header(m.raw, 'subject')?.startsWith('【催办】'));
    expect(reminder.map((m) => m.to[0])).toEqual(['cgj@city.example']);
    // The reminder carries fresh links that still work.
    expect(Object.keys(linksIn(reminder[0]!)).sort()).toEqual(['不予受理', '受理此件', '转办其他机关'].sort());

    h.clock.set(cst('2026-12-02T23:00:00')); // Mon 30, Tue 1, Wed 2: escalation due at the end of Wednesday
    expect(await run()).toMatchObject({ reminders: 0, escalations: 0 });
    h.clock.set(cst('2026-12-03T00:30:00'));
    // Several workers at once, several times: still exactly once.
    const results = await Promise.all([run(), run(), run()]);
    expect(results.reduce((n, r) => n + r.escalations, 0)).toBe(1);
    expect(await run()).toMatchObject({ escalations: 0 });
    expect(await outboxKinds(c.reference)).toEqual([
      { kind: 'reminder-accept-2', recipient: 'cgj@city.example' },
      { kind: 'escalation-accept-2-city-gov', recipient: 'gov@city.example' },
      { kind: 'escalation-accept-2-city-sfj', recipient: 'sfj@city.example' },
    ]);
    const escalations = (await h.deliver()).filter((m) => header(m.raw, 'subject')?.startsWith('【逾期报告】'));
    expect(escalations.map((m) => m.to[0]).sort()).toEqual(['gov@city.example', 'sfj@city.example']);
    // Supervisors get the facts of the case, not the complaint or the complainant.
    for (const m of escalations) {
      const text = mailText(m.raw);
      expect(text).toContain(c.reference);
      expect(text).not.toContain('摊位');
      expect(text).not.toContain('赵六');
      expect(text).not.toContain('zhao@citizen.example');
    }
    const types = (await h.events(c.reference)).map((e) => e.type);
    expect(types.filter((t) => t === 'reminded')).toHaveLength(1);
    expect(types.filter((t) => t === 'escalated')).toHaveLength(1);
  });

  it('a transfer gives the receiving agency its own deadline, reminder and escalation', async () => {
    h.clock.set(cst('2026-12-07T10:00:00')); // Monday
    const c = await h.submit();
    const links = linksIn((await h.deliver()).find((m) => m.to[0] === 'cgj@city.example' && header(m.raw, 'subject')!.includes(c.reference))!);
    h.clock.set(cst('2026-12-15T09:00:00')); // overdue at cgj (due Mon 14)
    expect(await run()).toMatchObject({ reminders: 1 });
    await h.post(links['转办其他机关']!, { transferTo: 'other-cgj', reason: '属另一市管辖' });
    expect((await h.complaint(c.reference)).accept_due_at).toBe(cst('2026-12-22T23:59:59.999'));
    expect(await run()).toMatchObject({ reminders: 0, escalations: 0 });
    h.clock.set(cst('2026-12-28T09:00:00')); // Monday after: 3 working days after the 22nd ends Fri 25 → escalate too
    expect(await run()).toMatchObject({ reminders: 1, escalations: 1 });
    expect(await run()).toMatchObject({ reminders: 0, escalations: 0 });
    const rows = await outboxKinds(c.reference);
    expect(rows.map((r) => r.recipient).sort()).toEqual(['cgj@city.example', 'cgj@other.example', 'sfj@other.example']);
    await h.deliver();
  });

  it('resolve deadline: calendar days from acceptance, reminder then escalation', async () => {
    h.clock.set(cst('2027-01-04T10:00:00'));
    const c = await h.submit();
    const links = linksIn((await h.deliver()).find((m) => m.to[0] === 'cgj@city.example' && header(m.raw, 'subject')!.includes(c.reference))!);
    expect((await h.post(links['受理此件']!)).status).toBe(200);
    expect((await h.complaint(c.reference)).resolve_due_at).toBe(cst('2027-03-05T23:59:59.999')); // 60 days
    h.clock.set(cst('2027-03-05T12:00:00'));
    expect(await run()).toMatchObject({ reminders: 0 });
    h.clock.set(cst('2027-03-06T12:00:00'));
    expect(await run()).toMatchObject({ reminders: 1, escalations: 0 });
    h.clock.set(cst('2027-03-11T12:00:00'));
    expect(await run()).toMatchObject({ reminders: 0, escalations: 1 });
    expect((await outboxKinds(c.reference)).map((r) => r.kind)).toEqual([
      expect.stringMatching(/^reminder-resolve-\d+$/),
      expect.stringMatching(/^escalation-resolve-\d+-city-gov$/),
      expect.stringMatching(/^escalation-resolve-\d+-city-sfj$/),
    ]);
    await h.deliver();
  });

  it("an agency with neither parent nor oversight: the escalation goes to its region's justice bureau", async () => {
    h.clock.set(cst('2027-02-01T10:00:00')); // Monday
    const c = await h.submit({ certificateNo: 'LO-0003', category: 'other' });
    expect((await h.complaint(c.reference)).agency_id).toBe('lone-unit');
    await h.deliver();
    h.clock.set(cst('2027-02-15T10:00:00')); // due Mon 8, escalation after Thu 11
    expect(await run()).toMatchObject({ reminders: 1, escalations: 1 });
    expect((await outboxKinds(c.reference)).map((r) => r.recipient).sort()).toEqual(['lone@other.example', 'sfj@other.example']);
    await h.deliver();
  });

  it('daily summary to the oversight bureau: delivery failures and overdue items, once a day, from 08:00', async () => {
    h.clock.set(cst('2027-04-05T10:00:00'));
    const c = await h.submit();
    // The agency's mail server refuses; the worker gives up at once (as it does after days in production).
    h.smtp.refuse = true;
    const mailer = createMailer({ smtpUrl: h.smtp.url, outboxDir: '/nonexistent' });
    await sendPendingMail({
      db,
      mailer,
      clock: h.clock,
      from: senderAddress(h.world.settings.siteUrl),
      giveUpAfterMs: 0,
      composers: { intake: intakeMailComposer(h.world) },
    });
    mailer.close();
    h.smtp.refuse = false;
    const failed = await db.query("SELECT o.kind FROM outbox o JOIN complaints c ON c.id = o.complaint_id WHERE c.reference = ? AND o.status = 'failed'", [
      c.reference,
    ]);
    expect(failed.length).toBeGreaterThan(0);

    h.clock.set(cst('2027-04-06T07:59:00'));
    expect((await run()).summaries).toBe(0); // before 08:00
    h.clock.set(cst('2027-04-06T08:01:00'));
    expect((await run()).summaries).toBeGreaterThanOrEqual(1);
    expect((await run()).summaries).toBe(0); // once a day
    const summaries = (await h.deliver()).filter((m) => header(m.raw, 'subject')?.startsWith('【每日汇总】'));
    const toSfj = summaries.find((m) => m.to[0] === 'sfj@city.example')!;
    const text = mailText(toSfj.raw);
    expect(text).toContain(`${c.reference} · 示例市城市管理综合行政执法局 · 投诉材料未能投递（收件人：cgj@city.example）`);
    expect(text).toContain('反映人'); // the failed acknowledgement is listed without the complainant's address
    expect(text).not.toContain('zhao@citizen.example');
    expect(text).toMatch(/逾期未办：\n[\s\S]*受理期限/);

    // Next day: the failure was reported already; the overdue items are still listed.
    h.clock.set(cst('2027-04-07T09:00:00'));
    expect((await run()).summaries).toBeGreaterThanOrEqual(1);
    const next = (await h.deliver()).find((m) => m.to[0] === 'sfj@city.example' && header(m.raw, 'subject')?.startsWith('【每日汇总】'))!;
    expect(mailText(next.raw)).not.toContain('未能投递');
  });
});
