/**
 * The outbox drained by several `npm run outbox`-like processes at once against one PostgreSQL (docs/SCALE.md §4):
 * does the drain grow with the workers, or do their claims (`FOR UPDATE SKIP LOCKED`) get in each other's way?
 *
 * Per round: a fresh schema takes BENCH_WORKER_MAILS (2,400) island-like submissions through the real intake
 * (outbox-fill.ts, in a process of its own); then N fresh processes each open the app as `npm run outbox` does, say
 * they are ready, and on one signal all drain until nothing is left to claim (.eml). The clock runs from the signal to
 * the last one's report; CPU is the workers' own user+sys over their drain plus the PostgreSQL backends'. Each worker
 * starts cold: with a smaller backlog the figures measure its warm-up more than its drain.
 * Rounds alternate between the worker counts (1, 2, 4, 1, 2, 4, …).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { alternate, summarize, withSpread } from './harness.ts';
import { backendsCpuSeconds, createSchema, dropSchema, PG_URL, schemaUrl } from './island-post.ts';
import { openFilledApp } from './outbox-fill.ts';

export const WORKER_MAILS = Number(process.env.BENCH_WORKER_MAILS || 2400);

export interface WorkersRound {
  workers: number;
  mails: number;
  /** Mails each worker sent, to see that all of them took part. */
  perWorker: number[];
  mailsPerSecond: number;
  cpuMsPerMail: number;
  /** The PostgreSQL backends' part of cpuMsPerMail. */
  backendsMsPerMail: number;
  emlFiles: number;
  unsent: number;
}

interface DrainReport {
  mails: number;
  cpuS: number;
}

/** The worker counts to compare: BENCH_OUTBOX_WORKERS (e.g. `1,2,4`). */
export function workerCounts(): number[] {
  const counts = (process.env.BENCH_OUTBOX_WORKERS || '1,2,4').split(',').map((s) => Number(s.trim()));
  if (counts.some((n) => !Number.isInteger(n) || n < 1))
    throw new Error(`BENCH_OUTBOX_WORKERS: "${process.env.BENCH_OUTBOX_WORKERS}" is not a list of worker counts such as 1,2,4`);
  return counts;
}

function envFor(root: string, schema: string, varDir: string, outDir: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    VAR_DIR: varDir,
    OUT_DIR: outDir,
    CONTENT_DIR: join(root, 'content'),
    DATABASE_URL: schemaUrl(schema),
    SMTP_URL: '',
  };
}

/** Fills a fresh schema's outbox through the intake of the code at `root` (run as its own process: `--fill`). */
export async function fill(root: string, env: NodeJS.ProcessEnv, outDir: string, mails: number): Promise<void> {
  const app = await openFilledApp(root, env, outDir, mails);
  await app.close();
}

/**
 * One worker process (`--drain`): opens the app, says `ready`, waits for `go` on stdin, drains, reports, and closes
 * only when stdin ends, so that its PostgreSQL backends are still there to be counted.
 */
export async function drain(root: string): Promise<void> {
  const { readSettings } = await import(join(root, 'src/core/settings.ts'));
  const { createApp } = await import(join(root, 'functions/server/app.ts'));
  const app = await createApp(readSettings(process.env), { log: () => undefined });
  const ended = new Promise<void>((done) => process.stdin.once('end', () => done()));
  console.log('ready');
  await new Promise<void>((go) => process.stdin.once('data', () => go()));
  process.stdin.resume();
  const cpu = process.cpuUsage();
  let mails = 0;
  for (;;) {
    const r = await app.sendPendingMail();
    mails += r.sent;
    if (!r.claimed) break;
  }
  const used = process.cpuUsage(cpu);
  console.log(JSON.stringify({ mails, cpuS: (used.user + used.system) / 1e6 } satisfies DrainReport));
  await ended;
  await app.close();
}

function runChild(args: string[], env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, args, { env, stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  const line = (test: (l: string) => boolean) =>
    new Promise<string>((resolve, reject) => {
      const look = () => {
        const found = out.split('\n').find((l, i, all) => i < all.length - 1 && test(l));
        if (found !== undefined) resolve(found);
      };
      child.stdout!.on('data', look);
      child.once('exit', (code) => reject(new Error(`worker exited (${code}): ${out}`)));
    });
  child.stdout!.on('data', (c: Buffer) => {
    out += c.toString();
  });
  const ready = line((l) => l === 'ready');
  const report = line((l) => l.startsWith('{')).then((l) => JSON.parse(l) as DrainReport);
  const exited = new Promise<void>((resolve, reject) =>
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`worker exited (${code}): ${out}`)))),
  );
  // Awaited later, in order; marked handled now so that a worker failing early is reported once, by `ready`.
  for (const p of [report, exited]) p.catch(() => undefined);
  return { child, ready, report, exited };
}

