import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { summaryBureaus } from '../../functions/deadlines/bureaus.ts';
import { runDeadlineJobs } from '../../functions/deadlines/jobs.ts';
import { buildDirectory } from '../../src/core/directory.ts';
import { checkRegistry } from '../../src/import/registry/load.ts';
import { loadRegulations } from '../../src/import/regulation/load.ts';
import { testAgencies, testAuxiliaries } from '../complaints/support.ts';
import { header, mailText } from './support.ts';
import { describeEachStore, freshStore, harnessOn } from '../support/stores.ts';

/**
 * The daily summary reaches a justice bureau for every complaint, also when its handling agency names no oversight:
 * a complaint about an agency itself is routed to the agency's parent — here the city government, which has none —
 * and its delivery failures and missed deadlines go to the bureau(s) an escalation finds for such an agency: those
 * the agencies of its region answer to, failing any those of the enclosing region; never the accused body nor one
 * below it (docs/HANDLING.md, "Deadlines", points 2 and 4).
 *
 * The registry adds to the shared test agencies a province (示例省) whose justice department oversees its market
 * regulation bureau. A complaint about the city's justice bureau, handled by the city government, must not go to the
 * accused bureau: the walk goes one region up, to the province's department.
 */
const cst = (s: string) => new Date(`${s}+08:00`).toISOString();
const regulations = await loadRegulations(join(import.meta.dirname, '../../content'));
const agencies = [
  ...testAgencies,
  { id: 'prov-sft', name: '示例省司法厅', region: '示例省', regulation: 'hebei-2021', complaints: { email: 'sft@prov.example' } },
  {
    id: 'prov-scjg',
    name: '示例省市场监督管理局',
    region: '示例省',
    regulation: 'hebei-2021',
    oversight: 'prov-sft',
    complaints: { email: 'scjg@prov.example' },
  },
];
const directory = buildDirectory({ agencies: checkRegistry(agencies, new Set(regulations.keys())).agencies, regulations, auxiliaries: testAuxiliaries });

