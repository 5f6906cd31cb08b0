import { withHint } from '../../core/error-data.ts';
import { rosterErrors } from './errors.ts';

/** One thing wrong in a roster, located as precisely as possible: file, row as Excel shows it, column, value. */
export interface RosterProblem {
  /** Path relative to the content folder. */
  file: string;
  /** Row number as Excel shows it (header row counted, first row is 1). */
  row?: number;
  /** Column letter and header as written in the file, e.g. `C 列「证件编号」`. */
  column?: string;
  /** The offending value; only ever the value of an allow-listed column. */
  value?: string;
  reason: string;
}

const MAX_VALUE_LENGTH = 60;

/** `rosters/a.csv 第 7 行，C 列「证件编号」，值「12 34」：reason` (parts that are absent are left out). */
export function formatProblem(p: RosterProblem): string {
  const where: string[] = [p.row === undefined ? p.file : `${p.file} 第 ${p.row} 行`];
  if (p.column) where.push(p.column);
  if (p.value !== undefined && p.value !== '') where.push(`值「${shorten(p.value)}」`);
  return `${where.join('，')}：${p.reason}`;
}

function shorten(value: string): string {
  const oneLine = value.replace(/\r?\n/g, '↵');
  return oneLine.length > MAX_VALUE_LENGTH ? `${oneLine.slice(0, MAX_VALUE_LENGTH)}…` : oneLine;
}

/** Thrown by loadSite when any roster has a problem: the message lists every problem, not only the first. */
export class RosterImportError extends Error {
  readonly problems: RosterProblem[];
  constructor(problems: RosterProblem[]) {
    super(`${withHint(rosterErrors.ImportFailed, problems.length)}\n${problems.map((p) => `  - ${formatProblem(p)}`).join('\n')}`);
    this.name = 'RosterImportError';
    this.problems = problems;
    // The list says what to fix; a stack trace under it is only noise to the clerk or operator reading the build's output.
    this.stack = this.message;
  }
}

/** 0 → `A`, 25 → `Z`, 26 → `AA`: the column letter Excel shows. */
export function columnLetter(index: number): string {
  let n = index + 1;
  let letters = '';
  while (n > 0) {
    const rem = (n - 1) % 26;
    letters = String.fromCharCode(65 + rem) + letters;
    n = Math.floor((n - 1) / 26);
  }
  return letters;
}

export function columnLabel(index: number, header: string): string {
  return header ? `${columnLetter(index)} 列「${header}」` : `${columnLetter(index)} 列`;
}
