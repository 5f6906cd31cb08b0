/**
 * The static lookup from a certificate's lookup key (certificateLookupKey) to its real number, split into
 * small JSON shards by a hash of the key so that one lookup fetches one small file. Bundled into the
 * lookup page: keep it free of Node imports.
 */

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

export function shardOf(key: string, shardCount: number): string {
  return (fnv1a(key) % shardCount).toString(36);
}

export function shardUrl(key: string, shardCount: number): string {
  return `/lookup/k/${shardOf(key, shardCount)}.json`;
}
