/**
 * `npm run bench complaints`: sustained complaint submissions per second, latency and CPU through the real
 * intake as `npm start` runs it, against a bare `node:http` handler doing one fsync'd INSERT of the same row, on
 * SQLite and on PostgreSQL (when TEST_DATABASE_URL answers).
 *
 * - real: `scripts/start.ts` itself (NO_BUILD=1, rate limit lifted through RATE_BURST/RATE_PER_MINUTE, mail worker
 *   in-process writing .eml files as without SMTP_URL), sent what the complaint island sends (its own encoder,
 *   submissionBody): the island's fields as JSON, and one submission in ten as multipart/form-data with a 200 KB
 *   JPEG (scripts/bench/fixtures/evidence.jpg, made by Chromium's canvas encoder); each kind encoded once and copied
 *   per request with its own key (islandBodies: the load generator shares the server's two cores). After the load
 *   window the server keeps running until the outbox is empty.
 * - bare: JSON body, one INSERT of the same `complaints` row, same durability (SQLite WAL + synchronous=FULL,
 *   PostgreSQL synchronous_commit=on), 201.
 *
 * Each side runs in its own fresh process and store; rounds alternate (bare, real, bare, real, …), BENCH_RUNS (3)
 * each, BENCH_SECONDS (8) of BENCH_CONCURRENCY (16) requests in flight. Figures are medians with the spread.
 * CPU is the server process's user+sys (/proc/<pid>/stat) from the start of the load to the end of the mail drain,
 * plus, on PostgreSQL, the backends serving the bench's database; per submission, so the two sides compare.
 * The load generator's own CPU and the machine's idle and stolen shares in the load window are printed beside them:
 * a side whose machine is left idle waits on something (a lock, a round trip, one statement at a time) rather than
 * on the cores. So is how long the server's event loop, the backends and the load generator's event loop waited
 * for a core while runnable (schedstat): what sharing two cores adds to each step. BENCH_KINDS / BENCH_STORES run one side or one store alone (no ratio then), to look into one.
 * Zero loss: every reference answered 201 is stored and every stored complaint's mail is sent (.eml written).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import {
  alternate,
  benchRuns,
  machineLine,
  machineShares,
  machineTimes,
  type Measured,
  ownCpuSeconds,
  processSched,
  summarize,
  withSpread,
} from './harness.ts';
import {
  backendsCpuSeconds,
  backendsWaitSeconds,
  complaintFields,
  createSchema,
  dropSchema,
  type EncodedBody,
  EVIDENCE,
  EVIDENCE_EVERY,
  islandBodies,
  postgresReachable,
  schemaUrl,
} from './island-post.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const SECONDS = Number(process.env.BENCH_SECONDS || 8);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY || 16);
const OUT_DIR = process.env.BENCH_OUT_DIR || join(tmpdir(), 'gongshi-bench-complaints-out');
/** How long the real server may take to send the mail of the last window once the load stops. */
const DRAIN_LIMIT_S = Number(process.env.BENCH_DRAIN_SECONDS || 120);
/** To measure one side or one store alone while looking into it (no ratio is printed then): e.g. BENCH_KINDS=real BENCH_STORES=postgres. */
const KINDS = listFromEnv('BENCH_KINDS', ['bare', 'real'] as const);
const STORES = listFromEnv('BENCH_STORES', ['sqlite', 'postgres'] as const);

