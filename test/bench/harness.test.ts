import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { alternate, machineShares, machineTimes, measureCommand, processSched, summarize, waitOfProcesses, withSpread } from '../../scripts/bench/harness.ts';

/** A fixed amount of CPU work in a fresh Node process (no timing inside, so a busy machine changes only its wall time). */
const busy = [process.execPath, '-e', 'let x = 0; for (let i = 0; i < 1e8; i++) x += i; if (x < 0) console.log(x);'] as const;

describe('benchmark harness', { timeout: 120_000 }, () => {
  it('summarises rounds as the median with the spread', () => {
    expect(summarize([3, 1, 2])).toEqual({ median: 2, min: 1, max: 3, n: 3 });
    expect(summarize([4, 1, 3, 2]).median).toBe(2.5);
    expect(withSpread([1.04, 1.26, 0.98], 2, ' s')).toBe('1.04 s (0.98 s–1.26 s)');
    expect(withSpread([7], 1)).toBe('7.0');
  });

  it("reads the machine's idle and stolen shares between two readings of /proc/stat", async () => {
    const before = machineTimes();
    expect(before.totalS).toBeGreaterThan(before.idleS);
    // Every core busy for a while: the idle share of that window must fall well below an idle machine's.
    const quoted = busy.map((a) => `'${a}'`).join(' ');
    await measureCommand('sh', ['-c', `${Array.from({ length: availableParallelism() }, () => `${quoted} &`).join(' ')} wait`]);
    const shares = machineShares(before, machineTimes());
    expect(shares.idlePct).toBeGreaterThanOrEqual(0);
    expect(shares.idlePct).toBeLessThan(60);
    expect(shares.stealPct).toBeGreaterThanOrEqual(0);
    expect(machineShares(before, before).idlePct).toBeNaN();
  });

  it('reads how long processes waited for a core: one more busy process than cores keeps some of them waiting', async () => {
    // A marker in each child's command line, so that waitOfProcesses finds these and nothing else.
    const marker = `sched-${randomUUID()}`;
    const children = Array.from({ length: availableParallelism() + 1 }, () => spawn(process.execPath, ['-e', 'for (;;) {}', marker], { stdio: 'ignore' }));
    try {
      await new Promise((r) => setTimeout(r, 2000));
      const each = children.map((c) => processSched(c.pid!));
      for (const t of each) expect(t.runS).toBeGreaterThan(0);
      // Over two seconds the cores could run only `cores` of them at a time: about one process's worth waited.
      const waited = each.reduce((n, t) => n + t.waitS, 0);
      expect(waited).toBeGreaterThan(0.5);
      // The same processes found by their command line, read a moment later: at least as long.
      expect(waitOfProcesses({ comm: /./, cmdline: new RegExp(marker) })).toBeGreaterThanOrEqual(waited);
      // This process: its main thread alone has run, and for no longer than all its threads together.
      const main = processSched('self', 'main');
      expect(main.runS).toBeGreaterThan(0);
      expect(main.runS).toBeLessThanOrEqual(processSched('self').runS);
    } finally {
      for (const c of children) c.kill('SIGKILL');
    }
  });

  it('runs the sides in alternating rounds', async () => {
    const order: string[] = [];
    const side = (label: string) => ({ label, run: async (round: number) => void order.push(`${label}${round}`) });
    await alternate([side('a'), side('b')], 3);
    expect(order).toEqual(['a1', 'b1', 'a2', 'b2', 'a3', 'b3']);
  });

  it('counts the CPU of the whole process tree: a shell running the work twice costs twice one run', async () => {
    const one = await measureCommand(busy[0], [...busy.slice(1)]);
    const quoted = busy.map((a) => `'${a}'`).join(' ');
    const two = await measureCommand('sh', ['-c', `${quoted} & ${quoted}; wait`]);
    expect(one.code).toBe(0);
    expect(two.code).toBe(0);
    expect(one.cpuS).toBeGreaterThan(0);
    // Uncounted children would leave the shell's own few milliseconds (a ratio near 0); the bounds are wide because
    // two copies on two shared cores do not run at exactly the speed of one.
    const ratio = two.cpuS / one.cpuS;
    expect(ratio).toBeGreaterThan(1.2);
    expect(ratio).toBeLessThan(4);
  });

  it("polls the tree's CPU as a check on the waited-for figure, which misses a child its parent did not wait for", async () => {
    // The parent kills its busy child and exits at once, before Node reaps it: the kernel charges the child to no
    // one in the tree (as the build's portal parts were, before the build waited for them); polling still saw it.
    const script = `const c = require('node:child_process').spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }); setTimeout(() => { c.kill('SIGKILL'); process.exit(0); }, 3000);`;
    const run = await measureCommand(process.execPath, ['-e', script], { rss: true });
    expect(run.code).toBe(0);
    expect(run.peakRss!.polledCpuS).toBeGreaterThan(0.3);
    expect(run.peakRss!.polledCpuS - run.cpuS).toBeGreaterThan(0.25);
  });

  it('reports the command exit code and its peak memory', async () => {
    const failed = await measureCommand('sh', ['-c', 'exit 3']);
    expect(failed.code).toBe(3);
    const held = await measureCommand(process.execPath, ['-e', 'const b = Buffer.alloc(200 * 2 ** 20, 1); setTimeout(() => b.length, 1500);'], { rss: true });
    expect(held.peakRss!.totalKiB / 1024).toBeGreaterThan(200);
  });
});
