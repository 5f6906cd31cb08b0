import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leadingImports, withModulePreloads } from '../../src/build/module-preload.ts';
import { firstPartShardUrl } from '../../src/build/search/first-shard.ts';
import { bigramsOf, namePartOf, partShardUrl } from '../../src/core/search/parts.ts';
import { queryTokens } from '../../src/core/search/tokens.ts';
import { numberFromPastedText } from '../../src/core/lookup-input.ts';
import { certificateLookupKey } from '../../src/core/text.ts';
import { launchChromium } from '../support/browser.ts';
import { PAGE_BUDGETS, SLOW_3G } from '../support/page-weight.ts';
import { distDir, serveSite } from '../support/site.ts';
import { stackSkipReason } from '../support/stack.ts';
import { builtRecords } from './helpers.ts';

/**
 * The search page's preloads (src/build/module-preload.ts, src/build/search/first-shard.ts): each names a file of
 * this build that the page asks for anyway — found by loading the page without them, as Astro alone writes it — so a
 * stale or wrong preload fails here; none is fetched twice; and with them the page's script, its chunks and a name's
 * part-index shard are asked for in the same round trip, right after the page itself.
 */

/** What client.ts's runSearch fetches first for a query typed as it is (the address bar's q): the one part shard, or undefined when it fetches something else first. */
function clientFirstFiles(query: string, partShardCount: number): string[] {
  const pasted = numberFromPastedText(query);
  const q = pasted.source === 'typed' ? query.trim() : pasted.number;
  const tokens = queryTokens(q, certificateLookupKey(q));
  const part = namePartOf(q);
  const files: string[] = [];
  if (tokens.numberKey) files.push('number shard');
  if (pasted.source === 'label') files.push('typed number shard');
  if (part) files.push(partShardUrl(bigramsOf(part)[0]!, partShardCount));
  else if (tokens.exactName) files.push('name shard');
  return files;
}

describe('modulepreload links from the built chunks', () => {
  it("reads a chunk's leading static imports only: not dynamic imports, not text that looks like one", () => {
    const code =
      'import{a as e,l as t}from"./shard.X1.js";import"./side.Y2.js";import*as n from"./ns.Z3.js";var s=`import q from "./not.js"`;import("./later.js");';
    expect(leadingImports(code)).toEqual(['./shard.X1.js', './side.Y2.js', './ns.Z3.js']);
    expect(leadingImports('var a=1;import"./x.js"')).toEqual([]);
  });

  it('links each chunk once, before </head>, and leaves a page without a module script alone', async () => {
    const html = '<html><head><link rel="stylesheet" href="/site.css"></head><body><script type="module" src="/_astro/a.js"></script></body></html>';
    const out = await withModulePreloads(html, async () => ['/_astro/c.js', '/_astro/c.js', '/_astro/a.js']);
    expect(out).toBe(html.replace('</head>', '<link rel="modulepreload" href="/_astro/c.js"></head>'));
    expect(await withModulePreloads('<html><head></head><body></body></html>', async () => ['/_astro/c.js'])).toBe('<html><head></head><body></body></html>');
  });
});

