/**
 * Complaints written into a store through its record functions, for the statistics page (its tests and its
 * screenshot). Only dates, agency and category matter to the statistics; the contents are a placeholder unless given.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../../functions/store/index.ts';
import { insertComplaint, updateComplaintStatus } from '../../functions/store/records/complaints.ts';
import { appendEvent } from '../../functions/store/records/events.ts';

const DAY = 86_400_000;

/** One filed complaint about a unit, with the days after filing on which it was accepted and resolved, if it was. */
export interface SeededComplaint {
  reference: string;
  agency: string;
  category: string;
  at: string;
  contents?: Record<string, unknown>;
  acceptedAfterDays?: number;
  resolvedAfterDays?: number;
}

/** Writes one complaint and its events through the store's record functions, as intake and handling do. */
export async function seedComplaint(db: Db, c: SeededComplaint): Promise<void> {
  const id = randomUUID();
  const later = (days: number) => new Date(Date.parse(c.at) + days * DAY).toISOString();
  await db.transaction(async (tx) => {
    await insertComplaint(tx, {
      id,
      reference: c.reference,
      tracking_hash: 'x',
      kind: 'complaint',
      status: 'submitted',
      agency_id: c.agency,
      regulation_id: 'hebei-2021',
      category: c.category,
      target: JSON.stringify({ about: 'unit', agencyId: c.agency }),
      contents: JSON.stringify(c.contents ?? { description: '统计测试' }),
      idempotency_key: null,
      created_at: c.at,
      updated_at: c.at,
      accept_due_at: later(7),
      resolve_due_at: null,
    });
    await appendEvent(tx, id, { type: 'submitted', at: c.at, toStatus: 'submitted' });
    if (c.acceptedAfterDays === undefined) return;
    const acceptedAt = later(c.acceptedAfterDays);
    await appendEvent(tx, id, { type: 'accepted', at: acceptedAt, fromStatus: 'submitted', toStatus: 'accepted', actorAgencyId: c.agency });
    await updateComplaintStatus(tx, id, 'submitted', { status: 'accepted', at: acceptedAt });
    if (c.resolvedAfterDays === undefined) return;
    const resolvedAt = later(c.resolvedAfterDays);
    await appendEvent(tx, id, { type: 'resolved', at: resolvedAt, fromStatus: 'accepted', toStatus: 'resolved', actorAgencyId: c.agency });
    await updateComplaintStatus(tx, id, 'accepted', { status: 'resolved', at: resolvedAt });
  });
}

let seeded = 0;
/** `count` complaints to `agency` in `category`: every other one accepted after two days, every fourth resolved after twenty. */
export async function seedComplaints(db: Db, agency: string, category: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const n = seeded++;
    await seedComplaint(db, {
      reference: `TS-PHONE-${n}`,
      agency,
      category,
      at: new Date(Date.parse('2026-10-05T02:00:00Z') + n * 3_600_000).toISOString(),
      contents: { description: '手机统计测试' },
      ...(i % 2 === 0 ? { acceptedAfterDays: 2 } : {}),
      ...(i % 4 === 0 ? { resolvedAfterDays: 20 } : {}),
    });
  }
}
