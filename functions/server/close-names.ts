import { closeNameKeys, closeNameQuery, closeNames, oneCharOff, partKeysOf } from '../../src/core/search/close-names.ts';
import { bigramsOf, partRank, type PartEntry } from '../../src/core/search/parts.ts';

/**
 * Names one character off for the search page without JavaScript (search-page.ts): what the page's script offers
 * (src/core/search/close-names.ts), found from the directory's published names instead of the part index's shards.
 * The names are filed under the same keys as in the part index (partKeysOf), the same keys of the typed name find
 * them (closeNameKeys) and the same function ranks them (closeNames). Nothing is cut to a page here: the count is the
 * roster's.
 */

/** Published names (as searchName writes them) under each key the part index files them under. */
export type NameKeyIndex = Map<string, string[]>;

export function nameKeyIndex(names: Iterable<string>): NameKeyIndex {
  const index: NameKeyIndex = new Map();
  for (const name of names) {
    for (const key of partKeysOf(name)) {
      const list = index.get(key);
      if (list) list.push(name);
      else index.set(key, [name]);
    }
  }
  return index;
}

/**
 * The people the search page's script would offer for `query` once it found nobody, in its order; none when the
 * query is not a whole name (closeNameQuery) or a published name holds it (the script lists those instead).
 * `keyIndex` is asked for only when the query is a whole name: made at its first call, it costs 0.6 s and 8 MiB at
 * 300,000 people, not to be spent on a number or a unit. `peopleOf` gives the holders of a published name as
 * part-index entries (their status ranks them).
 */
export function closeNamesOffered(query: string, keyIndex: () => NameKeyIndex, peopleOf: (name: string) => PartEntry[]): PartEntry[] {
  const typed = closeNameQuery(query);
  if (!typed) return [];
  const index = keyIndex();
  // Every name holding the typed one holds its first bigram: that key lists them all.
  if ((index.get(bigramsOf(typed)[0]!) ?? []).some((name) => partRank(name, typed) !== undefined)) return [];
  const names = new Set(closeNameKeys(typed).flatMap((key) => index.get(key) ?? []));
  return closeNames([...names].filter((name) => oneCharOff(typed, name) !== undefined).flatMap(peopleOf), typed);
}