describe("the first part shard's address, worked out before the page's script", () => {
  it('is the one file client.ts fetches first, for every name and part of a name in the roster', async () => {
    const names = (await builtRecords()).map((r) => r.name);
    let checked = 0;
    for (const count of [1, 8, 64, 1024]) {
      for (const name of names) {
        const chars = [...name];
        for (const query of [name, chars.slice(1).join(''), chars.slice(0, 2).join(''), ` ${name} `, name.normalize('NFD')]) {
          const url = firstPartShardUrl(query, count);
          if (url === undefined) continue;
          expect(clientFirstFiles(query, count), query).toEqual([url]);
          checked++;
        }
      }
    }
    expect(checked, 'queries with a preload').toBeGreaterThan(names.length * 4);
    // A compatibility ideograph (U+F900) is searched as its unified form (NFKC), and so is its shard worked out.
    expect(firstPartShardUrl('\uF900涵', 8)).toBe(partShardUrl(bigramsOf(namePartOf('\uF900涵')!)[0]!, 8));
  });

  it('is not guessed for anything client.ts reads otherwise: numbers, links, labels, several parts, one character', () => {
    for (const query of [
      '',
      '马',
      'LA-CG-00001',
      '00001',
      '马涵1',
      '马 涵',
      '马·涵',
      'https://x.cn/verify/LA-CG-00001/',
      '证件编号：LA-CG-00001',
      '马涵A',
      '马涵，',
      '㍘点',
    ]) {
      expect(firstPartShardUrl(query, 8), query).toBeUndefined();
    }
    expect(firstPartShardUrl('马涵', 0), 'no part index').toBeUndefined();
  });
});

const skip = stackSkipReason('search page preloads', ['search/index.html', 'data/all.json']);

interface Load {
  /** Paths (with query) of every request, in order, and their resource types. */
  requests: { path: string; type: string; startedAt?: number; endedAt?: number }[];
  /** The preload and modulepreload links in the page once the first result showed. */
  links: { rel: string; href: string; as: string; crossOrigin: string | null }[];
}

/** Strips what the build adds for preloading from a page: the modulepreload links and the head's inline script. */
function withoutPreloads(html: string): string {
  const at = html.indexOf('</head>');
  return (
    html
      .slice(0, at)
      .replace(/<link rel="modulepreload"[^>]*>/g, '')
      .replace(/<script>[\s\S]*?<\/script>/g, '') + html.slice(at)
  );
}

