/**
 * The static number index: every certificate, keyed by its lookup key (certificateLookupKey), split into small
 * JSON shards by a hash of the key's last three characters. The lookup page finds a whole number in it, the
 * search page finds numbers by their tail (3+ characters) in the same one file. Bundled into those pages: keep
 * it free of Node imports.
 */

/** One certificate in a shard: [lookup key, number, name, status, agency id, post?]. */
export type NumberEntry = [key: string, certificateNo: string, name: string, status: string, agencyId: string, post?: string];

/** FNV-1a over UTF-16 code units, as an unsigned 32-bit number. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** About 400 keys per shard, a power of two, at least 1. */
export function shardCountFor(records: number): number {
  let count = 1;
  while (count * 400 < records) count *= 2;
  return count;
}

/** Shard name of a key (or of a typed tail of 3+ characters: same last three characters, same shard). */
export function shardOf(key: string, shardCount: number): string {
  return (fnv1a([...key].slice(-3).join('')) % shardCount).toString(36);
}

export function shardUrl(key: string, shardCount: number): string {
  return `/lookup/k/${shardOf(key, shardCount)}.json`;
}

/** Entries whose key is the typed key or ends with it; the exact one first. */
export function numberMatches(entries: readonly NumberEntry[], typedKey: string): NumberEntry[] {
  if ([...typedKey].length < 3) return [];
  const hits = entries.filter((e) => e[0].endsWith(typedKey));
  return hits.sort((a, b) => Number(b[0] === typedKey) - Number(a[0] === typedKey));
}
