/**
 * The static part-of-name index: every searchable person filed under each pair of adjacent characters (bigram) of
 * searchName(name), split into JSON shards by an FNV-1a hash of the bigram. A query that is one part of a name (2+
 * characters, e.g. 莉建) is answered from the one shard of its first bigram: every name containing the part contains
 * that bigram, so the shard holds them all (a bigram too common for one file keeps its best-ranked people, see
 * PartShard). Shown before Pagefind loads; Pagefind still finds units, posts, several parts and single characters
 * (client.ts). Names of 2–3 characters are also filed under slip keys (close-names.ts: 丁＊兰), so that a name one
 * character off finds them after a miss; a slip key is never a bigram. Bundled into the search page: keep it free of
 * Node imports.
 */
import { fnv1a, shardCountFor } from '../shard.ts';
import { queryParts, searchName } from './tokens.ts';

/** One person in a shard: [name as published, certificate number, status, agency id, post?]. */
export type PartEntry = [name: string, certificateNo: string, status: string, agencyId: string, post?: string];

/**
 * A shard file: the people (`p`) filed under its keys (bigrams and slip keys), and (`more`) the keys whose people did
 * not all fit, each with how many it has in all. Such a bigram keeps its first PART_PAGE people in the order a search
 * for the bigram itself shows them (partRank), so a 2-character query still gets its first page from here; such a
 * slip key keeps one holder of each name first (part-index.ts).
 */
export interface PartShard {
  p: PartEntry[];
  more?: Record<string, number>;
}

/** People one key keeps in its shard; the rest of a common bigram is left to Pagefind. */
export const PART_PAGE = 2000;

/** Shards for this many (person, key) entries: about 400 each, a power of two. */
export const partShardCountFor = shardCountFor;

/** The distinct bigrams of a name (as searchName writes it), none across the middle dot of a minority name. */
export function bigramsOf(key: string): string[] {
  const out = new Set<string>();
  for (const part of key.split('·')) {
    const chars = [...part];
    for (let i = 0; i + 2 <= chars.length; i++) out.add(chars[i]! + chars[i + 1]!);
  }
  return [...out];
}

export function partShardOf(bigram: string, shardCount: number): string {
  return (fnv1a(bigram) % shardCount).toString(36);
}

export function partShardUrl(bigram: string, shardCount: number): string {
  return `/search/p/${partShardOf(bigram, shardCount)}.json`;
}

const HAN = /\p{Script=Han}/u;

/** The part to look up in this index: the query is one part (no spaces or dots) of 2+ characters with a Han character and no digit. */
export function namePartOf(query: string): string | undefined {
  const parts = queryParts(query);
  if (parts.length !== 1) return undefined;
  const part = parts[0]!;
  return [...part].length >= 2 && HAN.test(part) && !/[0-9]/.test(part) ? part : undefined;
}

/** 0: the whole name; 1: the name starts with the part; 2: the part is elsewhere in it; undefined: not in it. */
export function partRank(key: string, part: string): 0 | 1 | 2 | undefined {
  if (key === part) return 0;
  if (key.startsWith(part)) return 1;
  return key.includes(part) ? 2 : undefined;
}

/**
 * The people of a shard whose name contains the part, in the order the page shows them: the whole name, then names
 * starting with the part, then the rest; active holders first within each; otherwise in the shard's order.
 */
export function partMatches(entries: readonly PartEntry[], part: string): PartEntry[] {
  const ranked: { entry: PartEntry; rank: number }[] = [];
  for (const entry of entries) {
    const rank = partRank(searchName(entry[0]), part);
    if (rank !== undefined) ranked.push({ entry, rank: rank * 2 + (entry[2] === 'active' ? 0 : 1) });
  }
  return ranked.sort((a, b) => a.rank - b.rank).map((r) => r.entry);
}

/** Whether the shard holds every person whose name contains the part (false when its first bigram was cut to a page). */
export function partComplete(shard: PartShard, part: string): boolean {
  return shard.more?.[bigramsOf(part)[0]!] === undefined;
}