function listFromEnv<T extends string>(name: string, all: readonly T[]): readonly T[] {
  const wanted = (process.env[name] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = wanted.filter((w) => !all.includes(w as T));
  if (unknown.length) throw new Error(`${name}: ${unknown.join(', ')} is not one of ${all.join(', ')}`);
  return wanted.length ? all.filter((a) => wanted.includes(a)) : all;
}

/** The baseline: parse the JSON body, one INSERT of the same row with the same durability, 201. */
async function serveBare(): Promise<void> {
  const url = process.env.DATABASE_URL;
  let insert: (values: unknown[]) => Promise<void>;
  const sql = `INSERT INTO complaints (id, reference, tracking_hash, kind, status, agency_id, regulation_id, category, target, contents,
    idempotency_key, created_at, updated_at, accept_due_at, resolve_due_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;
  const { migrate } = await import('../../functions/store/migrations.ts');
  if (url) {
    const { openPostgres } = await import('../../functions/store/postgres.ts');
    const db = openPostgres(url);
    await migrate(db);
    insert = async (values) => void (await db.run(sql, values));
  } else {
    const Database = (await import('better-sqlite3')).default;
    const { openSqlite } = await import('../../functions/store/sqlite.ts');
    const file = join(process.env.VAR_DIR!, 'gongshi.sqlite');
    const m = openSqlite(file);
    await migrate(m);
    await m.close();
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    const statement = db.prepare(sql);
    insert = async (values) => void statement.run(...values);
  }
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, string>;
        const now = new Date().toISOString();
        const reference = `TS-${randomBytes(5).toString('hex').toUpperCase()}`;
        await insert([
          randomUUID(),
          reference,
          'h',
          body.kind,
          'submitted',
          'renqiu-cgj',
          'hebei-2021',
          body.category,
          JSON.stringify({ about: body.about, certificateNo: body.certificateNo }),
          JSON.stringify(body),
          body.idempotencyKey,
          now,
          now,
          now,
          null,
        ]);
        res.writeHead(201, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ reference }));
      } catch {
        res.writeHead(500);
        res.end();
      }
    });
  });
  server.listen(0, '127.0.0.1', () => {
    const address = server.address() as { port: number };
    console.log(`listening http://127.0.0.1:${address.port}`);
  });
}

type Kind = 'real' | 'bare';

function startChild(kind: Kind, env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  // BENCH_SERVER_NODE_ARGS: flags for the servers' Node (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile a round).
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const args = [...nodeArgs, ...(kind === 'real' ? [join(ROOT, 'scripts/start.ts')] : [import.meta.filename, '--serve-bare'])];
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    // The real server logs a line per submission: read until it listens, then only drain the pipe.
    let out = '';
    let listening = false;
    child.stdout!.on('data', (c: Buffer) => {
      if (listening) return;
      out += c.toString();
      const m = /listening (http:\/\/[\d.:]+)/.exec(out);
      if (m) {
        listening = true;
        resolve({ child, url: m[1]! });
      }
    });
    child.once('exit', (code) => reject(new Error(`${kind} server exited (${code}):\n${out}`)));
  });
}

/** The bare side's body: the same fields as JSON (empty ones left out), with the idempotency key. */
function bareBody(n: number, certificateNo: string): string {
  const fields = Object.entries(complaintFields(n, certificateNo)).filter(([, v]) => v !== '');
  return JSON.stringify({ ...Object.fromEntries(fields), idempotencyKey: randomUUID() });
}

