/**
 * What a page costs a slow phone, measured in real Chromium: every request the page makes — its Web Workers'
 * included (Pagefind searches in one) — and the bytes that crossed the wire for it, under a slow-3G network
 * profile. Bytes are the DevTools protocol's `Network.loadingFinished.encodedDataLength` (compressed body plus
 * headers, as served) as Playwright reports it for the page and its workers (`request.sizes()`: the page's own
 * CDP session never sees a worker's requests). A worker's own script reaches the page before Playwright watches
 * the worker, so it comes with no size: it is fetched again with the browser's Accept-Encoding and counted as
 * served. Used by `npm run bench pages` (the figures) and test/portal/budgets.test.ts (the budgets asserted on
 * the sample site).
 */
import { request as httpRequest } from 'node:http';
import type { Browser, CDPSession, Page, Request } from 'playwright-core';

/** Chrome DevTools' and Puppeteer's "Slow 3G" preset: 500 kbit/s × 0.8 each way, 400 ms × 5 round-trip latency. */
export const SLOW_3G = { offline: false, downloadThroughput: (500 * 1000 * 0.8) / 8, uploadThroughput: (500 * 1000 * 0.8) / 8, latency: 400 * 5 };

/** The page budgets (KB = 1,024 bytes): sizes and request counts, so they do not depend on the machine's speed. */
export const PAGE_BUDGETS = {
  /** Compressed JavaScript the complaint page loads. */
  complaintScriptBytes: 100 * 1024,
  /** Everything transferred until the first search result shows, and the requests for it. */
  firstSearchBytes: 200 * 1024,
  firstSearchRequests: 8,
  /** Everything a verification page transfers. */
  verifyPageBytes: 15 * 1024,
};

export interface Transfer {
  requests: number;
  bytes: number;
  /** Bytes and requests by Playwright's resource type (document, script, stylesheet, fetch, …). */
  byType: Record<string, { requests: number; bytes: number }>;
  /** Bytes of requests under /pagefind/. */
  pagefindBytes: number;
  /** Requests not finished when the snapshot was taken. */
  pending: number;
  /** Content-Encoding of the responses, counted (e.g. { br: 5, identity: 3 }). */
  encodings: Record<string, number>;
  /** The URLs of the requests counted, in the order the page made them (one per request: a file asked twice is here twice). */
  urls: string[];
}

export interface Entry {
  url: string;
  type: string;
  bytes?: number;
  encoding?: string;
  /** When the browser started the request (ms since the epoch, the browser's clock), once it has finished. */
  startedAt?: number;
}

/** Body bytes of a response as served for these request headers (compressed if the server compresses), plus its headers. */
function servedBytes(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers: { 'accept-encoding': headers['accept-encoding'] ?? '' } }, (res) => {
      let bytes = res.rawHeaders.reduce((n, h) => n + Buffer.byteLength(h) + 2, 0);
      res.on('data', (c: Buffer) => (bytes += c.length));
      res.on('end', () => resolve(bytes));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Watches a page's network, its workers' included (cache off; `null`: not throttled). */
export async function watchNetwork(
  page: Page,
  throttle: typeof SLOW_3G | null,
): Promise<{ cdp: CDPSession; snapshot(startedBy?: number): Promise<Transfer>; entries(): Entry[] }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  if (throttle) await cdp.send('Network.emulateNetworkConditions', throttle);
  const requests = new Map<Request, Entry>();
  const sizing: Promise<unknown>[] = [];
  page.on('request', (r) => {
    if (!r.url().startsWith('data:')) requests.set(r, { url: r.url(), type: r.resourceType() });
  });
  const finished = async (r: Request, failed: boolean) => {
    const entry = requests.get(r);
    if (!entry) return;
    if (failed) {
      entry.bytes = 0;
      return;
    }
    const response = await r.response();
    entry.startedAt = r.timing().startTime;
    entry.encoding = (await response?.headerValue('content-encoding')) ?? 'identity';
    const sizes = await r.sizes();
    entry.bytes =
      sizes.responseBodySize > 0 || response?.status() === 204 || response?.status() === 304
        ? sizes.responseBodySize + sizes.responseHeadersSize
        : await servedBytes(r.url(), await r.allHeaders());
  };
  page.on('requestfinished', (r) => void sizing.push(finished(r, false)));
  page.on('requestfailed', (r) => void sizing.push(finished(r, true)));
  /** Everything so far, or (startedBy) the requests the browser had started by then, each counted whole. */
  const snapshot = async (startedBy?: number): Promise<Transfer> => {
    await Promise.all(sizing);
    const out: Transfer = { requests: 0, bytes: 0, byType: {}, pagefindBytes: 0, pending: 0, encodings: {}, urls: [] };
    for (const entry of requests.values()) {
      if (startedBy !== undefined && !(entry.startedAt !== undefined && entry.startedAt <= startedBy)) continue;
      out.requests++;
      out.urls.push(entry.url);
      if (entry.bytes === undefined) {
        out.pending++;
        continue;
      }
      out.bytes += entry.bytes;
      out.byType[entry.type] ??= { requests: 0, bytes: 0 };
      const type = out.byType[entry.type]!;
      type.requests++;
      type.bytes += entry.bytes;
      if (new URL(entry.url).pathname.startsWith('/pagefind/')) out.pagefindBytes += entry.bytes;
      if (entry.encoding) out.encodings[entry.encoding] = (out.encodings[entry.encoding] ?? 0) + 1;
    }
    return out;
  };
  return { cdp, snapshot, entries: () => [...requests.values()] };
}