describeEachStore('the daily summary for complaints handled by an agency without oversight', (kind) => {
  const db = freshStore(kind);
  const h = harnessOn(db, cst('2026-11-30T10:00:00'), () => ({ directory }));
  const about = (agencyId: string) => ({ about: 'agency', agencyId, certificateNo: undefined, category: 'other' });
  const summaryTo = (mails: Awaited<ReturnType<typeof h.deliver>>, address: string) => {
    const found = mails.filter((m) => m.to[0] === address && header(m.raw, 'subject')?.startsWith('【每日汇总】'));
    expect(found.length, `summaries to ${address}`).toBeLessThanOrEqual(1);
    return found[0] ? mailText(found[0].raw) : undefined;
  };

  it('lists its refused mail and its overdue complaints for the region’s bureau, and escalation and summary agree', async () => {
    h.clock.set(cst('2026-11-30T10:00:00')); // Monday
    const aboutBureau = await h.submit(about('city-cgj')); // about the enforcement bureau itself: its parent, the government
    const aboutPerson = await h.submit(); // about 张三 of the enforcement bureau: the bureau, overseen by the justice bureau
    const aboutJustice = await h.submit(about('city-sfj')); // about the justice bureau itself: the government too
    expect((await h.complaint(aboutBureau.reference)).agency_id).toBe('city-gov');
    expect((await h.complaint(aboutPerson.reference)).agency_id).toBe('city-cgj');
    expect((await h.complaint(aboutJustice.reference)).agency_id).toBe('city-gov');

    // Every mail server refuses for good (550): the agency mails are `failed` at once.
    h.smtp.refuseWith = 550;
    try {
      expect(await h.deliver()).toEqual([]);
    } finally {
      h.smtp.refuseWith = undefined;
    }
    const failed = await db.query<{ reference: string; recipient: string }>(
      "SELECT c.reference, o.recipient FROM outbox o JOIN complaints c ON c.id = o.complaint_id WHERE o.status = 'failed' AND o.kind = 'agency' ORDER BY c.reference",
    );
    expect(failed).toHaveLength(3);

    h.clock.set(cst('2026-12-01T08:30:00'));
    expect(await runDeadlineJobs(h.world)).toMatchObject({ reminders: 0, escalations: 0 });
    const first = await h.deliver();
    const refused = (reference: string, agency: string, mailbox: string) =>
      `${reference} · ${agency} · 投诉材料未能投递（收件人：${mailbox}），收件服务器拒收（SMTP 550），未重试`;
    const sfj = summaryTo(first, 'sfj@city.example')!;
    expect(sfj).toContain(refused(aboutPerson.reference, '示例市城市管理综合行政执法局', 'cgj@city.example'));
    expect(sfj).toContain(refused(aboutBureau.reference, '示例市人民政府', 'gov@city.example'));
    // The complaint about the city's justice bureau never reaches it: the province's department is told instead.
    expect(sfj).not.toContain(aboutJustice.reference);
    const sft = summaryTo(first, 'sft@prov.example')!;
    expect(sft).toContain(refused(aboutJustice.reference, '示例市人民政府', 'gov@city.example'));
    expect(sft).not.toContain(aboutBureau.reference);
    expect(sft).not.toContain(aboutPerson.reference);
    // Only bureaus get summaries.
    expect(first.filter((m) => header(m.raw, 'subject')?.startsWith('【每日汇总】')).map((m) => m.to[0])).toEqual(
      expect.arrayContaining(['sfj@city.example', 'sft@prov.example']),
    );
    expect(first.filter((m) => header(m.raw, 'subject')?.startsWith('【每日汇总】'))).toHaveLength(2);

    // Past the 受理 deadline (Mon 7): listed as overdue, by the same bureaus; the failures were reported already.
    h.clock.set(cst('2026-12-08T09:00:00'));
    expect(await runDeadlineJobs(h.world)).toMatchObject({ reminders: 3, escalations: 0 });
    const second = await h.deliver();
    const sfjLate = summaryTo(second, 'sfj@city.example')!;
    expect(sfjLate).toContain(`${aboutBureau.reference} · 示例市人民政府 · 受理期限 2026-12-07 已过`);
    expect(sfjLate).toContain(`${aboutPerson.reference} · 示例市城市管理综合行政执法局 · 受理期限 2026-12-07 已过`);
    expect(sfjLate).not.toContain(aboutJustice.reference);
    expect(sfjLate).not.toContain('未能投递（收件人：gov@city.example）');
    const sftLate = summaryTo(second, 'sft@prov.example')!;
    expect(sftLate).toContain(`${aboutJustice.reference} · 示例市人民政府 · 受理期限 2026-12-07 已过`);
    expect(sftLate).not.toContain(aboutBureau.reference);

    // Three working days later the escalations go where the summaries went (the government has no parent or oversight).
    h.clock.set(cst('2026-12-11T09:00:00'));
    expect(await runDeadlineJobs(h.world)).toMatchObject({ escalations: 3 });
    const escalated = async (reference: string) =>
      (
        await db.query<{ recipient: string }>(
          "SELECT o.recipient FROM outbox o JOIN complaints c ON c.id = o.complaint_id WHERE c.reference = ? AND o.kind LIKE 'escalation-%' ORDER BY o.recipient",
          [reference],
        )
      ).map((r) => r.recipient);
    expect(await escalated(aboutBureau.reference)).toEqual(['sfj@city.example']);
    expect(await escalated(aboutJustice.reference)).toEqual(['sft@prov.example']);
    expect(await escalated(aboutPerson.reference)).toEqual(['gov@city.example', 'sfj@city.example']);
    const third = await h.deliver();
    for (const m of third) if (m.to[0] === 'sfj@city.example') expect(mailText(m.raw)).not.toContain(aboutJustice.reference);
  });
});

describe('which bureaus a summary names for an agency (summaryBureaus)', () => {
  const ids = (agencyId: string, target?: Parameters<typeof summaryBureaus>[2]) =>
    summaryBureaus(directory, directory.agency(agencyId)!, target).map((b) => b.id);
  const aboutAgency = (agencyId: string) => ({ about: 'agency', agencyId }) as Parameters<typeof summaryBureaus>[2];

  it('its oversight; itself when it is a bureau; else the region’s bureaus, one region up when none may hear of it', () => {
    expect(ids('city-cgj')).toEqual(['city-sfj']);
    expect(ids('city-sfj')).toEqual(['city-sfj']);
    // No oversight: the bureaus of its region (a stale roster, or a complaint about someone else).
    expect(ids('city-gov')).toEqual(['city-sfj']);
    expect(ids('lone-unit')).toEqual(['other-sfj']);
    expect(ids('city-gov', aboutAgency('city-cgj'))).toEqual(['city-sfj']);
    // The accused bureau and those below it never: one region up.
    expect(ids('city-gov', aboutAgency('city-sfj'))).toEqual(['prov-sft']);
    expect(ids('city-cgj', aboutAgency('city-sfj'))).toEqual(['prov-sft']);
    // Nothing allowed anywhere up to the province: nobody (the operator's log names it when it is escalated).
    expect(ids('prov-scjg', aboutAgency('prov-sft'))).toEqual([]);
  });
});
