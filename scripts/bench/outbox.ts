/**
 * `npm run bench outbox`: the mail worker alone — CPU per mail and mails/s while it drains a backlog.
 *
 * Each round is a fresh process with a fresh store (SQLite under a temp VAR_DIR, or a fresh PostgreSQL schema when
 * TEST_DATABASE_URL answers): the app as `npm start` builds it (createApp, .eml outbox) takes BENCH_MAILS (400)
 * island-like submissions (JSON; one in ten multipart with the 200 KB JPEG); then the worker rounds run until nothing is
 * due, and only that drain is measured: the process's user+sys (process.cpuUsage, every thread) plus, on
 * PostgreSQL, the backends serving the bench's database.
 *
 * On PostgreSQL a second table: the same backlog (BENCH_WORKER_MAILS, 2,400) drained by 1, 2 and 4 worker processes
 * at once (BENCH_OUTBOX_WORKERS), to see whether the drain grows with the workers (scripts/bench/outbox-workers.ts).
 *
 * BENCH_BASELINE_ROOT=<checkout of other code> adds that code as a second side, in alternating rounds (baseline,
 * this, baseline, this, …), so a before/after comparison sees the same machine load.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { alternate, benchRuns, machineLine, summarize, withSpread } from './harness.ts';
import { backendsCpuSeconds, createSchema, dropSchema, EVIDENCE, postgresReachable, schemaUrl } from './island-post.ts';
import { openFilledApp } from './outbox-fill.ts';
import { benchWorkers, drain, fill } from './outbox-workers.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const MAILS = Number(process.env.BENCH_MAILS || 400);

interface Round {
  mails: number;
  cpuMsPerMail: number;
  mailsPerSecond: number;
  emlFiles: number;
  unsent: number;
}

/** One round in this process: fill the outbox through the intake of the code at `root`, then drain it. */
async function round(root: string, store: 'sqlite' | 'postgres', outDir: string): Promise<Round> {
  const varDir = mkdtempSync(join(tmpdir(), 'bench-outbox-'));
  const schema = store === 'postgres' ? await createSchema() : '';
  const env = {
    ...process.env,
    VAR_DIR: varDir,
    OUT_DIR: outDir,
    CONTENT_DIR: join(root, 'content'),
    DATABASE_URL: schema ? schemaUrl(schema) : '',
    SMTP_URL: '',
  };
  const app = await openFilledApp(root, env, outDir, MAILS);
  try {
    const backends = () => (store === 'postgres' ? backendsCpuSeconds() : 0);
    const cpu = process.cpuUsage();
    const pgBefore = backends();
    const started = performance.now();
    // Under --cpu-prof: where the drain starts on the profile's clock (µs, monotonic), to look at the drain alone.
    if (process.execArgv.some((a) => a.startsWith('--cpu-prof'))) console.error(`drain starts at ${process.hrtime.bigint() / 1000n} µs`);
    let mails = 0;
    for (;;) {
      const r = await app.sendPendingMail();
      mails += r.sent;
      if (!r.claimed) break;
    }
    const wallS = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    const cpuS = (used.user + used.system) / 1e6 + backends() - pgBefore;
    const [{ n: unsent }] = await app.world.store.query("SELECT COUNT(*) AS n FROM outbox WHERE status <> 'sent'");
    return {
      mails,
      cpuMsPerMail: (cpuS * 1000) / Math.max(1, mails),
      mailsPerSecond: mails / wallS,
      emlFiles: readdirSync(join(varDir, 'outbox')).filter((f) => f.endsWith('.eml')).length,
      unsent: Number(unsent),
    };
  } finally {
    await app.close();
    rmSync(varDir, { recursive: true, force: true });
    if (store === 'postgres') await dropSchema(schema);
  }
}

/** What the complaint island sends (scripts/bench/complaints.ts): JSON (multipart with the photo), no e-mail (one mail: the agency's), 1 in 10 with the JPEG. */
async function main(): Promise<void> {
  const postgres = await postgresReachable();
  const baseline = process.env.BENCH_BASELINE_ROOT ? resolve(process.env.BENCH_BASELINE_ROOT) : undefined;
  const sides = [...(baseline ? [{ label: 'baseline', root: baseline }] : []), { label: 'this', root: ROOT }];
  const runs = benchRuns();
  console.log(machineLine());
  console.log(
    `${MAILS} submissions (1 in 10 with a ${(EVIDENCE.length / 1024).toFixed(0)} KB JPEG) queued, then drained by the worker (.eml); ${runs} alternating rounds per side`,
  );
  if (baseline) console.log(`baseline = ${baseline}`);
  console.log('| store | code | CPU ms/mail | mails/s | mails sent | .eml | not sent |');
  console.log('|---|---|---:|---:|---:|---:|---:|');
  let failed = false;
  for (const store of postgres ? (['sqlite', 'postgres'] as const) : (['sqlite'] as const)) {
    const results = await alternate<Round>(
      sides.map((side) => ({
        label: side.label,
        run: async () => {
          const outDir = join(tmpdir(), `gongshi-bench-outbox-${side.label}`);
          const child = spawnSync(process.execPath, [import.meta.filename, '--round', side.root, store, outDir], {
            encoding: 'utf8',
            stdio: ['ignore', 'pipe', 'inherit'],
          });
          const line = child.stdout.split('\n').find((l) => l.startsWith('{'));
          if (child.status !== 0 || !line) throw new Error(`round failed (${child.status}): ${child.stdout}`);
          return JSON.parse(line) as Round;
        },
      })),
      runs,
    );
    for (const side of sides) {
      const r = results.get(side.label)!;
      const sum = (f: (x: Round) => number) => r.reduce((n, x) => n + f(x), 0);
      if (sum((x) => x.unsent)) failed = true;
      console.log(
        `| ${store} | ${side.label} | ${withSpread(
          r.map((x) => x.cpuMsPerMail),
          2,
        )} | ${withSpread(
          r.map((x) => x.mailsPerSecond),
          0,
        )} | ${sum((x) => x.mails)} | ${sum((x) => x.emlFiles)} | ${sum((x) => x.unsent)} |`,
      );
    }
    if (baseline) {
      const median = (label: string) => summarize(results.get(label)!.map((x) => x.cpuMsPerMail)).median;
      console.log(`| ${store} | baseline ÷ this | **${(median('baseline') / median('this')).toFixed(2)}×** less CPU per mail | | | | |`);
    }
  }
  if (postgres && !(await benchWorkers(import.meta.filename, ROOT, runs))) failed = true;
  if (failed) process.exit(1);
}

if (process.argv[2] === '--fill') {
  const [root, outDir, mails] = process.argv.slice(3) as [string, string, string];
  await fill(root, process.env, outDir, Number(mails));
  process.exit(0);
} else if (process.argv[2] === '--drain') {
  await drain(process.argv[3]!);
  process.exit(0);
} else if (process.argv[2] === '--round') {
  const [root, store, outDir] = process.argv.slice(3) as [string, 'sqlite' | 'postgres', string];
  console.log(JSON.stringify(await round(root, store, outDir)));
  process.exit(0);
} else await main();
