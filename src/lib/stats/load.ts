import { existsSync } from 'node:fs';
import { openStore, sqlitePath, type Db } from '../../../functions/store/index.ts';
import type { StatsInput } from './aggregate.ts';

/**
 * Reads what the statistics need from the complaint store — ids, agency, category, dates; never the
 * contents. An embedded store that does not exist yet is not created: the page then says there is no data.
 */
export async function readStatsInput(settings: { databaseUrl: string | undefined; varDir: string }): Promise<StatsInput[] | null> {
  if (!settings.databaseUrl && !existsSync(sqlitePath(settings.varDir))) return null;
  let db: Db;
  try {
    db = await openStore(settings);
  } catch (error) {
    const where = settings.databaseUrl ? 'DATABASE_URL 指定的数据库' : sqlitePath(settings.varDir);
    throw new Error(`统计页（/stats/）无法读取投诉数据库 ${where}：${(error as Error).message}`);
  }
  try {
    return await statsInputFrom(db);
  } finally {
    await db.close();
  }
}

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
