/**
 * Benchmark for issue 2: `roster:check` on a province-sized roster (100,000 auxiliaries by default; set
 * ROSTER_BENCH_ROWS to change). The content folder is generated into a temp dir with the sample generator's
 * writeProvince (mostly UTF-8 CSV, one GB18030 CSV, one XLSX), then `scripts/roster-check.ts --stats` runs as its
 * own process 3 times. Prints each run, the median wall time and the peak RSS. Goal: < 5 s, < 300 MB.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeProvince } from '../sample/province.ts';

const ROWS = Number(process.env.ROSTER_BENCH_ROWS ?? 100_000);
const RUNS = 3;
const CHECK = fileURLToPath(new URL('../roster-check.ts', import.meta.url));

const outDir = await mkdtemp(join(tmpdir(), 'gongshi-roster-bench-'));
try {
  const t0 = performance.now();
  await writeProvince(outDir, { auxiliaries: ROWS });
  const files = (await readdir(join(outDir, 'rosters'), { recursive: true })).filter((f) => /\.(csv|xlsx)$/.test(f));
  let bytes = 0;
  const byType = new Map<string, number>();
  for (const f of files) {
    bytes += (await stat(join(outDir, 'rosters', f))).size;
    byType.set(extname(f), (byType.get(extname(f)) ?? 0) + 1);
  }
  console.log(`generated ${ROWS} auxiliaries in ${files.length} files (${[...byType].map(([t, n]) => `${n} × ${t}`).join(', ')}; ${(bytes / 2 ** 20).toFixed(1)} MiB) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'} · node ${process.version} · load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);

  const runs: { wallMs: number; cpuMs: number; rssMb: number }[] = [];
  for (let i = 1; i <= RUNS; i++) {
    const start = performance.now();
    const child = spawnSync(process.execPath, [CHECK, '--stats'], { env: { ...process.env, CONTENT_DIR: outDir }, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
    const wallMs = performance.now() - start;
    const stats = /stats files=(\d+) rows=(\d+) wall_ms=(\d+) cpu_ms=(\d+) max_rss_kb=(\d+)/.exec(child.stderr);
    if (child.status !== 0 || !stats) {
      console.error(child.stdout.split('\n').slice(-20).join('\n'), child.stderr);
      throw new Error(`roster:check failed (exit ${child.status})`);
    }
    const rssMb = Number(stats[5]) / 1024;
    const cpuMs = Number(stats[4]);
    runs.push({ wallMs, cpuMs, rssMb });
    console.log(`run ${i}: ${stats[2]} rows · wall ${(wallMs / 1000).toFixed(2)} s (in-process ${(Number(stats[3]) / 1000).toFixed(2)} s, CPU ${(cpuMs / 1000).toFixed(2)} s) · peak RSS ${rssMb.toFixed(0)} MB`);
  }
  const sorted = runs.map((r) => r.wallMs).sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  const cpuMedian = runs.map((r) => r.cpuMs).sort((a, b) => a - b)[Math.floor(runs.length / 2)]!;
  const peak = Math.max(...runs.map((r) => r.rssMb));
  const ok = median < 5000 && peak < 300;
  console.log(`roster:check ${ROWS} rows: median wall ${(median / 1000).toFixed(2)} s (median CPU ${(cpuMedian / 1000).toFixed(2)} s), peak RSS ${peak.toFixed(0)} MB — goal < 5 s, < 300 MB: ${ok ? 'met' : 'NOT met'}`);
} finally {
  await rm(outDir, { recursive: true, force: true });
}