async function load(kind: Kind, url: string, certificateNo: string, island: (n: number) => EncodedBody) {
  const latencies: number[] = [];
  const references: string[] = [];
  let errors = 0;
  let n = 0;
  let withEvidence = 0;
  const started = performance.now();
  const until = started + SECONDS * 1000;
  const lane = async () => {
    while (performance.now() < until) {
      const i = n++;
      const { body, contentType } = kind === 'real' ? island(i) : { body: bareBody(i, certificateNo), contentType: 'application/json' };
      const init: RequestInit = { method: 'POST', headers: { 'content-type': contentType, accept: 'application/json' }, body };
      const t = performance.now();
      try {
        const r = await fetch(`${url}/api/complaints`, init);
        const body = (await r.json().catch(() => ({}))) as { reference?: string };
        if (r.status === 201 && body.reference) {
          references.push(body.reference);
          latencies.push(performance.now() - t);
          if (kind === 'real' && i % EVIDENCE_EVERY === 0) withEvidence++;
        } else errors++;
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, lane));
  return { latencies, references, errors, withEvidence, seconds: (performance.now() - started) / 1000 };
}

/** Reads the store the server wrote (its own connection): references, and complaints whose mail is not all sent. */
async function inspect(database: 'sqlite' | 'postgres', env: Record<string, string>): Promise<{ references: Set<string>; unsent: number }> {
  const referencesSql = 'SELECT reference FROM complaints';
  // One pass over each table (a join on the grouped outbox). The correlated NOT EXISTS … OR EXISTS it replaces scanned
  // the outbox (no index on complaint_id) once per complaint: 8.8 s at 15,000 complaints on SQLite, polled every
  // 250 ms during the drain on one of the two cores the server drains with.
  const unsentSql = `SELECT COUNT(*) AS n FROM complaints c
    LEFT JOIN (SELECT complaint_id, SUM(CASE WHEN status = 'sent' THEN 0 ELSE 1 END) AS unsent FROM outbox GROUP BY complaint_id) o
      ON o.complaint_id = c.id
    WHERE o.complaint_id IS NULL OR o.unsent > 0`;
  if (database === 'postgres') {
    const client = new pg.Client(env.DATABASE_URL);
    await client.connect();
    try {
      const refs = await client.query<{ reference: string }>(referencesSql);
      const unsent = await client.query<{ n: string }>(unsentSql);
      return { references: new Set(refs.rows.map((r) => r.reference)), unsent: Number(unsent.rows[0]!.n) };
    } finally {
      await client.end();
    }
  }
  const Database = (await import('better-sqlite3')).default;
  const db = new Database(join(env.VAR_DIR!, 'gongshi.sqlite'), { readonly: true });
  try {
    const refs = db.prepare(referencesSql).all() as { reference: string }[];
    const unsent = (db.prepare(unsentSql).get() as { n: number }).n;
    return { references: new Set(refs.map((r) => r.reference)), unsent };
  } finally {
    db.close();
  }
}

interface Figures extends Measured {
  perSecond: number;
  p50: number;
  p99: number;
  answered: number;
  withEvidence: number;
  lost: number;
  /** Stored complaints whose mail was not sent by the end of the drain (real side only). */
  unsent: number;
  emlFiles: number;
  errors: number;
  drainS: number;
  /** Stored complaints whose mail was still unsent when the load stopped (what the drain then sent). */
  backlog: number;
  /** Server (+ PostgreSQL backends) CPU per answered submission, ms. */
  cpuMsPerSubmission: number;
  /** The same over the load window only: the intake, plus what mail the real server sent meanwhile. */
  loadCpuMsPerSubmission: number;
  /** PostgreSQL's backends' part of loadCpuMsPerSubmission (0 on SQLite, which runs inside the server). */
  loadBackendsMsPerSubmission: number;
  /** The load generator's own CPU over the load window per submission: it runs on the same cores. */
  clientMsPerSubmission: number;
  /** Share of the whole machine's CPU time left idle, and taken by other guests, over the load window. */
  idlePct: number;
  stealPct: number;
  /**
   * Run-queue wait over the load window per submission: runnable, but every core taken (processSched). The server's
   * and the load generator's are their main threads' (the event loops, which every request passes through),
   * PostgreSQL's all its backends'.
   */
  waitMsPerSubmission: { server: number; backends: number; client: number };
}

async function once(kind: Kind, database: 'sqlite' | 'postgres', certificateNo: string, island: (n: number) => EncodedBody): Promise<Figures> {
  const varDir = mkdtempSync(join(tmpdir(), `bench-${kind}-`));
  const schema = database === 'postgres' ? await createSchema() : '';
  const env: Record<string, string> = {
    VAR_DIR: varDir,
    DATABASE_URL: schema ? schemaUrl(schema) : '',
    SMTP_URL: '',
    CONTENT_DIR: join(ROOT, 'content'),
    OUT_DIR,
    NO_BUILD: '1',
    PORT: '0',
    RATE_BURST: '1000000000',
    RATE_PER_MINUTE: '1000000000',
  };
  const { child, url } = await startChild(kind, env);
  const backends = () => (database === 'postgres' ? backendsCpuSeconds() : 0);
  const waits = () => ({
    server: processSched(child.pid!, 'main').waitS,
    backends: database === 'postgres' ? backendsWaitSeconds() : 0,
    client: processSched(process.pid, 'main').waitS,
  });
  try {
    // Warm-up, not counted.
    await fetch(`${url}/api/complaints`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }).catch(() => undefined);
    const serverBefore = ownCpuSeconds(child.pid!);
    const backendsBefore = backends();
    const cpuBefore = serverBefore + backendsBefore;
    const clientBefore = ownCpuSeconds(process.pid);
    const machineBefore = machineTimes();
    const waitsBefore = waits();
    const result = await load(kind, url, certificateNo, island);
    const waitsAfter = waits();
    const machine = machineShares(machineBefore, machineTimes());
    const clientS = ownCpuSeconds(process.pid) - clientBefore;
    const backendsInLoadS = backends() - backendsBefore;
    const loadCpuS = ownCpuSeconds(child.pid!) - serverBefore + backendsInLoadS;
    // The mail worker goes on until every stored complaint's mail is sent (or the limit passes).
    const drainStarted = performance.now();
    let seen = await inspect(database, env);
    const backlog = seen.unsent;
    while (kind === 'real' && seen.unsent > 0 && performance.now() - drainStarted < DRAIN_LIMIT_S * 1000) {
      await new Promise((r) => setTimeout(r, 250));
      seen = await inspect(database, env);
    }
    const drainS = kind === 'real' ? (performance.now() - drainStarted) / 1000 : 0;
    const cpuS = ownCpuSeconds(child.pid!) + backends() - cpuBefore;
    const sorted = result.latencies.sort((a, b) => a - b);
    const quantile = (q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! : Number.NaN);
    const outbox = join(varDir, 'outbox');
    const perSubmission = (seconds: number) => (seconds * 1000) / Math.max(1, result.references.length);
    return {
      wallS: result.seconds,
      cpuS,
      perSecond: result.references.length / result.seconds,
      p50: quantile(0.5),
      p99: quantile(0.99),
      answered: result.references.length,
      withEvidence: result.withEvidence,
      lost: result.references.filter((r) => !seen.references.has(r)).length,
      unsent: kind === 'real' ? seen.unsent : 0,
      emlFiles: kind === 'real' ? readdirSync(outbox).filter((f) => f.endsWith('.eml')).length : 0,
      errors: result.errors,
      drainS,
      backlog,
      cpuMsPerSubmission: perSubmission(cpuS),
      loadCpuMsPerSubmission: perSubmission(loadCpuS),
      loadBackendsMsPerSubmission: perSubmission(backendsInLoadS),
      clientMsPerSubmission: perSubmission(clientS),
      idlePct: machine.idlePct,
      stealPct: machine.stealPct,
      waitMsPerSubmission: {
        server: perSubmission(waitsAfter.server - waitsBefore.server),
        backends: perSubmission(waitsAfter.backends - waitsBefore.backends),
        client: perSubmission(waitsAfter.client - waitsBefore.client),
      },
    };
  } finally {
    // A profiled server is let write its profile (SIGINT: start.ts exits cleanly); otherwise killed outright.
    child.kill(process.env.BENCH_SERVER_NODE_ARGS ? 'SIGINT' : 'SIGKILL');
    if (child.exitCode === null) await new Promise((r) => child.once('exit', r));
    rmSync(varDir, { recursive: true, force: true });
    if (database === 'postgres') await dropSchema(schema);
  }
}

