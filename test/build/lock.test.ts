import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildSite, buildSiteInBackground } from '../../scripts/build/atomic.ts';
import { acquireBuildLock, type BuildLockOptions, takeOverStale } from '../../scripts/build/lock.ts';
import { tempDir } from '../complaints/support.ts';

/**
 * The build lock (scripts/build/lock.ts): builds of one checkout take turns. A lock is kept fresh by its holder and
 * taken over once stale whatever pid it names; two waiters never both take a stale lock; a waiter says once why it
 * waits; `npm run build` / `npm start`'s first build (buildSite) and the background rebuilds take the same lock.
 */
const work = tempDir('gongshi-lock-');
afterAll(() => rmSync(work, { recursive: true, force: true }));
let n = 0;
const fresh = () => join(work, `lock-${++n}`);
const fast = (path: string, lines: string[] = []): BuildLockOptions => ({ path, heartbeatMs: 100, staleMs: 800, pollMs: 20, log: (line) => lines.push(line) });
const settled = <T>(promise: Promise<T>) => {
  const state = { done: false };
  void promise.then(() => (state.done = true));
  return state;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const old = (path: string) => utimesSync(path, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));

describe('the build lock', () => {
  it.each([
    ['this process', process.pid],
    ['process 1', 1],
  ])('a lock left naming %s, never touched again, is taken over within the stale time, saying once that it waits', async (_, pid) => {
    const path = fresh();
    writeFileSync(path, String(pid));
    const lines: string[] = [];
    const started = Date.now();
    const release = await acquireBuildLock(fast(path, lines));
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(700);
    expect(waited).toBeLessThan(2_500);
    expect(readFileSync(path, 'utf8')).toMatch(new RegExp(`^${process.pid} `));
    expect(
      lines.filter((l) => l.startsWith(`[build] 等待另一个构建完成：锁由进程 ${pid} 持有，自 `)),
      lines.join('\n'),
    ).toHaveLength(1);
    expect(
      lines.filter((l) => l.startsWith(`[build] 接管过期的构建锁：进程 ${pid} `)),
      lines.join('\n'),
    ).toHaveLength(1);
    expect(lines).toHaveLength(2);
    release();
    expect(existsSync(path)).toBe(false);
  });

  it('a waiter acting late on a stale lock it saw never removes the lock another waiter took over', async () => {
    const path = fresh();
    writeFileSync(path, '999999');
    old(path);
    // The first waiter takes it over and holds the new lock.
    const release = await acquireBuildLock(fast(path));
    const held = readFileSync(path, 'utf8');
    // The slow one goes on from what it saw: the old contents, stale.
    expect(takeOverStale(path, '999999', 800)).toBe(false);
    expect(readFileSync(path, 'utf8')).toBe(held);
    // While another waiter is in the middle of taking a stale lock over, this one does not.
    const stale = fresh();
    writeFileSync(stale, 'x');
    old(stale);
    writeFileSync(`${stale}.takeover-${Buffer.from('x').toString('base64url')}`, '');
    expect(takeOverStale(stale, 'x', 800)).toBe(false);
    expect(readFileSync(stale, 'utf8')).toBe('x');
    release();
  });

  it('of several processes racing for one stale lock, exactly one holds it at a time', { timeout: 30_000 }, async () => {
    const path = fresh();
    writeFileSync(path, String(process.pid));
    old(path);
    const lockTs = resolve(import.meta.dirname, '../../scripts/build/lock.ts');
    const startAt = Date.now() + 3_000;
    const script = `
      const { acquireBuildLock } = await import(${JSON.stringify(lockTs)});
      while (Date.now() < ${startAt}) {}
      const release = await acquireBuildLock({ path: ${JSON.stringify(path)}, heartbeatMs: 100, staleMs: 800, pollMs: 5, log: () => {} });
      const from = performance.timeOrigin + performance.now();
      await new Promise((r) => setTimeout(r, 150));
      const to = performance.timeOrigin + performance.now();
      release();
      console.log(JSON.stringify({ from, to }));`;
    const run = () =>
      new Promise<{ from: number; to: number }>((done, fail) => {
        const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
        let out = '';
        child.stdout.on('data', (c: Buffer) => (out += c.toString()));
        child.on('exit', (code) => (code === 0 ? done(JSON.parse(out)) : fail(new Error(`exit ${code}: ${out}`))));
      });
    const held = (await Promise.all([run(), run(), run(), run()])).sort((a, b) => a.from - b.from);
    for (let i = 1; i < held.length; i++) expect(held[i]!.from, JSON.stringify(held)).toBeGreaterThanOrEqual(held[i - 1]!.to);
    expect(existsSync(path)).toBe(false);
  });

  it('a holder that keeps it fresh is waited for, long past the stale time, until it releases', async () => {
    const path = fresh();
    const holder = await acquireBuildLock(fast(path));
    const lines: string[] = [];
    const waiting = acquireBuildLock(fast(path, lines));
    const state = settled(waiting);
    await sleep(2_500);
    expect(state.done).toBe(false);
    expect(lines).toEqual([
      expect.stringMatching(new RegExp(`^\\[build\\] 等待另一个构建完成：锁由进程 ${process.pid} 持有，自 \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d`)),
    ]);
    holder();
    const release = await waiting;
    release();
    expect(existsSync(path)).toBe(false);
  });

  it('a lock that cannot be created does not stop a build, and says so', async () => {
    const lines: string[] = [];
    const release = await acquireBuildLock(fast(join(work, 'no-such-folder', 'lock'), lines));
    release();
    expect(lines).toEqual([expect.stringContaining('[build] 无法创建构建锁')]);
  });

  it('a process that exits while holding it removes it', async () => {
    const path = fresh();
    const lockTs = resolve(import.meta.dirname, '../../scripts/build/lock.ts');
    const script = `const { acquireBuildLock } = await import(${JSON.stringify(lockTs)});
      await acquireBuildLock({ path: ${JSON.stringify(path)}, log: () => {} });
      process.exit(3);`;
    const code = await new Promise((done) => spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: 'inherit' }).on('exit', done));
    expect(code).toBe(3);
    expect(existsSync(path)).toBe(false);
  });

  it('npm run build / the first build of npm start (buildSite) and the background rebuilds wait for the same lock', { timeout: 30_000 }, async () => {
    const path = fresh();
    const outDir = join(work, 'dist');
    const holder = await acquireBuildLock(fast(path));
    const lines: string[] = [];
    // A Node that refuses its options: a "build" that fails at once, so that no Astro build runs here.
    const env = { ...process.env, NODE_OPTIONS: '--no-such-option' };
    const builds = [buildSite({ outDir, env, stdio: 'ignore', lock: fast(path, lines) }), buildSiteInBackground({ outDir, env, lock: fast(path, lines) })];
    const states = builds.map(settled);
    await sleep(1_500);
    expect(states.map((s) => s.done)).toEqual([false, false]);
    expect(lines.filter((l) => l.startsWith('[build] 等待另一个构建完成'))).toHaveLength(2);
    holder();
    const results = await Promise.all(builds);
    expect(results.map((r) => r.ok)).toEqual([false, false]);
    // Released on failure too; nothing left behind.
    expect(existsSync(path)).toBe(false);
    expect(readdirSync(work).filter((name) => name.startsWith('dist'))).toEqual([]);
  });
});
