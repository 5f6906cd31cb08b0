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
  /** Status label (有效 …). */
  status: string;
  /** Status code (active …), for the badge's colour class, the same as on every other page. */
  statusCode: AuxiliaryStatus | undefined;
}

const codeOfLabel = new Map(Object.entries(statusInfo).map(([code, info]) => [info.label, code as AuxiliaryStatus]));
const ACTIVE_LABEL = statusInfo.active.label;
/** Active holders before the others of the same kind of match (stable: otherwise in the order found). */
const activeFirst = (items: Item[]) => items.sort((a, b) => Number(b.statusCode === 'active') - Number(a.statusCode === 'active'));
/** Up to this many groups are all read at once, so that the count of people found is exact. */
const COUNT_ALL_GROUPS = 48;

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
  /** How many people were found in all, when known (every group read); undefined while more may come. */
  total(): number | undefined;
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
    const found: Item[] = [];
    for (const [key, no, name, status, agencyId, post] of numberMatches(entries, tokens.numberKey)) {
      const agency = ctx.agencyOf(agencyId);
      const label = statusInfo[status as AuxiliaryStatus]?.label ?? status;
      const f = ctx.filters;
      if ((f['地区'] && f['地区'] !== agency?.region) || (f['单位'] && f['单位'] !== agency?.name) || (f['状态'] && f['状态'] !== label)) continue;
      const item: Item = { no, name, post, agency: agency?.name ?? agencyId, status: label, statusCode: codeOfLabel.get(label) };
      if (key === tokens.numberKey) push(item);
      else found.push(item);
    }
    for (const item of activeFirst(found)) push(item);
  }

  const groups: PagefindResult[] = [];
  const exactGroups = new Set<string>();
  // Only Han text is in the Pagefind index (as tokens); an empty query lists what the filters select.
  if (tokens.partialName || (!q && Object.keys(ctx.filters).length)) {
    const pf = await loadPagefind();
    const terms: (string | null)[] = [];
    if (tokens.exactName) terms.push(tokens.exactName);
    if (tokens.partialName) terms.push(tokens.partialName);
    if (!terms.length) terms.push(null);
    // Groups of active holders are asked for first (groups are per unit and status), then all: active people lead
    // each kind of match without reading every group.
    const filterSets = ctx.filters['状态'] ? [ctx.filters] : [{ ...ctx.filters, 状态: ACTIVE_LABEL }, ctx.filters];
    const lists = await Promise.all(terms.flatMap((t) => filterSets.map((filters) => pf.search(t, { filters }))));
    const ids = new Set<string>();
    lists.forEach((list, i) => {
      for (const r of list?.results ?? []) {
        if (ids.has(r.id)) continue;
        ids.add(r.id);
        groups.push(r);
        if (i < filterSets.length && tokens.exactName) exactGroups.add(r.id);
      }
    });
  }

  let nextGroup = 0;
  const later: Item[] = [];
  /** The people of one group who match, exact full names and the rest apart. */
  async function readGroup(result: PagefindResult): Promise<{ exact: Item[]; other: Item[] }> {
    const { meta } = await result.data();
    const bucket = meta as unknown as BucketMeta;
    const out = { exact: [] as Item[], other: [] as Item[] };
    for (const member of JSON.parse(meta.members!) as Member[]) {
      const how = memberMatch(q, member, bucket);
      if (!how) continue;
      const item: Item = {
        no: member[0],
        name: member[1],
        post: member[2],
        agency: bucket.agency,
        status: bucket.status,
        statusCode: codeOfLabel.get(bucket.status),
      };
      (how === 'exact' ? out.exact : out.other).push(item);
    }
    return out;
  }
  /** Reads groups in parallel and keeps their people in the groups' order (active groups come first). */
  async function load(batch: PagefindResult[]) {
    const read = await Promise.all(batch.map(readGroup));
    for (const r of read) for (const item of r.exact) push(item);
    for (const r of read) later.push(...r.other);
  }
  // Every group holding an exact full name is read first, so exact names lead; small results are read whole, so
  // that the page can say how many people were found.
  const exact = groups.filter((g) => exactGroups.has(g.id));
  const rest = groups.filter((g) => !exactGroups.has(g.id));
  await load(exact);
  if (rest.length <= COUNT_ALL_GROUPS) {
    await load(rest);
    nextGroup = rest.length;
  }
  let returned = 0;

  return {
    async next(count) {
      while (ready.length + later.length < count && nextGroup < rest.length) {
        const batch = rest.slice(nextGroup, nextGroup + 8);
        nextGroup += batch.length;
        await load(batch);
      }
      for (const item of later.splice(0)) push(item);
      const page = ready.splice(0, count);
      returned += page.length;
      return page;
    },
    done: () => ready.length === 0 && later.length === 0 && nextGroup >= rest.length,
    total: () => (nextGroup >= rest.length ? returned + ready.length + new Set(later.map((i) => i.no).filter((no) => !seen.has(no))).size : undefined),
  };
}
