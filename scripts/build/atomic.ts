import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { existsSync, lstatSync, readdirSync, readlinkSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { acquireBuildLock, type BuildLockOptions } from './lock.ts';
import { builtWithOf, writeBuiltWith } from './built-with.ts';

/**
 * Builds the site without ever exposing a half-built folder: Astro builds into a fresh folder next to the output
 * folder (`dist.build-<time>-<pid>`), and only when it has finished does the output folder — a symbolic link —
 * switch to it, by renaming a new link over the old one (one atomic rename). A failed build is deleted and the
 * previous site stays exactly as it was; `npm start` and any server reading `dist/` see either the old site or the
 * new one, never a mix. The previous build is kept (requests already reading it finish); older ones are removed.
 */
export interface BuildResult {
  ok: boolean;
  /** The folder the output link now points to (on success). */
  builtDir?: string;
  /** Stopped by the caller's signal (a server stopping): nothing was swapped in. */
  stopped?: boolean;
}

const astroBin = resolve(import.meta.dirname, '../../node_modules/astro/bin/astro.mjs');

interface Staged {
  target: string;
  staging: string;
  id: string;
  env: NodeJS.ProcessEnv;
}

function stage(outDir: string, env: NodeJS.ProcessEnv): Staged {
  const target = resolve(outDir);
  const id = `${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}-${process.pid}`;
  const staging = join(dirname(target), `${basename(target)}.build-${id}`);
  rmSync(staging, { recursive: true, force: true });
  return {
    target,
    staging,
    id,
    env: {
      ...env,
      OUT_DIR: staging,
      // The cache stays where it was before builds were staged, so it survives from one build to the next.
      ASTRO_CACHE_DIR: env.ASTRO_CACHE_DIR || (env.OUT_DIR ? `${target}-cache` : resolve('node_modules/.astro')),
      ASTRO_TELEMETRY_DISABLED: '1',
    },
  };
}

type Remove = (paths: string[]) => void;

/** How long a stopped build may take to exit on SIGTERM before its processes are killed. */
const STOP_GRACE_MS = 5000;

/**
 * The build runs in a process group of its own (spawned `detached`), so that stopping it stops every process it
 * started — the portal parts (src/integrations/portal.ts) and Pagefind's binary — not Astro alone: a part whose
 * Astro is gone writes on, orphaned, for as long as its share of a large roster takes.
 */
function killBuild(child: ChildProcess, signal: NodeJS.Signals): void {
  if (!child.pid) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    /* the group is gone already */
  }
}

/**
 * Stops the build when this process exits first (a stop signal to `npm run build` or `npm start` while it
 * builds): it would otherwise build on, orphaned, for minutes, writing Astro's files under the project root after the
 * build lock it relied on was released (./lock.ts) — a clash with the next build. Exit handlers run on process.exit,
 * which the stop-signal handlers of scripts/build.ts and scripts/start.ts call.
 */
function stopWithThisProcess(child: ChildProcess): void {
  const stop = () => killBuild(child, 'SIGTERM');
  process.on('exit', stop);
  const done = () => process.off('exit', stop);
  child.once('close', done);
  child.once('error', done);
}

const removeNow: Remove = (paths) => {
  for (const path of paths) rmSync(path, { recursive: true, force: true });
};

/**
 * Deleting an old build of a large roster (hundreds of thousands of files) takes about a minute; a server that
 * rebuilds in the background must not spend that minute in its own event loop, so a niced child process does it.
 */
const removeInChild: Remove = (paths) => {
  if (!paths.length) return;
  const code = 'for (const p of process.argv.slice(1)) require("node:fs").rmSync(p, { recursive: true, force: true })';
  const child = spawn(process.execPath, ['-e', code, ...paths], { stdio: 'ignore', detached: true });
  try {
    if (child.pid) setPriority(child.pid, 10);
  } catch {
    /* not permitted here: remove at normal priority */
  }
  child.on('error', () => removeNow(paths));
  child.unref();
};

function finish({ target, staging, id, env }: Staged, exitCode: number | null, remove: Remove = removeNow): BuildResult {
  if (exitCode !== 0 || !existsSync(join(staging, 'index.html'))) {
    remove([staging]);
    return { ok: false };
  }
  writeBuiltWith(staging, builtWithOf(env));
  const previous = swapIn(target, staging, id);
  remove(oldBuilds(dirname(target), basename(target), new Set([basename(staging), ...(previous ? [previous] : [])])));
  return { ok: true, builtDir: staging };
}

/**
 * Builds the site (Astro's output shown as it comes, by default). Waits first for any other build of this checkout
 * to finish (./lock.ts), so it is asynchronous: the build runs in a child process while this one keeps the lock fresh.
 */
export async function buildSite(options: { outDir: string; env?: NodeJS.ProcessEnv; stdio?: StdioOptions; lock?: BuildLockOptions }): Promise<BuildResult> {
  const unlock = await acquireBuildLock(options.lock);
  try {
    const staged = stage(options.outDir, options.env ?? process.env);
    const status = await new Promise<number | null>((done) => {
      const child = spawn(process.execPath, [astroBin, 'build'], { stdio: options.stdio ?? 'inherit', env: staged.env, detached: true });
      stopWithThisProcess(child);
      child.on('error', () => done(null));
      child.on('close', (code) => done(code));
    });
    return finish(staged, status);
  } finally {
    unlock();
  }
}

