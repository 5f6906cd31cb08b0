/**
 * Benchmark of `roster:check` on a province-sized roster (100,000 auxiliaries by default; set
 * ROSTER_BENCH_ROWS to change). The content folder is generated into a temp dir with the sample generator's
 * writeProvince (mostly UTF-8 CSV, one GB18030 CSV, one XLSX), then `scripts/roster-check.ts --stats` runs as its
 * own process 3 times. Prints each run, the median wall time and the peak RSS. Goal: < 5 s, < 300 MB.
 * With ROSTER_BENCH_XLSX=1 it also times one run on the same number of rows in a single XLSX workbook (the
 * worst case: the reader holds the whole workbook in memory).
 */
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { writeProvince } from '../sample/province.ts';
import { summarize, withSpread } from './harness.ts';

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
  console.log(
    `generated ${ROWS} auxiliaries in ${files.length} files (${[...byType].map(([t, n]) => `${n} × ${t}`).join(', ')}; ${(bytes / 2 ** 20).toFixed(1)} MiB) in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  console.log(
    `machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'} · node ${process.version} · load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );

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
    console.log(
      `run ${i}: ${stats[2]} rows · wall ${(wallMs / 1000).toFixed(2)} s (in-process ${(Number(stats[3]) / 1000).toFixed(2)} s, CPU ${(cpuMs / 1000).toFixed(2)} s) · peak RSS ${rssMb.toFixed(0)} MB`,
    );
  }
  const median = summarize(runs.map((r) => r.wallMs)).median;
  const peak = Math.max(...runs.map((r) => r.rssMb));
  const ok = median < 5000 && peak < 300;
  console.log(
    `roster:check ${ROWS} rows, median (min–max) of ${RUNS}: wall ${withSpread(
      runs.map((r) => r.wallMs / 1000),
      2,
      ' s',
    )}, CPU ${withSpread(
      runs.map((r) => r.cpuMs / 1000),
      2,
      ' s',
    )}, peak RSS ${withSpread(
      runs.map((r) => r.rssMb),
      0,
      ' MB',
    )} — goal < 5 s, < 300 MB: ${ok ? 'met' : 'NOT met'}`,
  );
  if (process.env.ROSTER_BENCH_XLSX === '1') await singleXlsx(outDir);
} finally {
  await rm(outDir, { recursive: true, force: true });
}

/** The same agencies, all ROWS auxiliaries in one workbook of one agency (a province-wide export). */
async function singleXlsx(provinceDir: string): Promise<void> {
  await rm(join(provinceDir, 'rosters'), { recursive: true, force: true });
  await mkdir(join(provinceDir, 'rosters'));
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('名单');
  sheet.addRow(['序号', '姓名', '单位', '证件编号', '岗位', '状态', '发证日期', '有效期至', '身份证号', '联系电话']);
  for (let i = 0; i < ROWS; i++) {
    const issued = new Date(Date.UTC(2022, 0, 1 + (i % 1000)));
    sheet.addRow([
      i + 1,
      `张${'伟芳娜敏静丽强磊军洋'[i % 10]}${'一二三四五六七八九十'[Math.floor(i / 10) % 10]}`,
      'renqiu-cgj',
      `BENCH-${i}`,
      '协管员',
      ['在岗', '暂停', '注销', '离职'][i % 4],
      issued,
      new Date(issued.getTime() + 5 * 365 * 86_400_000),
      `13098219900101${String(i % 10000).padStart(4, '0')}`,
      '13800138000',
    ]);
  }
  const file = join(provinceDir, 'rosters', 'province-2026-11-01.xlsx');
  await workbook.xlsx.writeFile(file);
  const start = performance.now();
  const child = spawnSync(process.execPath, [CHECK, '--stats'], {
    env: { ...process.env, CONTENT_DIR: provinceDir },
    encoding: 'utf8',
    maxBuffer: 64 * 2 ** 20,
  });
  const wallMs = performance.now() - start;
  const stats = /cpu_ms=(\d+) max_rss_kb=(\d+)/.exec(child.stderr);
  if (child.status !== 0 || !stats) throw new Error(`roster:check on the single XLSX failed (exit ${child.status}): ${child.stderr}`);
  console.log(
    `single XLSX, ${ROWS} rows (${((await stat(file)).size / 2 ** 20).toFixed(1)} MiB): wall ${(wallMs / 1000).toFixed(2)} s, CPU ${(Number(stats[1]) / 1000).toFixed(2)} s, peak RSS ${(Number(stats[2]) / 1024).toFixed(0)} MB`,
  );
}
