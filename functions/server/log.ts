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
