/**
 * `npm run bench coldstart`: how long a fresh Node process takes to answer its first function request — a
 * complaint about a number on the roster, POSTed as soon as `npm start` (NO_BUILD=1, SQLite, .eml outbox, mail
 * worker in-process) says it listens. Wall time from spawn to the answer, and the server process's CPU time
 * (user+sys) up to then, median of BENCH_RUNS (5) fresh processes with the spread (min–max), rounds alternating
 * between: `npm start` with Node's compile cache warm (every start after the first), `npm start` without it
 * (NODE_DISABLE_COMPILE_CACHE=1: the first start after an install or upgrade), and a bare `node:http` process
 * answering the same POST with 201 (what Node itself costs).
 *
 * The content is a generated province of BENCH_COLDSTART_SIZE (100,000) auxiliaries in BENCH_COLDSTART_DIR
 * (/tmp/gongshi-bench-coldstart-<size>), generated and built once and reused by later runs. BENCH_COLDSTART_ROOT
 * runs another checkout's scripts/start.ts against the same content and build (e.g. an older commit, to measure
 * the figure before a change).
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');
const SIZE = Number(process.env.BENCH_COLDSTART_SIZE || 100_000);
const RUNS = Number(process.env.BENCH_RUNS || 5);
const DIR = process.env.BENCH_COLDSTART_DIR || join(tmpdir(), `gongshi-bench-coldstart-${SIZE}`);
const SERVER_ROOT = resolve(process.env.BENCH_COLDSTART_ROOT || ROOT);
const CONTENT = join(DIR, 'content');
const OUT = join(DIR, 'dist');
/** Linux's clock ticks per second for /proc/<pid>/stat (USER_HZ; 100 on every mainstream kernel build). */
const TICKS = 100;

function prepare(): void {
  if (!existsSync(join(CONTENT, 'agencies.yaml'))) {
    console.log(`generating ${SIZE} auxiliaries into ${CONTENT} …`);
    const run = spawnSync(process.execPath, [join(ROOT, 'scripts/generate-sample.ts'), '--province', String(SIZE), '--out', CONTENT], {
      cwd: ROOT,
      stdio: 'inherit',
    });
    if (run.status !== 0) throw new Error('sample generation failed');
  }
  if (!existsSync(join(OUT, '_functions/directory.json'))) {
    console.log(`building ${CONTENT} into ${OUT} (a few minutes at 100k) …`);
    const run = spawnSync(process.execPath, [join(ROOT, 'node_modules/astro/bin/astro.mjs'), 'build'], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, CONTENT_DIR: CONTENT, OUT_DIR: OUT, ASTRO_TELEMETRY_DISABLED: '1' },
    });
    if (run.status !== 0) throw new Error('build failed');
  }
}

/** The first roster number of the generated content: the request looks it up as a citizen's complaint would. */
function firstCertificate(): string {
  const numbers = readdirSync(join(OUT, 'verify')).sort();
  if (!numbers.length) throw new Error(`no verification pages in ${OUT}`);
  return numbers[0]!;
}

