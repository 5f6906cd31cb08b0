/**
 * Which people of a search group (see records.ts) match a query, decided the same way in the search page and in
 * the recall test. Bundled into the search page: keep it free of Node imports.
 */
import { queryParts, searchName } from '../../core/search/tokens.ts';

/** [certificate number, name, post?] */
export type Member = [no: string, name: string, post?: string];

/**
 * A group's people as stored in its Pagefind metadata: `prefix` is the longest start the group's numbers share (one
 * unit's numbers mostly do) and `members` the JSON list of [rest of the number, name, post?]. Every byte of this is
 * held several times over in Pagefind's index writer (docs/BENCHMARKS.md, 300,000).
 */
export function encodeMembers(members: readonly Member[]): { prefix: string; members: string } {
  let prefix = members[0]?.[0] ?? '';
  for (const [no] of members) while (!no.startsWith(prefix)) prefix = prefix.slice(0, -1);
  return { prefix, members: JSON.stringify(members.map(([no, ...rest]) => [no.slice(prefix.length), ...rest])) };
}

export function decodeMembers(meta: Record<string, string>): Member[] {
  const prefix = meta.prefix ?? '';
  return (JSON.parse(meta.members!) as Member[]).map(([no, ...rest]) => [prefix + no, ...rest] as Member);
}

export interface BucketMeta {
  agency: string;
  agencyId: string;
  region: string;
  /** Status label (有效 / 暂停 / 已收回 / 已离职). */
  status: string;
  /** The unit's everyday names from the registry (agencies.yaml `aliases`), one per line. */
  aliases?: string;
}

/** 'exact' for the exact full name, 'match' when every typed part is in the person's name, post, unit or its aliases. */
export function memberMatch(query: string, member: Member, bucket: BucketMeta): 'exact' | 'match' | undefined {
  const parts = queryParts(query);
  if (!parts.length) return 'match';
  const name = searchName(member[1]);
  if (searchName(query) === name) return 'exact';
  const haystack = `${name}\n${searchName(member[2] ?? '')}\n${searchName(bucket.agency)}\n${(bucket.aliases ?? '').split('\n').map(searchName).join('\n')}`;
  return parts.every((part) => haystack.includes(part)) ? 'match' : undefined;
}