/** One round: `mails` queued through the intake, then drained by `workers` processes of `script` (outbox.ts) at once. */
export async function workersRound(script: string, root: string, workers: number, mails = WORKER_MAILS): Promise<WorkersRound> {
  const varDir = mkdtempSync(join(tmpdir(), 'bench-outbox-workers-'));
  const outDir = join(tmpdir(), 'gongshi-bench-outbox-workers');
  const schema = await createSchema();
  const admin = new pg.Client(PG_URL);
  await admin.connect();
  const env = envFor(root, schema, varDir, outDir);
  try {
    const filled = spawnSync(process.execPath, [script, '--fill', root, outDir, String(mails)], { env, stdio: ['ignore', 'inherit', 'inherit'] });
    if (filled.status !== 0) throw new Error(`filling the outbox failed (${filled.status})`);
    const children = Array.from({ length: workers }, () => runChild([script, '--drain', root], env));
    await Promise.all(children.map((c) => c.ready));
    const pgBefore = backendsCpuSeconds();
    const started = performance.now();
    for (const c of children) c.child.stdin!.write('go\n');
    const reports = await Promise.all(children.map((c) => c.report));
    const wallS = (performance.now() - started) / 1000;
    // Read while the workers' connections are still open (a closed backend's CPU is no longer in /proc).
    const pgS = backendsCpuSeconds() - pgBefore;
    for (const c of children) c.child.stdin!.end();
    await Promise.all(children.map((c) => c.exited));
    const sent = reports.reduce((n, r) => n + r.mails, 0);
    const { rows } = await admin.query<{ n: string }>(`SELECT COUNT(*) AS n FROM ${schema}.outbox WHERE status <> 'sent'`);
    return {
      workers,
      mails: sent,
      perWorker: reports.map((r) => r.mails),
      mailsPerSecond: sent / wallS,
      cpuMsPerMail: ((reports.reduce((s, r) => s + r.cpuS, 0) + pgS) * 1000) / Math.max(1, sent),
      backendsMsPerMail: (pgS * 1000) / Math.max(1, sent),
      emlFiles: readdirSync(join(varDir, 'outbox')).filter((f) => f.endsWith('.eml')).length,
      unsent: Number(rows[0]!.n),
    };
  } finally {
    await admin.end();
    rmSync(varDir, { recursive: true, force: true });
    await dropSchema(schema);
  }
}

/** Prints the table; returns false when a mail was left unsent. */
export async function benchWorkers(script: string, root: string, runs: number): Promise<boolean> {
  const counts = workerCounts();
  console.log(
    `\nParallel workers on PostgreSQL: ${WORKER_MAILS} queued, then drained by N processes at once (each as npm run outbox, .eml); ${runs} alternating rounds per count; CPU = workers + backends`,
  );
  console.log('| workers | mails/s | × one worker | CPU ms/mail | of which PostgreSQL ms | mails sent | per worker (last round) | .eml | not sent |');
  console.log('|---:|---:|---:|---:|---:|---:|---|---:|---:|');
  const results = await alternate<WorkersRound>(
    counts.map((n) => ({ label: String(n), run: () => workersRound(script, root, n) })),
    runs,
  );
  const one = results.get(String(counts[0]))!;
  const base = summarize(one.map((x) => x.mailsPerSecond)).median / counts[0]!;
  let ok = true;
  for (const n of counts) {
    const r = results.get(String(n))!;
    const sum = (f: (x: WorkersRound) => number) => r.reduce((s, x) => s + f(x), 0);
    if (sum((x) => x.unsent) || sum((x) => x.mails) !== sum((x) => x.emlFiles)) ok = false;
    const rate = summarize(r.map((x) => x.mailsPerSecond)).median;
    console.log(
      `| ${n} | ${withSpread(
        r.map((x) => x.mailsPerSecond),
        0,
      )} | ${(rate / base).toFixed(2)}× | ${withSpread(
        r.map((x) => x.cpuMsPerMail),
        2,
      )} | ${withSpread(
        r.map((x) => x.backendsMsPerMail),
        2,
      )} | ${sum((x) => x.mails)} | ${r.at(-1)!.perWorker.join(' / ')} | ${sum((x) => x.emlFiles)} | ${sum((x) => x.unsent)} |`,
    );
  }
  return ok;
}
