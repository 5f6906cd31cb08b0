import { z } from 'zod';
import type { Directory } from '../../src/core/directory.ts';
import type { Agency } from '../../src/core/registry/schema.ts';
import { publicationLog } from '../store/records/roster-versions.ts';
import { shanghaiDateOf } from '../../src/core/dates.ts';
import { makeCalendar } from '../../src/core/policy/calendar.ts';
import { currentUntil, freshnessBasis } from '../../src/core/policy/freshness.ts';
import type { PublishWorld } from './world.ts';

/**
 * The oversight bureau's publication log: who published which roster version of the agencies it oversees, when,
 * with the diff's counts — never the names in it. A bureau is an agency some other agency names as `oversight`;
 * it oversees those agencies and, like in the daily summary, its own roster.
 */

export function bureausOf(directory: Pick<Directory, 'agencies'>): Agency[] {
  const ids = new Set(directory.agencies.map((a) => a.oversight).filter((id): id is string => !!id));
  return directory.agencies.filter((a) => ids.has(a.id));
}

export function agenciesUnder(directory: Pick<Directory, 'agencies'>, bureauId: string): Agency[] {
  const isBureau = directory.agencies.some((a) => a.oversight === bureauId);
  if (!isBureau) return [];
  return directory.agencies.filter((a) => a.oversight === bureauId || a.id === bureauId);
}

const people = z.array(z.unknown()).default([]);
const diffCountsSchema = z.looseObject({
  added: people,
  statusChanged: people,
  renamed: people,
  numberChanged: people,
  left: people,
  /** Gone without being confirmed as left: an undo to a version without them. */
  removed: people,
  restoredSeq: z.number().int().optional(),
});
const countsSchema = z.looseObject({ total: z.number().int().nonnegative().optional() });

export interface LogEntry {
  agency: Agency;
  seq: number;
  publishedAt: string;
  mailbox: string;
  current: boolean;
  total: number | undefined;
  added: number;
  statusChanged: number;
  left: number;
  renamed: number;
  numberChanged: number;
  /** People the version no longer lists, not as left (an undo that goes back to a version without them). */
  removed: number;
  /** Set when the version was an undo: the version it published again. */
  restoredSeq: number | undefined;
}

export async function publicationLogOf(world: PublishWorld, bureau: Agency): Promise<LogEntry[]> {
  const agencies = new Map(agenciesUnder(world.directory, bureau.id).map((a) => [a.id, a]));
  const rows = await publicationLog(world.store, [...agencies.keys()]);
  return rows.map((row) => {
    const diff = diffCountsSchema.safeParse(JSON.parse(row.diff));
    const counts = countsSchema.safeParse(JSON.parse(row.counts));
    const d = diff.success ? diff.data : undefined;
    return {
      agency: agencies.get(row.agency_id)!,
      seq: row.seq,
      publishedAt: row.published_at,
      mailbox: row.mailbox,
      current: row.status === 'published',
      total: counts.success ? counts.data.total : undefined,
      added: d?.added.length ?? 0,
      statusChanged: d?.statusChanged.length ?? 0,
      left: d?.left.length ?? 0,
      renamed: d?.renamed.length ?? 0,
      numberChanged: d?.numberChanged.length ?? 0,
      removed: d?.removed.length ?? 0,
      restoredSeq: d?.restoredSeq,
    };
  });
}

/** Each overseen agency's roster date, and the last day it counted as current when that day has passed. */
export function rosterDatesUnder(world: Pick<PublishWorld, 'directory' | 'clock'>, bureauId: string) {
  const calendar = makeCalendar(world.directory.holidays);
  const today = shanghaiDateOf(world.clock.now());
  return agenciesUnder(world.directory, bureauId).map((agency) => {
    const rosterDate = world.directory.rosterDate(agency.id);
    const until = rosterDate ? currentUntil(rosterDate, world.directory.policy.freshness, calendar) : undefined;
    return { agency, rosterDate, staleSince: until && today > until ? until : undefined };
  });
}

/** The freshness rule under the roster dates, with its basis. */
export function freshnessNote(world: Pick<PublishWorld, 'directory'>): string {
  const freshness = world.directory.policy.freshness;
  return `名单日期后超过 ${freshness.workingDays} 个工作日未更新的视为可能已过时（${freshnessBasis(freshness)}）。`;
}
