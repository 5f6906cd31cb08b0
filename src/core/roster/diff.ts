import { z } from 'zod';
import { certificateLookupKey } from '../text.ts';
import { NAME_WITHHELD } from '../labels.ts';
import { ENDED_STATUSES, statusValues, type Auxiliary } from './schema.ts';

/**
 * What changes when an agency publishes a new roster over its current one. People are matched by certificate
 * number (as looked up: separators and width ignored); a person whose number changed is matched by name when
 * exactly one disappearing and one new record share that name.
 */

const person = z.object({ certificateNo: z.string(), name: z.string() });
const status = z.enum(statusValues);

export const rosterDiffSchema = z.object({
  added: z.array(person),
  /** Gone from the upload without a status saying why: each must be confirmed as left (or the upload fixed). */
  removed: z.array(person),
  statusChanged: z.array(person.extend({ from: status, to: status })),
  renamed: z.array(z.object({ certificateNo: z.string(), from: z.string(), to: z.string() })),
  numberChanged: z.array(z.object({ name: z.string(), from: z.string(), to: z.string() })),
  unchanged: z.number().int().nonnegative(),
  /**
   * Of the unchanged: people published as ended (left, revoked, cancelled) whom the upload no longer lists, carried
   * over as they were (withEndedCarriedOver). Absent in diffs stored before it was counted.
   */
  carried: z.number().int().nonnegative().optional(),
});

export type RosterDiff = z.infer<typeof rosterDiffSchema>;

export function diffRosters(before: readonly Auxiliary[], after: readonly Auxiliary[]): RosterDiff {
  const old = new Map(before.map((a) => [certificateLookupKey(a.certificateNo), a]));
  const now = new Map(after.map((a) => [certificateLookupKey(a.certificateNo), a]));
  const diff: RosterDiff = { added: [], removed: [], statusChanged: [], renamed: [], numberChanged: [], unchanged: 0 };
  const added: Auxiliary[] = [];
  for (const [key, a] of now) {
    const b = old.get(key);
    if (!b) {
      added.push(a);
      continue;
    }
    let changed = false;
    if (b.status !== a.status) {
      diff.statusChanged.push({ certificateNo: a.certificateNo, name: a.name, from: b.status, to: a.status });
      changed = true;
    }
    // A name removed after the retention period is no correction when the export still has it.
    if (b.name !== a.name && b.name !== NAME_WITHHELD) {
      diff.renamed.push({ certificateNo: a.certificateNo, from: b.name, to: a.name });
      changed = true;
    }
    if (!changed) diff.unchanged++;
  }
  const removed = [...old].filter(([key]) => !now.has(key)).map(([, b]) => b);
  const byName = (list: Auxiliary[]) => {
    const m = new Map<string, Auxiliary[]>();
    for (const a of list) m.set(a.name, [...(m.get(a.name) ?? []), a]);
    return m;
  };
  const addedByName = byName(added);
  const removedByName = byName(removed);
  const renumbered = new Set<Auxiliary>();
  for (const [name, gone] of removedByName) {
    const fresh = addedByName.get(name);
    if (gone.length === 1 && fresh?.length === 1) {
      diff.numberChanged.push({ name, from: gone[0]!.certificateNo, to: fresh[0]!.certificateNo });
      renumbered.add(gone[0]!).add(fresh[0]!);
    }
  }
  diff.added = added.filter((a) => !renumbered.has(a)).map(({ certificateNo, name }) => ({ certificateNo, name }));
  diff.removed = removed.filter((a) => !renumbered.has(a)).map(({ certificateNo, name }) => ({ certificateNo, name }));
  return diff;
}

/**
 * The upload plus the people of the published roster it leaves out whose certificate has already ended (left,
 * revoked, cancelled): those are carried over unchanged — status, status date and all — so that they keep being
 * verified as no longer valid from the same date, and are never asked about again as disappeared. An agency's
 * export usually lists only the staff it employs; the ended ones are history it cannot be expected to repeat.
 */
export function withEndedCarriedOver(before: readonly Auxiliary[], after: readonly Auxiliary[]): { records: Auxiliary[]; carried: number } {
  const listed = new Set(after.map((a) => certificateLookupKey(a.certificateNo)));
  const carried = before.filter((b) => ENDED_STATUSES.has(b.status) && !listed.has(certificateLookupKey(b.certificateNo)));
  return { records: [...after, ...carried], carried: carried.length };
}

/** Counts per status and in total, as stored with each version. */
export function rosterCounts(records: readonly Auxiliary[]): { total: number; byStatus: Partial<Record<Auxiliary['status'], number>> } {
  const byStatus: Partial<Record<Auxiliary['status'], number>> = {};
  for (const r of records) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
  return { total: records.length, byStatus };
}
