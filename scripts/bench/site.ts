/**
 * `npm run bench site`: generates a province of BENCH_SITE_SIZE (default 100,000) auxiliaries with the sample
 * generator, then builds, in alternating rounds (bare, full, bare, full, …; BENCH_RUNS, 3 by default and 1 from
 * 300,000 auxiliaries up), a bare one-page-per-record Astro project of the same content (scripts/bench/bare) and the
 * full site (pages, search index, QR codes, open data). Each build runs under the harness (scripts/bench/harness.ts):
 * wall time, CPU time (user+sys of the whole build's process tree: Astro, its worker threads, Pagefind), peak RSS
 * (sum over the tree, polled from /proc every 0.5 s, and each process's own peak), dist size and file count. Prints
 * each round, then the medians with their spread and the full/bare ratios for wall and CPU time, the verification
 * page's gzip size and the first search's transfer in Chromium (test/support/page-weight.ts, not throttled: sizes
 * only; `BENCH_PAGES_DIST=<work>/full-dist npm run bench pages` times it under slow 3G). Build logs are kept as
 * `<work>/<build>-dist.log`.
 */
import { createWriteStream, existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { writeProvince } from '../sample/province.ts';
import { startServer } from '../../functions/server/node.ts';
import { CHROMIUM_PATH, chromiumAvailable, launchChromium } from '../../test/support/browser.ts';
import { measureFirstSearch } from '../../test/support/page-weight.ts';
import { alternate, benchRuns, machineLine, measureCommand, ratios, withSpread } from './harness.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const SIZE = Number(process.env.BENCH_SITE_SIZE || 100_000);
const WORK = resolve(process.env.BENCH_DIR || join(ROOT, '.bench', 'site'));
const contentDir = join(WORK, 'content');
const nodeBin = dirname(process.execPath);

interface BuildFigures {
  wallS: number;
  cpuS: number;
  peakRssMiB: number;
  bytes: number;
  files: number;
  /** Peak RSS of each process on its own (the peaks need not coincide). */
  byProcess: string;
  /** The tree's CPU as polled from /proc (harness.ts PeakRss.polledCpuS): a check on cpuS. */
  polledCpuS: number;
}

/**
 * Earlier outputs are moved aside, not deleted, before a measured build, and deleted when every round is done: on
 * ext4 without a journal (these machines) the kernel will not reuse an inode for 1–5 minutes after it was freed
 * (recently_deleted in fs/ext4/ialloc.c), so every file created just after 600,000 were deleted pays for scanning past
 * them. `perf` put 70 % of a build's certificate writes there (docs/BENCHMARKS.md): that is the bench's cleanup, not
 * the build.
 */
const TRASH = join(WORK, 'trash');
let trashed = 0;
async function moveAside(path: string) {
  if (!existsSync(path)) return;
  await mkdir(TRASH, { recursive: true });
  await rename(path, join(TRASH, `${trashed++}-${Date.now()}`));
}

async function build(label: string, args: string[], outDir: string): Promise<BuildFigures> {
  await moveAside(outDir);
  await moveAside(`${outDir}-cache`);
  let tail = '';
  const log = createWriteStream(`${outDir}.log`);
  const run = await measureCommand(join(ROOT, 'node_modules/.bin/astro'), ['build', ...args], {
    cwd: ROOT,
    env: { ...process.env, PATH: `${nodeBin}:${process.env.PATH}`, CONTENT_DIR: contentDir, OUT_DIR: outDir, ASTRO_TELEMETRY_DISABLED: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    rss: true,
    onOutput: (chunk) => {
      log.write(chunk);
      tail = (tail + chunk.toString()).slice(-4000);
    },
  });
  log.end();
  if (run.code !== 0) throw new Error(`${label} build failed (${run.code}):\n${tail}`);
  const { bytes, files } = await folderSize(outDir);
  const byProcess = [...(run.peakRss?.byName ?? [])]
    .filter(([, kib]) => kib > 10240)
    // Node names its main thread MainThread: in the full build that is Astro's process (the portal parts set their own names).
    .map(([n, kib]) => `${n === 'MainThread' ? 'Astro (MainThread)' : n} ${Math.round(kib / 1024)} MiB`)
    .join(', ');
  return {
    wallS: run.wallS,
    cpuS: run.cpuS,
    peakRssMiB: (run.peakRss?.totalKiB ?? 0) / 1024,
    bytes,
    files,
    byProcess,
    polledCpuS: run.peakRss?.polledCpuS ?? 0,
  };
}

async function folderSize(dir: string): Promise<{ bytes: number; files: number }> {
  let bytes = 0;
  let files = 0;
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    files++;
    bytes += (await stat(join(entry.parentPath, entry.name))).size;
  }
  return { bytes, files };
}

function verifyPageGzip(dist: string): { html: number; css: number } {
  const verify = join(dist, 'verify');
  const first = readdirSync(verify)[0]!;
  const html = readFileSync(join(verify, first, 'index.html'), 'utf8');
  let css = 0;
  for (const m of html.matchAll(/<link rel="stylesheet" href="([^"?]+)[^"]*"/g)) css += gzipSync(readFileSync(join(dist, m[1]!))).length;
  return { html: gzipSync(html).length, css };
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

console.log(`site: ${SIZE} auxiliaries, work folder ${WORK}`);
await mkdir(WORK, { recursive: true });
// A previous run's leftovers, deleted now, before the content is generated (not right before a build: see moveAside).
await rm(TRASH, { recursive: true, force: true });
const t = performance.now();
await writeProvince(contentDir, { auxiliaries: SIZE });
console.log(`generated content in ${((performance.now() - t) / 1000).toFixed(1)} s`);

const runs = benchRuns(SIZE >= 300_000 ? 1 : 3);
console.log(machineLine());
const line = (label: string, b: BuildFigures) =>
  `${label} build: ${b.wallS.toFixed(1)} s wall, ${b.cpuS.toFixed(1)} s CPU (${b.polledCpuS.toFixed(1)} s polled), peak RSS ${b.peakRssMiB.toFixed(0)} MiB (${b.byProcess}), ${mib(b.bytes)} in ${b.files} files`;
const sides = [
  { label: 'bare', run: () => build('bare', ['--root', join(ROOT, 'scripts/bench/bare')], join(WORK, 'bare-dist')) },
  { label: 'full', run: () => build('full', [], join(WORK, 'full-dist')) },
];
if (process.env.BENCH_CONTENT_LAYER) {
  sides.splice(1, 0, {
    label: 'bare via content layer',
    run: () => build('content layer', ['--root', join(ROOT, 'scripts/bench/bare-content-layer')], join(WORK, 'layer-dist')),
  });
}
// BENCH_ONLY=full (or bare): one side alone, to look into it; no ratio is printed then.
const only = process.env.BENCH_ONLY;
if (only) sides.splice(0, sides.length, ...sides.filter((s) => s.label === only));
const results = await alternate(sides, runs, (label, round, b) => console.log(`round ${round}: ${line(label, b)}`));
const bare = results.get('bare');
const full = results.get('full');
console.log(`\nmedian (min–max) of ${runs} round(s) per side, rounds alternating:`);
console.log('| build | wall s | CPU s (user+sys) | peak RSS MiB (tree) | dist | files |');
console.log('|---|---:|---:|---:|---:|---:|');
for (const [label, r] of results) {
  console.log(
    `| ${label} | ${withSpread(r.map((b) => b.wallS))} | ${withSpread(r.map((b) => b.cpuS))} | ${withSpread(
      r.map((b) => b.peakRssMiB),
      0,
    )} | ${mib(r[0]!.bytes)} | ${r[0]!.files} |`,
  );
}
if (full && bare) {
  const ratio = ratios(full, bare);
  console.log(`ratio full/bare: wall ${ratio.wall.toFixed(2)}, CPU ${ratio.cpu.toFixed(2)} (goal ≤ 1.5)`);
}
if (!full) process.exit(0);
const pagefindSize = existsSync(join(WORK, 'full-dist', 'pagefind')) ? await folderSize(join(WORK, 'full-dist', 'pagefind')) : undefined;
if (pagefindSize) console.log(`pagefind folder: ${mib(pagefindSize.bytes)} in ${pagefindSize.files} files`);
const gz = verifyPageGzip(join(WORK, 'full-dist'));
console.log(`verification page: ${kb(gz.html)} HTML (stylesheet inline) + ${kb(gz.css)} linked CSS = ${kb(gz.html + gz.css)} gzip (goal ≤ 15 KB)`);
const all = JSON.parse(readFileSync(join(WORK, 'full-dist', 'data', 'all.json'), 'utf8')).records as { name: string }[];
const query = all[Math.floor(all.length / 2)]!.name;
const allNames = new Set(all.map((r) => r.name));
const partQuery = all
  .slice(Math.floor(all.length / 2))
  .map((r) => [...r.name].slice(-2).join(''))
  .find((p) => [...p].length === 2 && !allNames.has(p) && !p.includes('·'))!;
if (chromiumAvailable()) {
  const server = await startServer({ distDir: join(WORK, 'full-dist'), port: 0 });
  const browser = await launchChromium();
  try {
    const first = (await measureFirstSearch(browser, server.url, query, null)).atFirstResult;
    console.log(
      `first search "${query}": ${kb(first.bytes)} in ${first.requests} requests until the first result (${kb(first.pagefindBytes)} from /pagefind/; goal ≤ 200 KB in ≤ 8 requests)`,
    );
    const part = (await measureFirstSearch(browser, server.url, partQuery, null)).atFirstResult;
    console.log(
      `first search "${partQuery}" (part of a name, part index): ${kb(part.bytes)} in ${part.requests} requests until the first result (${kb(part.pagefindBytes)} from /pagefind/)`,
    );
  } finally {
    await browser.close();
    await server.close();
  }
} else console.log(`first search: not measured (Chromium not found at ${CHROMIUM_PATH})`);
if (!process.env.BENCH_KEEP) for (const dir of ['bare-dist', 'layer-dist', 'trash']) await rm(join(WORK, dir), { recursive: true, force: true });
// BENCH_KEEP=1 leaves the trash too, for a loop of runs to delete once at its end (see moveAside).
