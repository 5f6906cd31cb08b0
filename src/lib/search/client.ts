/**
 * The search page's query logic, in the browser: asks Pagefind for the exact number, the exact name, names
 * containing the query, number tails and Pagefind's own word matches, and merges them in that order.
 */
import { certificateLookupKey } from '../text.ts';
import { queryTokens } from './tokens.ts';

export interface HitData {
  url: string;
  meta: Record<string, string>;
}
export interface Hit {
  id: string;
  data(): Promise<HitData>;
}
interface Pagefind {
  init(): Promise<void>;
  search(term: string | null, options?: { filters?: Record<string, string> }): Promise<{ results: Hit[] } | null>;
}

let pagefind: Promise<Pagefind> | undefined;

function load(): Promise<Pagefind> {
  // A runtime path: the index is written after Astro bundles the page.
  const url = '/pagefind/pagefind.js';
  pagefind ??= import(/* @vite-ignore */ url).then(async (pf: Pagefind) => {
    await pf.init();
    return pf;
  });
  return pagefind;
}

export async function runSearch(query: string, filters: Record<string, string>): Promise<Hit[]> {
  const pf = await load();
  const key = certificateLookupKey(query);
  const tokens = queryTokens(query, key);
  const terms: (string | null)[] = [];
  if (tokens.number) terms.push(tokens.number);
  if (tokens.exactName) terms.push(tokens.exactName);
  if (tokens.partialName) terms.push(tokens.partialName);
  if (query) terms.push(query);
  if (!query) terms.push(null);
  const lists = await Promise.all(terms.map((t) => pf.search(t, { filters })));
  const seen = new Set<string>();
  const hits: Hit[] = [];
  for (const list of lists) {
    for (const hit of list?.results ?? []) {
      if (seen.has(hit.id)) continue;
      seen.add(hit.id);
      hits.push(hit);
    }
  }
  return hits;
}
