import { expect, it } from 'vitest';
import { runDeadlineJobs } from '../../functions/deadlines/jobs.ts';
import { PLATFORM_LIMIT } from '../../src/core/policy/labels.ts';
import type { Directory } from '../../src/core/directory.ts';
import { testAgencies } from '../complaints/support.ts';
import { directoryOf, without, type AgencyInput } from './registry.ts';
import { header, linksIn, mailText, type Harness } from './support.ts';
import { describeEachStore, freshStore, harnessOn } from '../support/stores.ts';
import type { Db } from '../../functions/store/index.ts';

/**
 * A complaint whose handling agency leaves the directory (an agency merger, a registry edit, a new build) never falls
 * out of the handling loop: nobody is left to remind, so at its deadline (the policy's) it is escalated at once to the
 * justice bureau that would supervise the agency, and listed in that bureau's daily summary as 办理机关已不在名录中 —
 * never to the accused body or one below it (docs/HANDLING.md, "Deadlines").
 */

// China Standard Time instants. 2026-11-20 is a Friday.
const cst = (s: string) => new Date(`${s}+08:00`).toISOString();

const lateMail = (db: Db, reference: string) =>
  db.query<{ kind: string; recipient: string }>(
    "SELECT o.kind, o.recipient FROM outbox o JOIN complaints c ON c.id = o.complaint_id WHERE c.reference = ? AND (o.kind LIKE 'reminder%' OR o.kind LIKE 'escalation%') ORDER BY o.kind",
    [reference],
  );

/** Runs `body` with the world's directory replaced by `directory`, and puts the original back after. */
async function withDirectory<T>(h: Harness, directory: Directory, body: () => Promise<T>): Promise<T> {
  const before = h.world.directory;
  h.world.directory = directory;
  try {
    return await body();
  } finally {
    h.world.directory = before;
  }
}

