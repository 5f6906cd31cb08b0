import { addYears, shanghaiDateOf } from '../../src/core/dates.ts';
import { NAME_WITHHELD } from '../../src/core/labels.ts';
import type { Policy } from '../../src/core/policy/schema.ts';
import { ENDED_STATUSES, type Auxiliary } from '../../src/core/roster/schema.ts';
import { certificateLookupKey } from '../../src/core/text.ts';
import { leaversRetention } from '../../src/core/policy/disclosure.ts';
import { statusStarts } from '../../src/import/roster/status-history.ts';
import type { Clock } from '../outbox/worker.ts';
import { parseRecords } from '../publish/upload.ts';
import type { Db } from '../store/db.ts';
import { allDrafts, deleteAbandonedDrafts, replaceDraftNames } from '../store/records/roster-drafts.ts';
import { agenciesWithVersions, listVersions, replaceVersionNames } from '../store/records/roster-versions.ts';

/**
 * The retention period for leavers (policy.yaml `retention.leaversYears`) applied to the publishing workspace's
 * store: once a person's certificate has ended (left, revoked, cancelled) for that many years, their name is
 * removed from every stored version of the agency — also from versions in which they were still at work — and
 * from the diffs, and from waiting drafts. The number stays, so it still verifies as no longer valid. Drafts whose
 * session has ended or expired are deleted outright: no one can confirm them any more.
 *
 * A person's state is their last one in the agency's history; its date is the roster's own status date, else the
 * date the status began in the versions (status-history.ts), else the version's publication date.
 */
export interface NamePurgeResult {
  versions: number;
  drafts: number;
}

type Json = Record<string, unknown>;

/** The records and diff without the names of `gone` (lookup keys); undefined when nothing changes. */
export function withoutNames(records: readonly Auxiliary[], diff: unknown, gone: ReadonlySet<string>): { records: Auxiliary[]; diff: unknown } | undefined {
  const isGone = (no: unknown) => typeof no === 'string' && gone.has(certificateLookupKey(no));
  const nextRecords = records.map((r) => (isGone(r.certificateNo) && r.name !== NAME_WITHHELD ? { ...r, name: NAME_WITHHELD } : r));
  const nextDiff =
    diff && typeof diff === 'object'
      ? Object.fromEntries(
          Object.entries(diff as Json).map(([field, value]) => {
            if (!Array.isArray(value)) return [field, value];
            return [
              field,
              value.map((item: unknown) => {
                if (!item || typeof item !== 'object') return item;
                const entry = item as Json;
                // renamed: { certificateNo, from: name, to: name }; the others: { certificateNo, name, … }.
                if ('certificateNo' in entry && isGone(entry.certificateNo)) {
                  return {
                    ...entry,
                    ...('name' in entry ? { name: NAME_WITHHELD } : {}),
                    ...(field === 'renamed' ? { from: NAME_WITHHELD, to: NAME_WITHHELD } : {}),
                  };
                }
                // numberChanged: { name, from: number, to: number }.
                if (!('certificateNo' in entry) && 'name' in entry && (isGone(entry.from) || isGone(entry.to))) return { ...entry, name: NAME_WITHHELD };
                return entry;
              }),
            ];
          }),
        )
      : diff;
  if (JSON.stringify(nextRecords) === JSON.stringify(records) && JSON.stringify(nextDiff) === JSON.stringify(diff)) return undefined;
  return { records: nextRecords, diff: nextDiff };
}

export async function purgeLeaverNames(world: { store: Db; clock: Clock; policy?: Policy; log?: (line: string) => void }): Promise<NamePurgeResult> {
  const { years } = leaversRetention(world.policy);
  const today = shanghaiDateOf(world.clock.now());
  const past = (status: Auxiliary['status'], since: string) => ENDED_STATUSES.has(status) && addYears(since, years) <= today;
  // Drafts no session can confirm any more (signed out, expired) hold names for nothing: deleted first.
  const abandoned = await deleteAbandonedDrafts(world.store, world.clock.now().toISOString());
  if (abandoned) world.log?.(`[retention] deleted ${abandoned} roster draft(s) of ended or expired sessions`);
  const result: NamePurgeResult = { versions: 0, drafts: 0 };
  const goneByAgency = new Map<string, Set<string>>();
  for (const agencyId of await agenciesWithVersions(world.store)) {
    const versions = (await listVersions(world.store, agencyId)).reverse();
    const starts = statusStarts(versions.map((v) => ({ seq: v.seq, publishedAt: v.published_at, diff: v.diff })));
    const last = new Map<string, { status: Auxiliary['status']; since: string }>();
    const parsed = versions.map((v) => ({ version: v, records: parseRecords(v.records) }));
    for (const { version, records } of parsed) {
      for (const r of records) {
        const key = certificateLookupKey(r.certificateNo);
        last.set(key, { status: r.status, since: r.statusSince ?? starts.get(key) ?? shanghaiDateOf(version.published_at) });
      }
    }
    const gone = new Set([...last].filter(([, s]) => past(s.status, s.since)).map(([key]) => key));
    goneByAgency.set(agencyId, gone);
    if (!gone.size) continue;
    for (const { version, records } of parsed) {
      const changed = withoutNames(records, JSON.parse(version.diff), gone);
      if (!changed) continue;
      await replaceVersionNames(world.store, version.id, changed.records, changed.diff);
      result.versions++;
    }
  }
  for (const draft of await allDrafts(world.store)) {
    const records = parseRecords(draft.records);
    const published = goneByAgency.get(draft.agency_id) ?? new Set<string>();
    const gone = new Set(
      records
        .filter(
          (r) => ENDED_STATUSES.has(r.status) && (published.has(certificateLookupKey(r.certificateNo)) || (r.statusSince && past(r.status, r.statusSince))),
        )
        .map((r) => certificateLookupKey(r.certificateNo)),
    );
    const changed = gone.size ? withoutNames(records, JSON.parse(draft.diff), gone) : undefined;
    if (!changed) continue;
    await replaceDraftNames(world.store, draft.id, changed.records, changed.diff);
    result.drafts++;
  }
  if (result.versions || result.drafts)
    world.log?.(`[retention] removed names past the retention period from ${result.versions} roster version(s) and ${result.drafts} draft(s)`);
  return result;
}
