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
  const events = await db.query<{ complaint_id: string; type: string; at: string; data: string | null }>(
    "SELECT complaint_id, type, at, data FROM complaint_events WHERE type IN ('accepted', 'rejected', 'resolved', 'transferred') ORDER BY complaint_id, seq",
  );
  const firstAt = new Map<string, string>();
  const missedBefore = new Set<string>();
  for (const e of events) {
    if (e.type === 'transferred') {
      // A transfer or re-route records the deadline it left behind missed (routing.ts); older rows carry none.
      if (missedDueAtOf(e.data)) missedBefore.add(e.complaint_id);
      continue;
    }
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
    ...(missedBefore.has(c.id) ? { missedBefore: true } : {}),
  }));
}

/** `missedDueAt` of a `transferred` event's data, read leniently: an unexpected shape gives nothing. */
function missedDueAtOf(data: string | null): string | undefined {
  try {
    const value = JSON.parse(data ?? 'null') as { missedDueAt?: unknown } | null;
    return typeof value?.missedDueAt === 'string' ? value.missedDueAt : undefined;
  } catch {
    return undefined;
  }
}
