import { expect, it } from 'vitest';
import { runDeadlineJobs } from '../../functions/deadlines/jobs.ts';
import { issueActionToken } from '../../functions/handling/links.ts';
import { statsInputFrom } from '../../functions/stats/load.ts';
import { isOverdue } from '../../functions/stats/aggregate.ts';
import { testAgencies, type ReceivedMail } from '../complaints/support.ts';
import { directoryOf, without, type AgencyInput } from './registry.ts';
import { header, linksIn, mailText } from './support.ts';
import { describeEachStore, freshStore, harnessOn } from '../support/stores.ts';

/**
 * What a review of 指定办理机关 (reroute.ts) found, each fixed: the daily summary — sometimes the only mail carrying the
 * link — says that who re-assigns is the platform's rule; a re-routed complaint still counts as overdue in the
 * statistics (the deadline it missed is kept on the `transferred` event); the bureau's confirmation says nothing
 * of the complainant; and of an accept and a transfer used at once only one wins (the complaint's row is locked).
 */
const cst = (s: string) => new Date(`${s}+08:00`).toISOString();
const registry: AgencyInput[] = [...testAgencies];
const full = directoryOf(registry);
const orphaned = directoryOf(without(registry, 'city-cgj'));
const subject = (m: ReceivedMail) => header(m.raw, 'subject') ?? '';
const POLICY = '由司法行政部门指定承接机关是本平台的规则，不是《办法》的规定';

describeEachStore('指定办理机关, after review', (kind) => {
  const db = freshStore(kind);
  const h = harnessOn(db, cst('2026-11-20T10:00:00'), () => ({ directory: full }));
  const run = () => runDeadlineJobs(h.world);

  it('a summary that is the only mail with the link (the agency left after its escalation) says it is the platform’s rule; several links, each expiry', async () => {
    h.world.directory = full;
    h.clock.set(cst('2027-03-01T10:00:00'));
    const first = await h.submit();
    const second = await h.submit();
    await h.deliver();
    h.clock.set(cst('2027-03-09T09:00:00'));
    await run(); // reminders
    h.clock.set(cst('2027-03-12T09:00:00'));
    await run(); // the regular escalation, to parent and oversight
    await h.deliver();
    h.world.directory = orphaned;
    h.clock.set(cst('2027-03-13T09:00:00'));
    await run();
    const mails = await h.deliver();
    expect(mails.some((m) => subject(m).startsWith('【逾期报告】'))).toBe(false);
    const summary = mails.find((m) => m.to[0] === 'sfj@city.example' && subject(m).startsWith('【每日汇总】'))!;
    const raw = mailText(summary.raw);
    for (const c of [first, second]) expect(raw).toMatch(new RegExp(`^指定办理机关（${c.reference}）：https?://\\S+/api/actions/`, 'm'));
    const text = raw.replace(/\s+/g, '');
    expect(text).toContain(POLICY);
    expect(text).toContain('指定办理机关的链接各只能使用一次');
    expect(text).toMatch(new RegExp(`${first.reference}\\d{4}年`));
    expect(text).toMatch(new RegExp(`${second.reference}\\d{4}年`));
  });

  it('a re-routed complaint still counts as overdue (the deadline it missed), and the bureau learns nothing of the complainant', async () => {
    const confirmations: string[] = [];
    const days = [
      ['2027-05-10T10:00:00', '2027-05-19T09:00:00'],
      ['2027-05-24T10:00:00', '2027-06-02T09:00:00'],
    ] as const;
    for (const [i, over] of [{}, { kind: 'report', name: undefined, phone: undefined, email: undefined }].entries()) {
      h.world.directory = full;
      h.clock.set(cst(days[i]![0]));
      const c = await h.submit(over);
      await h.deliver();
      const [{ id, created_at }] = (await db.query<{ id: string; created_at: string }>('SELECT id, created_at FROM complaints WHERE reference = ?', [
        c.reference,
      ])) as [{ id: string; created_at: string }];
      h.world.directory = orphaned;
      h.clock.set(cst(days[i]![1]));
      await run();
      const escalation = (await h.deliver()).find((m) => subject(m).startsWith('【逾期报告】') && subject(m).includes(c.reference))!;
      const overdue = async () => {
        const mine = (await statsInputFrom(db)).filter((r) => r.createdAt === created_at);
        expect(mine).toHaveLength(1);
        return isOverdue(mine[0]!, h.clock.now());
      };
      expect(await overdue()).toBe(true);
      const done = await h.post(linksIn(escalation)['指定办理机关']!, { transferTo: 'city-scjg', reason: '据机构改革方案划转' });
      expect(done.status).toBe(200);
      confirmations.push(/<p role="status">([^<]*)/.exec(await done.text())![1]!.replace(c.reference, '<REF>'));
      expect((await h.complaint(c.reference)).agency_id).toBe('city-scjg');
      expect(await overdue(), 'the 受理 deadline it missed before the re-route still counts').toBe(true);
      expect(
        (
          await db.query<{ n: number }>(
            "SELECT COUNT(*) AS n FROM complaint_events WHERE complaint_id = ? AND type = 'transferred' AND data LIKE '%missedDueAt%'",
            [id],
          )
        )[0]!.n,
      ).toEqual(1);
      await h.deliver();
    }
    expect(confirmations[0]).toBe(confirmations[1]);
    expect(confirmations[0]).not.toContain('和反映人');
  });

  it('of an accept link and a transfer link used at once, exactly one wins', async () => {
    h.world.directory = full;
    h.clock.set(cst('2027-06-07T10:00:00'));
    const outcomes: string[] = [];
    for (let i = 0; i < 12; i++) {
      const c = await h.submit();
      const intake = (await h.deliver()).find((m) => m.to[0] === 'cgj@city.example' && subject(m).includes(c.reference))!;
      expect((await h.post(linksIn(intake)['转办其他机关']!, { transferTo: 'city-scjg', reason: '属市场监管职责' })).status).toBe(200);
      const link = (action: 'accept' | 'transfer') =>
        `/api/actions/${issueActionToken({ reference: c.reference, action, agencyId: 'city-scjg', period: 2 }, h.world.settings.secret, h.clock.now())}`;
      const [accept, transfer] = await Promise.all([h.post(link('accept')), h.post(link('transfer'), { transferTo: 'city-gov', reason: '由市政府统筹办理' })]);
      const row = await h.complaint(c.reference);
      const events = await h.events(c.reference);
      const lastAccept = events.filter((e) => e.type === 'accepted').at(-1);
      outcomes.push(`accept ${accept.status} transfer ${transfer.status} → ${row.status}@${row.agency_id}`);
      // As if one came after the other: an accepted complaint is with the agency that accepted it; both succeed only
      // as accept-then-transfer (a transfer first makes the accept link another agency's).
      expect([accept.status, transfer.status], outcomes.at(-1)).toContain(200);
      if (row.status === 'accepted') expect(lastAccept?.actor_agency_id, outcomes.at(-1)).toBe(row.agency_id);
      else expect(`${row.status}@${row.agency_id}`, outcomes.at(-1)).toBe('transferred@city-gov');
      if (accept.status === 200 && transfer.status === 200) {
        expect(events.map((e) => e.type).slice(-3), outcomes.at(-1)).toEqual(['accepted', 'transferred', 'routed']);
      }
      await h.deliver();
    }
  });
});
