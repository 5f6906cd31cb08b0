import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Portal } from '../portal/data.ts';
import type { PublicAuxiliary } from '../portal/public-view.ts';
import { nameShardCountFor, nameShardOf, type NameEntry } from './names.ts';
import { searchName } from '../../core/search/tokens.ts';

/** The people a name search may find: a name withheld after the retention period is not searchable (its number still verifies). */
function named(portal: Portal): (PublicAuxiliary & { name: string })[] {
  return portal.auxiliaries.filter((a): a is PublicAuxiliary & { name: string } => a.name !== undefined);
}

/** How many shards the name index of this portal has (the search page is told, so that it can find a name's shard). */
export function nameShardCount(portal: Portal): number {
  return nameShardCountFor(named(portal).length);
}

/** The name index's shards (names.ts), shard i at index i; empty shards included. */
export function nameIndexShards(portal: Portal): NameEntry[][] {
  const people = named(portal);
  const count = nameShardCountFor(people.length);
  const shards: NameEntry[][] = Array.from({ length: count }, () => []);
  for (const aux of people) {
    const key = searchName(aux.name);
    const entry: NameEntry = [key, aux.certificateNo, aux.name, aux.status, aux.agencyId];
    if (aux.post) entry.push(aux.post);
    shards[parseInt(nameShardOf(key, count), 36)]!.push(entry);
  }
  return shards;
}

/** Writes the name index under `<outDir>/search/n/<shard>.json`, empty shards as `[]`; returns the shard count. */
export async function writeNameIndex(portal: Portal, outDir: string): Promise<number> {
  const shards = nameIndexShards(portal);
  const dir = join(outDir, 'search', 'n');
  await mkdir(dir, { recursive: true });
  for (let i = 0; i < shards.length; i += 64) {
    await Promise.all(shards.slice(i, i + 64).map((entries, j) => writeFile(join(dir, `${(i + j).toString(36)}.json`), JSON.stringify(entries))));
  }
  return shards.length;
}
