/**
 * The measuring harness every benchmark part uses, so that each figure is taken the same way: sides run in
 * alternating rounds (A, B, A, B, …) so that a machine that slows down over time slows both, each figure is the
 * median of its rounds with the spread (min–max), and CPU time (user+sys, children included) stands beside wall
 * time; ratios are given for both.
 *
 * CPU time comes from the kernel's own accounting, never from sampling: a command runs under a small wrapper
 * process (this file with `--measure`) that spawns it, waits for it and reads its own `cutime`/`cstime` from
 * /proc/self/stat — the CPU of every descendant the command waited for (worker threads, Pagefind, …). A closure in
 * this process is measured with `process.cpuUsage()` (all its threads) plus the children it reaped meanwhile. A
 * live process (a server under load) is read from /proc/<pid>/stat before and after.
 */
import { spawn, spawnSync, type StdioOptions } from 'node:child_process';
import { readdirSync, readFileSync, writeSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';

/** USER_HZ: the unit of the CPU fields of /proc/<pid>/stat (100 on every mainstream Linux build). */
const TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim()) || 100;

export interface Measured {
  wallS: number;
  /** user+sys of the measured process and the descendants it waited for. */
  cpuS: number;
}

export interface CpuTimes {
  userS: number;
  sysS: number;
  childrenUserS: number;
  childrenSysS: number;
}

/** CPU times of a live process (fields 14–17 of proc(5): utime, stime, cutime, cstime). */
export function processCpu(pid: number | 'self'): CpuTimes {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const at = (n: number) => Number(fields[n - 3]) / TICKS;
  return { userS: at(14), sysS: at(15), childrenUserS: at(16), childrenSysS: at(17) };
}

/** user+sys of a live process itself (its threads included, its children not). */
export function ownCpuSeconds(pid: number): number {
  const t = processCpu(pid);
  return t.userS + t.sysS;
}

/** The whole machine's CPU time so far, from the first line of /proc/stat (every core, in seconds). */
export interface MachineTimes {
  totalS: number;
  /** idle + iowait */
  idleS: number;
  /** Taken by the hypervisor for other guests. */
  stealS: number;
}

export function machineTimes(): MachineTimes {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
  // cpu  user nice system idle iowait irq softirq steal guest guest_nice (guest time is already in user)
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number) as number[];
  const busy = user! + nice! + system! + irq! + softirq!;
  return { totalS: (busy + idle! + iowait! + steal!) / TICKS, idleS: (idle! + iowait!) / TICKS, stealS: steal! / TICKS };
}

/** Shares of the machine's CPU time between two readings that were idle and stolen, in per cent. */
export function machineShares(before: MachineTimes, after: MachineTimes): { idlePct: number; stealPct: number } {
  const total = after.totalS - before.totalS;
  if (total <= 0) return { idlePct: Number.NaN, stealPct: Number.NaN };
  return { idlePct: (100 * (after.idleS - before.idleS)) / total, stealPct: (100 * (after.stealS - before.stealS)) / total };
}

/**
 * How long a live process's threads have run on a core and waited in the run queue for one, in seconds, summed
 * from /proc/<pid>/task/<tid>/schedstat (run ns, wait ns, time slices). Waiting while runnable is what a busy machine
 * adds to a request's wall time beyond its CPU: the server and its database waiting for each other's core. A thread
 * that ends between two readings drops out of the second; the processes measured here keep theirs. NaN where the
 * kernel keeps no such account (built without CONFIG_SCHED_INFO).
 */
export interface SchedTimes {
  runS: number;
  waitS: number;
}

export function processSched(pid: number | 'self', threads: 'all' | 'main' = 'all'): SchedTimes {
  const id = pid === 'self' ? process.pid : pid;
  let runS = 0;
  let waitS = 0;
  let read = 0;
  // The main thread's id is the process's; in Node it runs the event loop, which every request waits on.
  for (const tid of threads === 'main' ? [String(id)] : readdirSync(`/proc/${id}/task`)) {
    try {
      const [run, wait] = readFileSync(`/proc/${id}/task/${tid}/schedstat`, 'utf8').trim().split(/\s+/).map(Number) as number[];
      runS += run! / 1e9;
      waitS += wait! / 1e9;
      read++;
    } catch {
      /* ended meanwhile, or no schedstat in this kernel */
    }
  }
  return read ? { runS, waitS } : { runS: Number.NaN, waitS: Number.NaN };
}

/** The live processes whose name (proc(5) `comm`) and command line match. */
function matchingProcesses(match: { comm: RegExp; cmdline?: RegExp }): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (!match.comm.test(stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')))) continue;
      if (match.cmdline && !match.cmdline.test(readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' '))) continue;
      pids.push(Number(entry));
    } catch {
      /* ended meanwhile */
    }
  }
  return pids;
}

