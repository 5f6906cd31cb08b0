import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Portal } from '../portal/data.ts';
import type { PublicAuxiliary } from '../portal/public-view.ts';
import { PART_PAGE, partMatches, partShardCountFor, partShardOf, type PartEntry, type PartShard } from '../../core/search/parts.ts';
import { searchName } from '../../core/search/tokens.ts';
import { isSlipKey, partKeysOf } from '../../core/search/close-names.ts';

type Named = PublicAuxiliary & { name: string };

function entryOf(aux: Named): PartEntry {
  return aux.post ? [aux.name, aux.certificateNo, aux.status, aux.agencyId, aux.post] : [aux.name, aux.certificateNo, aux.status, aux.agencyId];
}

/** The keys a name is filed under: its bigrams, and the slip keys that let a name one character off find it (close-names.ts). */
function keysOf(name: string): string[] {
  return partKeysOf(searchName(name));
}

/** Every key of every searchable name → the people filed under it, in roster order. */
function peopleByKey(portal: Portal): Map<string, Named[]> {
  const byKey = new Map<string, Named[]>();
  for (const aux of portal.auxiliaries) {
    if (aux.name === undefined) continue;
    for (const key of keysOf(aux.name)) {
      const people = byKey.get(key);
      if (people) people.push(aux as Named);
      else byKey.set(key, [aux as Named]);
    }
  }
  return byKey;
}

/** How many shards the part index of this portal has (the search page is told, so that it can find a key's shard). */
export function partShardCount(portal: Portal): number {
  let entries = 0;
  for (const aux of portal.auxiliaries) if (aux.name !== undefined) entries += keysOf(aux.name).length;
  return partShardCountFor(entries);
}

/**
 * The first `page` people of a key with more: a bigram's in the order a search for it shows them; a slip key's one
 * holder of each name first (active holders first), so that the names one character off are all there.
 */
function firstPage(key: string, people: Named[], page: number): Named[] {
  if (!isSlipKey(key)) {
    const byNo = new Map(people.map((aux) => [aux.certificateNo, aux]));
    return partMatches(people.map(entryOf), key)
      .slice(0, page)
      .map((e) => byNo.get(e[1])!);
  }
  const active = [...people].sort((a, b) => Number(b.status === 'active') - Number(a.status === 'active'));
  const names = new Set<string>();
  const first: Named[] = [];
  const rest: Named[] = [];
  for (const aux of active) {
    const name = searchName(aux.name);
    (names.has(name) ? rest : first).push(aux);
    names.add(name);
  }
  return [...first, ...rest].slice(0, page);
}

/**
 * The part index's shards (parts.ts) in order, shard i the i-th; empty shards included. Each is made only when asked
 * for, so that a writer holds a few at a time (at 300,000 people all of them take ~100 MiB of heap). A person filed
 * under two keys of the same shard is in it once. A key with more than `page` people keeps the first `page`
 * (firstPage), and its count goes into `more`.
 */
export function* partIndexShards(portal: Portal, page = PART_PAGE): Generator<PartShard> {
  const byKey = peopleByKey(portal);
  let entries = 0;
  for (const people of byKey.values()) entries += people.length;
  const count = partShardCountFor(entries);
  const keysOfShard: string[][] = Array.from({ length: count }, () => []);
  for (const key of byKey.keys()) keysOfShard[parseInt(partShardOf(key, count), 36)]!.push(key);
  for (const keys of keysOfShard) {
    const people = new Set<Named>();
    const more: Record<string, number> = {};
    for (const key of keys) {
      let kept = byKey.get(key)!;
      if (kept.length > page) {
        more[key] = kept.length;
        kept = firstPage(key, kept, page);
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
