import { rowId } from '../row-id.ts';
import type { Db } from '../db.ts';
import { parseJsonColumn, routedDataSchema, type RoutedData } from './shapes.ts';

/** `complaint_events`: each complaint's history, in sequence. */
export const eventTypes = ['submitted', 'routed', 'accepted', 'rejected', 'transferred', 'resolved', 'reminded', 'escalated'] as const;
export type EventType = (typeof eventTypes)[number];

export interface EventRow {
  id: string;
  complaint_id: string;
  seq: number;
  at: string;
  type: EventType;
  from_status: string | null;
  to_status: string | null;
  actor_agency_id: string | null;
  reason: string | null;
  /** JSON or null: e.g. the routing rule of a `routed` event. */
  data: string | null;
}

export interface NewEvent {
  type: EventType;
  at: string;
  fromStatus?: string | null;
  toStatus?: string | null;
  actorAgencyId?: string | null;
  reason?: string | null;
  data?: unknown;
}

export async function appendEvent(tx: Db, complaintId: string, event: NewEvent): Promise<EventRow> {
  const [last] = await tx.query<{ seq: number | string | null }>('SELECT MAX(seq) AS seq FROM complaint_events WHERE complaint_id = ?', [complaintId]);
  const row: EventRow = {
    id: rowId(),
    complaint_id: complaintId,
    seq: Number(last?.seq ?? 0) + 1,
    at: event.at,
    type: event.type,
    from_status: event.fromStatus ?? null,
    to_status: event.toStatus ?? null,
    actor_agency_id: event.actorAgencyId ?? null,
    reason: event.reason ?? null,
    data: event.data === undefined ? null : JSON.stringify(event.data),
  };
  await tx.run(
    `INSERT INTO complaint_events (id, complaint_id, seq, at, type, from_status, to_status, actor_agency_id, reason, data)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [row.id, row.complaint_id, row.seq, row.at, row.type, row.from_status, row.to_status, row.actor_agency_id, row.reason, row.data],
  );
  return row;
}

export async function listEvents(db: Db, complaintId: string): Promise<EventRow[]> {
  const rows = await db.query<EventRow & Record<string, unknown>>('SELECT * FROM complaint_events WHERE complaint_id = ? ORDER BY seq', [complaintId]);
  return rows.map((r) => ({ ...r, seq: Number(r.seq) }));
}

/** The agency a `routed` or `transferred` event names. */
export const routedDataOf = (row: Pick<EventRow, 'data'>): RoutedData => parseJsonColumn(routedDataSchema, 'complaint_events.data', row.data ?? 'null');