describeEachStore('a complaint whose agency left the directory', (kind) => {
  const db = freshStore(kind);
  const h = harnessOn(db, cst('2026-11-20T10:00:00'));
  const run = () => runDeadlineJobs(h.world);
  const afterMerger = directoryOf(without(testAgencies, 'city-cgj'));

  it('is escalated at its 受理 deadline to the justice bureau and listed in its daily summary, without a reminder to anyone', async () => {
    h.clock.set(cst('2026-11-20T10:00:00'));
    const c = await h.submit(); // about 张三 of city-cgj: routed to city-cgj
    expect(await h.complaint(c.reference)).toMatchObject({ agency_id: 'city-cgj', accept_due_at: cst('2026-11-27T23:59:59.999') });
    await h.deliver();

    await withDirectory(h, afterMerger, async () => {
      h.clock.set(cst('2026-11-27T23:00:00')); // before the deadline: nothing yet
      expect(await run()).toMatchObject({ reminders: 0, escalations: 0 });

      h.clock.set(cst('2026-11-28T09:00:00')); // the deadline has passed; 09:00 is summary time
      // Several workers at once: still one escalation.
      const results = await Promise.all([run(), run(), run()]);
      expect(results.reduce((n, r) => n + r.escalations, 0)).toBe(1);
      expect(results.reduce((n, r) => n + r.reminders, 0)).toBe(0);
      expect(results.reduce((n, r) => n + r.summaries, 0)).toBeGreaterThanOrEqual(1);
      expect(await run()).toMatchObject({ reminders: 0, escalations: 0 });
      expect(await lateMail(db, c.reference)).toEqual([{ kind: 'escalation-accept-2-city-sfj', recipient: 'sfj@city.example' }]);

      const mails = await h.deliver();
      expect(mails.map((m) => m.to[0])).not.toContain('cgj@city.example');
      const escalation = mails.find((m) => header(m.raw, 'subject')?.startsWith('【逾期报告】') && header(m.raw, 'subject')!.includes(c.reference))!;
      expect(escalation.to).toEqual(['sfj@city.example']);
      expect(header(escalation.raw, 'subject')).toContain('办理机关已不在名录中');
      const text = mailText(escalation.raw);
      expect(text).toContain('示例市司法局：');
      expect(text).toContain('办理机关已不在名录中（原办理机关编号 city-cgj');
      expect(text).toContain('原办理机关：编号 city-cgj（投诉材料曾发往 cgj@city.example）');
      expect(text).toContain('受理期限：2026年11月27日 23:59（北京时间）');
      expect(text).toContain(`时限说明：${PLATFORM_LIMIT}`);
      // The routing recorded the agency's region (submit.ts): its justice bureau is told, and the mail says why.
      expect(text).toContain('分派时记录的地区（示例省示例市）');
      // Facts of the case only, as every escalation.
      for (const privateWord of ['摊位', '赵六', 'zhao@citizen.example', '13800138000']) expect(text).not.toContain(privateWord);

      const summary = mails.find((m) => m.to[0] === 'sfj@city.example' && header(m.raw, 'subject')?.startsWith('【每日汇总】'))!;
      const listed = mailText(summary.raw);
      expect(listed).toContain(`${c.reference} · 原办理机关编号 city-cgj · 办理机关已不在名录中`);
      expect(listed).toMatch(new RegExp(`${c.reference} · [^\\n]*受理期限 2026-11-27 已过`));
      expect(listed).toContain(`时限说明：${PLATFORM_LIMIT}`);

      // The next day it is still listed: it stays visible for as long as it stays open.
      h.clock.set(cst('2026-11-29T09:00:00'));
      expect(await run()).toMatchObject({ reminders: 0, escalations: 0 });
      const next = (await h.deliver()).find((m) => m.to[0] === 'sfj@city.example' && header(m.raw, 'subject')?.startsWith('【每日汇总】'))!;
      expect(mailText(next.raw)).toContain(`${c.reference} · 原办理机关编号 city-cgj · 办理机关已不在名录中`);
    });
    const escalated = (await h.events(c.reference)).filter((e) => e.type === 'escalated');
    expect(escalated).toHaveLength(1);
    expect(escalated[0]!.reason).toContain('示例市司法局');
    expect(await h.complaint(c.reference)).toMatchObject({ status: 'submitted', agency_id: 'city-cgj' });
  });

  it('after 受理, at its 办结 deadline too', async () => {
    h.clock.set(cst('2027-01-04T10:00:00'));
    const c = await h.submit();
    const links = linksIn((await h.deliver()).find((m) => m.to[0] === 'cgj@city.example' && header(m.raw, 'subject')!.includes(c.reference))!);
    expect((await h.post(links['受理此件']!)).status).toBe(200);
    expect((await h.complaint(c.reference)).resolve_due_at).toBe(cst('2027-03-05T23:59:59.999'));
    await h.deliver();
    await withDirectory(h, afterMerger, async () => {
      h.clock.set(cst('2027-03-05T12:00:00'));
      expect(await run()).toMatchObject({ escalations: 0 });
      await h.deliver(); // that day's summary (the first test's complaint)
      h.clock.set(cst('2027-03-06T12:00:00'));
      expect(await run()).toMatchObject({ reminders: 0, escalations: 1 });
      expect((await lateMail(db, c.reference)).map((r) => r.recipient)).toEqual(['sfj@city.example']);
      expect((await lateMail(db, c.reference))[0]!.kind).toMatch(/^escalation-resolve-\d+-city-sfj$/);
      const mails = await h.deliver();
      const summary = mailText(mails.find((m) => m.to[0] === 'sfj@city.example' && header(m.raw, 'subject')?.startsWith('【每日汇总】'))!.raw);
      expect(summary).toMatch(new RegExp(`${c.reference} · 原办理机关编号 city-cgj · 办理机关已不在名录中[^\\n]*办结期限 2027-03-05 已过`));
    });
  });

  it('a region the routing recorded decides the bureau', async () => {
    h.clock.set(cst('2027-04-05T10:00:00')); // Monday
    const c = await h.submit();
    await h.deliver();
    // As a routing that records the handler's region in the `routed` event's data would have stored it.
    const { id } = await h.complaint(c.reference);
    const [routed] = await db.query<{ data: string }>("SELECT data FROM complaint_events WHERE complaint_id = ? AND type = 'routed'", [id]);
    await db.run("UPDATE complaint_events SET data = ? WHERE complaint_id = ? AND type = 'routed'", [
      JSON.stringify({ ...JSON.parse(routed!.data), region: '另一省另一市' }),
      id,
    ]);
    await withDirectory(h, afterMerger, async () => {
      h.clock.set(cst('2027-04-13T09:00:00')); // due Mon 12
      expect(await run()).toMatchObject({ reminders: 0, escalations: 1 });
      expect(await lateMail(db, c.reference)).toEqual([{ kind: 'escalation-accept-2-other-sfj', recipient: 'sfj@other.example' }]);
      const mails = await h.deliver();
      const escalation = mailText(mails.find((m) => m.to[0] === 'sfj@other.example' && header(m.raw, 'subject')?.startsWith('【逾期报告】'))!.raw);
      expect(escalation).toContain('分派时记录的地区（另一省另一市）');
      const summary = mailText(mails.find((m) => m.to[0] === 'sfj@other.example' && header(m.raw, 'subject')?.startsWith('【每日汇总】'))!.raw);
      expect(summary).toContain(`${c.reference} · 原办理机关编号 city-cgj · 办理机关已不在名录中`);
    });
  });

  it('with no bureau left anywhere, the escalation is still recorded and the operator log says so', async () => {
    h.clock.set(cst('2027-05-10T10:00:00')); // Monday
    // A number on no roster, met in the other city: routed to that city's justice bureau, which then leaves.
    const c = await h.submit({ about: 'unknownNumber', certificateNo: 'XX-9999', agencyId: undefined, region: '另一省另一市', category: 'other' });
    expect((await h.complaint(c.reference)).agency_id).toBe('other-sfj');
    await h.deliver();
    await withDirectory(h, directoryOf(without(testAgencies, 'other-sfj')), async () => {
      h.clock.set(cst('2027-05-18T09:00:00')); // due Mon 17
      // (The earlier tests' complaints are back with city-cgj here and get their reminders; this one gets none.)
      expect(await run()).toMatchObject({ escalations: 1 });
      expect(await run()).toMatchObject({ escalations: 0 });
    });
    expect(await lateMail(db, c.reference)).toEqual([]);
    const escalated = (await h.events(c.reference)).filter((e) => e.type === 'escalated');
    expect(escalated.map((e) => e.reason)).toEqual([expect.stringContaining('办理机关已不在名录中（原办理机关编号 other-sfj）')]);
    expect(h.world.lines.join('\n')).toContain(`${c.reference} is overdue and its agency other-sfj is no longer in the directory`);
  });
});

