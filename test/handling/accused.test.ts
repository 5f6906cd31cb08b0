import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { buildDirectory } from '../../src/core/directory.ts';
import { isAccusedOrBelow } from '../../functions/complaints/accused.ts';
import { routeComplaint, isRefusal } from '../../functions/complaints/route.ts';
import { runDeadlineJobs } from '../../functions/deadlines/jobs.ts';
import { findComplaintByReference, updateComplaintStatus } from '../../functions/store/records/complaints.ts';
import { checkRegistry } from '../../src/import/registry/load.ts';
import { loadRegulations } from '../../src/import/regulation/load.ts';
import { testAgencies, testDirectory } from '../complaints/support.ts';
import { linksIn } from './support.ts';
import { describeEachStore, freshStore, harnessOn } from '../support/stores.ts';

/**
 * The accused never sees the complainant: a complaint about an agency never reaches that agency nor any agency
 * below it — not by routing, transfer, reminder or escalation.
 *
 * The registry adds to the shared test agencies a team under the city enforcement bureau (city-cgj-dd) and a
 * provincial justice department that oversees the city government, in the city's region.
 */
const regulations = await loadRegulations(join(import.meta.dirname, '../../content'));
const agencies = [
  ...testAgencies.map((a) => (a.id === 'city-gov' ? { ...a, oversight: 'prov-sft' } : a)),
  { id: 'prov-sft', name: '示例省司法厅', region: '示例省示例市', regulation: 'hebei-2021', complaints: { email: 'sft@prov.example' } },
  {
    id: 'city-cgj-dd',
    name: '示例市城管执法大队',
    region: '示例省示例市',
    regulation: 'hebei-2021',
    parent: 'city-cgj',
    oversight: 'city-sfj',
    complaints: { email: 'dd@city.example' },
  },
];
const directory = buildDirectory({ agencies: checkRegistry(agencies, new Set(regulations.keys())).agencies, regulations, auxiliaries: [] });

describe('who is below the accused', () => {
  it('walks the parent chain, and a cycle in the registry ends the walk', () => {
    expect(isAccusedOrBelow(directory, 'city-cgj-dd', 'city-gov')).toBe(true);
    expect(isAccusedOrBelow(directory, 'city-cgj-dd', 'city-cgj')).toBe(true);
    expect(isAccusedOrBelow(directory, 'city-sfj', 'city-cgj')).toBe(false);
    expect(isAccusedOrBelow(directory, 'prov-sft', 'city-gov')).toBe(false);
    const loop = buildDirectory({
      agencies: [
        { ...agencies[0]!, id: 'a', parent: 'b' },
        { ...agencies[0]!, id: 'b', parent: 'a' },
      ],
      regulations,
      auxiliaries: [],
    });
    expect(isAccusedOrBelow(loop, 'a', 'c')).toBe(false);
  });

  it('routing: a government with no parent or oversight never gets its own justice bureau (which is below it)', async () => {
    // In the shared test registry city-gov has neither; its region's bureau city-sfj has city-gov as parent.
    // Nothing above it on the platform: refused with guidance, never sent below it or to another region's bureau.
    const route = routeComplaint({ about: 'agency', agencyId: 'city-gov' }, await testDirectory());
    expect(isRefusal(route)).toBe(true);
  });

  it('routing: a parent that is below the accused (a cycle) is skipped', () => {
    const cyclic = buildDirectory({
      agencies: agencies.map((a) => (a.id === 'city-gov' ? { ...a, parent: 'city-cgj' } : a)),
      regulations,
      auxiliaries: [],
    });
    const route = routeComplaint({ about: 'agency', agencyId: 'city-cgj' }, cyclic);
    if (!isRefusal(route)) expect(['city-gov', 'city-cgj', 'city-cgj-dd']).not.toContain(route.agencyId);
  });
});

const TRANSFER = '转办其他机关';

