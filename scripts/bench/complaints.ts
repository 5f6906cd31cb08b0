/**
 * `npm run bench complaints`: sustained complaint submissions per second and p99 latency through the real
 * handler over HTTP on loopback (validation, routing, complaint + 2 events + outbox rows in one fsync'd
 * transaction), against a bare `node:http` handler doing one fsync'd INSERT of the same row, in the same run,
 * on SQLite and on PostgreSQL (when TEST_DATABASE_URL answers). Each server runs in its own process; the
 * load generator keeps BENCH_CONCURRENCY requests in flight for BENCH_SECONDS; zero loss is checked by
 * counting rows against 201 answers. Medians of BENCH_RUNS runs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';

const ROOT = resolve(import.meta.dirname, '../..');
const SECONDS = Number(process.env.BENCH_SECONDS || 8);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY || 16);
const RUNS = Number(process.env.BENCH_RUNS || 3);
const PG_URL = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const OUT_DIR = process.env.BENCH_OUT_DIR || join(tmpdir(), 'gongshi-bench-complaints-out');

function withSchema(url: string, schema: string): string {
  return `${url}${url.includes('?') ? '&' : '?'}options=-c%20search_path%3D${schema}`;
}

/** The real thing: createApp + the Node server, as `npm start` runs it (no mail worker: intake only). */
async function serveReal(): Promise<void> {
  const { readSettings } = await import('../../src/core/settings.ts');
  const { createApp } = await import('../../functions/server/app.ts');
  const { startServer } = await import('../../functions/server/node.ts');
  const app = await createApp(readSettings(), { limits: { rateBurst: 1e9, ratePerSecond: 1e9 }, log: () => undefined });
  const dist = mkdtempSync(join(tmpdir(), 'bench-dist-'));
  const server = await startServer({ distDir: dist, port: 0, functions: app.functions });
  console.log(`listening ${server.url}`);
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

function startChild(kind: 'real' | 'bare', env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [import.meta.filename, `--serve-${kind}`], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening (http:\/\/[\d.:]+)/.exec(out);
      if (m) resolve({ child, url: m[1]! });
    });
    child.once('exit', (code) => reject(new Error(`${kind} server exited (${code})`)));
  });
}

interface Figures {
  perSecond: number;
  p50: number;
  p99: number;
  answered: number;
  stored: number;
  errors: number;
}

async function load(url: string, certificateNo: string): Promise<{ latencies: number[]; answered: number; errors: number; seconds: number }> {
  const latencies: number[] = [];
  let answered = 0;
  let errors = 0;
  let n = 0;
  const started = performance.now();
  const until = started + SECONDS * 1000;
  const lane = async () => {
    while (performance.now() < until) {
      const body = JSON.stringify({
        kind: 'complaint',
        about: 'auxiliary',
        certificateNo,
        category: 'other',
        when: '2026-11-20',
        place: `示例路 ${n} 号`,
        description: '对方在没有执法人员在场的情况下单独检查摊位并要求交罚款。',
        name: '测试',
        phone: '13800000000',
        idempotencyKey: `bench-${process.pid}-${n++}-${randomBytes(4).toString('hex')}`,
      });
      const t = performance.now();
      try {
        const r = await fetch(`${url}/api/complaints`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body });
        await r.arrayBuffer();
        if (r.status === 201) {
          answered++;
          latencies.push(performance.now() - t);
        } else errors++;
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, lane));
  return { latencies, answered, errors, seconds: (performance.now() - started) / 1000 };
}

function quantile(sorted: number[], q: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! : NaN;
}

async function countRows(database: 'sqlite' | 'postgres', env: Record<string, string>): Promise<number> {
  if (database === 'postgres') {
    const client = new pg.Client(env.DATABASE_URL);
    await client.connect();
    const r = await client.query('SELECT COUNT(*)::int AS n FROM complaints');
    await client.end();
    return r.rows[0].n as number;
  }
  const Database = (await import('better-sqlite3')).default;
  const db = new Database(join(env.VAR_DIR!, 'gongshi.sqlite'), { readonly: true });
  const n = (db.prepare('SELECT COUNT(*) AS n FROM complaints').get() as { n: number }).n;
  db.close();
  return n;
}

