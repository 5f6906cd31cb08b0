import { readdirSync, readFileSync } from 'node:fs';

/** The environment variable the stop tests mark a run's processes with: children inherit it. */
export const STOP_MARK = 'GONGSHI_STOP_TEST';

/** The processes whose environment holds `GONGSHI_STOP_TEST=<marker>` (Linux: read from /proc). */
export function processesMarked(marker: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/environ`, 'latin1').split('\0').includes(`${STOP_MARK}=${marker}`)) found.push(Number(entry));
    } catch {
      /* gone, or not ours */
    }
  }
  return found;
}

/** The command line of a process (its title, for one that set process.title), '' once it is gone. */
export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'latin1').replaceAll('\0', ' ').trim();
  } catch {
    return '';
  }
}
