/**
 * `npm run bench part-index`: the part-of-name index (src/core/search/parts.ts) of a generated province of
 * BENCH_SITE_SIZE auxiliaries (default 300,000; the generator `npm run bench site` uses, content in BENCH_DIR,
 * default `.bench/part-index`, kept between runs), written by this process as the build's portal part 0 writes it,
 * without building the site: shard count, the largest shards' JSON and brotli sizes, the bigrams cut to a page, the
 * time and heap the writing takes. A
 * first search for a part of a name loads one shard, so the largest shard's brotli size plus the page's own (~17 KB)
 * is what the 200 KB budget has to hold.
 */
import { existsSync, readFileSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { brotliCompressSync, constants } from 'node:zlib';
import { writeProvince } from '../sample/province.ts';
import { getSite } from '../../src/import/site.ts';
import { buildPortal } from '../../src/build/portal/data.ts';
import { writePartIndex } from '../../src/build/search/part-index.ts';
import { bigramsOf, PART_PAGE, type PartShard } from '../../src/core/search/parts.ts';
import { searchName } from '../../src/core/search/tokens.ts';
import { machineLine } from './harness.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const SIZE = Number(process.env.BENCH_SITE_SIZE || 300_000);
const WORK = resolve(process.env.BENCH_DIR || join(ROOT, '.bench', 'part-index'));
const contentDir = join(WORK, `content-${SIZE}`);
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

console.log(`part index: ${SIZE} auxiliaries, content ${contentDir}`);
console.log(machineLine());
if (!existsSync(join(contentDir, 'agencies.yaml'))) await writeProvince(contentDir, { auxiliaries: SIZE });
const portal = buildPortal(await getSite(contentDir));
const outDir = join(WORK, `out-${SIZE}`);
await rm(outDir, { recursive: true, force: true });
// As the build writes it (portal part 0): the heap it adds, sampled while it writes.
global.gc?.();
const heapBefore = process.memoryUsage().heapUsed;
let heapPeak = heapBefore;
const sampler = setInterval(() => (heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed)), 5);
const cpu = process.cpuUsage();
const t = performance.now();
const count = await writePartIndex(portal, outDir);
const ms = performance.now() - t;
const used = process.cpuUsage(cpu);
clearInterval(sampler);
const dir = join(outDir, 'search', 'p');
// Brotli at quality 5, as the project's server sends it (functions/server/compress.ts).
const sizes = (await readdir(dir))
  .map((file) => {
    const text = readFileSync(join(dir, file), 'utf8');
    const shard = JSON.parse(text) as PartShard;
    return {
      file,
      entries: shard.p.length,
      cut: Object.keys(shard.more ?? {}),
      raw: Buffer.byteLength(text),
      br: brotliCompressSync(text, { params: { [constants.BROTLI_PARAM_QUALITY]: 5 } }).length,
      more: shard.more ?? {},
    };
  })
  .sort((a, b) => b.br - a.br);
const cut = sizes.flatMap((s) => Object.entries(s.more)).sort((a, b) => b[1] - a[1]);
const entries = sizes.reduce((n, s) => n + s.entries, 0);
const median = sizes[Math.floor(sizes.length / 2)]!;
console.log(`${portal.auxiliaries.length} people, ${count} shards, ${entries} entries (${(entries / count).toFixed(0)} a shard on average)`);
console.log(
  `written in ${ms.toFixed(0)} ms (${((used.user + used.system) / 1000).toFixed(0)} ms CPU), heap up to ${mib(heapPeak - heapBefore)} above the loaded site while writing`,
);
console.log(`median shard: ${kb(median.raw)} JSON, ${kb(median.br)} brotli`);
for (const s of sizes.slice(0, 5)) {
  console.log(`largest shard ${s.file}: ${s.entries} people, ${s.cut.length} bigram(s) cut, ${kb(s.raw)} JSON, ${kb(s.br)} brotli`);
}
const perBigram = new Map<string, number>();
for (const aux of portal.auxiliaries)
  if (aux.name !== undefined) for (const b of bigramsOf(searchName(aux.name))) perBigram.set(b, (perBigram.get(b) ?? 0) + 1);
const common = [...perBigram].sort((a, b) => b[1] - a[1]).slice(0, 5);
console.log(`${perBigram.size} bigrams; the commonest: ${common.map(([b, n]) => `${b} ${n}`).join(', ')} (a bigram keeps at most ${PART_PAGE} in its shard)`);
console.log(
  `bigrams cut to a page: ${cut.length}${
    cut.length
      ? ` (largest: ${cut
          .slice(0, 8)
          .map(([b, n]) => `${b} ${n}`)
          .join(', ')})`
      : ''
  }`,
);
await rm(outDir, { recursive: true, force: true });