/** user+sys seconds of a live process, from /proc. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 and 15 of stat(5) (utime, stime), counted here from field 3.
  return (Number(fields[11]) + Number(fields[12])) / TICKS;
}

interface Round {
  listenMs: number;
  answerMs: number;
  cpuS: number;
  status: number;
}

type Kind = 'cached' | 'uncached' | 'bare';
const LABELS: Record<Kind, string> = { cached: 'npm start, compile cache warm', uncached: 'npm start, no compile cache', bare: 'bare node:http' };

async function once(kind: Kind, certificateNo: string): Promise<Round> {
  const varDir = mkdtempSync(join(tmpdir(), 'bench-coldstart-var-'));
  const args = kind === 'bare' ? [import.meta.filename, '--serve-bare'] : [join(SERVER_ROOT, 'scripts/start.ts')];
  const started = performance.now();
  const child = spawn(process.execPath, args, {
    cwd: SERVER_ROOT,
    env: {
      ...process.env,
      ...(kind === 'uncached' ? { NODE_DISABLE_COMPILE_CACHE: '1' } : {}),
      CONTENT_DIR: CONTENT,
      OUT_DIR: OUT,
      VAR_DIR: varDir,
      NO_BUILD: '1',
      PORT: '0',
      DATABASE_URL: '',
      SMTP_URL: '',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const url = await new Promise<string>((resolveUrl, reject) => {
      let out = '';
      child.stdout!.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /listening (http:\/\/[\d.:]+)/.exec(out);
        if (m) resolveUrl(m[1]!);
      });
      child.once('exit', (code) => reject(new Error(`${kind} server exited (${code}) before listening:\n${out}`)));
    });
    const listenMs = performance.now() - started;
    const response = await fetch(`${url}/api/complaints`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({
        kind: 'complaint',
        about: 'auxiliary',
        certificateNo,
        category: 'other',
        when: '2026-11-20',
        place: '示例路 1 号',
        description: '对方在没有执法人员在场的情况下单独检查摊位并要求交罚款。',
        name: '测试',
        phone: '13800000000',
        idempotencyKey: randomUUID(),
      }),
    });
    const text = await response.text();
    if (response.status !== 201) console.log(`${kind}: ${response.status} ${text}`);
    const answerMs = performance.now() - started;
    const cpuS = cpuSeconds(child.pid!);
    return { listenMs, answerMs, cpuS, status: response.status };
  } finally {
    child.kill('SIGKILL');
    await new Promise((r) => (child.exitCode !== null ? r(undefined) : child.once('exit', r)));
    rmSync(varDir, { recursive: true, force: true });
  }
}

/** A process that answers the same POST with 201 and does nothing else. */
async function serveBare(): Promise<void> {
  const { createServer } = await import('node:http');
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end('{"reference":"TS-BARE-0000"}');
    });
  });
  server.listen(0, '127.0.0.1', () => console.log(`listening http://127.0.0.1:${(server.address() as { port: number }).port}`));
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const spread = (xs: number[], digits: number) => `${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)}`;

async function main(): Promise<void> {
  prepare();
  const certificateNo = firstCertificate();
  console.log(`${SIZE} auxiliaries, ${RUNS} fresh processes per side (alternating), first request POST /api/complaints about ${certificateNo}`);
  console.log(`server: ${SERVER_ROOT === ROOT ? 'this checkout' : SERVER_ROOT}/scripts/start.ts, NO_BUILD=1, SQLite, mail worker in-process`);
  const kinds: Kind[] = ['cached', 'uncached', 'bare'];
  // Not counted: fills the compile cache, as the first start after an install does.
  await once('cached', certificateNo);
  const rounds: Record<Kind, Round[]> = { cached: [], uncached: [], bare: [] };
  for (let i = 0; i < RUNS; i++) for (const kind of kinds) rounds[kind].push(await once(kind, certificateNo));
  console.log('| process | first answer (wall, s) | spread | listening (wall, s) | CPU user+sys (s) | spread | status |');
  console.log('|---|---:|---:|---:|---:|---:|---|');
  for (const kind of kinds) {
    const r = rounds[kind];
    const answers = r.map((x) => x.answerMs / 1000);
    const cpu = r.map((x) => x.cpuS);
    console.log(
      `| ${LABELS[kind]} | ${median(answers).toFixed(2)} | ${spread(answers, 2)} | ${median(r.map((x) => x.listenMs / 1000)).toFixed(2)} | ${median(cpu).toFixed(2)} | ${spread(cpu, 2)} | ${[...new Set(r.map((x) => x.status))].join(', ')} |`,
    );
  }
  if ([...rounds.cached, ...rounds.uncached].some((x) => x.status !== 201)) {
    console.log('FAIL: the first complaint was not answered 201');
    process.exit(1);
  }
  for (const kind of ['cached', 'uncached'] as const) {
    const wall = median(rounds[kind].map((x) => x.answerMs)) / 1000;
    const cpu = median(rounds[kind].map((x) => x.cpuS));
    console.log(`${LABELS[kind]}: first answer ${wall.toFixed(2)} s wall, ${cpu.toFixed(2)} s CPU — goal ≤ 1 s ${wall <= 1 ? 'met' : 'not met'} (wall)`);
  }
}

if (process.argv[2] === '--serve-bare') await serveBare();
else await main();
