/**
 * `npm run bench pages`: what the pages cost a slow phone, in real Chromium under Chrome's "Slow 3G" profile
 * (test/support/page-weight.ts): the complaint page's compressed JavaScript and whether its plain form is usable
 * before that JavaScript arrives, the transfer and requests until the first search result shows, and a
 * verification page's whole transfer and when Chromium first paints it. The site is BENCH_PAGES_DIST (default: dist/, the last `npm run build`, built
 * here first from the sample content when there is none; `npm run bench site` with BENCH_KEEP=1 leaves a
 * province-sized one in .bench/site/full-dist), served by the
 * project's own Node server (with its gzip/brotli). Byte and request counts are the same every round; the times
 * are medians of BENCH_RUNS (3) alternating rounds, with the spread.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startServer } from '../../functions/server/node.ts';
import { chromiumAvailable, CHROMIUM_PATH, launchChromium } from '../../test/support/browser.ts';
import {
  type ComplaintPageWeight,
  measureComplaintPage,
  measureFirstSearch,
  measureVerifyPage,
  PAGE_BUDGETS,
  SLOW_3G,
  type SearchWeight,
  type Transfer,
  type VerifyPageWeight,
} from '../../test/support/page-weight.ts';
import { alternate, benchRuns, machineLine, withSpread } from './harness.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const DIST = resolve(process.env.BENCH_PAGES_DIST || join(ROOT, 'dist'));

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const verdict = (ok: boolean) => (ok ? 'met' : '**NOT MET**');
const encodings = (t: Transfer) =>
  Object.entries(t.encodings)
    .map(([k, v]) => `${k} ×${v}`)
    .join(', ');

if (!existsSync(join(DIST, 'data', 'all.json'))) {
  if (process.env.BENCH_PAGES_DIST) {
    console.error(
      `pages: BENCH_PAGES_DIST=${DIST} holds no built site (no data/all.json): build one there first, or leave the setting out to measure the sample site`,
    );
    process.exit(1);
  }
  // A fresh clone has no dist/ until `npm start` or `npm run build`: build the sample site as `npm run build` does.
  console.log(`pages: no site in ${DIST} yet: building the sample content (npm run build) …`);
  if (spawnSync(process.execPath, [join(ROOT, 'scripts/build.ts')], { cwd: ROOT, stdio: 'inherit' }).status !== 0) process.exit(1);
}
if (!chromiumAvailable()) {
  console.log(`pages: not measured: Chromium not found at ${CHROMIUM_PATH}`);
  process.exit(0);
}
const records = JSON.parse(readFileSync(join(DIST, 'data', 'all.json'), 'utf8')).records as { name: string }[];
const query = records[Math.floor(records.length / 2)]!.name;
// A part of a name (its last two characters) that is no one's whole name: answered by the part index, not the name index.
const names = new Set(records.map((r) => r.name));
const partQuery = records
  .slice(Math.floor(records.length / 2))
  .map((r) => [...r.name].slice(-2).join(''))
  .find((part) => [...part].length === 2 && !names.has(part) && !part.includes('·'))!;
const certificateNo = readdirSync(join(DIST, 'verify')).sort()[0]!;
const runs = benchRuns();
console.log(machineLine());
console.log(
  `site ${DIST} (${records.length} auxiliaries); Chromium, fresh profile each load, cache off, network ${SLOW_3G.downloadThroughput / 1000} kB/s down, ${SLOW_3G.latency} ms latency (Slow 3G); ${runs} alternating rounds`,
);

const server = await startServer({ distDir: DIST, port: 0 });
const browser = await launchChromium();
type Round = { complaint?: ComplaintPageWeight; search?: SearchWeight; verify?: VerifyPageWeight };
try {
  const results = await alternate<Round>(
    [
      { label: 'complaint', run: async () => ({ complaint: await measureComplaintPage(browser, server.url) }) },
      { label: 'search', run: async () => ({ search: await measureFirstSearch(browser, server.url, query) }) },
      { label: 'part', run: async () => ({ search: await measureFirstSearch(browser, server.url, partQuery) }) },
      { label: 'verify', run: async () => ({ verify: await measureVerifyPage(browser, server.url, certificateNo) }) },
    ],
    runs,
  );
  const complaint = results.get('complaint')!.map((r) => r.complaint!);
  const search = results.get('search')!.map((r) => r.search!);
  const part = results.get('part')!.map((r) => r.search!);
  const verify = results.get('verify')!.map((r) => r.verify!);

  const c = complaint[0]!.transfer;
  const scripts = c.byType.script ?? { requests: 0, bytes: 0 };
  console.log('\n| page | figure | measured | budget | |');
  console.log('|---|---|---:|---:|---|');
  console.log(
    `| /complaint/ | JavaScript transferred | ${kb(scripts.bytes)} in ${scripts.requests} files | ≤ ${kb(PAGE_BUDGETS.complaintScriptBytes)} | ${verdict(scripts.bytes <= PAGE_BUDGETS.complaintScriptBytes)} |`,
  );
  console.log(`| /complaint/ | whole page | ${kb(c.bytes)} in ${c.requests} requests (${encodings(c)}) | | |`);
  console.log(
    `| /complaint/ | plain form visible, submit button shown | ${withSpread(
      complaint.map((x) => x.formVisibleS),
      1,
      ' s',
    )}, scripts loaded by then: ${complaint.map((x) => x.scriptsDoneAtForm).join(' / ')} | before the JavaScript | ${verdict(complaint.every((x) => x.formVisibleS < x.islandS))} |`,
  );
  console.log(
    `| /complaint/ | island in place (JavaScript loaded and run) | ${withSpread(
      complaint.map((x) => x.islandS),
      1,
      ' s',
    )} | | |`,
  );
  const s = search[0]!;
  const sOk = s.atFirstResult.bytes <= PAGE_BUDGETS.firstSearchBytes && s.atFirstResult.requests <= PAGE_BUDGETS.firstSearchRequests;
  console.log(
    `| /search/?q=${query} | transferred until the first result shows | ${kb(s.atFirstResult.bytes)} in ${s.atFirstResult.requests} requests (${kb(s.atFirstResult.pagefindBytes)} from /pagefind/) | ≤ ${kb(PAGE_BUDGETS.firstSearchBytes)} in ≤ ${PAGE_BUDGETS.firstSearchRequests} | ${verdict(sOk)} |`,
  );
  console.log(
    `| /search/ | first result on screen | ${withSpread(
      search.map((x) => x.firstResultS),
      1,
      ' s',
    )} | | |`,
  );
  console.log(`| /search/ | whole page once idle | ${kb(s.settled.bytes)} in ${s.settled.requests} requests (${encodings(s.settled)}) | | |`);
  const p = part[0]!;
  const pOk = p.atFirstResult.bytes <= PAGE_BUDGETS.firstSearchBytes && p.atFirstResult.requests <= PAGE_BUDGETS.firstSearchRequests;
  console.log(
    `| /search/?q=${partQuery} (part of a name: part index) | transferred until the first result shows | ${kb(p.atFirstResult.bytes)} in ${p.atFirstResult.requests} requests (${kb(p.atFirstResult.pagefindBytes)} from /pagefind/); on screen after ${withSpread(
      part.map((x) => x.firstResultS),
      1,
      ' s',
    )} | ≤ ${kb(PAGE_BUDGETS.firstSearchBytes)} in ≤ ${PAGE_BUDGETS.firstSearchRequests} | ${verdict(pOk)} |`,
  );
  const v = verify[0]!.transfer;
  const types = Object.entries(v.byType)
    .map(([type, t]) => `${type} ${kb(t.bytes)}`)
    .join(', ');
  console.log(
    `| /verify/${certificateNo}/ | whole page | ${kb(v.bytes)} in ${v.requests} requests (${types}; ${encodings(v)}) | ≤ ${kb(PAGE_BUDGETS.verifyPageBytes)} | ${verdict(v.bytes <= PAGE_BUDGETS.verifyPageBytes)} |`,
  );
  console.log(
    `| /verify/ | first paint / first contentful paint | ${withSpread(
      verify.map((x) => x.firstPaintS),
      2,
      ' s',
    )} / ${withSpread(
      verify.map((x) => x.firstContentfulPaintS),
      2,
      ' s',
    )}; stylesheets asked for before it: ${verify.map((x) => x.stylesheetsBeforePaint).join(' / ')} | | |`,
  );
  const varying = [
    new Set(complaint.map((x) => x.transfer.bytes)).size,
    new Set(search.map((x) => x.atFirstResult.bytes)).size,
    new Set(verify.map((x) => x.transfer.bytes)).size,
  ];
  if (varying.some((n) => n > 1)) console.log('note: byte counts differed between rounds (first round shown)');
} finally {
  await browser.close();
  await server.close();
}
