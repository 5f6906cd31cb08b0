/**
 * `npm run bench publish`: on a generated province of BENCH_SITE_SIZE (100,000) auxiliaries, a clerk of an agency
 * that keeps no roster in Git (任丘市交通运输局) signs in, uploads BENCH_PUBLISH_ROWS (200) people and confirms; `npm start`
 * (a child process: NO_BUILD, SQLite and .eml outbox under a fresh VAR_DIR) rebuilds in the background and swaps
 * the new site in. Prints the time from the confirm POST to the first new verification page being served, and to
 * the workspace saying 已在网站上公示, while BENCH_PUBLISH_CONCURRENCY (4) loops request other pages — home, random
 * verification pages, agency pages, search, complaint form — and record count, failures (anything but 200 or an
 * error), median, p99 and max latency, before and during the rebuild. BENCH_PUBLISH_PAUSE_MS (0) paces each loop.
 * BENCH_RUNS (3) rounds, each a new upload of ROWS people confirmed, one after the other on the same server: the
 * figures are medians with the spread, with the rebuild's CPU (user+sys of the build processes the server waited
 * for) and the server's own CPU beside the wall times.
 *
 * Content and the first build are kept in BENCH_DIR (.bench/publish-<size>) and reused by later runs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildSite } from '../build/atomic.ts';
import { writeProvince } from '../sample/province.ts';
import { benchRuns, machineLine, processCpu, withSpread } from './harness.ts';
import { localEnv } from './local-env.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const SIZE = Number(process.env.BENCH_SITE_SIZE || 100_000);
const ROWS = Number(process.env.BENCH_PUBLISH_ROWS || 200);
const CONCURRENCY = Number(process.env.BENCH_PUBLISH_CONCURRENCY || 4);
/** Pause after each answer in a loop (ms): 0 keeps the server saturated, the worst case for the build's share of CPU. */
const PAUSE_MS = Number(process.env.BENCH_PUBLISH_PAUSE_MS || 0);
const WORK = resolve(process.env.BENCH_DIR || join(ROOT, '.bench', `publish-${SIZE}`));
const CONTENT = join(WORK, 'content');
const OUT = join(WORK, 'dist');
const VAR = join(WORK, 'var');
const AGENCY = 'renqiu-jtys';

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const env = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => localEnv({ CONTENT_DIR: CONTENT, OUT_DIR: OUT, VAR_DIR: VAR, ...extra });

async function prepare(): Promise<void> {
  if (!existsSync(join(CONTENT, 'agencies.yaml'))) {
    const t = performance.now();
    await writeProvince(CONTENT, { auxiliaries: SIZE });
    console.log(`generated ${SIZE} auxiliaries into ${CONTENT} in ${seconds(performance.now() - t)}`);
  }
  // Each run starts from a store with no workspace version; a previous run's publication leaves with the next build.
  rmSync(VAR, { recursive: true, force: true });
  if (!existsSync(join(OUT, '_functions/directory.json'))) {
    const t = performance.now();
    console.log(`building ${CONTENT} into ${OUT} …`);
    if (!(await buildSite({ outDir: OUT, env: env(), stdio: ['ignore', 'ignore', 'inherit'] })).ok) throw new Error('first build failed');
    console.log(`first build: ${seconds(performance.now() - t)}`);
  }
}

