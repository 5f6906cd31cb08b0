import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Portal } from '../portal/data.ts';
import type { PublicAuxiliary } from '../portal/public-view.ts';
import { bigramsOf, PART_PAGE, partMatches, partShardCountFor, partShardOf, type PartEntry, type PartShard } from './parts.ts';
import { searchName } from './tokens.ts';

type Named = PublicAuxiliary & { name: string };

function entryOf(aux: Named): PartEntry {
  return aux.post ? [aux.name, aux.certificateNo, aux.status, aux.agencyId, aux.post] : [aux.name, aux.certificateNo, aux.status, aux.agencyId];
}

/** Every bigram of every searchable name → the people filed under it, in roster order. */
function peopleByBigram(portal: Portal): Map<string, Named[]> {
  const byBigram = new Map<string, Named[]>();
  for (const aux of portal.auxiliaries) {
    if (aux.name === undefined) continue;
    for (const bigram of bigramsOf(searchName(aux.name))) {
      const people = byBigram.get(bigram);
      if (people) people.push(aux as Named);
      else byBigram.set(bigram, [aux as Named]);
    }
  }
  return byBigram;
}

/** How many shards the part index of this portal has (the search page is told, so that it can find a bigram's shard). */
export function partShardCount(portal: Portal): number {
  let entries = 0;
  for (const aux of portal.auxiliaries) if (aux.name !== undefined) entries += bigramsOf(searchName(aux.name)).length;
  return partShardCountFor(entries);
}

/**
 * The part index's shards (parts.ts) in order, shard i the i-th; empty shards included. Each is made only when asked
 * for, so that a writer holds a few at a time (at 300,000 people all of them take ~100 MiB of heap). A person filed
 * under two bigrams of the same shard is in it once. A bigram with more than `page` people keeps the first `page` in
 * the order a search for it shows them, and its count goes into `more`.
 */
export function* partIndexShards(portal: Portal, page = PART_PAGE): Generator<PartShard> {
  const byBigram = peopleByBigram(portal);
  let entries = 0;
  for (const people of byBigram.values()) entries += people.length;
  const count = partShardCountFor(entries);
  const bigramsOfShard: string[][] = Array.from({ length: count }, () => []);
  for (const bigram of byBigram.keys()) bigramsOfShard[parseInt(partShardOf(bigram, count), 36)]!.push(bigram);
  for (const bigrams of bigramsOfShard) {
    const people = new Set<Named>();
    const more: Record<string, number> = {};
    for (const bigram of bigrams) {
      let kept = byBigram.get(bigram)!;
      if (kept.length > page) {
        const byNo = new Map(kept.map((aux) => [aux.certificateNo, aux]));
        more[bigram] = kept.length;
        kept = partMatches(kept.map(entryOf), bigram)
          .slice(0, page)
          .map((e) => byNo.get(e[1])!);
      }
      for (const aux of kept) people.add(aux);
    }
    yield { p: [...people].map(entryOf), ...(Object.keys(more).length ? { more } : {}) };
  }
}

/** Writes the part index under `<outDir>/search/p/<shard>.json`; returns the shard count. */
export async function writePartIndex(portal: Portal, outDir: string): Promise<number> {
  const dir = join(outDir, 'search', 'p');
  await mkdir(dir, { recursive: true });
  let written = 0;
  let batch: Promise<void>[] = [];
  for (const shard of partIndexShards(portal)) {
    batch.push(writeFile(join(dir, `${(written++).toString(36)}.json`), JSON.stringify(shard)));
    if (batch.length >= 64) {
      await Promise.all(batch);
      batch = [];
    }
  }
  await Promise.all(batch);
  return written;
}
