/**
 * Names one character off: a citizen types the name from a badge glimpsed, and the commonest slip is one character
 * (a homophone picked from the IME: 丁娜蓝 for 丁娜兰). When a whole name of 2–4 Han characters finds nobody, the search
 * page offers the published names of the same length that differ from it in exactly one position (docs/PORTAL.md,
 * "Names one character off"). They come from the part index (parts.ts), whose shards are keyed by bigrams; a few
 * more keys (slipKeysOf) file the names that no bigram of the typed name reaches, so that a handful of shards
 * holds every such name (closeNameKeys). Bundled into the search page: keep it free of Node imports.
 */
import { bigramsOf, type PartEntry, type PartShard } from './parts.ts';
import { queryParts, searchName } from './tokens.ts';

/** Names of this many characters (after searchName) are looked for, and offered, one character off. */
const CLOSE_NAME = /^\p{Script=Han}{2,4}$/u;

/** How many people the search page lists under 「您要找的是不是：」 (the rest are counted, not listed). */
export const CLOSE_NAME_LIMIT = 5;

/**
 * Stands for the character a slip key leaves open. NFKC turns U+FF0A into `*`, so it is in no searchName(name) and
 * a slip key is never a bigram: partMatches and the shard's `more` keep their meaning.
 */
const OPEN = '＊';

/** Whether a part-index key is a slip key (slipKeysOf), not a bigram. */
export const isSlipKey = (key: string): boolean => key.includes(OPEN);

/**
 * The typed name as compared (searchName, as the exact lookup compares it: spaces, half- or full-width, dropped) when
 * it is a whole name of 2–4 Han characters and nothing else; else undefined (numbers, units with Latin letters,
 * minority names with a dot). The query is one part (queryParts), or single characters with spaces between them: a
 * 2-character name is written 「张　伟」 on badges and rosters (U+3000 to fill the width of three), and 「张　卫」 is read
 * as 张卫. Several parts of which one is longer are not a name: 「苏 自然」 is a surname and a word of a unit's name,
 * and 苏自然 is a name nobody typed.
 */
export function closeNameQuery(query: string): string | undefined {
  const parts = queryParts(query);
  if (parts.length !== 1 && !parts.every((part) => [...part].length === 1)) return undefined;
  const name = searchName(query);
  return CLOSE_NAME.test(name) ? name : undefined;
}

/**
 * The keys a name is filed under in the part index besides its bigrams: those a name one character off it would
 * look up (closeNameKeys) and no bigram of it covers. Two characters AB: A＊ and ＊B (they share no bigram with a
 * name one off); three ABC: A＊C (a slip in the middle leaves no bigram). Four characters need none.
 */
export function slipKeysOf(key: string): string[] {
  if (!CLOSE_NAME.test(key)) return [];
  const c = [...key];
  if (c.length === 2) return [c[0]! + OPEN, OPEN + c[1]!];
  if (c.length === 3) return [c[0]! + OPEN + c[2]!];
  return [];
}

/** The keys the part index files a name under (searchName form): its bigrams, and its slip keys. */
export function partKeysOf(key: string): string[] {
  return [...bigramsOf(key), ...slipKeysOf(key)];
}

/**
 * The part-index keys whose shards hold every name of the same length one character off `typed` (closeNameQuery's
 * form): a name differing in position i keeps a bigram or a slip key of the typed name that does not touch i.
 * AB: A＊ (slip in B), ＊B (slip in A). ABC: AB (slip in C), BC (in A), A＊C (in B). ABCD: AB (slip in C or D),
 * CD (in A or B).
 */
export function closeNameKeys(typed: string): string[] {
  const c = [...typed];
  if (c.length === 2) return slipKeysOf(typed);
  if (c.length === 3) return [c[0]! + c[1]!, c[1]! + c[2]!, ...slipKeysOf(typed)];
  if (c.length === 4) return [c[0]! + c[1]!, c[2]! + c[3]!];
  return [];
}

/** The position where `name` differs from `typed` when it is the only one (same length in characters), else undefined. */
export function oneCharOff(typed: string, name: string): number | undefined {
  const a = [...typed];
  const b = [...name];
  if (a.length !== b.length) return undefined;
  let at: number | undefined;
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) continue;
    if (at !== undefined) return undefined;
    at = i;
  }
  return at;
}

const collator = new Intl.Collator('zh-CN');

/**
 * The people among `entries` whose name is one character off `typed` (closeNameQuery's form), each once, in the
 * order the page offers them: names that keep the typed surname (first character) first, then active holders, then
 * by name (so the holders of one name stand together) and number.
 */
export function closeNames(entries: readonly PartEntry[], typed: string): PartEntry[] {
  const found = new Map<string, { entry: PartEntry; key: string; rank: number }>();
  for (const entry of entries) {
    const key = searchName(entry[0]);
    if (found.has(entry[1]) || !CLOSE_NAME.test(key)) continue;
    const at = oneCharOff(typed, key);
    if (at === undefined) continue;
    found.set(entry[1], { entry, key, rank: (at === 0 ? 2 : 0) + (entry[2] === 'active' ? 0 : 1) });
  }
  return [...found.values()]
    .sort((a, b) => a.rank - b.rank || collator.compare(a.key, b.key) || (a.entry[1] < b.entry[1] ? -1 : a.entry[1] > b.entry[1] ? 1 : 0))
    .map((c) => c.entry);
}

/**
 * The people one character off `typed` in the shards of its closeNameKeys (`shardOf` gives a key's shard), and whether
 * they are all such people on the roster: not when a key was cut to PART_PAGE (its shard's `more` counts people it
 * does not hold), so that the page never states a roster-wide number it does not know.
 */
export function closeNamesIn(shardOf: (key: string) => PartShard, typed: string): { entries: PartEntry[]; complete: boolean } {
  const keys = closeNameKeys(typed);
  const shards = [...new Set(keys.map(shardOf))];
  return {
    entries: closeNames(
      shards.flatMap((s) => s.p),
      typed,
    ),
    complete: keys.every((key) => shardOf(key).more?.[key] === undefined),
  };
}

/**
 * The search page's summary and the note under the list, for `count` people one character off `typed` (the first
 * CLOSE_NAME_LIMIT listed); when not `complete` (closeNamesIn), the numbers are what the page holds: 「至少」. The
 * page without JavaScript (`filters` false) has no filters to suggest for the rest: it points to the unit rosters.
 */
export function closeNamesText(typed: string, count: number, complete: boolean, filters = true): { summary: string; note: string } {
  const atLeast = complete ? '' : '至少';
  const rest = count - Math.min(count, CLOSE_NAME_LIMIT);
  return {
    summary: `没有找到「${typed}」。名单中${atLeast}有 ${count} 人的姓名与它只差一个字，见下。`,
    note:
      `以上姓名与「${typed}」只差一个字。请与证件上的姓名逐字核对：姓名不同就不是同一个人。` +
      (rest ? `${atLeast}另有 ${rest} 人的姓名也只差一个字，未列出；${filters ? '可以选择地区或单位后再搜索' : '可以在各单位的公示名单中查看'}。` : ''),
  };
}