async function main(): Promise<void> {
  // The real server reads the directory file a build writes (NO_BUILD=1: no pages needed); write one for the sample content.
  const { loadSite } = await import('../../src/import/site.ts');
  const { writeDirectoryFile } = await import('../../src/build/directory/write.ts');
  const { readDirectoryFile } = await import('../../functions/server/directory-file.ts');
  const directory = await readDirectoryFile(await writeDirectoryFile(await loadSite(join(ROOT, 'content')), OUT_DIR));
  const certificateNo = directory.auxiliary('RQCG-2024-0001') ? 'RQCG-2024-0001' : undefined;
  if (!certificateNo) throw new Error('RQCG-2024-0001 is not on the sample roster: pick another number for the benchmark');
  const island = await islandBodies(certificateNo);
  const postgres = await postgresReachable();
  const runs = benchRuns();
  console.log(machineLine());
  console.log(
    `${SECONDS} s per round, ${CONCURRENCY} requests in flight, ${runs} alternating rounds per side; real = scripts/start.ts (mail worker in-process, .eml) sent what the island sends (pre-encoded): JSON, 1 in ${EVIDENCE_EVERY} multipart with a ${(EVIDENCE.length / 1024).toFixed(0)} KB JPEG; bare = node:http + JSON + one INSERT`,
  );
  console.log(
    "figures: median (min–max) over the rounds; CPU = server (+ PostgreSQL backends) user+sys per 201, load start to mail drained; CPU in load = the same over the load window only (the intake, and the mail the real server sent meanwhile), and of that the PostgreSQL backends' part; load generator = this process's own CPU in the load window (same cores); machine idle / steal = share of all cores' time in the load window (/proc/stat); waiting for a core = time runnable but with every core taken, in the load window per 201 (/proc/<pid>/task/*/schedstat): the server's event loop, the PostgreSQL backends, the load generator's event loop",
  );
  console.log(
    '| store | server | submissions/s | CPU ms/submission | CPU in load ms/submission | of which PostgreSQL ms | load generator ms | machine idle % / steal % | waiting for a core ms: server / PostgreSQL / load generator | p50 ms | p99 ms | 201 answered | with JPEG | lost | mail not sent | .eml | mail backlog at end → drain s | non-201 |',
  );
  console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  let failed = false;
  for (const database of STORES.filter((store) => store === 'sqlite' || postgres)) {
    const results = await alternate<Figures>(
      KINDS.map((kind) => ({ label: kind, run: () => once(kind, database, certificateNo, island) })),
      runs,
    );
    for (const kind of KINDS) {
      const r = results.get(kind)!;
      const sum = (f: (x: Figures) => number) => r.reduce((n, x) => n + f(x), 0);
      if (sum((x) => x.lost + x.unsent)) failed = true;
      console.log(
        `| ${database} | ${kind} | ${withSpread(
          r.map((x) => x.perSecond),
          0,
        )} | ${withSpread(
          r.map((x) => x.cpuMsPerSubmission),
          2,
        )} | ${withSpread(
          r.map((x) => x.loadCpuMsPerSubmission),
          2,
        )} | ${
          database === 'postgres'
            ? withSpread(
                r.map((x) => x.loadBackendsMsPerSubmission),
                2,
              )
            : '—'
        } | ${withSpread(
          r.map((x) => x.clientMsPerSubmission),
          2,
        )} | ${withSpread(
          r.map((x) => x.idlePct),
          0,
        )} / ${withSpread(
          r.map((x) => x.stealPct),
          0,
        )} | ${withSpread(
          r.map((x) => x.waitMsPerSubmission.server),
          2,
        )} / ${
          database === 'postgres'
            ? withSpread(
                r.map((x) => x.waitMsPerSubmission.backends),
                2,
              )
            : '—'
        } / ${withSpread(
          r.map((x) => x.waitMsPerSubmission.client),
          2,
        )} | ${withSpread(
          r.map((x) => x.p50),
          1,
        )} | ${withSpread(
          r.map((x) => x.p99),
          1,
        )} | ${sum((x) => x.answered)} | ${sum((x) => x.withEvidence)} | ${sum((x) => x.lost)} | ${kind === 'real' ? sum((x) => x.unsent) : '—'} | ${kind === 'real' ? sum((x) => x.emlFiles) : '—'} | ${
          kind === 'real'
            ? `${withSpread(
                r.map((x) => x.backlog),
                0,
              )} → ${withSpread(r.map((x) => x.drainS))}`
            : '—'
        } | ${sum((x) => x.errors)} |`,
      );
    }
    if (KINDS.length < 2) continue;
    const median = (kind: Kind, f: (x: Figures) => number) => summarize(results.get(kind)!.map(f)).median;
    const wall = median('real', (x) => x.perSecond) / median('bare', (x) => x.perSecond);
    const cpu = median('bare', (x) => x.cpuMsPerSubmission) / median('real', (x) => x.cpuMsPerSubmission);
    const loadCpu = median('bare', (x) => x.loadCpuMsPerSubmission) / median('real', (x) => x.loadCpuMsPerSubmission);
    console.log(
      `| ${database} | real ÷ bare | **${wall.toFixed(2)}×** (wall: submissions/s; goal ≥ 0.5×) · **${cpu.toFixed(2)}×** (CPU: bare's CPU per submission ÷ real's) · **${loadCpu.toFixed(2)}×** (CPU in load) | | | | | | | | | | | | | | | |`,
    );
  }
  if (failed) {
    console.log('LOSS: some 201 answers have no stored complaint, or a stored complaint has mail not sent');
    process.exit(1);
  }
}

if (process.argv[2] === '--serve-bare') await serveBare();
else await main();
