/**
 * The static name index: every searchable person, keyed by the whole name as searchName writes it, split into small
 * JSON shards by a hash of that name. A full name is answered from one shard, before Pagefind is loaded: the first
 * result of the commonest search (a citizen types the name on the badge) needs one small file, whatever the roster's
 * size, and an exact name can never rank behind longer names. A name typed as one part (no space or dot) is answered
 * by the part index (parts.ts), whose shard holds the exact names too; this one answers names typed in several parts
 * and backs a bigram cut to a page there. Units, posts and the rest go to Pagefind (client.ts). Bundled into the
 * search page: keep it free of Node imports.
 */
import { fnv1a, shardCountFor } from '../../core/shard.ts';
import { searchName } from '../../core/search/tokens.ts';

/** One person in a shard: [searchName(name), certificate number, name as published, status, agency id, post?]. */
export type NameEntry = [key: string, certificateNo: string, name: string, status: string, agencyId: string, post?: string];

/** Shards for this many named people: about 400 entries each, as the number index. */
export const nameShardCountFor = shardCountFor;

export function nameShardOf(key: string, shardCount: number): string {
  return (fnv1a(key) % shardCount).toString(36);
}

export function nameShardUrl(key: string, shardCount: number): string {
  return `/search/n/${nameShardOf(key, shardCount)}.json`;
}

/** The entries of a shard with exactly this name (compared as searchName does). */
export function nameMatches(entries: readonly NameEntry[], query: string): NameEntry[] {
  const key = searchName(query);
  return entries.filter((e) => e[0] === key);
}