/** Sums `read` over the matching live processes, skipping any that end meanwhile. */
function sumOverProcesses(match: { comm: RegExp; cmdline?: RegExp }, read: (pid: number) => number): number {
  let total = 0;
  for (const pid of matchingProcesses(match)) {
    try {
      total += read(pid);
    } catch {
      /* ended meanwhile */
    }
  }
  return total;
}

/**
 * Summed user+sys of every live process whose name (proc(5) `comm`) and command line match, e.g. the PostgreSQL
 * backends serving one database (`{ comm: /^postgres$/, cmdline: /postgres: \S+ mydb / }`).
 */
export function cpuOfProcesses(match: { comm: RegExp; cmdline?: RegExp }): number {
  return sumOverProcesses(match, ownCpuSeconds);
}

/** Summed run-queue wait (processSched) of the matching live processes, in seconds. */
export function waitOfProcesses(match: { comm: RegExp; cmdline?: RegExp }): number {
  return sumOverProcesses(match, (pid) => processSched(pid).waitS);
}

/** Runs a closure in this process: wall time, and CPU of this process (all threads) plus children reaped meanwhile. */
export async function measureClosure<T>(fn: () => Promise<T> | T): Promise<Measured & { value: T }> {
  const before = process.cpuUsage();
  const children = processCpu('self');
  const started = performance.now();
  const value = await fn();
  const wallS = (performance.now() - started) / 1000;
  const used = process.cpuUsage(before);
  const after = processCpu('self');
  const childrenS = after.childrenUserS + after.childrenSysS - children.childrenUserS - children.childrenSysS;
  return { wallS, cpuS: (used.user + used.system) / 1e6 + childrenS, value };
}

export interface PeakRss {
  /** Highest sum of RSS over the process tree seen at one poll (KiB). */
  totalKiB: number;
  /** Each process name's own peak (KiB); the peaks need not coincide. */
  byName: Map<string, number>;
  /**
   * user+sys of every process seen in the tree, each as last polled (its own threads, not its children): a check on
   * the waited-for figure, which misses a process whose parent exited without waiting for it. Low by up to one
   * poll's CPU for each process.
   */
  polledCpuS: number;
}

/** Polls the RSS of a process tree from /proc every `everyMs`; stop() returns the peaks. */
export function pollTreeRss(rootPid: number, everyMs = 500, skipRoot = false): { stop(): PeakRss } {
  const peak: PeakRss = { totalKiB: 0, byName: new Map(), polledCpuS: 0 };
  const cpuOf = new Map<number, number>();
  const poll = () => {
    const children = new Map<number, number[]>();
    const rss = new Map<number, number>();
    const names = new Map<number, string>();
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const status = readFileSync(`/proc/${entry}/status`, 'utf8');
        const pid = Number(entry);
        const ppid = Number(/PPid:\s+(\d+)/.exec(status)?.[1]);
        rss.set(pid, Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0));
        names.set(pid, /Name:\s+(\S+)/.exec(status)?.[1] ?? '?');
        children.set(ppid, [...(children.get(ppid) ?? []), pid]);
      } catch {
        /* ended meanwhile */
      }
    }
    let total = 0;
    const stack = skipRoot ? [...(children.get(rootPid) ?? [])] : [rootPid];
    while (stack.length) {
      const pid = stack.pop()!;
      const kib = rss.get(pid) ?? 0;
      total += kib;
      const name = names.get(pid) ?? '?';
      peak.byName.set(name, Math.max(peak.byName.get(name) ?? 0, kib));
      try {
        cpuOf.set(pid, ownCpuSeconds(pid));
      } catch {
        /* ended meanwhile: its last polled figure stands */
      }
      stack.push(...(children.get(pid) ?? []));
    }
    peak.totalKiB = Math.max(peak.totalKiB, total);
  };
  const timer = setInterval(poll, everyMs);
  return {
    stop() {
      clearInterval(timer);
      for (const cpu of cpuOf.values()) peak.polledCpuS += cpu;
      return peak;
    },
  };
}

export interface CommandOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** stdin, stdout, stderr of the command (default: ignore, inherit, inherit). */
  stdio?: ['ignore' | 'inherit', 'ignore' | 'inherit' | 'pipe', 'ignore' | 'inherit' | 'pipe'];
  /** Poll the command's process tree for peak RSS. */
  rss?: boolean;
  /** Called with the command's output when stdout/stderr are 'pipe'. */
  onOutput?: (chunk: Buffer) => void;
}

export interface CommandResult extends Measured {
  code: number;
  peakRss?: PeakRss;
}

