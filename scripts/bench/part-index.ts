/**
 * `npm run bench part-index`: the part-of-name index (src/build/search/parts.ts) of a generated province of
 * BENCH_SITE_SIZE auxiliaries (default 300,000; the generator `npm run bench site` uses, content in BENCH_DIR,
 * default `.bench/part-index`, kept between runs), computed in this process without building the site: shard count,
 * the largest shards' JSON and brotli sizes, the bigrams cut to a page, the time and memory the index takes. A
 * first search for a part of a name loads one shard, so the largest shard's brotli size plus the page's own (~17 KB)
 * is what the 200 KB budget has to hold.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { brotliCompressSync, constants } from 'node:zlib';
import { writeProvince } from '../sample/province.ts';
import { getSite } from '../../src/import/site.ts';
import { buildPortal } from '../../src/build/portal/data.ts';
import { partIndexShards } from '../../src/build/search/part-index.ts';
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
const heapBefore = process.memoryUsage().heapUsed;
const cpu = process.cpuUsage();
const t = performance.now();
const shards = [...partIndexShards(portal)];
const json = shards.map((s) => JSON.stringify(s));
const ms = performance.now() - t;
const cpuMs = (() => {
  const used = process.cpuUsage(cpu);
  return (used.user + used.system) / 1000;
})();
const heapAfter = process.memoryUsage().heapUsed;
// Brotli at quality 5, as the project's server sends it (functions/server/compress.ts).
const sizes = json
  .map((text, i) => ({
    i,
    entries: shards[i]!.p.length,
    more: Object.keys(shards[i]!.more ?? {}).length,
    raw: Buffer.byteLength(text),
    br: brotliCompressSync(text, { params: { [constants.BROTLI_PARAM_QUALITY]: 5 } }).length,
  }))
  .sort((a, b) => b.br - a.br);
const cut = shards.flatMap((s) => Object.entries(s.more ?? {})).sort((a, b) => b[1] - a[1]);
const entries = sizes.reduce((n, s) => n + s.entries, 0);
const median = sizes[Math.floor(sizes.length / 2)]!;
console.log(`${portal.auxiliaries.length} people, ${shards.length} shards, ${entries} entries (${(entries / shards.length).toFixed(0)} a shard on average)`);
console.log(
  `computed in ${ms.toFixed(0)} ms (${cpuMs.toFixed(0)} ms CPU), heap ${mib(heapAfter - heapBefore)} more while held, peak RSS of this process ${mib(process.resourceUsage().maxRSS * 1024)}`,
);
console.log(`median shard: ${kb(median.raw)} JSON, ${kb(median.br)} brotli`);
for (const s of sizes.slice(0, 5)) {
  console.log(`largest shard ${s.i.toString(36)}: ${s.entries} people, ${s.more} bigram(s) cut, ${kb(s.raw)} JSON, ${kb(s.br)} brotli`);
}
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