/**
 * A province above the sample city: the city government's parent is the provincial government, which has a justice
 * department of its own. A complaint about the city government goes to the provincial government; then the
 * provincial government leaves the directory. The city's justice bureau is below the accused city government, so
 * the escalation and the summary go one region up, to the province's department — never to the city's bodies.
 */
const withProvince: AgencyInput[] = [
  ...testAgencies.map((a) => (a.id === 'city-gov' ? { ...a, parent: 'prov-gov' } : a)),
  { id: 'prov-gov', name: '示例省人民政府', region: '示例省', regulation: 'hebei-2021', complaints: { email: 'gov@prov.example' } },
  { id: 'prov-sft', name: '示例省司法厅', region: '示例省', regulation: 'hebei-2021', parent: 'prov-gov', complaints: { email: 'sft@prov.example' } },
  {
    id: 'prov-scjg',
    name: '示例省市场监督管理局',
    region: '示例省',
    regulation: 'hebei-2021',
    parent: 'prov-gov',
    oversight: 'prov-sft',
    complaints: { email: 'scjg@prov.example' },
  },
];

describeEachStore('a complaint about an agency whose handler left the directory', (kind) => {
  const db = freshStore(kind);
  const h = harnessOn(db, cst('2026-11-20T10:00:00'), () => ({ directory: directoryOf(withProvince) }));
  const run = () => runDeadlineJobs(h.world);

  it("goes to the province's justice department, never to the accused or a body below it", async () => {
    h.clock.set(cst('2026-11-20T10:00:00'));
    const c = await h.submit({ about: 'agency', agencyId: 'city-gov', certificateNo: undefined, category: 'other' });
    expect((await h.complaint(c.reference)).agency_id).toBe('prov-gov');
    await h.deliver();

    await withDirectory(h, directoryOf(without(withProvince, 'prov-gov')), async () => {
      h.clock.set(cst('2026-11-30T09:00:00'));
      expect(await run()).toMatchObject({ reminders: 0, escalations: 1 });
      expect(await lateMail(db, c.reference)).toEqual([{ kind: 'escalation-accept-2-prov-sft', recipient: 'sft@prov.example' }]);
      const mails = await h.deliver();
      for (const below of ['gov@city.example', 'sfj@city.example', 'cgj@city.example', 'scjg@city.example', 'gov@prov.example']) {
        expect(mails.map((m) => m.to[0])).not.toContain(below);
      }
      const escalation = mailText(mails.find((m) => m.to[0] === 'sft@prov.example' && header(m.raw, 'subject')?.startsWith('【逾期报告】'))!.raw);
      expect(escalation).toContain('办理机关已不在名录中');
      expect(escalation).toContain('原办理机关编号 prov-gov');
      expect(escalation).toContain('分派时记录的地区（示例省）');
      const summary = mailText(mails.find((m) => m.to[0] === 'sft@prov.example' && header(m.raw, 'subject')?.startsWith('【每日汇总】'))!.raw);
      expect(summary).toContain(`${c.reference} · 原办理机关编号 prov-gov · 办理机关已不在名录中`);
    });
  });
});