describe.skipIf(!!skip)('search page preloads', { timeout: 180_000 }, () => {
  let server: Awaited<ReturnType<typeof serveSite>>;
  let browser: Browser;
  let queries: string[];

  beforeAll(async () => {
    server = await serveSite();
    browser = await launchChromium();
    const records = JSON.parse(readFileSync(join(distDir, 'data', 'all.json'), 'utf8')).records as { name: string }[];
    const name = records[Math.floor(records.length / 2)]!.name;
    const names = new Set(records.map((r) => r.name));
    const part = records
      .slice(Math.floor(records.length / 2))
      .map((r) => [...r.name].slice(-2).join(''))
      .find((p) => [...p].length === 2 && !names.has(p) && !p.includes('·'))!;
    queries = [name, part];
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function load(query: string, options: { preloads: boolean; throttle?: typeof SLOW_3G }): Promise<Load> {
    const context = await browser.newContext();
    const page: Page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    if (options.throttle) await cdp.send('Network.emulateNetworkConditions', options.throttle);
    const requests = new Map<string, Load['requests'][number]>();
    cdp.on('Network.requestWillBeSent', (e) => {
      const url = new URL(e.request.url);
      if (url.protocol === 'data:') return;
      requests.set(e.requestId, { path: url.origin === server.url ? url.pathname + url.search : e.request.url, type: e.type ?? '', startedAt: e.timestamp });
    });
    cdp.on('Network.loadingFinished', (e) => {
      const r = requests.get(e.requestId);
      if (r) r.endedAt = e.timestamp;
    });
    if (!options.preloads) {
      await page.route(
        (url) => url.pathname === '/search/',
        async (route) => {
          const response = await route.fetch();
          await route.fulfill({ response, body: withoutPreloads(await response.text()) });
        },
      );
    }
    await page.goto(`${server.url}/search/?q=${encodeURIComponent(query)}`, { waitUntil: 'commit' });
    await page.locator('#search-results li').first().waitFor({ state: 'visible', timeout: 60_000 });
    const links = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLLinkElement>('link[rel="preload"], link[rel="modulepreload"]')].map((l) => ({
        rel: l.rel,
        href: new URL(l.href).pathname,
        as: l.as,
        crossOrigin: l.crossOrigin,
      })),
    );
    const result = { requests: [...requests.values()], links };
    await context.close();
    return result;
  }

  it('the built search page links the chunks its script imports, and they are files of this build', () => {
    const html = readFileSync(join(distDir, 'search', 'index.html'), 'utf8');
    const hrefs = [...html.matchAll(/<link rel="modulepreload" href="([^"]+)">/g)].map((m) => m[1]!);
    expect(hrefs.length, 'modulepreload links').toBeGreaterThan(0);
    for (const href of hrefs) expect(existsSync(join(distDir, href)), href).toBe(true);
    // And on every other page the build linked (lookup …).
    for (const dir of readdirSync(distDir, { withFileTypes: true })) {
      const file = join(distDir, dir.name, 'index.html');
      if (!dir.isDirectory() || dir.name === 'verify' || !existsSync(file)) continue;
      for (const m of readFileSync(file, 'utf8').matchAll(/<link rel="modulepreload" href="([^"]+)">/g)) {
        expect(existsSync(join(distDir, m[1]!)), `${dir.name}: ${m[1]}`).toBe(true);
      }
    }
  });

  it('every preload names a file the page asks for without it, exists in the build and is fetched once', async () => {
    for (const query of queries) {
      const bare = await load(query, { preloads: false });
      const preloaded = await load(query, { preloads: true });
      expect(bare.links, 'the page as Astro alone writes it has no preloads').toEqual([]);
      const needed = new Set(bare.requests.map((r) => r.path));
      const modules = preloaded.links.filter((l) => l.rel === 'modulepreload');
      const fetches = preloaded.links.filter((l) => l.rel === 'preload');
      expect(modules.length, `${query}: modulepreload links`).toBeGreaterThan(0);
      expect(fetches, `${query}: the part shard preloaded`).toEqual([expect.objectContaining({ as: 'fetch', crossOrigin: 'anonymous' })]);
      for (const link of preloaded.links) {
        expect(needed, `${query}: ${link.href} is asked for by the page without preloads`).toContain(link.href);
        expect(existsSync(join(distDir, link.href)), `${query}: ${link.href} is in the build`).toBe(true);
      }
      // Every chunk the page's script loads is preloaded: none is found only once the script has come.
      const chunks = bare.requests.filter((r) => r.type === 'Script' && r.path.startsWith('/_astro/')).map((r) => r.path);
      const entry = readFileSync(join(distDir, 'search', 'index.html'), 'utf8').match(/<script type="module" src="([^"]+)">/)![1]!;
      expect(chunks.filter((c) => c !== entry).sort()).toEqual(modules.map((l) => l.href).sort());
      // The preload is the fetch: the page does not ask for any file a second time.
      const paths = preloaded.requests.map((r) => r.path);
      expect(
        paths.filter((p, i) => paths.indexOf(p) !== i),
        `${query}: asked for twice`,
      ).toEqual([]);
      expect(
        paths.filter((p) => p.startsWith('http')),
        'nothing from another origin',
      ).toEqual([]);
    }
  });

  it('under slow 3G the script, its chunks and the part shard are asked for together, one round trip after the page', async () => {
    const { requests } = await load(queries[0]!, { preloads: true, throttle: SLOW_3G });
    const page = requests.find((r) => r.type === 'Document')!;
    const first = requests.filter((r) => (r.type === 'Script' && r.path.startsWith('/_astro/')) || r.path.startsWith('/search/p/'));
    expect(first.length).toBeGreaterThanOrEqual(3);
    expect(first.length).toBeLessThanOrEqual(PAGE_BUDGETS.firstSearchRequests);
    // Each asked for before any of them (or anything after the page) had come: no request waited on another.
    const firstDone = Math.min(...requests.filter((r) => r !== page).map((r) => r.endedAt ?? Infinity));
    for (const r of first) expect(r.startedAt!, r.path).toBeLessThan(firstDone);
  });
});
