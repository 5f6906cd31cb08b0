import { withHint, type ErrorData } from '../../core/error-data.ts';
import { rosterErrors, type PlacedErrorData } from './errors.ts';

/**
 * Where the clerk reading a problem fixes it: `folder` — the Git content folder (`content/rosters/`, `roster:check`,
 * the build), where a mapping file may sit next to the roster; `workspace` — the publishing workspace, which takes one
 * uploaded file and nothing else, so every fix is made in that file and it is uploaded again.
 */
export type RosterPlace = 'folder' | 'workspace';

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
  /** What is wrong and how to fix it in the content folder (and wherever the fix is the same). */
  reason: string;
  /** The same in the publishing workspace, when the fix differs there (no mapping file: the file itself is changed). */
  workspaceReason?: string;
  /**
   * Said on its own line, never grouped with others of the same reason: each names a person the clerk must act on
   * (a number another agency publishes, a person of another unit), so every row and number is listed. `workspace`:
   * only there (the catalogue entry's `workspaceEach`); elsewhere it is grouped like any other.
   */
  each?: true | 'workspace';
}

type PlacedArgs<E extends ErrorData> = E['message'] extends (...args: infer A) => string ? A : [];

/** What placed gives: both texts, and whether the workspace lists each such problem on its own line. */
export interface Placed {
  reason: string;
  workspaceReason?: string;
  each?: 'workspace';
}

/**
 * An entry's text for both places: `reason` with its hint, and `workspaceReason` with its workspace message and hint
 * when it has either. Spread into a RosterProblem (or an OpenResult): which one is shown is decided where it is shown.
 */
export function placed<E extends PlacedErrorData>(entry: E, ...args: PlacedArgs<E>): Placed {
  const call = withHint as (entry: ErrorData, ...args: unknown[]) => string;
  const reason = call(entry, ...args);
  const each = entry.workspaceEach ? { each: 'workspace' as const } : {};
  if (entry.workspaceHint === undefined && entry.workspaceMessage === undefined) return { reason, ...each };
  const there = { ...entry, message: entry.workspaceMessage ?? entry.message, hint: entry.workspaceHint ?? entry.hint };
  return { reason, workspaceReason: call(there, ...args), ...each };
}

/** Whether a problem is said on its own line in `place` (RosterProblem.each). */
function listedEach(p: Pick<RosterProblem, 'each'>, place: RosterPlace): boolean {
  return p.each === true || p.each === place;
}

/** The reason as the clerk in `place` reads it. */
export function reasonIn(p: Pick<RosterProblem, 'reason' | 'workspaceReason'>, place: RosterPlace): string {
  return place === 'workspace' && p.workspaceReason !== undefined ? p.workspaceReason : p.reason;
}

const MAX_VALUE_LENGTH = 60;

/** `rosters/a.csv 第 7 行，C 列「证件编号」，值「12 34」：reason` (parts that are absent are left out), as the content folder says it. */
export function formatProblem(p: RosterProblem): string {
  return formatProblemIn(p, 'folder');
}

/** formatProblem with the reason as the clerk in `place` reads it. */
export function formatProblemIn(p: RosterProblem, place: RosterPlace): string {
  const where: string[] = [p.row === undefined ? p.file : `${p.file} 第 ${p.row} 行`];
  if (p.column) where.push(p.column);
  if (p.value !== undefined && p.value !== '') where.push(`值「${shorten(p.value)}」`);
  return `${where.join('，')}：${reasonIn(p, place)}`;
}

function shorten(value: string): string {
  const oneLine = value.replace(/\r?\n/g, '↵');
  return oneLine.length > MAX_VALUE_LENGTH ? `${oneLine.slice(0, MAX_VALUE_LENGTH)}…` : oneLine;
}

/**
 * From how many problems with the same file, column and reason they are said in one line: one systematic mistake
 * (every date written 3/1/2024) in a 10 000-row file is then one line, not 10 000; a few stay one line each.
 */
export const GROUP_FROM = 5;
/** How many of a group's distinct values are quoted as examples. */
const GROUP_EXAMPLES = 3;

/**
 * The problems as lines to read: one line per problem, except that the problems sharing file, column and reason
 * (GROUP_FROM or more of them) make one line where the first of them stood —
 * `a.csv，I 列「发证日期」第 2–10001 行，共 10000 处，值如「3/1/2024」「4/1/2024」：reason`.
 */
export function problemTexts(problems: readonly RosterProblem[], place: RosterPlace = 'folder'): string[] {
  const keyOf = (p: RosterProblem) =>
    p.row !== undefined && p.column && !listedEach(p, place) ? `${p.file}\u0000${p.column}\u0000${reasonIn(p, place)}` : undefined;
  const counts = new Map<string, number>();
  for (const p of problems) {
    const key = keyOf(p);
    if (key !== undefined) counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const groups = new Map<string, { first: RosterProblem; low: number; high: number; count: number; values: string[] }>();
  const lines: (string | { group: string })[] = [];
  for (const p of problems) {
    const key = keyOf(p);
    if (key === undefined || (counts.get(key) ?? 0) < GROUP_FROM) {
      lines.push(formatProblemIn(p, place));
      continue;
    }
    let group = groups.get(key);
    if (!group) {
      group = { first: p, low: p.row!, high: p.row!, count: 0, values: [] };
      groups.set(key, group);
      lines.push({ group: key });
    }
    group.count++;
    group.low = Math.min(group.low, p.row!);
    group.high = Math.max(group.high, p.row!);
    if (p.value && group.values.length <= GROUP_EXAMPLES && !group.values.includes(p.value)) group.values.push(p.value);
  }
  return lines.map((line) => {
    if (typeof line === 'string') return line;
    const { first, low, high, count, values } = groups.get(line.group)!;
    const examples = values.slice(0, GROUP_EXAMPLES).map((v) => `「${shorten(v)}」`);
    const more = values.length > GROUP_EXAMPLES ? '等' : '';
    const where = `${first.file}，${first.column}第 ${low}–${high} 行，共 ${count} 处${examples.length ? `，值如${examples.join('')}${more}` : ''}`;
    return `${where}：${reasonIn(first, place)}`;
  });
}

/** Thrown by loadSite when any roster has a problem: the message lists every problem, not only the first. */
export class RosterImportError extends Error {
  readonly problems: RosterProblem[];
  constructor(problems: RosterProblem[]) {
    super(
      `${withHint(rosterErrors.ImportFailed, problems.length)}\n${problemTexts(problems)
        .map((line) => `  - ${line}`)
        .join('\n')}`,
    );
    this.name = 'RosterImportError';
    this.problems = problems;
    // The list says what to fix; a stack trace under it is only noise to the clerk or operator reading the build's
    // output. Empty rather than the message: Astro prints a "Stack trace:" heading for any non-empty stack.
    this.stack = '';
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
