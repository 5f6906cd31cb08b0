/**
 * `npm run bench site`: generates a province of BENCH_SITE_SIZE (default 100,000) auxiliaries with the sample
 * generator, builds the full site (pages, search index, QR codes, open data) and a bare one-page-per-record
 * Astro project of the same content, and prints wall time, peak RSS (sum over the build's process tree,
 * polled from /proc every 0.5 s), dist size and file count for both, their ratio, the verification page's gzip size and
 * the first search's transfer measured in Chromium. Each build's output is kept in `<work>/<build>-dist.log`.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { writeProvince } from '../sample/province.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const SIZE = Number(process.env.BENCH_SITE_SIZE || 100_000);
const WORK = resolve(process.env.BENCH_DIR || join(ROOT, '.bench', 'site'));
const contentDir = join(WORK, 'content');
const nodeBin = dirname(process.execPath);

interface BuildFigures {
  seconds: number;
  peakRssMiB: number;
  bytes: number;
  files: number;
  /** Peak RSS of each process on its own (the peaks need not coincide). */
  byProcess: string;
}

/** Peak RSS seen per process name during the current build (KiB). */
let peakByName = new Map<string, number>();

function treeRssKiB(root: number): number {
  const children = new Map<number, number[]>();
  const rss = new Map<number, number>();
  const names = new Map<number, string>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const status = readFileSync(`/proc/${name}/status`, 'utf8');
      const ppid = Number(/PPid:\s+(\d+)/.exec(status)?.[1]);
      rss.set(Number(name), Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0));
      names.set(Number(name), /Name:\s+(\S+)/.exec(status)?.[1] ?? '?');
      const list = children.get(ppid) ?? [];
      list.push(Number(name));
      children.set(ppid, list);
    } catch {
      /* process ended */
    }
  }
  let total = 0;
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop()!;
    total += rss.get(pid) ?? 0;
    const n = names.get(pid) ?? '?';
    peakByName.set(n, Math.max(peakByName.get(n) ?? 0, rss.get(pid) ?? 0));
    stack.push(...(children.get(pid) ?? []));
  }
  return total;
}

