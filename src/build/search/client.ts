/**
 * The search page's query logic, in the browser. Numbers (a digit and 3+ characters) are looked up by their tail
 * in the static number index, a name or part of a name typed as one part (2+ characters) in the static part index
 * (parts.ts), other whole names in the static name index (names.ts) — each one small file, and shown at once; then
 * parts of names, units and posts go to Pagefind as the tokens of tokens.ts, and the people of each returned group
 * are picked out with memberMatch (those the static indexes showed are not repeated). Order: the exact number, number
 * tails, exact full names, names starting with the part, names containing it, then the rest; active holders first
 * within each. A whole name that finds nobody is offered the names one character off it (closeNameSuggestions).
 */
import { shardUrl, numberMatches, type NumberEntry } from '../../core/shard.ts';
import { statusInfo } from '../../core/labels.ts';
import type { AuxiliaryStatus } from '../../core/roster/schema.ts';
import { certificateLookupKey } from '../../core/text.ts';
import { numberFromPastedText } from '../../core/lookup-input.ts';
import { decodeMembers, memberMatch, type BucketMeta } from './match.ts';
import { nameMatches, nameShardUrl, type NameEntry } from './names.ts';
import { bigramsOf, namePartOf, partComplete, partMatches, partShardUrl, type PartShard } from '../../core/search/parts.ts';
import { queryTokens } from '../../core/search/tokens.ts';
import { activeFirst as rankActiveFirst } from '../../core/search/rank.ts';
import { closeNameKeys, closeNameQuery, closeNamesIn } from '../../core/search/close-names.ts';

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
const activeFirst = (items: Item[]) => rankActiveFirst(items, (item) => item.statusCode);
/** Groups read at once: the first page shows after the first batch, not after every group of a large result. */
const GROUP_BATCH = 8;
/** Up to this many groups are all read (settle), so that the page can give the exact count of people found. */
const COUNT_ALL_GROUPS = 48;

interface PagefindResult {
  id: string;
  data(): Promise<{ meta: Record<string, string> }>;
}
interface Pagefind {
  options(options: { noWorker?: boolean }): Promise<void>;
  init(): Promise<void>;
  search(term: string | null, options?: { filters?: Record<string, string> }): Promise<{ results: PagefindResult[] } | null>;
}

export interface SearchContext {
  /** Shards of the number index (lookup page's data-shards), the name index and the part index (search page's data-name-shards, data-part-shards). */
  shardCount: number;
  nameShardCount: number;
  partShardCount: number;
  agencyOf(id: string): { name: string; region: string } | undefined;
  /** Filter names of records.ts (地区, 单位, 状态) → chosen value. */
  filters: Record<string, string>;
}

let pagefind: Promise<Pagefind> | undefined;

function loadPagefind(): Promise<Pagefind> {
  // A runtime path: the index is written after Astro bundles the page.
  const url = '/pagefind/pagefind.js';
  pagefind ??= import(/* @vite-ignore */ url).then(async (pf: Pagefind) => {
    // On the page's own thread: Pagefind's Web Worker is one more script to fetch before the first answer on a slow
    // phone, and the searches here are small (a few index chunks, tens of groups).
    await pf.options({ noWorker: true });
    await pf.init();
    return pf;
  });
  return pagefind;
}

/**
 * Results come in pages: `next(n)` loads until n more people are found or nothing is left; `found` gets them as each
 * batch of groups is read, so that a slow phone shows the first before the page is full.
 */
export interface Cursor {
  next(count: number, found?: (items: Item[]) => void): Promise<Item[]>;
  done(): boolean;
  /** How many people were found in all, when known (every group read); undefined while more may come. */
  total(): number | undefined;
  /** Reads the remaining groups of a small result (up to COUNT_ALL_GROUPS), so that total() is known. */
  settle(): Promise<void>;
}

/** A static index's answer as an Item, or undefined when the chosen filters exclude it. */
function indexItem(ctx: SearchContext, no: string, name: string, status: string, agencyId: string, post: string | undefined): Item | undefined {
  const agency = ctx.agencyOf(agencyId);
  const label = statusInfo[status as AuxiliaryStatus]?.label ?? status;
  const f = ctx.filters;
  if ((f['地区'] && f['地区'] !== agency?.region) || (f['单位'] && f['单位'] !== agency?.name) || (f['状态'] && f['状态'] !== label)) return undefined;
  return { no, name, post, agency: agency?.name ?? agencyId, status: label, statusCode: codeOfLabel.get(label) };
}

