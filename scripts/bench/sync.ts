/**
 * `npm run bench sync`: what publishing a province's site to a static host or object storage moves. On a generated
 * province of BENCH_SITE_SIZE (100,000) auxiliaries it builds the site, lets one auxiliary leave (one CSV row:
 * 在岗 → 离岗), builds again into the same output link (as `npm run build` does), and prints
 * - the first upload: files and bytes of the new build;
 * - a re-upload compared by content (MD5: what `rclone sync --checksum` compares, and object storage's ETag) and by
 *   size and modification time (what `rsync -a`, `aws s3 sync` and most sync tools compare by default);
 * - how long hashing one build takes here (what a comparison by content costs the machine that uploads), as the
 *   median of BENCH_RUNS (3) rounds with the spread, wall and CPU.
 * No object storage is reachable from here, so the upload itself is not timed: docs/SCALE.md §1 turns these
 * figures into upload times under stated assumptions.
 *
 * Work folder: BENCH_DIR (.bench/sync-<size>); what this part wrote there before is deleted at its start and, unless
 * BENCH_KEEP is set, at its end (only its own content/, dist* entries: never the folder itself).
 */
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildSite } from '../build/atomic.ts';
import { ROSTER_DATE } from '../sample/people.ts';
import { writeProvince } from '../sample/province.ts';
import { benchRuns, machineLine, type Measured, measureClosure, withSpread } from './harness.ts';
import { localEnv } from './local-env.ts';
import { compareTrees, hashTree, markOneLeft, type TreeFile } from './tree-diff.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const SIZE = Number(process.env.BENCH_SITE_SIZE || 100_000);
const WORK = resolve(process.env.BENCH_DIR || join(ROOT, '.bench', `sync-${SIZE}`));
const CONTENT = join(WORK, 'content');
const OUT = join(WORK, 'dist');
const RUNS = benchRuns(3);

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
const count = (n: number) => n.toLocaleString('en-US');

async function build(label: string): Promise<string> {
  const run = await measureClosure(() =>
    buildSite({ outDir: OUT, env: localEnv({ CONTENT_DIR: CONTENT, OUT_DIR: OUT }), stdio: ['ignore', 'ignore', 'inherit'] }),
  );
  if (!run.value.ok || !run.value.builtDir) throw new Error(`${label} build failed`);
  console.log(
    `${label} build: ${run.wallS.toFixed(1)} s wall, ${run.cpuS.toFixed(1)} s CPU (one round, for orientation: \`npm run bench site\` measures builds)`,
  );
  return run.value.builtDir;
}

/** The first UTF-8 CSV roster with a row in post: that row's auxiliary leaves on the roster's date. */
function oneLeaves(): string {
  const rosters = join(CONTENT, 'rosters');
  for (const area of readdirSync(rosters).sort()) {
    for (const file of readdirSync(join(rosters, area)).sort()) {
      if (!file.endsWith('.csv')) continue;
      const path = join(rosters, area, file);
      let text: string;
      try {
        text = new TextDecoder('utf-8', { fatal: true }).decode(readFileSync(path));
      } catch {
        continue; // a GB18030 export
      }
      const left = markOneLeft(text, ROSTER_DATE);
      writeFileSync(path, left.text);
      return `${left.certificateNo} in ${area}/${file}`;
    }
  }
  throw new Error(`no UTF-8 CSV roster under ${rosters}`);
}

/** This part's own entries in WORK: the content, the output link, its builds and Astro's cache. */
function clean(): void {
  if (!existsSync(WORK)) return;
  for (const name of readdirSync(WORK)) {
    if (name === 'content' || name === 'dist' || name.startsWith('dist.') || name === 'dist-cache') rmSync(join(WORK, name), { recursive: true, force: true });
  }
}

console.log(`sync: ${SIZE} auxiliaries, work folder ${WORK}`);
console.log(machineLine());
clean();
await writeProvince(CONTENT, { auxiliaries: SIZE });
const before = await build('first');
console.log(`one auxiliary leaves: ${oneLeaves()}`);
const after = await build('second');

// Hashing is what a comparison by content costs the machine that uploads: timed in BENCH_RUNS rounds.
const hashes: (Measured & { value: Map<string, TreeFile> })[] = [];
for (let round = 0; round < RUNS; round++) hashes.push(await measureClosure(() => hashTree(after)));
const diff = compareTrees(hashTree(before), hashes[0]!.value);
const folders = [...diff.byContent.byFolder]
  .sort((a, b) => b[1] - a[1])
  .map(([folder, n]) => `${folder} ${n}`)
  .join(', ');
console.log(
  `hashing one build (MD5 of every file), median (min–max) of ${RUNS}: ${withSpread(
    hashes.map((h) => h.wallS),
    1,
    ' s',
  )} wall, ${withSpread(
    hashes.map((h) => h.cpuS),
    1,
    ' s',
  )} CPU`,
);
console.log('| upload | files | size |');
console.log('|---|---:|---:|');
console.log(`| first upload (the whole build) | ${count(diff.all.files)} | ${mib(diff.all.bytes)} |`);
console.log(
  `| after one change, compared by content | ${count(diff.byContent.files)} (${diff.byContent.changed} changed, ${diff.byContent.added} new) | ${mib(diff.byContent.bytes)} |`,
);
console.log(`| after one change, compared by size and time | ${count(diff.bySizeAndTime.files)} | ${mib(diff.bySizeAndTime.bytes)} |`);
console.log(`files gone (deleted by the sync): ${count(diff.removed)}; changed or new by folder: ${folders}`);
if (!process.env.BENCH_KEEP) clean();