async function build(label: string, args: string[], outDir: string): Promise<BuildFigures> {
  await rm(outDir, { recursive: true, force: true });
  await rm(`${outDir}-cache`, { recursive: true, force: true });
  const started = performance.now();
  const child = spawn(join(ROOT, 'node_modules/.bin/astro'), ['build', ...args], {
    cwd: ROOT,
    env: { ...process.env, PATH: `${nodeBin}:${process.env.PATH}`, CONTENT_DIR: contentDir, OUT_DIR: outDir, ASTRO_TELEMETRY_DISABLED: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let peak = 0;
  peakByName = new Map();
  const poll = setInterval(() => (peak = Math.max(peak, treeRssKiB(child.pid!))), 500);
  let tail = '';
  const log = createWriteStream(`${outDir}.log`);
  const keep = (chunk: Buffer) => {
    log.write(chunk);
    tail = (tail + chunk.toString()).slice(-4000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const code: number = await new Promise((done) => child.on('close', done));
  clearInterval(poll);
  log.end();
  const seconds = (performance.now() - started) / 1000;
  if (code !== 0) throw new Error(`${label} build failed (${code}):\n${tail}`);
  const { bytes, files } = await folderSize(outDir);
  const byProcess = [...peakByName]
    .filter(([, kib]) => kib > 10240)
    .map(([n, kib]) => `${n} ${Math.round(kib / 1024)} MiB`)
    .join(', ');
  return { seconds, peakRssMiB: peak / 1024, bytes, files, byProcess };
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

/** Loads /search/?q=<a name> in Chromium and adds up what it fetches (already-gzipped Pagefind files as is, text gzipped). */
async function firstSearchTransfer(dist: string, query: string): Promise<{ pagefind: number; total: number; requests: number }> {
  const { startServer } = await import('../../functions/server/node.ts');
  const { launchChromium, chromiumAvailable } = await import('../../test/support/browser.ts');
  if (!chromiumAvailable()) return { pagefind: NaN, total: NaN, requests: 0 };
  const server = await startServer({ distDir: dist, port: 0 });
  const browser = await launchChromium();
  const page = await browser.newPage();
  let pagefind = 0;
  let total = 0;
  let requests = 0;
  page.on('response', async (response) => {
    const body = await response.body().catch(() => Buffer.alloc(0));
    const path = new URL(response.url()).pathname;
    const size = /\.(pagefind|pf_\w+)$/.test(path) ? body.length : gzipSync(body).length;
    total += size;
    requests++;
    if (path.startsWith('/pagefind/')) pagefind += size;
  });
  await page.goto(`${server.url}/search/?q=${encodeURIComponent(query)}`, { waitUntil: 'networkidle' });
  await page
    .locator('#search-summary')
    .filter({ hasText: /找到|没有找到/ })
    .waitFor();
  await page.waitForLoadState('networkidle');
  await browser.close();
  await server.close();
  return { pagefind, total, requests };
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

console.log(`site: ${SIZE} auxiliaries, work folder ${WORK}`);
await mkdir(WORK, { recursive: true });
const t = performance.now();
await writeProvince(contentDir, { auxiliaries: SIZE });
console.log(`generated content in ${((performance.now() - t) / 1000).toFixed(1)} s`);

// BENCH_REPEAT=n builds each n times, alternating, and keeps each one's fastest run: other work on a shared
// machine slows a build down, never speeds it up.
const repeat = Math.max(1, Number(process.env.BENCH_REPEAT || 1));
let bare: BuildFigures | undefined;
let full: BuildFigures | undefined;
const best = (a: BuildFigures | undefined, b: BuildFigures) => (a && a.seconds <= b.seconds ? a : b);
for (let round = 1; round <= repeat; round++) {
  const b = await build('bare', ['--root', join(ROOT, 'scripts/bench/bare')], join(WORK, 'bare-dist'));
  console.log(`bare  build: ${b.seconds.toFixed(1)} s, peak RSS ${b.peakRssMiB.toFixed(0)} MiB, ${mib(b.bytes)} in ${b.files} files`);
  bare = best(bare, b);
  if (process.env.BENCH_CONTENT_LAYER && round === 1) {
    const layer = await build('content layer', ['--root', join(ROOT, 'scripts/bench/bare-content-layer')], join(WORK, 'layer-dist'));
    console.log(
      `bare via content layer: ${layer.seconds.toFixed(1)} s, peak RSS ${layer.peakRssMiB.toFixed(0)} MiB, ${mib(layer.bytes)} in ${layer.files} files (${(layer.seconds / b.seconds).toFixed(2)} × bare)`,
    );
    await rm(join(WORK, 'layer-dist'), { recursive: true, force: true });
  }
  const f = await build('full', [], join(WORK, 'full-dist'));
  console.log(`full  build: ${f.seconds.toFixed(1)} s, peak RSS ${f.peakRssMiB.toFixed(0)} MiB, ${mib(f.bytes)} in ${f.files} files`);
  console.log(`  peak RSS per process: ${f.byProcess}`);
  full = best(full, f);
}
if (!bare || !full) throw new Error('no build ran');
if (repeat > 1) console.log(`fastest of ${repeat}: bare ${bare.seconds.toFixed(1)} s, full ${full.seconds.toFixed(1)} s`);
console.log(
  `ratio full/bare wall time: ${(full.seconds / bare.seconds).toFixed(2)} (goal ≤ 1.5); peak RSS ${full.peakRssMiB.toFixed(0)} MiB (goal ≤ 2048 MiB)`,
);
const pagefindSize = await folderSize(join(WORK, 'full-dist', 'pagefind'));
console.log(`pagefind folder: ${mib(pagefindSize.bytes)} in ${pagefindSize.files} files`);
const gz = verifyPageGzip(join(WORK, 'full-dist'));
console.log(`verification page: ${kb(gz.html)} HTML + ${kb(gz.css)} CSS = ${kb(gz.html + gz.css)} gzip (goal ≤ 15 KB)`);
const all = JSON.parse(readFileSync(join(WORK, 'full-dist', 'data', 'all.json'), 'utf8')).records as { name: string }[];
const query = all[Math.floor(all.length / 2)]!.name;
const first = await firstSearchTransfer(join(WORK, 'full-dist'), query);
console.log(
  `first search "${query}": ${kb(first.pagefind)} from /pagefind/ (goal ≤ 300 KB), ${kb(first.total)} for the whole page in ${first.requests} requests`,
);
if (existsSync(join(WORK, 'full-dist')) && !process.env.BENCH_KEEP) {
  await rm(join(WORK, 'bare-dist'), { recursive: true, force: true });
}