async function once(kind: 'real' | 'bare', database: 'sqlite' | 'postgres', certificateNo: string): Promise<Figures> {
  const varDir = mkdtempSync(join(tmpdir(), `bench-${kind}-`));
  const schema = `bench_${randomBytes(5).toString('hex')}`;
  const env: Record<string, string> = { VAR_DIR: varDir, DATABASE_URL: '', SMTP_URL: '', CONTENT_DIR: join(ROOT, 'content'), OUT_DIR };
  if (database === 'postgres') {
    const admin = new pg.Client(PG_URL);
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    await admin.end();
    env.DATABASE_URL = withSchema(PG_URL, schema);
  }
  const { child, url } = await startChild(kind, env);
  // Warm-up, not counted.
  await fetch(`${url}/api/complaints`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }).catch(() => undefined);
  const result = await load(url, certificateNo);
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  const stored = await countRows(database, env);
  if (database === 'postgres') {
    const admin = new pg.Client(PG_URL);
    await admin.connect();
    await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin.end();
  }
  const sorted = result.latencies.sort((a, b) => a - b);
  return {
    perSecond: result.answered / result.seconds,
    p50: quantile(sorted, 0.5),
    p99: quantile(sorted, 0.99),
    answered: result.answered,
    stored,
    errors: result.errors,
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  // The real server reads the directory file a build writes; write one for the sample content.
  const { loadSite } = await import('../../src/import/site.ts');
  const { writeDirectoryFile } = await import('../../src/build/directory/write.ts');
  const { readDirectoryFile } = await import('../../functions/server/directory-file.ts');
  const directory = await readDirectoryFile(await writeDirectoryFile(await loadSite(join(ROOT, 'content')), OUT_DIR));
  const certificateNo = [...['RQCG-2024-0001']].find((n) => directory.auxiliary(n)) ?? 'RQCG-2024-0001';
  let postgres = true;
  try {
    const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
    await c.connect();
    await c.end();
  } catch (error) {
    postgres = false;
    console.log(`PostgreSQL not reachable at TEST_DATABASE_URL (${(error as Error).message}): SQLite only`);
  }
  console.log(`${SECONDS} s per run, ${CONCURRENCY} requests in flight, median of ${RUNS} runs; real = full handler, bare = node:http + one INSERT`);
  console.log('| store | server | submissions/s | p50 ms | p99 ms | 201 answered | rows stored | lost | non-201 |');
  console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|');
  let lossy = false;
  for (const database of postgres ? (['sqlite', 'postgres'] as const) : (['sqlite'] as const)) {
    const runs: Record<'real' | 'bare', Figures[]> = { real: [], bare: [] };
    for (let i = 0; i < RUNS; i++) {
      for (const kind of ['bare', 'real'] as const) runs[kind].push(await once(kind, database, certificateNo));
    }
    for (const kind of ['bare', 'real'] as const) {
      const r = runs[kind];
      const lost = r.reduce((n, f) => n + Math.max(0, f.answered - f.stored), 0);
      if (lost) lossy = true;
      console.log(
        `| ${database} | ${kind} | ${median(r.map((f) => f.perSecond)).toFixed(0)} | ${median(r.map((f) => f.p50)).toFixed(1)} | ${median(r.map((f) => f.p99)).toFixed(1)} | ${r.reduce((n, f) => n + f.answered, 0)} | ${r.reduce((n, f) => n + f.stored, 0)} | ${lost} | ${r.reduce((n, f) => n + f.errors, 0)} |`,
      );
    }
    const ratio = median(runs.real.map((f) => f.perSecond)) / median(runs.bare.map((f) => f.perSecond));
    console.log(`| ${database} | real ÷ bare | ${ratio.toFixed(2)}× | | | | | | |`);
  }
  if (lossy) {
    console.log('LOSS: some 201 answers have no stored row');
    process.exit(1);
  }
}

const mode = process.argv[2];
if (mode === '--serve-real') await serveReal();
else if (mode === '--serve-bare') await serveBare();
else await main();
