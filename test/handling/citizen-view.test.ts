import { describe, expect, it } from 'vitest';
import { citizenEventTypes, citizenView, citizenViewSchema } from '../../src/core/complaint/citizen-view.ts';
import { runDeadlineJobs } from '../../functions/deadlines/jobs.ts';
import { describeEachStore, freshStore, harnessOn } from '../support/stores.ts';

const cst = (s: string) => new Date(`${s}+08:00`).toISOString();

describe('citizenView: an allow-list of event types', () => {
  const base = {
    complaint: { reference: 'TS-AAAA-BBBB', kind: 'complaint' as const, status: 'submitted' as const, agencyId: 'a', createdAt: '2026-11-20T02:00:00.000Z' },
    agencyName: (id: string) => `机关${id}`,
  };
  it('keeps the public steps and drops every other event type, known or new', () => {
    const events = [
      { type: 'submitted', at: '2026-11-20T02:00:00.000Z', reason: null },
      { type: 'routed', at: '2026-11-20T02:00:00.000Z', reason: '按证件编号', agencyId: 'a' },
      { type: 'reminded', at: '2026-11-28T01:00:00.000Z', reason: '逾期催办' },
      { type: 'escalated', at: '2026-12-03T01:00:00.000Z', reason: '逾期报告上级' },
      { type: 'internal-note', at: '2026-12-03T01:00:00.000Z', reason: '内部备注' },
      { type: 'rejected', at: '2026-12-04T01:00:00.000Z', reason: '不属于本机关职责' },
    ];
    const view = citizenView({ ...base, events });
    expect(view.history.map((h) => h.type)).toEqual(['submitted', 'routed', 'rejected']);
    expect(view.history[1]!.label).toBe('分派至机关a办理');
    expect(view.history[2]!.note).toBe('理由：不属于本机关职责');
    expect(JSON.stringify(view)).not.toMatch(/催办|逾期|内部备注|reminded|escalated/);
    expect(citizenViewSchema.parse(view)).toEqual(view);
  });
  it('the allow-list holds no internal event type', () => {
    expect(citizenEventTypes).not.toContain('reminded');
    expect(citizenEventTypes).not.toContain('escalated');
  });
});

describeEachStore('status after a reminder and an escalation', (kind) => {
  const db = freshStore(kind);
  const h = harnessOn(db, cst('2026-11-20T10:00:00'));

  it('the JSON API and the no-JS page show the same steps and none of the internal ones', async () => {
    const c = await h.submit();
    await h.deliver();
    h.clock.set(cst('2026-11-28T09:00:00'));
    expect(await runDeadlineJobs(h.world)).toMatchObject({ reminders: 1 });
    h.clock.set(cst('2026-12-03T00:30:00'));
    expect(await runDeadlineJobs(h.world)).toMatchObject({ escalations: 1 });
    const stored = (await h.events(c.reference)).map((e) => e.type);
    expect(stored).toEqual(expect.arrayContaining(['reminded', 'escalated']));

    const response = await h.get(`/api/complaints/${c.reference}?code=${encodeURIComponent(c.trackingCode)}`);
    expect(response.status).toBe(200);
    const view = citizenViewSchema.strict().parse(await response.json());
    expect(view.history.map((e) => e.type)).toEqual(['submitted', 'routed']);

    const page = await (await h.post('/api/status', { reference: c.reference, code: c.trackingCode })).text();
    for (const step of view.history) expect(page).toContain(step.label);
    // The history table lists no internal step (the 办理时限 paragraph under it states the escalation rule itself).
    const history = /<table>[\s\S]*?<\/table>/.exec(page)![0];
    expect(history).not.toMatch(/催办|逾期|上报|reminded|escalated/);
    expect(page.replace(history, '')).not.toMatch(/reminded|escalated/);
    expect(JSON.stringify(view)).not.toMatch(/催办|逾期|上报|reminded|escalated/);
  });
});
