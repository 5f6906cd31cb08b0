import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');

/**
 * `npm start` (scripts/start.ts) with `env` over this process's environment (PORT=0 and NO_BUILD=1 unless given): what
 * it printed up to "listening" and a moment after (its warnings), after `whileUp` has had the server's address; then
 * it is stopped. Rejects with what it printed when it exits first.
 */
export async function startLog(env: Record<string, string>, whileUp?: (url: string) => Promise<void>): Promise<string> {
  const child = spawn(process.execPath, [join(root, 'scripts/start.ts')], {
    cwd: root,
    env: { ...process.env, PORT: '0', NO_BUILD: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  try {
    await new Promise<void>((done, fail) => {
      const read = (chunk: Buffer) => {
        log += chunk.toString();
        if (/listening http/.test(log)) done();
      };
      child.stdout!.on('data', read);
      child.stderr!.on('data', read);
      child.once('exit', (code) => fail(new Error(`start exited (${code}):\n${log}`)));
    });
    // The warnings follow the listening line within the same turn.
    await new Promise((r) => setTimeout(r, 300));
    await whileUp?.(/listening (http:\/\/[\d.:]+)/.exec(log)![1]!);
    return log;
  } finally {
    child.kill('SIGKILL');
  }
}
