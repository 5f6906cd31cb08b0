import { expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { insertComplaint } from '../../functions/store/records/complaints.ts';
import { appendEvent } from '../../functions/store/records/events.ts';
import { statsInputFrom } from '../../functions/stats/load.ts';
import { describeEachStore, freshStore } from '../support/stores.ts';

describeEachStore('statistics input read from the store', (kind) => {
  const db = freshStore(kind);

  it('takes the first accepted/rejected/resolved event times and the current handler; never the contents', async () => {
    const id = randomUUID();
    const at = '2026-11-02T01:00:00.000Z';
    await db.transaction(async (tx) => {
      await insertComplaint(tx, {
        id,
        reference: 'TS-STAT-0001',
        tracking_hash: 'h',
        kind: 'complaint',
        status: 'resolved',
        agency_id: 'b',
        regulation_id: 'hebei-2021',
        category: 'hebei-2021:10.1',
        target: '{}',
        contents: JSON.stringify({ description: '私密' }),
        idempotency_key: null,
        created_at: at,
        updated_at: at,
        accept_due_at: '2026-11-09T15:59:59.999Z',
        resolve_due_at: '2027-01-10T15:59:59.999Z',
      });
      await appendEvent(tx, id, { type: 'submitted', at });
      await appendEvent(tx, id, { type: 'accepted', at: '2026-11-03T01:00:00.000Z', actorAgencyId: 'a' });
      await appendEvent(tx, id, { type: 'transferred', at: '2026-11-04T01:00:00.000Z', actorAgencyId: 'a' });
      await appendEvent(tx, id, { type: 'accepted', at: '2026-11-05T01:00:00.000Z', actorAgencyId: 'b' });
      await appendEvent(tx, id, { type: 'resolved', at: '2026-11-20T01:00:00.000Z', actorAgencyId: 'b' });
    });
    const input = await statsInputFrom(db);
    expect(input).toEqual([
      {
        agencyId: 'b',
        category: 'hebei-2021:10.1',
        createdAt: at,
        acceptedAt: '2026-11-03T01:00:00.000Z',
        rejectedAt: null,
        resolvedAt: '2026-11-20T01:00:00.000Z',
        acceptDueAt: '2026-11-09T15:59:59.999Z',
        resolveDueAt: '2027-01-10T15:59:59.999Z',
      },
    ]);
    expect(JSON.stringify(input)).not.toContain('私密');
  });
});
