import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync, statSync, unlinkSync, utimesSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * Astro writes its prerender chunks under the project root (`.astro/`), whatever OUT_DIR is: two builds of one
 * checkout at once break each other (「Cannot find module …/.astro/.prerender/chunks/…」). Every build of a checkout
 * (`npm run build`, `npm start`'s first build, the background rebuilds of functions/publish/store-watch.ts) therefore
 * takes this lock first, and builds take turns.
 *
 * The lock is a file created exclusively (`wx`) that names its holder (pid, since when, a random token). The holder
 * touches its mtime every HEARTBEAT_MS; a lock not touched for STALE_MS is stale — its holder was killed, whatever
 * its pid now names (after kill -9 a restarted container often gives the same pid to another process, or to this
 * one) — and is taken over. Taking over is guarded so that two waiters never both take it: a waiter that finds the
 * lock stale first creates, exclusively, a marker named after that lock's contents; only the one that created it
 * removes the lock, and only after reading again that the lock is still the stale one it saw (its token is unique),
 * so a waiter that was slow never removes the new holder's lock. The holder removes the lock when its build ends
 * (success, failure, exception) and, if it exits while building, on exit; a lock that cannot be created at all
 * (read-only node_modules) does not stop a build.
 *
 * Written here rather than taken from `proper-lockfile` (4.1.2, unchanged since 2020): its stale takeover removes
 * and re-creates the lock in two steps, so two waiters can both take a stale lock (node-proper-lockfile#121, open),
 * which is the defect this lock must not have; it also offers no way to say once that a build waits, and no
 * synchronous wait-with-retries.
 */
export const BUILD_LOCK = resolve(import.meta.dirname, '../../node_modules/.gongshi-build.lock');
export const HEARTBEAT_MS = 2_000;
/** Seven heartbeats missed: a holder whose event loop is busy for a moment keeps its lock. */
export const STALE_MS = 15_000;

export interface BuildLockOptions {
  path?: string;
  heartbeatMs?: number;
  staleMs?: number;
  /** Stops waiting (a server stopping): acquireBuildLock then rejects with the signal's reason. */
  signal?: AbortSignal;
  /** How often a waiter looks again. */
  pollMs?: number;
  log?: (line: string) => void;
}

export type Release = () => void;

/** Waits until this process holds the build lock; the returned function releases it (once; later calls do nothing). */
export async function acquireBuildLock(options: BuildLockOptions = {}): Promise<Release> {
  const path = options.path ?? BUILD_LOCK;
  const heartbeatMs = options.heartbeatMs ?? HEARTBEAT_MS;
  const staleMs = options.staleMs ?? STALE_MS;
  const pollMs = options.pollMs ?? Math.min(500, heartbeatMs);
  const log = options.log ?? ((line: string) => console.log(line));
  const contents = `${process.pid} ${new Date().toISOString()} ${randomBytes(8).toString('hex')}\n`;
  let saidWaiting = false;
  for (;;) {
    options.signal?.throwIfAborted();
    const created = create(path, contents);
    if (created === 'held') return hold(path, contents, heartbeatMs, log);
    if (created !== 'taken') {
      log(`[build] 无法创建构建锁 ${path}（${created}），不等待其他构建，直接构建`);
      return () => undefined;
    }
    const seen = read(path);
    if (!seen) continue; // released just now
    if (Date.now() - seen.mtimeMs > staleMs) {
      if (takeOverStale(path, seen.contents, staleMs)) {
        log(`[build] 接管过期的构建锁：进程 ${holderOf(seen.contents)} 已 ${Math.round((Date.now() - seen.mtimeMs) / 1000)} 秒没有更新它`);
        continue;
      }
    } else if (!saidWaiting) {
      saidWaiting = true;
      log(`[build] 等待另一个构建完成：锁由进程 ${holderOf(seen.contents)} 持有，自 ${sinceOf(seen.contents, seen.birthtimeMs)}（${path}）`);
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/**
 * Removes the lock `path` if it still holds `staleContents` and is still stale; true if it did. Exported for the
 * test of a slow waiter acting on what it saw before another one took over.
 */
export function takeOverStale(path: string, staleContents: string, staleMs: number = STALE_MS): boolean {
  const marker = `${path}.takeover-${Buffer.from(staleContents).toString('base64url').slice(0, 80)}`;
  try {
    closeSync(openSync(marker, 'wx'));
  } catch (error) {
    // Another waiter is taking this one over. A marker left by a waiter killed in the middle goes after a while.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      const left = read(marker);
      if (left && Date.now() - left.mtimeMs > staleMs) unlinkQuietly(marker);
    }
    return false;
  }
  try {
    const now = read(path);
    if (!now || now.contents !== staleContents || Date.now() - now.mtimeMs <= staleMs) return false;
    unlinkSync(path);
    return true;
  } catch {
    return false;
  } finally {
    unlinkQuietly(marker);
  }
}

function create(path: string, contents: string): 'held' | 'taken' | string {
  let fd: number;
  try {
    fd = openSync(path, 'wx');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    return code === 'EEXIST' ? 'taken' : code;
  }
  try {
    writeSync(fd, contents);
  } finally {
    closeSync(fd);
  }
  return 'held';
}

function hold(path: string, contents: string, heartbeatMs: number, log: (line: string) => void): Release {
  let lost = false;
  const heartbeat = setInterval(() => {
    const now = read(path);
    if (now?.contents !== contents) {
      if (!lost) log(`[build] 构建锁 ${path} 已被其他进程接管（本进程有一段时间没能更新它），两个构建可能同时进行`);
      lost = true;
      return;
    }
    const time = new Date();
    try {
      utimesSync(path, time, time);
    } catch {
      /* removed just now: nothing to keep fresh */
    }
  }, heartbeatMs);
  heartbeat.unref();
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    clearInterval(heartbeat);
    process.off('exit', release);
    if (read(path)?.contents === contents) unlinkQuietly(path);
  };
  process.once('exit', release);
  return release;
}

function read(path: string): { contents: string; mtimeMs: number; birthtimeMs: number } | undefined {
  try {
    const stat = statSync(path);
    return { contents: readFileSync(path, 'utf8'), mtimeMs: stat.mtimeMs, birthtimeMs: stat.birthtimeMs || stat.ctimeMs };
  } catch {
    return undefined;
  }
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    /* already gone */
  }
}

function holderOf(contents: string): string {
  return contents.trim().split(' ')[0] || '?';
}

/** When the holder took the lock: as it wrote it, or (a lock from before it did) when the file was made. */
function sinceOf(contents: string, birthtimeMs: number): string {
  const written = Date.parse(contents.trim().split(' ')[1] ?? '');
  const time = new Date(Number.isNaN(written) ? birthtimeMs : written);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${time.getFullYear()}-${pad(time.getMonth() + 1)}-${pad(time.getDate())} ${pad(time.getHours())}:${pad(time.getMinutes())}:${pad(time.getSeconds())}`;
}
