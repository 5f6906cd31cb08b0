/**
 * Complaints written straight into a store for the statistics page (its phone test and its screenshot): every other
 * one accepted two days after filing, every fourth resolved after twenty. Only dates, agency and category matter to
 * the statistics; the contents are a placeholder.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../../functions/store/index.ts';
import { insertComplaint } from '../../functions/store/records/complaints.ts';
import { appendEvent } from '../../functions/store/records/events.ts';

const DAY = 86_400_000;

let seeded = 0;
/** `count` complaints to `agency` in `category`. */
export async function seedComplaints(db: Db, agency: string, category: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const id = randomUUID();
    const at = new Date(Date.parse('2026-10-05T02:00:00Z') + seeded++ * 3_600_000).toISOString();
    await db.transaction(async (tx) => {
      await insertComplaint(tx, {
        id,
        reference: `TS-PHONE-${seeded}`,
        tracking_hash: 'x',
        kind: 'complaint',
        status: 'submitted',
        agency_id: agency,
        regulation_id: 'hebei-2021',
        category,
        target: JSON.stringify({ about: 'unit', agencyId: agency }),
        contents: JSON.stringify({ description: '手机统计测试' }),
        idempotency_key: null,
        created_at: at,
        updated_at: at,
        accept_due_at: new Date(Date.parse(at) + 7 * DAY).toISOString(),
        resolve_due_at: null,
      });
      await appendEvent(tx, id, { type: 'submitted', at, toStatus: 'submitted' });
      if (i % 2 === 0) {
        await appendEvent(tx, id, {
          type: 'accepted',
          at: new Date(Date.parse(at) + 2 * DAY).toISOString(),
          fromStatus: 'submitted',
          toStatus: 'accepted',
          actorAgencyId: agency,
        });
        await tx.run('UPDATE complaints SET status = ? WHERE id = ?', ['accepted', id]);
      }
      if (i % 4 === 0) {
        await appendEvent(tx, id, {
          type: 'resolved',
          at: new Date(Date.parse(at) + 20 * DAY).toISOString(),
          fromStatus: 'accepted',
          toStatus: 'resolved',
          actorAgencyId: agency,
        });
        await tx.run('UPDATE complaints SET status = ? WHERE id = ?', ['resolved', id]);
      }
    });
  }
}
