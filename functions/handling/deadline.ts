import { timeLimitFor } from '../deadlines/label.ts';
import type { Db } from '../store/db.ts';
import type { ComplaintRow } from '../store/records/complaints.ts';
import { listEvents } from '../store/records/events.ts';
import type { StatedDeadline } from './mails.ts';
import type { HandlingWorld } from './world.ts';

/**
 * The deadline a complaint runs against now — 办结 once accepted, else 受理 — with the label the mails give it,
 * its holiday note decided over the span it was counted over (from the 受理 or the latest routing to the deadline).
 * Undefined for a closed complaint or one without a deadline.
 */
export async function currentDeadline(world: HandlingWorld, db: Db, complaint: ComplaintRow): Promise<StatedDeadline | undefined> {
  const stage = complaint.status === 'accepted' ? 'resolve' : complaint.status === 'submitted' || complaint.status === 'transferred' ? 'accept' : undefined;
  const dueAt = stage === 'resolve' ? complaint.resolve_due_at : stage === 'accept' ? complaint.accept_due_at : null;
  if (!stage || !dueAt) return undefined;
  const startedBy = stage === 'resolve' ? 'accepted' : 'routed';
  const from = (await listEvents(db, complaint.id)).findLast((e) => e.type === startedBy)?.at ?? complaint.created_at;
  return { stage, dueAt, timeLimit: timeLimitFor(world, { from, to: dueAt }) };
}
