import type { Agency } from '../../src/core/registry/schema.ts';
import type { Directory } from '../../src/core/directory.ts';
import { enclosingRegion } from '../../src/core/complaint/superior.ts';
import { mayReceive } from '../complaints/accused.ts';
import type { Target } from '../store/records/shapes.ts';

/**
 * Which justice bureau (司法局) hears of a complaint when the registry names none for its agency — one rule, used by
 * the escalation of an agency with neither parent nor oversight (jobs.ts), by the daily summary for an agency without
 * an oversight (jobs.ts) and by the placing of a complaint whose agency left the directory (orphaned.ts):
 *
 *   every justice bureau the agencies of the agency's region answer to (their `oversight`); failing any, the same for
 *   each enclosing region up to the province.
 *
 * Never the accused body nor a body below it (accused.ts), nor the agency holding the complaint: such a bureau is
 * skipped, and when that leaves none in a region the walk goes on one region up.
 */

/** Who may hear of a complaint held by `holderId`: not the holder itself, not the accused nor any body below it. */
export function mayHear(directory: Pick<Directory, 'agency'>, holderId: string, target?: Target): (id: string) => boolean {
  return (id) => id !== holderId && (!target || mayReceive(directory, target, id));
}

/** Registered agencies for `ids`, once each, sorted by id. */
export function agenciesById(directory: Pick<Directory, 'agency'>, ids: Iterable<string>): Agency[] {
  return [...new Set(ids)]
    .sort()
    .map((id) => directory.agency(id))
    .filter((a): a is Agency => !!a);
}

/** The bureaus the agencies of `region` answer to that `allowed` lets hear of it — failing any, each enclosing region's; undefined when none up to the province. */
export function regionBureaus(directory: Directory, region: string, allowed: (id: string) => boolean): { region: string; bureaus: Agency[] } | undefined {
  for (let r: string | undefined = region; r; r = enclosingRegion(r, directory)) {
    const bureaus = agenciesById(
      directory,
      directory.agencies.filter((a) => a.region === r && a.oversight && allowed(a.oversight)).map((a) => a.oversight!),
    );
    if (bureaus.length) return { region: r, bureaus };
  }
  return undefined;
}

/** Whether some agency names `id` as its `oversight`: a bureau that gets daily summaries. */
export function isOversightBureau(directory: Directory, id: string): boolean {
  return directory.agencies.some((a) => a.oversight === id);
}

/**
 * The bureaus whose daily summary covers what happens at the registered `agency` — for a complaint (`target`) it
 * handles, or (without `target`) its roster: its `oversight`; the agency itself when it is a bureau; otherwise the
 * bureaus of its region as for an escalation (`regionBureaus`). Never the accused nor a body below it.
 */
export function summaryBureaus(directory: Directory, agency: Agency, target?: Target): Agency[] {
  const allowed = mayHear(directory, agency.id, target);
  if (agency.oversight && allowed(agency.oversight)) return agenciesById(directory, [agency.oversight]);
  if (isOversightBureau(directory, agency.id) && (!target || mayReceive(directory, target, agency.id))) return [agency];
  return regionBureaus(directory, agency.region, allowed)?.bureaus ?? [];
}