// Its own harness: the intake's rate limit allows only so many submissions from one address in the tests above.
describeEachStore('a complaint routed before its region was recorded, whose agency left the directory', (kind) => {
  const db = freshStore(kind);
  const h = harnessOn(db, cst('2026-11-20T10:00:00'));
  const run = () => runDeadlineJobs(h.world);
  const afterMerger = directoryOf(without(testAgencies, 'city-cgj'));

  it('a complaint routed before the region was recorded goes to the top justice bureau of its regulation', async () => {
    h.clock.set(cst('2027-06-07T10:00:00')); // Monday
    const c = await h.submit();
    await h.deliver();
    // As the routing stored it until 2026-12-01: the rule and the agency, no region.
    const { id } = await h.complaint(c.reference);
    const [routed] = await db.query<{ data: string }>("SELECT data FROM complaint_events WHERE complaint_id = ? AND type = 'routed'", [id]);
    const { region: _region, ...older } = JSON.parse(routed!.data) as Record<string, unknown>;
    await db.run("UPDATE complaint_events SET data = ? WHERE complaint_id = ? AND type = 'routed'", [JSON.stringify(older), id]);
    await withDirectory(h, afterMerger, async () => {
      h.clock.set(cst('2027-06-15T09:00:00')); // due Mon 14
      expect(await run()).toMatchObject({ reminders: 0, escalations: 1 });
      expect(await lateMail(db, c.reference)).toEqual([{ kind: 'escalation-accept-2-city-sfj', recipient: 'sfj@city.example' }]);
      const mails = await h.deliver();
      const escalation = mailText(mails.find((m) => m.to[0] === 'sfj@city.example' && header(m.raw, 'subject')?.startsWith('【逾期报告】'))!.raw);
      expect(escalation).toContain('《河北省行政执法辅助人员管理办法》的施行范围');
    });
  });
});