export interface ComplaintPageWeight {
  transfer: Transfer;
  /** Seconds from navigation until the plain (no-JS) form was visible with its submit button. */
  formVisibleS: number;
  /** Scripts finished loading when the form first showed (0 = usable before any JavaScript arrived). */
  scriptsDoneAtForm: number;
  /** Seconds until the island had replaced the plain form. */
  islandS: number;
}

/** The complaint page on a fresh profile: its transfer, and when it became usable against when its JavaScript came. */
export async function measureComplaintPage(browser: Browser, origin: string, throttle: typeof SLOW_3G | null = SLOW_3G): Promise<ComplaintPageWeight> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const net = await watchNetwork(page, throttle);
  const started = performance.now();
  await page.goto(`${origin}/complaint/`, { waitUntil: 'commit' });
  await page.locator('form[action="/api/complaints"] button[type="submit"]').first().waitFor({ state: 'visible', timeout: 120_000 });
  const formVisibleS = (performance.now() - started) / 1000;
  const scriptsDoneAtForm = net.entries().filter((e) => e.type === 'script' && e.bytes !== undefined).length;
  await page.locator('astro-island:not([ssr])').first().waitFor({ state: 'attached', timeout: 120_000 });
  const islandS = (performance.now() - started) / 1000;
  await page.waitForLoadState('networkidle');
  const transfer = await net.snapshot();
  await context.close();
  return { transfer, formVisibleS, scriptsDoneAtForm, islandS };
}

export interface SearchWeight {
  query: string;
  /** The requests the browser had started when the first result was put on the page, each counted whole. */
  atFirstResult: Transfer;
  firstResultS: number;
  /** Everything the page transferred once the network was idle. */
  settled: Transfer;
}

/**
 * `/search/?q=<query>` on a fresh profile until the first result is on screen. The page itself notes when the first
 * result was added (a MutationObserver, on the browser's clock), and the requests started by then are counted once
 * the network is idle: what the page asked for after the first result does not count, however fast it was asked.
 */
export async function measureFirstSearch(browser: Browser, origin: string, query: string, throttle: typeof SLOW_3G | null = SLOW_3G): Promise<SearchWeight> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.addInitScript(() => {
    const w = window as unknown as { __firstResultAt?: number };
    new MutationObserver((_, observer) => {
      if (w.__firstResultAt === undefined && document.querySelector('#search-results li')) {
        w.__firstResultAt = performance.timeOrigin + performance.now();
        observer.disconnect();
      }
    }).observe(document, { childList: true, subtree: true });
  });
  const net = await watchNetwork(page, throttle);
  const started = performance.now();
  await page.goto(`${origin}/search/?q=${encodeURIComponent(query)}`, { waitUntil: 'commit' });
  await page.locator('#search-results li').first().waitFor({ state: 'visible', timeout: 300_000 });
  const firstResultS = (performance.now() - started) / 1000;
  const firstAt = await page.evaluate(() => (window as unknown as { __firstResultAt: number }).__firstResultAt);
  // After the first result Pagefind loads for the rest: at 300,000 under slow 3G that took longer than the default 30 s.
  await page.waitForLoadState('networkidle', { timeout: 300_000 });
  const atFirstResult = await net.snapshot(firstAt);
  const settled = await net.snapshot();
  await context.close();
  return { query, atFirstResult, firstResultS, settled };
}

export interface VerifyPageWeight {
  transfer: Transfer;
  /** Chromium's first paint and first contentful paint, in seconds from navigation start (`performance.getEntriesByType('paint')`). */
  firstPaintS: number;
  firstContentfulPaintS: number;
  /** Stylesheet requests the browser had started by first paint (0 when the page is styled from its own HTML). */
  stylesheetsBeforePaint: number;
}

/** A verification page on a fresh profile: everything it loads, and when Chromium first painted it. */
export async function measureVerifyPage(
  browser: Browser,
  origin: string,
  certificateNo: string,
  throttle: typeof SLOW_3G | null = SLOW_3G,
): Promise<VerifyPageWeight> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const net = await watchNetwork(page, throttle);
  await page.goto(`${origin}/verify/${encodeURIComponent(certificateNo)}/`, { waitUntil: 'networkidle', timeout: 120_000 });
  const paint = await page.evaluate(() => {
    const at = (name: string) => performance.getEntriesByType('paint').find((e) => e.name === name)?.startTime ?? Number.NaN;
    return { first: at('first-paint'), contentful: at('first-contentful-paint'), origin: performance.timeOrigin };
  });
  const transfer = await net.snapshot();
  const stylesheetsBeforePaint = net
    .entries()
    .filter((e) => e.type === 'stylesheet' && e.startedAt !== undefined && e.startedAt <= paint.origin + paint.first).length;
  await context.close();
  return { transfer, firstPaintS: paint.first / 1000, firstContentfulPaintS: paint.contentful / 1000, stylesheetsBeforePaint };
}