function startServer(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [join(ROOT, 'scripts/start.ts')], {
    cwd: ROOT,
    env: env({ NO_BUILD: '1', PORT: '0', HOST: '127.0.0.1', OUTBOX_INTERVAL_MS: '200' }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr!.on('data', (c: Buffer) => process.stderr.write(c));
  return new Promise((done, fail) => {
    child.stdout!.on('data', (c: Buffer) => {
      output += c.toString();
      const url = /\[start\] listening (http:\/\/\S+)/.exec(output)?.[1];
      if (url) done({ child, url });
    });
    child.on('exit', (code) => fail(new Error(`npm start exited (${code}):\n${output}`)));
  });
}

/** A browser-like client: keeps the session cookie; follows no redirects. */
function clerk(base: string) {
  let cookie = '';
  return async (method: string, path: string, body?: URLSearchParams | FormData) => {
    const response = await fetch(`${base}${path}`, { method, body: body ?? null, redirect: 'manual', headers: cookie ? { cookie } : {} });
    const set = response.headers.get('set-cookie');
    if (set) cookie = set.split(';')[0]!;
    return { status: response.status, text: await response.text() };
  };
}

async function mailedLink(): Promise<string> {
  const { simpleParser } = await import('../../test/complaints/parse.ts');
  const dir = join(VAR, 'outbox');
  for (let i = 0; i < 200; i++) {
    const file = existsSync(dir) ? readdirSync(dir).find((n) => n.endsWith('.eml')) : undefined;
    if (file) {
      const text = (await simpleParser(readFileSync(join(dir, file), 'utf8'))).text ?? '';
      const link = /\/publish\/sign-in\/[A-Za-z0-9_-]{43}/.exec(text)?.[0];
      if (link) return link;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('no sign-in mail in the outbox');
}

interface Sample {
  at: number;
  ms: number;
  ok: boolean;
}

/** Loops that request other pages until stopped; every answer's latency and whether it was a 200. */
function loadLoops(base: string, paths: string[]): { samples: Sample[]; stop: () => Promise<void> } {
  const samples: Sample[] = [];
  let running = true;
  let i = 0;
  const loop = async () => {
    while (running) {
      const path = paths[i++ % paths.length]!;
      const started = performance.now();
      let ok = false;
      try {
        const response = await fetch(`${base}${path}`, { redirect: 'manual' });
        await response.arrayBuffer();
        ok = response.status === 200;
      } catch {
        ok = false;
      }
      samples.push({ at: started, ms: performance.now() - started, ok });
      if (PAUSE_MS > 0) await new Promise((r) => setTimeout(r, PAUSE_MS));
    }
  };
  const loops = Array.from({ length: CONCURRENCY }, loop);
  return {
    samples,
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
}

/** The samples' latency at quantile `q`, in whole ms ('—' for none). */
function latencyAt(samples: Sample[]): (q: number) => string {
  const ms = samples.map((s) => s.ms).sort((a, b) => a - b);
  return (q) => (ms.length ? ms[Math.min(ms.length - 1, Math.floor(q * ms.length))]!.toFixed(0) : '—');
}

function describe(label: string, samples: Sample[]): string {
  if (!samples.length) return `${label}: no requests`;
  const at = latencyAt(samples);
  const failures = samples.filter((s) => !s.ok).length;
  return `${label}: ${samples.length} requests, ${failures} failures, median ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${at(1)} ms`;
}

function otherPages(): string[] {
  const numbers = readdirSync(join(OUT, 'verify')).filter((n) => !n.startsWith('RQ-JT-B'));
  const agencies = readdirSync(join(OUT, 'agencies')).filter((n) => !n.includes('.'));
  const paths: string[] = [];
  for (let i = 0; i < 200; i++) {
    paths.push(`/verify/${encodeURIComponent(numbers[(i * 7919) % numbers.length]!)}/`);
    if (i % 4 === 0) paths.push(`/agencies/${agencies[i % agencies.length]}/`);
    if (i % 10 === 0) paths.push('/', '/search/', '/complaint/');
  }
  return paths;
}

interface Round {
  servedS: number;
  liveS: number;
  /** CPU of the rebuild: the processes the server started and waited for (its cutime + cstime). */
  buildCpuS: number;
  /** The server's own CPU meanwhile: answering the request loops, swapping the site in, reloading the directory. */
  serverCpuS: number;
  during: Sample[];
  lastStatus: number | string;
  pollErrors: number;
}

/** One clerk's upload of ROWS new people, confirmed; times until the first new page is served and until the workspace says live. */
async function publishRound(url: string, call: ReturnType<typeof clerk>, pid: number, load: { samples: Sample[] }, round: number): Promise<Round> {
  const run = `${Date.now().toString(36).slice(-4).toUpperCase()}${round}`;
  const numbers = Array.from({ length: ROWS }, (_, i) => `RQ-JT-B${run}-${String(i + 1).padStart(4, '0')}`);
  const file = `姓名,证件编号,岗位,状态\r\n${numbers.map((no, i) => `路政${i + 1}号,${no},路政协管员,在岗`).join('\r\n')}\r\n`;
  const form = new FormData();
  form.append('roster', new File([file], `交通运输局-${new Date().toISOString().slice(0, 10)}.csv`));
  const uploaded = await call('POST', '/publish/workspace/upload', form);
  const draft = /name="draft" value="([0-9a-f-]{36})"/.exec(uploaded.text)?.[1];
  if (!draft) throw new Error(`upload refused (${uploaded.status}): ${/<ol class="problems">(.*?)<\/ol>/s.exec(uploaded.text)?.[1]?.slice(0, 600)}`);

  const cpuBefore = processCpu(pid);
  const confirmedAt = performance.now();
  const confirmed = await call('POST', '/publish/workspace/confirm', new URLSearchParams({ draft }));
  if (confirmed.status !== 303) throw new Error(`confirm refused (${confirmed.status})`);
  const newPage = `/verify/${numbers[0]}/`;
  let servedAt = 0;
  let pollErrors = 0; // a poll whose connection failed is retried and counted, like the load loops' failures
  while (!servedAt) {
    let status = 0;
    try {
      const response = await fetch(`${url}${newPage}`, { redirect: 'manual' });
      await response.arrayBuffer();
      status = response.status;
    } catch {
      pollErrors++;
    }
    if (status === 200) servedAt = performance.now();
    else await new Promise((r) => setTimeout(r, 200));
    if (performance.now() - confirmedAt > 3600_000) throw new Error('the new page was not served within an hour');
  }
  let liveAt = 0;
  while (!liveAt) {
    const page = await call('GET', '/publish/workspace/').catch(() => {
      pollErrors++;
      return undefined;
    });
    if (page?.text.includes('data-state="live"')) liveAt = performance.now();
    else await new Promise((r) => setTimeout(r, 200));
  }
  const cpuAfter = processCpu(pid);
  const lastStatus = await fetch(`${url}/verify/${numbers.at(-1)}/`, { redirect: 'manual' })
    .then((response) => response.status)
    .catch((error: Error) => `failed (${error.message})`);
  return {
    servedS: (servedAt - confirmedAt) / 1000,
    liveS: (liveAt - confirmedAt) / 1000,
    buildCpuS: cpuAfter.childrenUserS + cpuAfter.childrenSysS - cpuBefore.childrenUserS - cpuBefore.childrenSysS,
    serverCpuS: cpuAfter.userS + cpuAfter.sysS - cpuBefore.userS - cpuBefore.sysS,
    during: load.samples.filter((s) => s.at >= confirmedAt && s.at <= servedAt),
    lastStatus,
    pollErrors,
  };
}

const RUNS = benchRuns(3);
console.log(
  `publish: ${SIZE} auxiliaries, ${RUNS} rounds of ${ROWS} people uploaded by ${AGENCY}, ${CONCURRENCY} request loops (pause ${PAUSE_MS} ms), work folder ${WORK}`,
);
console.log(machineLine());
await prepare();
const paths = otherPages();
const { child, url } = await startServer();
try {
  const call = clerk(url);
  if ((await call('POST', '/publish/sign-in', new URLSearchParams({ agency: AGENCY }))).status !== 200) throw new Error('sign-in request refused');
  const signed = await call('POST', await mailedLink());
  if (signed.status !== 303) throw new Error(`sign-in refused: ${signed.status}`);

  const load = loadLoops(url, paths);
  await new Promise((r) => setTimeout(r, 5000));
  const firstConfirm = performance.now();
  const rounds: Round[] = [];
  for (let round = 1; round <= RUNS; round++) {
    const r = await publishRound(url, call, child.pid!, load, round);
    rounds.push(r);
    console.log(
      `round ${round}: confirm → first new page served ${seconds(r.servedS * 1000)}, workspace live ${seconds(r.liveS * 1000)}, rebuild CPU ${r.buildCpuS.toFixed(1)} s, server CPU ${r.serverCpuS.toFixed(1)} s, last new page HTTP ${r.lastStatus}; ${describe('other pages during the rebuild', r.during)}`,
    );
    await new Promise((r) => setTimeout(r, 2000));
  }
  const lastServed = performance.now();
  await load.stop();

  console.log(`\nmedian (min–max) over ${RUNS} rounds; CPU = user+sys (rebuild: the build processes the server waited for)`);
  console.log(
    '| confirm → new page served s | confirm → workspace live s | rebuild CPU s | server CPU s | other pages during the rebuild: requests / failures / p50 ms / p99 ms | polls failed |',
  );
  console.log('|---:|---:|---:|---:|---|---:|');
  const during = rounds.flatMap((r) => r.during);
  const q = latencyAt(during);
  console.log(
    `| ${withSpread(rounds.map((r) => r.servedS))} | ${withSpread(rounds.map((r) => r.liveS))} | ${withSpread(rounds.map((r) => r.buildCpuS))} | ${withSpread(rounds.map((r) => r.serverCpuS))} | ${during.length} / ${during.filter((s) => !s.ok).length} / ${q(0.5)} / ${q(0.99)} | ${rounds.reduce((n, r) => n + r.pollErrors, 0)} |`,
  );
  console.log(
    describe(
      'other pages before the first confirm (5 s)',
      load.samples.filter((s) => s.at < firstConfirm),
    ),
  );
  console.log(
    describe(
      'other pages, whole run',
      load.samples.filter((s) => s.at <= lastServed),
    ),
  );
  if (rounds.some((r) => r.lastStatus !== 200) || load.samples.some((s) => !s.ok)) process.exitCode = 1;
} finally {
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
}