async function fetchJson<T>(url: string, missing: T): Promise<T> {
  const response = await fetch(url);
  return response.ok ? ((await response.json()) as T) : missing;
}

const fetchShard = <T>(url: string): Promise<T[]> => fetchJson<T[]>(url, []);

/**
 * Part shards fetched on this page: the names one character off look in the shard the search itself fetched. Only a
 * shard that came is kept: a failed answer (a proxy's 503 for a moment) reads as an empty shard for this search, and
 * the next search asks again.
 */
const fetchedPartShards = new Map<string, Promise<PartShard>>();

function partShardOnce(url: string): Promise<PartShard> {
  let shard = fetchedPartShards.get(url);
  if (!shard) {
    const forget = () => {
      if (fetchedPartShards.get(url) === shard) fetchedPartShards.delete(url);
    };
    shard = fetch(url).then(async (response) => {
      if (response.ok) return (await response.json()) as PartShard;
      forget();
      return { p: [] };
    });
    fetchedPartShards.set(url, shard);
    shard.catch(forget);
  }
  return shard;
}

/**
 * Runs a search. `onFirst` receives what the static indexes answer (the exact number, number tails, exact names,
 * names containing the part typed), at most `firstCount` of them, as soon as they have, before Pagefind is loaded;
 * the cursor then continues with the rest.
 */
