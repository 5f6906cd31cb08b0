import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../complaints/support.ts';
import { processesMarked } from '../support/processes.ts';
import { distDir, siteBuilt } from '../support/site.ts';

/**
 * Operator trial: a service manager (Docker, supervisord, `kill <pid>`) stops `npm start` with SIGTERM to the process
 * it started — npm. npm passed it to the `sh -c` running the script, which died without passing it on: the server
 * kept serving, orphaned, holding its port and its store. Stopped while it built, the server left Astro building on
 * for minutes, orphaned too, after releasing the build lock the next build relies on. Here every process of the run
 * (found by a marker in its environment, which children inherit) must be gone soon after npm is.
 */
const root = join(import.meta.dirname, '../..');

/** npm as the tests were started with it (under the project's Node), else the one on PATH. */
const npm = process.env.npm_execpath?.endsWith('.js') ? { command: process.execPath, args: [process.env.npm_execpath] } : { command: 'npm', args: [] };

/**
 * `npm run <script>` with `env`, stopped with SIGTERM to npm once its output matches `when`; returns whether npm
 * exited within 20 s, and the processes of the run still there 5 s after that (killed then, so that a failing test
 * leaves nothing behind).
 */
async function stopWhen(script: string, env: Record<string, string>, when: RegExp): Promise<{ output: string; exited: boolean; left: number[] }> {
  const marker = randomBytes(8).toString('hex');
  const child = spawn(npm.command, [...npm.args, 'run', script], {
    cwd: root,
    env: { ...process.env, SITE_URL: '', DATABASE_URL: '', SMTP_URL: '', NODE_ENV: '', PORT: '0', ...env, GONGSHI_STOP_TEST: marker },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  await new Promise<void>((done, fail) => {
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      if (when.test(output)) done();
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.once('exit', (code) => fail(new Error(`npm run ${script} exited (${code}) before it was stopped:\n${output}`)));
    setTimeout(() => fail(new Error(`npm run ${script} did not print ${when} within 100 s:\n${output}`)), 100_000).unref();
  });
  child.kill('SIGTERM');
  const stopped = await Promise.race([exited.then(() => true), new Promise<false>((r) => setTimeout(() => r(false), 20_000))]);
  let left = processesMarked(marker);
  for (const until = Date.now() + 5000; left.length && Date.now() < until; left = processesMarked(marker)) await new Promise((r) => setTimeout(r, 100));
  for (const pid of left) process.kill(pid, 'SIGKILL');
  if (!stopped) child.kill('SIGKILL');
  return { output, exited: stopped, left };
}

describe.skipIf(!siteBuilt())('a stop signal to npm stops the whole run', { timeout: 180_000 }, () => {
  it('npm start serving: the server stops (no orphan on its port), even stopped at once', async () => {
    // A fresh compile cache: after 「listening」 the server spends a moment writing it, and the signal comes then, while
    // its stop handlers are being put in place (one dropped signal left it running).
    const fresh = { NODE_COMPILE_CACHE: tempDir('gongshi-stop-cache-') };
    const run = await stopWhen('start', { NO_BUILD: '1', OUT_DIR: distDir, VAR_DIR: tempDir('gongshi-stop-'), ...fresh }, /listening http/);
    const url = /listening (http:\/\/[\d.:]+)/.exec(run.output)![1]!;
    expect(run.exited).toBe(true);
    expect(run.left).toEqual([]);
    await expect(fetch(url)).rejects.toThrow();
  });

  it('npm run outbox: the worker stops', async () => {
    const run = await stopWhen('outbox', { OUT_DIR: distDir, VAR_DIR: tempDir('gongshi-stop-') }, /\[outbox\] 邮件/);
    expect(run.exited).toBe(true);
    expect(run.left).toEqual([]);
  });

  it('npm start and npm run build while they build: the build stops with them', async () => {
    // Astro's own output: the build child is running.
    const building = /Building static entrypoints/;
    const started = await stopWhen('start', { NO_BUILD: '', OUT_DIR: join(tempDir('gongshi-stop-'), 'dist'), VAR_DIR: tempDir('gongshi-stop-') }, building);
    expect(started.exited).toBe(true);
    expect(started.left).toEqual([]);
    const built = await stopWhen('build', { OUT_DIR: join(tempDir('gongshi-stop-'), 'dist'), VAR_DIR: tempDir('gongshi-stop-') }, building);
    expect(built.exited).toBe(true);
    expect(built.left).toEqual([]);
  });
});
