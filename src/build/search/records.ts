import type { Portal } from '../portal/data.ts';
import { statusInfo, statusOrder } from '../../core/labels.ts';
import { agencyPath } from '../portal/paths.ts';
import type { PublicAuxiliary } from '../portal/public-view.ts';
import { nameTokens, partTokens, searchName } from '../../core/search/tokens.ts';
import { encodeMembers, type BucketMeta, type Member } from './match.ts';

/** One Pagefind custom record (the shape of pagefind's CustomRecord). */
export interface SearchRecord {
  url: string;
  content: string;
  language: string;
  meta: Record<string, string>;
  filters: Record<string, string[]>;
}

/** Filter names as shown on the search page. */
export const FILTER_REGION = '地区';
export const FILTER_AGENCY = '单位';
export const FILTER_STATUS = '状态';

/**
 * Auxiliaries per Pagefind record. Pagefind's metadata file, which every first search loads, lists every record
 * (a few bytes each): one record per auxiliary made it larger than a first search may load (docs/PORTAL.md). Grouping 16 auxiliaries of the
 * same unit and status (so the filters stay exact), sorted by name, keeps it ~16× smaller; the search page then
 * picks the matching people out of each group (match.ts).
 */
export const BUCKET_SIZE = 16;

const collator = new Intl.Collator('zh-CN');

/** The search records: per unit and status, groups of BUCKET_SIZE people sorted by name. */
export function* searchRecords(portal: Portal): Generator<SearchRecord> {
  for (const agency of portal.agencies) {
    const roster = portal.rosterOf(agency.id);
    for (const status of statusOrder) {
      // A withheld name is not searchable: the number still verifies through the number index.
      const people = roster
        .filter((a): a is PublicAuxiliary & { name: string } => a.status === status && a.name !== undefined)
        .sort((a, b) => collator.compare(searchName(a.name), searchName(b.name)));
      for (let start = 0; start < people.length; start += BUCKET_SIZE) {
        const bucket = people.slice(start, start + BUCKET_SIZE);
        const label = statusInfo[status].label;
        const meta: BucketMeta = {
          agency: agency.name,
          agencyId: agency.id,
          region: agency.region,
          status: label,
          ...(agency.aliases?.length ? { aliases: agency.aliases.join('\n') } : {}),
        };
        const members: Member[] = bucket.map(memberOf);
        const posts = new Set(bucket.map((a) => a.post).filter((p): p is string => !!p));
        // Everyday names (城管, 市场监管 …) find the unit's people like its full name does.
        const words = new Set([...partTokens(agency.name), ...(agency.aliases ?? []).flatMap(partTokens), ...[...posts].flatMap(partTokens)]);
        for (const aux of bucket) for (const token of nameTokens(aux.name)) words.add(token);
        yield {
          // Not a page of its own: the search page links each person to their verification page.
          url: `${agencyPath(agency.id)}#${status}-${start / BUCKET_SIZE}`,
          content: [...words].join(' '),
          language: 'zh',
          meta: { ...meta, ...encodeMembers(members) },
          filters: { [FILTER_REGION]: [agency.region], [FILTER_AGENCY]: [agency.name], [FILTER_STATUS]: [label] },
        };
      }
    }
  }
}

function memberOf(aux: PublicAuxiliary & { name: string }): Member {
  return aux.post ? [aux.certificateNo, aux.name, aux.post] : [aux.certificateNo, aux.name];
}
