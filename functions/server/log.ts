/**
 * The default one-line-per-request log of a long-running process (`npm start`): lines are gathered during one
 * event-loop turn and written to stdout together, in order, at the end of it — one write instead of one console.log
 * (format, stream machinery, a blocking write to the pipe) per request, which was ~4 % of the intake's event loop
 * under load. Lines still pending when the process exits are written then; a process killed outright loses at most
 * the lines of its last turn (a log, never a record: the store is).
 */
let pending: string[] = [];
let hooked = false;

function flush(): void {
  if (!pending.length) return;
  const text = pending.join('');
  pending = [];
  process.stdout.write(text);
}

export function logLine(line: string): void {
  if (!hooked) {
    hooked = true;
    process.once('exit', flush);
  }
  if (!pending.length) setImmediate(flush);
  pending.push(`${line}\n`);
}

/**
 * An error as an operator's log line may show it: its name, its code, and the first frame of our own code in its
 * stack (file and line). Never its message, which may quote what a citizen typed.
 */
export function errorKind(error: unknown): string {
  const e = error as { name?: unknown; code?: unknown; stack?: unknown } | undefined;
  const name = typeof e?.name === 'string' ? e.name : typeof error;
  const code = typeof e?.code === 'string' || typeof e?.code === 'number' ? ` ${e.code}` : '';
  const frames = typeof e?.stack === 'string' ? e.stack.split('\n').slice(1) : [];
  const ours = frames
    .filter((f) => !f.includes('node_modules'))
    .map((f) => /((?:functions|src)\/[\w./-]+\.tsx?):(\d+)/.exec(f))
    .find((m) => m);
  return `${name}${code}${ours ? ` at ${ours[1]}:${ours[2]}` : ''}`;
}
