/**
 * Search tokens that make names, units and posts findable regardless of Pagefind's Chinese word segmentation.
 *
 * Pagefind segments Chinese text into words at index time and again, differently, in the browser; measured on
 * generated names, some names were not found by their own inner parts (林新, 春一 …) and exact names ranked
 * behind longer ones (docs/PORTAL.md). So every record also carries ASCII-letter tokens that no segmenter splits:
 *  - `q` + enc(suffix) for every suffix (2+ characters) of each part of the name: Pagefind matches words by
 *    prefix, so any 2+ character part of the name is a prefix of one of these tokens;
 *  - the same `q` suffix tokens for the unit's name and the posts, so a part of those finds them too.
 * A whole name or one part of a name is first looked up in the static name and part indexes (names.ts, parts.ts):
 * one small file answers it before Pagefind loads (Pagefind still runs after, for units and posts). Exact-name
 * tokens (`x…z`, one per person) were dropped from the Pagefind index with the name index: they were half of its
 * distinct words, and the index writer's memory grows with them (docs/BENCHMARKS.md).
 * The index holds only these tokens, no Chinese text: Chinese text raised the peak memory of Pagefind's index writer
 * (docs/PORTAL.md).
 * Numbers are not in the Pagefind index: they are found in the static number index (src/core/shard.ts).
 * The search page turns a query into the same tokens (queryTokens). Bundled into the search page: keep it free of
 * Node imports.
 */

// In core: the functions' search page (no JavaScript) compares names the same way.
import { searchName } from '../text.ts';
export { searchName };

const LETTERS = 'abcdefghijklmnop';

/** Each code point as five base-16 digits written with the letters a–p (prefix-preserving, letters only). */
export function encodeChars(text: string): string {
  let out = '';
  for (const ch of text) {
    const hex = ch.codePointAt(0)!.toString(16).padStart(5, '0');
    for (const h of hex) out += LETTERS[parseInt(h, 16)];
  }
  return out;
}

/**
 * Longest suffix token, in characters. Every suffix written out in full would make the tokens of a text grow with
 * the square of its length (a 200-character unit name → 20,000 characters of tokens); cut at this length they grow
 * linearly. A longer query part is cut the same way (queryTokens): it still finds its text, and the result list is
 * filtered by the whole query afterwards (match.ts).
 */
export const MAX_TOKEN_CHARS = 12;

/** `q` tokens for every 2+ character suffix of each part of a text (parts split at spaces and middle dots), each cut to MAX_TOKEN_CHARS. */
export function partTokens(text: string): string[] {
  const tokens: string[] = [];
  for (const part of queryParts(text)) {
    const chars = [...part];
    for (let i = 0; i + 2 <= chars.length; i++) tokens.push(`q${encodeChars(chars.slice(i, i + MAX_TOKEN_CHARS).join(''))}`);
  }
  return tokens;
}

/** The tokens indexed for a name (see module comment). */
export function nameTokens(name: string): string[] {
  return [...new Set(partTokens(name))];
}

/** What a typed query is split into: parts at spaces and middle dots, each compared as searchName does. */
export function queryParts(query: string): string[] {
  return query
    .split(/\s+/)
    .flatMap((p) => searchName(p).split('·'))
    .filter(Boolean);
}

export interface QueryTokens {
  /** The whole name as searchName writes it, to look up in the name index (names.ts). */
  exactName?: string;
  /** Finds names, units and posts containing every part typed. */
  partialName?: string;
  /** The lookup key to find in the number index (the query has a digit and 3+ characters). */
  numberKey?: string;
}

const HAN = /\p{Script=Han}/u;

/** What to ask for a query typed into the search box (`lookupKey` = certificateLookupKey(query)). */
export function queryTokens(query: string, lookupKey: string): QueryTokens {
  const out: QueryTokens = {};
  const name = searchName(query);
  if (HAN.test(name) && !/[0-9]/.test(name)) {
    out.exactName = name;
    const parts = queryParts(query);
    if (parts.length) out.partialName = parts.map((p) => `q${encodeChars([...p].slice(0, MAX_TOKEN_CHARS).join(''))}`).join(' ');
  }
  if (/[0-9]/.test(lookupKey) && [...lookupKey].length >= 3) out.numberKey = lookupKey;
  return out;
}
