import type { Db } from '../store/db.ts';
import type { StatsInput } from './aggregate.ts';

/**
 * What the statistics need from the complaint store — agency, category, dates; never the contents, and only by
 * reading (no migration, no write).
 */
export async function statsInputFrom(db: Db): Promise<StatsInput[]> {
  const complaints = await db.query<{
    id: string;
    agency_id: string;
    category: string;
    created_at: string;
    accept_due_at: string | null;
    resolve_due_at: string | null;
  }>('SELECT id, agency_id, category, created_at, accept_due_at, resolve_due_at FROM complaints ORDER BY created_at, id');
  const events = await db.query<{ complaint_id: string; type: string; at: string }>(
    "SELECT complaint_id, type, at FROM complaint_events WHERE type IN ('accepted', 'rejected', 'resolved') ORDER BY complaint_id, seq",
  );
  const firstAt = new Map<string, string>();
  for (const e of events) {
    const key = `${e.complaint_id} ${e.type}`;
    if (!firstAt.has(key)) firstAt.set(key, e.at);
  }
  return complaints.map((c) => ({
    agencyId: c.agency_id,
    category: c.category,
    createdAt: c.created_at,
    acceptedAt: firstAt.get(`${c.id} accepted`) ?? null,
    rejectedAt: firstAt.get(`${c.id} rejected`) ?? null,
    resolvedAt: firstAt.get(`${c.id} resolved`) ?? null,
    acceptDueAt: c.accept_due_at,
    resolveDueAt: c.resolve_due_at,
  }));
}
