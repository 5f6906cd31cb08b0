import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The default request log (functions/server/log.ts): one line per call, in order, written per event-loop turn. */
describe('request log', () => {
  const run = (body: string) => {
    const script = join(mkdtempSync(join(tmpdir(), 'gongshi-log-')), 'log.ts');
    writeFileSync(script, `const { logLine } = await import(${JSON.stringify(resolve(import.meta.dirname, '../../functions/server/log.ts'))});\n${body}`);
    return execFileSync(process.execPath, [script], { encoding: 'utf8' });
  };

  it('writes every line once and in order, across turns', () => {
    expect(run("logLine('a'); logLine('b'); setImmediate(() => { logLine('c'); setTimeout(() => logLine('d'), 5); });")).toBe('a\nb\nc\nd\n');
  });

  it('writes the lines of the last turn when the process exits in it', () => {
    expect(run("logLine('first'); logLine('second'); process.exit(0);")).toBe('first\nsecond\n');
  });
});