describeEachStore('the accused and the bodies below it never receive the complaint', (kind) => {
  const db = freshStore(kind);
  const h = harnessOn(db, '2026-11-20T02:00:00.000Z', () => ({ directory }));

  const about = (agencyId: string) => ({ about: 'agency', agencyId, certificateNo: undefined, category: 'other' });
  const recipientsOf = async (reference: string) =>
    await db.query<{ recipient: string; kind: string }>(
      'SELECT o.recipient, o.kind FROM outbox o JOIN complaints c ON c.id = o.complaint_id WHERE c.reference = ?',
      [reference],
    );

  it('transfer to a body below the accused is refused with a field message, and not offered in the form', async () => {
    const c = await h.submit(about('city-cgj'));
    expect((await h.complaint(c.reference)).agency_id).toBe('city-gov');
    const links = linksIn((await h.deliver()).find((m) => m.to[0] === 'gov@city.example')!);
    const form = await (await h.get(links[TRANSFER]!)).text();
    expect(form).toContain('value="city-scjg"');
    expect(form).not.toContain('value="city-cgj-dd"');
    expect(form).not.toContain('value="city-cgj"');

    const refused = await h.post(links[TRANSFER]!, { transferTo: 'city-cgj-dd', reason: '属执法大队职责' });
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain('不能转交被反映机关或其下属机关办理');
    expect(await h.complaint(c.reference)).toMatchObject({ status: 'submitted', agency_id: 'city-gov' });
    expect((await recipientsOf(c.reference)).map((r) => r.recipient)).not.toContain('dd@city.example');
    // The link still works for an allowed agency.
    expect((await h.post(links[TRANSFER]!, { transferTo: 'city-scjg', reason: '属市场监管职责' })).status).toBe(200);
  });

  it('escalation skips the region’s bureau when it is below the accused', async () => {
    h.clock.set('2026-11-20T02:00:00.000Z');
    // About the city government, handled by the provincial department (no parent of its own), whose region's bureau
    // is the city's justice bureau — below the city government. A body with no superior is refused at the form, so
    // here the registry names the department as the government's parent.
    const cityGov = h.world.directory.agency('city-gov') as { parent?: string };
    const before = cityGov.parent;
    cityGov.parent = 'prov-sft';
    const c = await h.submit(about('city-gov')).finally(() => {
      cityGov.parent = before;
    });
    expect((await h.complaint(c.reference)).agency_id).toBe('prov-sft');
    await h.deliver();
    h.clock.set('2026-12-20T02:00:00.000Z');
    const result = await runDeadlineJobs(h.world);
    expect(result.escalations).toBeGreaterThanOrEqual(1);
    const events = await h.events(c.reference);
    expect(events.map((e) => e.type)).toContain('escalated');
    const recipients = (await recipientsOf(c.reference)).map((r) => r.recipient);
    expect(recipients).toContain('sft@prov.example'); // its reminder
    for (const below of ['sfj@city.example', 'gov@city.example', 'cgj@city.example', 'scjg@city.example', 'dd@city.example']) {
      expect(recipients).not.toContain(below);
    }
  });

  it('a complaint found sitting below the accused gets no reminder there; it is escalated to an allowed body at once', async () => {
    h.clock.set('2026-12-21T02:00:00.000Z');
    const c = await h.submit(about('city-cgj'));
    await h.deliver();
    // As if routed before the registry placed the team under the accused bureau.
    const row = (await findComplaintByReference(db, c.reference))!;
    expect(await updateComplaintStatus(db, row.id, row.status, { status: row.status, at: '2026-12-21T02:00:00.000Z', agencyId: 'city-cgj-dd' })).toBe(true);
    h.clock.set('2027-01-20T02:00:00.000Z');
    await runDeadlineJobs(h.world);
    const outbox = await recipientsOf(c.reference);
    const late = outbox.filter((r) => r.kind.startsWith('reminder') || r.kind.startsWith('escalation'));
    expect(late.map((r) => r.recipient)).toEqual(['sfj@city.example']);
    expect(late[0]!.kind).toMatch(/^escalation-/);
    const mails = await h.deliver();
    expect(mails.map((m) => m.to[0])).not.toContain('dd@city.example');
    expect(mails.map((m) => m.to[0])).not.toContain('cgj@city.example');
  });
});