export async function runSearch(query: string, ctx: SearchContext, onFirst?: (items: Item[]) => void, firstCount = Infinity): Promise<Cursor> {
  // A pasted QR link or a labelled number (证件编号：…) is searched as the number it carries, as in the lookup box.
  const pasted = numberFromPastedText(query);
  const q = pasted.source === 'typed' ? query.trim() : pasted.number;
  const key = certificateLookupKey(q);
  const tokens = queryTokens(q, key);
  const ready: Item[] = [];
  const seen = new Set<string>();
  const push = (item: Item) => {
    if (seen.has(item.no)) return;
    seen.add(item.no);
    ready.push(item);
  };

  // One part (a whole name or a part of one): its first bigram's shard holds every name containing it, exact names
  // included, so the name index is asked only when that bigram was cut to a page there (parts.ts) or for other queries.
  const part = ctx.partShardCount ? namePartOf(q) : undefined;
  const nameEntriesFor = (name: string | undefined) => (name ? fetchShard<NameEntry>(nameShardUrl(name, ctx.nameShardCount)) : Promise.resolve([]));
  // A listed number typed whole wins over the number a label rule reads out of it (「NO.2024-0099」 on a roster).
  const typedKey = pasted.source === 'label' ? certificateLookupKey(query.trim()) : '';
  const [numberEntries, partShard, firstNames, typedEntries] = await Promise.all([
    tokens.numberKey ? fetchShard<NumberEntry>(shardUrl(tokens.numberKey, ctx.shardCount)) : [],
    part ? partShardOnce(partShardUrl(bigramsOf(part)[0]!, ctx.partShardCount)) : undefined,
    nameEntriesFor(part ? undefined : tokens.exactName),
    typedKey ? fetchShard<NumberEntry>(shardUrl(typedKey, ctx.shardCount)) : [],
  ]);
  for (const [entryKey, no, name, status, agencyId, post] of numberMatches(typedEntries, typedKey)) {
    const item = entryKey === typedKey ? indexItem(ctx, no, name, status, agencyId, post) : undefined;
    if (item) push(item);
  }
  const nameEntries = part && partShard && !partComplete(partShard, part) ? await nameEntriesFor(tokens.exactName) : firstNames;
  const tails: Item[] = [];
  if (tokens.numberKey) {
    for (const [entryKey, no, name, status, agencyId, post] of numberMatches(numberEntries, tokens.numberKey)) {
      const item = indexItem(ctx, no, name, status, agencyId, post);
      if (!item) continue;
      if (entryKey === tokens.numberKey) push(item);
      else tails.push(item);
    }
  }
  for (const item of activeFirst(tails)) push(item);
  if (tokens.exactName) {
    const exact = nameMatches(nameEntries, tokens.exactName).map(([, no, name, status, agencyId, post]) => indexItem(ctx, no, name, status, agencyId, post));
    for (const item of activeFirst(exact.filter((i): i is Item => !!i))) push(item);
  }
  if (part && partShard) {
    for (const [name, no, status, agencyId, post] of partMatches(partShard.p, part)) {
      const item = indexItem(ctx, no, name, status, agencyId, post);
      if (item) push(item);
    }
  }
  let returned = 0;
  if (onFirst && ready.length) {
    const first = ready.splice(0, firstCount);
    returned += first.length;
    onFirst(first);
    // Lets the browser show them before Pagefind's files are asked for.
    await new Promise((resolve) => setTimeout(resolve, 0));
  }

  const groups: PagefindResult[] = [];
  // Only Han text is in the Pagefind index (as tokens); an empty query lists what the filters select.
  if (tokens.partialName || (!q && Object.keys(ctx.filters).length)) {
    const pf = await loadPagefind();
    const term = tokens.partialName ?? null;
    const all = (await pf.search(term, { filters: ctx.filters }))?.results ?? [];
    // Groups are per unit and status, and are read a batch at a time. When there is more than one batch, the active
    // holders' groups are asked for (a second search, through the status filter's file) and read first.
    if (all.length > GROUP_BATCH && !ctx.filters['状态']) {
      const active = (await pf.search(term, { filters: { ...ctx.filters, 状态: ACTIVE_LABEL } }))?.results ?? [];
      const ids = new Set(active.map((r) => r.id));
      groups.push(...active, ...all.filter((r) => !ids.has(r.id)));
    } else groups.push(...all);
  }

  let nextGroup = 0;
  const later: Item[] = [];
  /** The people of one group who match, exact full names and the rest apart. */
  async function readGroup(result: PagefindResult): Promise<{ exact: Item[]; other: Item[] }> {
    const { meta } = await result.data();
    const bucket = meta as unknown as BucketMeta;
    const out = { exact: [] as Item[], other: [] as Item[] };
    for (const member of decodeMembers(meta)) {
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
  /** Reads groups in parallel and keeps their people in the groups' order, active holders first within a batch. */
  async function load(batch: PagefindResult[]) {
    const read = await Promise.all(batch.map(readGroup));
    for (const r of read) for (const item of r.exact) push(item);
    later.push(...activeFirst(read.flatMap((r) => r.other)));
  }
  async function loadNext() {
    const batch = groups.slice(nextGroup, nextGroup + GROUP_BATCH);
    nextGroup += batch.length;
    await load(batch);
  }
  return {
    async next(count, found) {
      const page: Item[] = [];
      const take = () => {
        for (const item of later.splice(0)) push(item);
        const some = ready.splice(0, count - page.length);
        page.push(...some);
        returned += some.length;
        if (some.length) found?.(some);
      };
      take();
      while (page.length < count && nextGroup < groups.length) {
        await loadNext();
        take();
      }
      return page;
    },
    async settle() {
      if (groups.length > COUNT_ALL_GROUPS) return;
      while (nextGroup < groups.length) await loadNext();
    },
    done: () => ready.length === 0 && later.length === 0 && nextGroup >= groups.length,
    total: () => (nextGroup >= groups.length ? returned + ready.length + new Set(later.map((i) => i.no).filter((no) => !seen.has(no))).size : undefined),
  };
}

/**
 * The people whose name is one character off a whole name that found nobody (close-names.ts), in the order to offer
 * them, the chosen filters applied; none for anything but one part of 2–4 Han characters. `complete` is false when a
 * key's shard was cut (closeNamesIn): there may be more on the roster. Costs at most 2 part shards more than the
 * search itself (closeNameKeys; the search's own shard is not fetched again).
 */
export async function closeNameSuggestions(query: string, ctx: SearchContext): Promise<{ items: Item[]; complete: boolean }> {
  const typed = closeNameQuery(query);
  if (!typed || !ctx.partShardCount) return { items: [], complete: true };
  const keys = closeNameKeys(typed);
  const shards = await Promise.all(keys.map((key) => partShardOnce(partShardUrl(key, ctx.partShardCount))));
  const { entries, complete } = closeNamesIn((key) => shards[keys.indexOf(key)]!, typed);
  const items: Item[] = [];
  for (const [name, no, status, agencyId, post] of entries) {
    const item = indexItem(ctx, no, name, status, agencyId, post);
    if (item) items.push(item);
  }
  return { items, complete };
}