/** How much of a background build's output is kept: its first and its last characters. */
const OUTPUT_HEAD = 64_000;
const OUTPUT_TAIL = 20_000;

/**
 * The same build without blocking the caller's event loop (a running server keeps answering), in a child process
 * of lower priority. `output` keeps the beginning and the end of what the build printed, for telling the clerk (and
 * the server log) why a build failed (functions/publish/republish.ts buildFailureMessage).
 *
 * `signal` (a server stopping) stops it, whether it waits for the lock or builds: the build's processes get SIGTERM
 * (SIGKILL after STOP_GRACE_MS), nothing is swapped in, and the result is `stopped` once they are gone. The
 * half-built folder is left for the next build to remove (oldBuilds), as after a stop during `npm run build`: removing
 * a large one takes about a minute, which a stopping server does not have.
 */
export async function buildSiteInBackground(options: {
  outDir: string;
  env?: NodeJS.ProcessEnv;
  lock?: BuildLockOptions;
  signal?: AbortSignal;
}): Promise<BuildResult & { output: string }> {
  // Builds of one checkout take turns (./lock.ts).
  let unlock: () => void;
  try {
    unlock = await acquireBuildLock({ ...options.lock, ...(options.signal ? { signal: options.signal } : {}) });
  } catch (error) {
    if (options.signal?.aborted) return { ok: false, stopped: true, output: '' };
    throw error;
  }
  try {
    if (options.signal?.aborted) return { ok: false, stopped: true, output: '' };
    return await buildInBackground(options);
  } finally {
    unlock();
  }
}

function buildInBackground(options: { outDir: string; env?: NodeJS.ProcessEnv; signal?: AbortSignal }): Promise<BuildResult & { output: string }> {
  const staged = stage(options.outDir, options.env ?? process.env);
  const { signal } = options;
  return new Promise((done) => {
    const child = spawn(process.execPath, [astroBin, 'build'], { stdio: ['ignore', 'pipe', 'pipe'], env: staged.env, detached: true });
    stopWithThisProcess(child);
    let forced: NodeJS.Timeout | undefined;
    const stop = () => {
      killBuild(child, 'SIGTERM');
      forced = setTimeout(() => killBuild(child, 'SIGKILL'), STOP_GRACE_MS);
    };
    signal?.addEventListener('abort', stop, { once: true });
    const settled = () => {
      signal?.removeEventListener('abort', stop);
      clearTimeout(forced);
    };
    // The rest of the site keeps answering while it builds: the build yields the CPU to the server.
    try {
      if (child.pid) setPriority(child.pid, 10);
    } catch {
      /* not permitted here: build at normal priority */
    }
    // The beginning and the end of what it prints: the first error's heading comes early (each process that meets
    // the error prints it whole, Astro last), and a long list of problems after it must not push it out.
    let head = '';
    let tail = '';
    let cut = false;
    const keep = (chunk: string) => {
      let text = chunk;
      const room = OUTPUT_HEAD - head.length;
      if (room > 0) {
        head += text.slice(0, room);
        text = text.slice(room);
      }
      if (!text) return;
      tail += text;
      if (tail.length > OUTPUT_TAIL) {
        tail = tail.slice(-OUTPUT_TAIL);
        cut = true;
      }
    };
    child.stdout.setEncoding('utf8').on('data', keep);
    child.stderr.setEncoding('utf8').on('data', keep);
    child.on('error', (error) => {
      settled();
      removeInChild([staged.staging]);
      done({ ok: false, output: error.message });
    });
    // 'close' comes once every process holding the build's output pipes has exited: the portal parts too.
    child.on('close', (code) => {
      settled();
      const output = `${head}${cut ? '\n…\n' : ''}${tail}`;
      // Stopped: even a build that completed just then is not swapped in (the caller is told it was not published).
      if (signal?.aborted) done({ ok: false, stopped: true, output });
      else done({ ...finish(staged, code, removeInChild), output });
    });
  });
}

/** Points `target` at `staging` in one rename; returns the folder name it pointed to before, if any. */
function swapIn(target: string, staging: string, id: string): string | undefined {
  const parent = dirname(target);
  let previous: string | undefined;
  let isLink = false;
  try {
    isLink = lstatSync(target).isSymbolicLink();
    if (isLink) previous = basename(readlinkSync(target));
  } catch {
    /* no output folder yet */
  }
  const link = join(parent, `${basename(target)}.link-${id}`);
  rmSync(link, { force: true });
  symlinkSync(basename(staging), link, 'dir');
  if (!isLink && existsSync(target)) {
    // A plain folder from before builds were staged: moved aside once (the only moment with no output folder).
    previous = `${basename(target)}.build-previous-${id}`;
    renameSync(target, join(parent, previous));
  }
  renameSync(link, target);
  return previous;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Earlier builds and the leftovers of crashed ones, but never a folder another running build is writing. */
function oldBuilds(parent: string, base: string, keep: ReadonlySet<string>): string[] {
  const prefix = `${base}.build-`;
  const old: string[] = [];
  for (const name of readdirSync(parent)) {
    if (!name.startsWith(prefix) && !name.startsWith(`${base}.link-`)) continue;
    if (keep.has(name)) continue;
    const pid = Number(/-(\d+)$/.exec(name)?.[1]);
    if (pid && pid !== process.pid && alive(pid) && !name.startsWith(`${prefix}previous-`)) continue;
    old.push(join(parent, name));
  }
  return old;
}
