/**
 * The search page's query logic, in the browser. Numbers (a digit and 3+ characters) are looked up by their tail
 * in the static number index; names, units and posts go to Pagefind as the tokens of tokens.ts, and the people
 * of each returned group are picked out with memberMatch. Order: numbers, exact full names, then the rest.
 */
import { shardUrl, numberMatches, type NumberEntry } from '../portal/shard.ts';
import { statusInfo } from '../../core/labels.ts';
import type { AuxiliaryStatus } from '../../core/roster/schema.ts';
import { certificateLookupKey } from '../../core/text.ts';
import { memberMatch, type BucketMeta, type Member } from './match.ts';
import { queryTokens } from './tokens.ts';

export interface Item {
  no: string;
  name: string;
  post?: string;
  agency: string;
  status: string;
}

interface PagefindResult {
  id: string;
  data(): Promise<{ meta: Record<string, string> }>;
}
interface Pagefind {
  init(): Promise<void>;
  search(term: string | null, options?: { filters?: Record<string, string> }): Promise<{ results: PagefindResult[] } | null>;
}

export interface SearchContext {
  shardCount: number;
  agencyOf(id: string): { name: string; region: string } | undefined;
  /** Filter names of records.ts (地区, 单位, 状态) → chosen value. */
  filters: Record<string, string>;
}

let pagefind: Promise<Pagefind> | undefined;

function loadPagefind(): Promise<Pagefind> {
  // A runtime path: the index is written after Astro bundles the page.
  const url = '/pagefind/pagefind.js';
  pagefind ??= import(/* @vite-ignore */ url).then(async (pf: Pagefind) => {
    await pf.init();
    return pf;
  });
  return pagefind;
}

/** Results come in pages: `next(n)` loads until n more people are found or nothing is left. */
export interface Cursor {
  next(count: number): Promise<Item[]>;
  done(): boolean;
}

export async function runSearch(query: string, ctx: SearchContext): Promise<Cursor> {
  const q = query.trim();
  const key = certificateLookupKey(q);
  const tokens = queryTokens(q, key);
  const ready: Item[] = [];
  const seen = new Set<string>();
  const push = (item: Item) => {
    if (seen.has(item.no)) return;
    seen.add(item.no);
    ready.push(item);
  };

  if (tokens.numberKey) {
    const response = await fetch(shardUrl(tokens.numberKey, ctx.shardCount));
    const entries: NumberEntry[] = response.ok ? await response.json() : [];
    for (const [, no, name, status, agencyId, post] of numberMatches(entries, tokens.numberKey)) {
      const agency = ctx.agencyOf(agencyId);
      const label = statusInfo[status as AuxiliaryStatus]?.label ?? status;
      const f = ctx.filters;
      if ((f['地区'] && f['地区'] !== agency?.region) || (f['单位'] && f['单位'] !== agency?.name) || (f['状态'] && f['状态'] !== label)) continue;
      push({ no, name, post, agency: agency?.name ?? agencyId, status: label });
    }
  }

  const groups: PagefindResult[] = [];
  const exactGroups = new Set<string>();
  // Only Han text is in the Pagefind index (as tokens); an empty query lists what the filters select.
  if (tokens.partialName || (!q && Object.keys(ctx.filters).length)) {
    const pf = await loadPagefind();
    const terms: (string | null)[] = [];
    if (tokens.exactName) terms.push(tokens.exactName);
    if (tokens.partialName) terms.push(tokens.partialName);
    const lists = await Promise.all(terms.length ? terms.map((t) => pf.search(t, { filters: ctx.filters })) : [pf.search(null, { filters: ctx.filters })]);
    const ids = new Set<string>();
    lists.forEach((list, i) => {
      for (const r of list?.results ?? []) {
        if (ids.has(r.id)) continue;
        ids.add(r.id);
        groups.push(r);
        if (i === 0 && tokens.exactName) exactGroups.add(r.id);
      }
    });
  }

  let nextGroup = 0;
  const later: Item[] = [];
  async function loadGroup(result: PagefindResult) {
    const { meta } = await result.data();
    const bucket = meta as unknown as BucketMeta;
    for (const member of JSON.parse(meta.members!) as Member[]) {
      const how = memberMatch(q, member, bucket);
      if (!how) continue;
      const item: Item = { no: member[0], name: member[1], post: member[2], agency: bucket.agency, status: bucket.status };
      if (how === 'exact') push(item);
      else later.push(item);
    }
  }
  // Every group holding an exact full name is read first, so exact names lead.
  const exact = groups.filter((g) => exactGroups.has(g.id));
  await Promise.all(exact.map(loadGroup));
  const rest = groups.filter((g) => !exactGroups.has(g.id));

  return {
    async next(count) {
      while (ready.length + later.length < count && nextGroup < rest.length) {
        const batch = rest.slice(nextGroup, nextGroup + 8);
        nextGroup += batch.length;
        await Promise.all(batch.map(loadGroup));
      }
      for (const item of later.splice(0)) push(item);
      return ready.splice(0, count);
    },
    done: () => ready.length === 0 && later.length === 0 && nextGroup >= rest.length,
  };
}
