/**
 * `npm run bench store`: what the store's safety steps cost on a store of BENCH_STORE_COMPLAINTS (100,000) complaints.
 * BENCH_STORE_SEED (2,000) are taken in through the real intake (island-like submissions; one in ten with the ~200 KB
 * JPEG — BENCH_EVIDENCE_EVERY) and their mail sent, which fills the outbox and its attempts as in production; the rest
 * are copies of those rows with their own ids, references, idempotency keys and Message-IDs (the intake of 100,000 on
 * a shared two-core machine takes most of an hour; the pages a check reads are the same):
 *
 * - `PRAGMA quick_check`, which `npm start` and `npm run outbox` run on a SQLite store before taking anything in
 *   (functions/store/index.ts), and `PRAGMA integrity_check`, which `npm run store:restore` runs on a backup;
 * - `npm run store:copy` of that store to a fresh PostgreSQL schema (when TEST_DATABASE_URL answers).
 *
 * The store is kept in BENCH_DIR (.bench/store-<n>) and reused by later runs (filling it takes minutes).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { benchRuns, machineLine, withSpread } from './harness.ts';
import { createSchema, dropSchema, postgresReachable, schemaUrl } from './island-post.ts';
import { localEnv } from './local-env.ts';
import { openFilledApp } from './outbox-fill.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const COMPLAINTS = Number(process.env.BENCH_STORE_COMPLAINTS || 100_000);
const SEED = Math.min(COMPLAINTS, Number(process.env.BENCH_STORE_SEED || 2_000));
const WORK = resolve(process.env.BENCH_DIR || join(ROOT, '.bench', `store-${COMPLAINTS}`));
const VAR = join(WORK, 'var');
const FILE = join(VAR, 'gongshi.sqlite');

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

async function fill(): Promise<void> {
  if (existsSync(FILE)) return;
  const fresh = join(WORK, 'var.filling');
  rmSync(fresh, { recursive: true, force: true });
  mkdirSync(fresh, { recursive: true });
  const env = localEnv({ VAR_DIR: fresh, OUT_DIR: join(WORK, 'dist'), CONTENT_DIR: join(ROOT, 'content'), SMTP_URL: '' });
  const started = performance.now();
  const app = await openFilledApp(ROOT, env, join(WORK, 'dist'), SEED);
  const filled = performance.now();
  let sent = 0;
  try {
    for (;;) {
      const r = await app.sendPendingMail();
      sent += r.sent;
      if (!r.claimed) break;
    }
  } finally {
    await app.close();
  }
  rmSync(join(fresh, 'outbox'), { recursive: true, force: true });
  const seeded = performance.now();
  multiply(join(fresh, 'gongshi.sqlite'));
  renameSync(fresh, VAR);
  console.log(
    `took in ${SEED} complaints in ${((filled - started) / 1000).toFixed(0)} s, sent ${sent} mails in ${((seeded - filled) / 1000).toFixed(0)} s, copied them up to ${COMPLAINTS} in ${((performance.now() - seeded) / 1000).toFixed(0)} s`,
  );
}

/** Copies the seed's complaints and every row that hangs off them, with keys of their own, up to COMPLAINTS. */
function multiply(file: string): void {
  const db = new Database(file);
  db.pragma('foreign_keys = ON');
  const keys = new Set(['id', 'complaint_id', 'outbox_id', 'reference', 'idempotency_key', 'message_id']);
  const tables = ['complaints', 'complaint_events', 'evidence', 'outbox', 'outbox_attempts'];
  const columns = (table: string) => (db.prepare(`SELECT name FROM pragma_table_info('${table}')`).all() as { name: string }[]).map((c) => c.name);
  for (let copy = 1, made = SEED; made < COMPLAINTS; copy++) {
    const take = Math.min(SEED, COMPLAINTS - made);
    db.transaction(() => {
      db.exec(`CREATE TEMP TABLE pick AS SELECT id FROM complaints WHERE id NOT LIKE '%~%' ORDER BY id LIMIT ${take}`);
      for (const table of tables) {
        const cols = columns(table);
        const values = cols.map((c) => (keys.has(c) ? `${c} || '~${copy}'` : c)).join(', ');
        const own =
          table === 'complaints'
            ? 'id IN (SELECT id FROM pick)'
            : table === 'outbox_attempts'
              ? "outbox_id IN (SELECT id FROM outbox WHERE id NOT LIKE '%~%' AND complaint_id IN (SELECT id FROM pick))"
              : "id NOT LIKE '%~%' AND complaint_id IN (SELECT id FROM pick)";
        db.exec(`INSERT INTO ${table} (${cols.join(', ')}) SELECT ${values} FROM ${table} WHERE ${own}`);
      }
      db.exec('DROP TABLE temp.pick');
    })();
    made += take;
  }
  db.close();
}

function pragmaSeconds(pragma: string): { seconds: number; result: string } {
  const db = new Database(FILE, { readonly: true, fileMustExist: true });
  try {
    const started = performance.now();
    const rows = db.pragma(pragma) as Record<string, unknown>[];
    return { seconds: (performance.now() - started) / 1000, result: rows.map((r) => Object.values(r).join(' ')).join('; ') };
  } finally {
    db.close();
  }
}

await fill();
console.log(machineLine());
const db = new Database(FILE, { readonly: true });
const count = (table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
console.log(
  `store: ${mib(statSync(FILE).size)} — ${count('complaints')} complaints, ${count('evidence')} evidence files, ${count('complaint_events')} events, ${count('outbox')} mails, ${count('outbox_attempts')} attempts`,
);
db.close();

const runs = benchRuns(3);
const quick: number[] = [];
for (let i = 0; i < runs; i++) {
  const { seconds, result } = pragmaSeconds('quick_check');
  if (result !== 'ok') throw new Error(`quick_check: ${result}`);
  quick.push(seconds);
}
console.log(`PRAGMA quick_check (npm start, npm run outbox): ${withSpread(quick, 2, ' s')} (${runs} runs, file in the page cache)`);
const integrity = pragmaSeconds('integrity_check');
console.log(`PRAGMA integrity_check (npm run store:restore): ${integrity.seconds.toFixed(2)} s (${integrity.result})`);

if (await postgresReachable()) {
  const schema = await createSchema();
  try {
    const started = performance.now();
    const run = spawnSync(process.execPath, [join(ROOT, 'scripts/store-copy.ts'), '--from', `sqlite:${FILE}`, '--to', schemaUrl(schema)], {
      encoding: 'utf8',
      env: localEnv({}),
    });
    const seconds = (performance.now() - started) / 1000;
    if (run.status !== 0) throw new Error(`store:copy failed:\n${run.stdout}${run.stderr}`);
    console.log(run.stdout.trim());
    console.log(`npm run store:copy SQLite → PostgreSQL: ${seconds.toFixed(1)} s`);
  } finally {
    await dropSchema(schema);
  }
}