/**
 * Runs a command to its end under the wrapper: wall time from its spawn to its exit and the CPU of its whole tree,
 * as the kernel accounted it. Safe to run beside other children of this process.
 */
export async function measureCommand(command: string, args: string[], options: CommandOptions = {}): Promise<CommandResult> {
  const [stdin, stdout, stderr] = options.stdio ?? ['ignore', 'inherit', 'inherit'];
  const stdio: StdioOptions = [stdin, stdout, stderr, 'pipe'];
  const wrapper = spawn(process.execPath, [import.meta.filename, '--measure', command, ...args], { cwd: options.cwd, env: options.env ?? process.env, stdio });
  const rss = options.rss ? pollTreeRss(wrapper.pid!, 500, true) : undefined;
  wrapper.stdout?.on('data', (c: Buffer) => options.onOutput?.(c));
  wrapper.stderr?.on('data', (c: Buffer) => options.onOutput?.(c));
  let report = '';
  (wrapper.stdio[3] as NodeJS.ReadableStream).on('data', (c: Buffer) => (report += c.toString()));
  await new Promise((done) => wrapper.once('close', done));
  const peakRss = rss?.stop();
  if (!report) throw new Error(`measuring ${command} failed (wrapper exited ${wrapper.exitCode})`);
  const { wallS, cpuS, code } = JSON.parse(report) as { wallS: number; cpuS: number; code: number };
  return { wallS, cpuS, code, ...(peakRss ? { peakRss } : {}) };
}

/** The wrapper's side: run the command with this process's stdio, then report wall and children's CPU on fd 3. */
async function runWrapped(command: string, args: string[]): Promise<void> {
  const before = processCpu('self');
  const started = performance.now();
  const child = spawn(command, args, { stdio: ['inherit', 'inherit', 'inherit'] });
  const code = await new Promise<number>((done) => child.once('exit', (c, signal) => done(c ?? (signal ? 128 : 1))));
  const wallS = (performance.now() - started) / 1000;
  const after = processCpu('self');
  const cpuS = after.childrenUserS + after.childrenSysS - before.childrenUserS - before.childrenSysS;
  writeSync(3, JSON.stringify({ wallS, cpuS, code }));
  process.exit(0);
}

/** How many rounds each side runs: BENCH_RUNS, else the part's default (3 unless the part says otherwise). */
export function benchRuns(fallback = 3): number {
  const runs = Math.max(1, Math.floor(Number(process.env.BENCH_RUNS || fallback)));
  if (runs < 3) console.log(`note: ${runs} round(s) per side: no median of 3, the spread says nothing`);
  return runs;
}

export interface Side<T> {
  label: string;
  run: (round: number) => Promise<T>;
}

/** Runs the sides in alternating rounds (A, B, A, B, …); `onRun` sees each result as it comes. */
export async function alternate<T>(sides: Side<T>[], rounds: number, onRun?: (label: string, round: number, result: T) => void): Promise<Map<string, T[]>> {
  const results = new Map<string, T[]>(sides.map((s) => [s.label, []]));
  for (let round = 1; round <= rounds; round++) {
    for (const side of sides) {
      const result = await side.run(round);
      results.get(side.label)!.push(result);
      onRun?.(side.label, round, result);
    }
  }
  return results;
}

export interface Summary {
  median: number;
  min: number;
  max: number;
  n: number;
}

export function summarize(values: number[]): Summary {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  const n = sorted.length;
  if (!n) return { median: Number.NaN, min: Number.NaN, max: Number.NaN, n: 0 };
  const mid = Math.floor(n / 2);
  const median = n % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted[n - 1]!, n };
}

/** "12.3 (11.8–14.0)": the median, then the spread when there is more than one value. */
export function withSpread(values: number[], digits = 1, unit = ''): string {
  const s = summarize(values);
  const f = (v: number) => `${v.toFixed(digits)}${unit}`;
  return s.n > 1 ? `${f(s.median)} (${f(s.min)}–${f(s.max)})` : f(s.median);
}

/** The median of one side over the median of the other, for wall and CPU time. */
export function ratios(a: Measured[], b: Measured[]): { wall: number; cpu: number } {
  return {
    wall: summarize(a.map((m) => m.wallS)).median / summarize(b.map((m) => m.wallS)).median,
    cpu: summarize(a.map((m) => m.cpuS)).median / summarize(b.map((m) => m.cpuS)).median,
  };
}

/** One line saying what the figures were taken on, for every part's header. */
export function machineLine(): string {
  const [one, five] = loadavg();
  return `${cpus().length} × ${cpus()[0]?.model ?? '?'}, load average ${one!.toFixed(1)} / ${five!.toFixed(1)} at the start`;
}

if (import.meta.main && process.argv[2] === '--measure') await runWrapped(process.argv[3]!, process.argv.slice(4));
