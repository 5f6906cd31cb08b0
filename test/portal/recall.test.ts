/**
 * Recall on the whole roster, against the indexes the built site ships: every whole name (the static name index
 * files in dist/), every 2-character part of every name (Pagefind, in Chromium, with the page's own query tokens and
 * group matching), every part of every name and every whole name (the static part index files in dist/, with the
 * page's own matching), every number and every number tail (the static number index files in dist/, with the page's own
 * matching).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { chromiumAvailable, launchChromium } from '../support/browser.ts';
import { distDir, serveSite, siteBuilt } from '../support/site.ts';
import { decodeMembers, memberMatch, type BucketMeta } from '../../src/build/search/match.ts';
import { queryTokens, searchName } from '../../src/core/search/tokens.ts';
import { numberMatches, shardOf, type NumberEntry } from '../../src/core/shard.ts';
import { nameMatches, nameShardOf, type NameEntry } from '../../src/build/search/names.ts';
import { bigramsOf, namePartOf, partComplete, partMatches, partShardOf, type PartShard } from '../../src/core/search/parts.ts';
import { certificateLookupKey } from '../../src/core/text.ts';
import { builtRecords, type PublishedRecord } from './helpers.ts';

const ready = chromiumAvailable() && siteBuilt();

describe.skipIf(!ready)('search recall on the whole sample roster', { timeout: 180_000 }, () => {
  let server: Awaited<ReturnType<typeof serveSite>>;
  let browser: Browser;
  let page: Page;
  let records: PublishedRecord[];

  beforeAll(async () => {
    server = await serveSite();
    browser = await launchChromium();
    page = await browser.newPage();
    await page.goto(`${server.url}/search/`);
    // A string, so that the test runner's bundler leaves the browser's dynamic import alone.
    await page.evaluate(`import('/pagefind/pagefind.js').then(async (pf) => { await pf.init(); window.__pagefind = pf; })`);
    records = await builtRecords();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** For each Pagefind term: the metadata of every group it returns. */
  function groupsFor(terms: string[]): Promise<Record<string, string>[][]> {
    return page.evaluate(async (terms: string[]) => {
      type Pf = { search(t: string): Promise<{ results: { data(): Promise<{ meta: Record<string, string> }> }[] }> };
      const pf = (window as unknown as { __pagefind: Pf }).__pagefind;
      const out: Record<string, string>[][] = [];
      for (const term of terms) {
        const found = await pf.search(term);
        out.push((await Promise.all(found.results.map((r) => r.data()))).map((d) => d.meta));
      }
      return out;
    }, terms);
  }

  /** The people a query finds, as the search page picks them out of the groups. */
  function peopleFound(query: string, groups: Record<string, string>[]): Map<string, 'exact' | 'match'> {
    const found = new Map<string, 'exact' | 'match'>();
    for (const meta of groups) {
      for (const member of decodeMembers(meta)) {
        const how = memberMatch(query, member, meta as unknown as BucketMeta);
        if (how) found.set(member[0], how);
      }
    }
    return found;
  }

  it('every full name finds exactly the people with that name, in the shipped name index', () => {
    const search = readFileSync(join(distDir, 'search', 'index.html'), 'utf8');
    const shardCount = Number(/data-name-shards="(\d+)"/.exec(search)![1]);
    const shard = (key: string): NameEntry[] => JSON.parse(readFileSync(join(distDir, 'search', 'n', `${nameShardOf(key, shardCount)}.json`), 'utf8'));
    const byName = new Map<string, string[]>();
    for (const r of records) byName.set(searchName(r.name), [...(byName.get(searchName(r.name)) ?? []), r.certificateNo]);
    const names = [...byName.keys()];
    expect(names.length).toBeGreaterThan(500);
    const failures: string[] = [];
    for (const name of names) {
      const key = queryTokens(name, certificateLookupKey(name)).exactName!;
      const exact = nameMatches(shard(key), key)
        .map((e) => e[1])
        .sort();
      if (exact.join() !== byName.get(name)!.sort().join()) failures.push(`${name}: ${exact.join()} ≠ ${byName.get(name)!.join()}`);
    }
    expect(failures).toEqual([]);
  });

  it('every part of 2+ characters of every name finds exactly the people whose name contains it, in the shipped part index', () => {
    const search = readFileSync(join(distDir, 'search', 'index.html'), 'utf8');
    const shardCount = Number(/data-part-shards="(\d+)"/.exec(search)![1]);
    const shard = (bigram: string): PartShard => JSON.parse(readFileSync(join(distDir, 'search', 'p', `${partShardOf(bigram, shardCount)}.json`), 'utf8'));
    const keys = records.map((r) => searchName(r.name));
    const parts = new Set<string>();
    for (const key of keys) {
      for (const part of key.split('·')) {
        const chars = [...part];
        for (let i = 0; i < chars.length; i++) for (let j = i + 2; j <= chars.length; j++) parts.add(chars.slice(i, j).join(''));
      }
    }
    expect(parts.size).toBeGreaterThan(1000);
    const failures: string[] = [];
    for (const typed of parts) {
      const part = namePartOf(typed);
      if (!part) continue;
      const file = shard(bigramsOf(part)[0]!);
      const found = partMatches(file.p, part).map((e) => e[1]);
      const expected = records.filter((_, i) => keys[i]!.includes(part)).map((r) => r.certificateNo);
      if (!partComplete(file, part) || found.sort().join() !== expected.sort().join()) failures.push(`${part}: ${found.join()} ≠ ${expected.join()}`);
    }
    expect(failures).toEqual([]);
  });

  it('every 2-character part of every name finds that person', async () => {
    const byPart = new Map<string, string[]>();
    for (const r of records) {
      for (const part of searchName(r.name).split('·')) {
        const chars = [...part];
        for (let i = 0; i + 2 <= chars.length; i++) {
          const two = chars.slice(i, i + 2).join('');
          byPart.set(two, [...(byPart.get(two) ?? []), r.certificateNo]);
        }
      }
    }
    const parts = [...byPart.keys()];
    expect(parts.length).toBeGreaterThan(500);
    const results = await groupsFor(parts.map((p) => queryTokens(p, certificateLookupKey(p)).partialName!));
    const failures: string[] = [];
    parts.forEach((part, i) => {
      const found = peopleFound(part, results[i]!);
      const missing = byPart.get(part)!.filter((no) => !found.has(no));
      if (missing.length) failures.push(`${part}: missing ${missing.join(',')}`);
    });
    expect(failures).toEqual([]);
  });

  it('every number, typed messily, and its last 4 characters find the record in the shipped number index', () => {
    const lookup = readFileSync(join(distDir, 'lookup', 'index.html'), 'utf8');
    const shardCount = Number(/data-shards="(\d+)"/.exec(lookup)![1]);
    const shard = (key: string): NumberEntry[] => JSON.parse(readFileSync(join(distDir, 'lookup', 'k', `${shardOf(key, shardCount)}.json`), 'utf8'));
    const failures: string[] = [];
    for (const r of records) {
      const key = queryTokens(r.certificateNo.toLowerCase().replace(/-/g, ' '), certificateLookupKey(r.certificateNo.toLowerCase().replace(/-/g, ' ')))
        .numberKey!;
      const whole = numberMatches(shard(key), key);
      if (whole[0]?.[1] !== r.certificateNo) failures.push(`${r.certificateNo}: whole number not first`);
      const tail = [...key].slice(-4).join('');
      if (!numberMatches(shard(tail), tail).some((e) => e[1] === r.certificateNo)) failures.push(`${r.certificateNo}: tail ${tail} not found`);
    }
    expect(records.length).toBeGreaterThan(500);
    expect(failures).toEqual([]);
  });
  /**
   * "A number's last 4 or more characters find its certificate among the first 3 results", for every number, in the
   * order the search page gives (src/build/search/client.ts: the whole number, then numbers ending with the tail,
   * active holders first). A tail of 4 that more than 3 numbers share (0004 ends 16 numbers of the sample: every
   * agency numbers from 1) cannot put each of them in the first 3; for those the test takes the shortest longer
   * tail that at most 3 numbers share, and checks that the 4-character tail still finds every one of them.
   */
  it('every number is among the first 3 results for its shortest tail of 4+ characters that at most 3 numbers share', () => {
    const lookup = readFileSync(join(distDir, 'lookup', 'index.html'), 'utf8');
    const shardCount = Number(/data-shards="(\d+)"/.exec(lookup)![1]);
    const shard = (key: string): NumberEntry[] => JSON.parse(readFileSync(join(distDir, 'lookup', 'k', `${shardOf(key, shardCount)}.json`), 'utf8'));
    const keys = records.map((r) => certificateLookupKey(r.certificateNo));
    const shownOrder = (tail: string) => {
      const hits = numberMatches(shard(tail), tail);
      const whole = hits.filter((e) => e[0] === tail);
      const rest = hits.filter((e) => e[0] !== tail).sort((a, b) => Number(b[3] === 'active') - Number(a[3] === 'active'));
      return [...whole, ...rest].map((e) => e[1]);
    };
    const failures: string[] = [];
    const lengths = new Map<number, number>();
    for (const r of records) {
      const key = certificateLookupKey(r.certificateNo);
      let tail = key;
      for (let n = 4; n <= key.length; n++) {
        if (keys.filter((k) => k.endsWith(key.slice(-n))).length <= 3) {
          tail = key.slice(-n);
          break;
        }
      }
      lengths.set(tail.length, (lengths.get(tail.length) ?? 0) + 1);
      if (!shownOrder(tail).slice(0, 3).includes(r.certificateNo)) failures.push(`${r.certificateNo}: not in the first 3 for ${tail}`);
      const four = key.slice(-4);
      if (!shownOrder(four).includes(r.certificateNo)) failures.push(`${r.certificateNo}: not found by ${four}`);
    }
    expect(failures).toEqual([]);
    // Most numbers of the sample need 5 or 6 characters; a 4-character tail alone decides only where few share it.
    expect(lengths.get(4)).toBeGreaterThan(0);
    console.log(
      `number tails needed for the first 3: ${[...lengths]
        .sort((a, b) => a[0] - b[0])
        .map(([n, count]) => `${n} characters: ${count}`)
        .join(', ')}`,
    );
  });
});
