import type { Agency } from '../../core/registry/schema.ts';
import type { Regulation } from '../../core/regulation/schema.ts';

import { getSite, type Site } from '../../import/site.ts';
import { certificateLookupKey } from '../../core/text.ts';
import { statusOrder } from '../../core/labels.ts';
import { chinaToday, publicView, type PublicAuxiliary, type ShownStatus } from './public-view.ts';
import { shardCountFor, shardOf, type NumberEntry } from '../../core/shard.ts';
import { makeCalendar } from '../../core/policy/calendar.ts';
import { currentUntil, holidaysCountedFor, type FreshnessPolicy } from '../../core/policy/freshness.ts';

/** What the portal pages need, derived once per build from getSite(). */
export interface Portal {
  site: Site;
  /** The build's date in China: expiry and the retention period are judged against it. */
  today: string;
  /** Every auxiliary as published (publicView): the only form of roster data the pages see. */
  auxiliaries: readonly PublicAuxiliary[];
  byNo: ReadonlyMap<string, PublicAuxiliary>;
  agencies: readonly Agency[];
  agencyById: ReadonlyMap<string, Agency>;
  /** Agencies with a published roster, by region (regions sorted), agencies sorted by name. */
  regions: readonly { region: string; agencies: readonly Agency[] }[];
  /** Roster per agency, sorted by name (Chinese collation), then number. */
  rosterOf(agencyId: string): readonly PublicAuxiliary[];
  countsOf(agencyId: string): Record<ShownStatus, number>;
  /** The date the agency's roster is current as of (YYYY-MM-DD), if known. */
  asOf(agencyId: string): string | undefined;
  /**
   * How current the agency's roster is: its as-of date, the last day it counts as current under the freshness
   * policy, and whether that day had passed when the site was built.
   */
  freshnessOf(agencyId: string): { asOf: string; currentUntil: string; stale: boolean; holidaysCounted: boolean; policy: FreshnessPolicy } | undefined;
  /** The newest roster date on the site. */
  latestAsOf: string | undefined;
  regulationOf(agency: Agency): Regulation;
  lookupShards: { count: number; shards: ReadonlyMap<string, NumberEntry[]> };
}

const collator = new Intl.Collator('zh-CN');

function readAsOf(source: unknown, agencyId: string): string | undefined {
  if (source instanceof Map) return source.get(agencyId);
  if (source && typeof source === 'object') return (source as Record<string, string | undefined>)[agencyId];
  return undefined;
}

export function buildPortal(site: Site, today: string = chinaToday()): Portal {
  const auxiliaries = site.roster.auxiliaries.map((aux) => publicView(aux, site.disclosure, today));
  const byNo = new Map(auxiliaries.map((a) => [a.certificateNo, a]));
  const rosters = new Map<string, PublicAuxiliary[]>();
  for (const aux of auxiliaries) {
    let list = rosters.get(aux.agencyId);
    if (!list) {
      list = [];
      rosters.set(aux.agencyId, list);
    }
    list.push(aux);
  }
  for (const list of rosters.values()) {
    list.sort((a, b) => collator.compare(a.name ?? '', b.name ?? '') || a.certificateNo.localeCompare(b.certificateNo));
  }
  const agencies = site.registry.agencies;
  const agencyById = site.registry.byId;
  const byRegion = new Map<string, Agency[]>();
  for (const agency of agencies) {
    let list = byRegion.get(agency.region);
    if (!list) {
      list = [];
      byRegion.set(agency.region, list);
    }
    list.push(agency);
  }
  const regions = [...byRegion.entries()]
    .sort(([a], [b]) => collator.compare(a, b))
    .map(([region, list]) => ({ region, agencies: list.sort((a, b) => collator.compare(a.name, b.name)) }));

  const asOfSource = site.roster.asOfByAgency as unknown;
  const asOf = (agencyId: string) => readAsOf(asOfSource, agencyId);
  const dates = agencies.map((a) => asOf(a.id)).filter((d): d is string => !!d);
  const latestAsOf = dates.sort().at(-1);

  const count = shardCountFor(auxiliaries.length);
  const shards = new Map<string, NumberEntry[]>();
  for (let i = 0; i < count; i++) shards.set(i.toString(36), []);
  for (const aux of auxiliaries) {
    const key = certificateLookupKey(aux.certificateNo);
    const entry: NumberEntry = [key, aux.certificateNo, aux.name ?? '', aux.status, aux.agencyId];
    if (aux.post) entry.push(aux.post);
    shards.get(shardOf(key, count))!.push(entry);
  }

  const calendar = makeCalendar(site.holidays);
  const freshness = site.policy.freshness;
  const freshnessOf = (agencyId: string) => {
    const date = asOf(agencyId);
    if (!date) return undefined;
    const until = currentUntil(date, freshness, calendar);
    return { asOf: date, currentUntil: until, stale: today > until, holidaysCounted: holidaysCountedFor(date, until, calendar), policy: freshness };
  };

  const counts = new Map<string, Record<ShownStatus, number>>();
  return {
    site,
    today,
    auxiliaries,
    byNo,
    agencies,
    agencyById,
    regions,
    rosterOf: (id) => rosters.get(id) ?? [],
    countsOf(id) {
      let c = counts.get(id);
      if (!c) {
        c = Object.fromEntries(statusOrder.map((s) => [s, 0])) as Record<ShownStatus, number>;
        for (const aux of rosters.get(id) ?? []) c[aux.status]++;
        counts.set(id, c);
      }
      return c;
    },
    asOf,
    freshnessOf,
    latestAsOf,
    regulationOf(agency) {
      const regulation = site.regulations.get(agency.regulation);
      if (!regulation) throw new Error(`机关 ${agency.id} 的适用办法 ${agency.regulation} 不存在`);
      return regulation;
    },
    lookupShards: { count, shards },
  };
}

let portal: Promise<Portal> | undefined;

/** The portal data for CONTENT_DIR, built once per process. */
export function getPortal(): Promise<Portal> {
  portal ??= getSite().then(buildPortal);
  return portal;
}
