import { z } from 'zod';
import { certificateLookupKey } from '../../core/text.ts';
import type { Auxiliary } from '../../core/roster/schema.ts';

/**
 * Since when a status holds, for the rows whose roster gives no status date: the publication date of the newest
 * workspace version whose diff started that status for that certificate — it was added, its status changed, its
 * number changed to it, or it was confirmed as left. Versions are the agency's history up to the published one
 * (withdrawn versions are deleted, so they never count). The roster's own status date always wins.
 */

/** The parts of a stored diff that start a status; everything else in it is ignored (names are never needed). */
const numbered = z.array(z.looseObject({ certificateNo: z.string() })).default([]);
export const statusEventsSchema = z.looseObject({
  added: numbered,
  statusChanged: numbered,
  left: numbered,
  numberChanged: z.array(z.looseObject({ to: z.string() })).default([]),
});

export interface VersionHistoryEntry {
  seq: number;
  publishedAt: string;
  /** The version's diff as stored (JSON text). */
  diff: string;
}

/** `2026-11-20` in China Standard Time. */
export function shanghaiDate(iso: string): string {
  return new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 10);
}

/** Each certificate's (lookup key →) date its current status began, from an agency's history. */
export function statusStarts(history: readonly VersionHistoryEntry[]): Map<string, string> {
  const starts = new Map<string, string>();
  for (const version of [...history].sort((a, b) => a.seq - b.seq)) {
    const parsed = statusEventsSchema.safeParse(JSON.parse(version.diff));
    if (!parsed.success) continue;
    const date = shanghaiDate(version.publishedAt);
    const { added, statusChanged, left, numberChanged } = parsed.data;
    for (const no of [...added, ...statusChanged, ...left].map((p) => p.certificateNo).concat(numberChanged.map((p) => p.to))) {
      starts.set(certificateLookupKey(no), date);
    }
  }
  return starts;
}

/** The records with a status date filled in from the history where the roster gave none. */
export function withStatusSince(records: readonly Auxiliary[], history: readonly VersionHistoryEntry[]): Auxiliary[] {
  if (records.every((r) => r.statusSince)) return [...records];
  const starts = statusStarts(history);
  return records.map((r) => {
    if (r.statusSince) return r;
    const since = starts.get(certificateLookupKey(r.certificateNo));
    return since ? { ...r, statusSince: since } : r;
  });
}
