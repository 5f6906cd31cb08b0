import { holidaysSchema, type Holidays } from '../holidays.ts';
import { contentErrors } from '../content-errors.ts';
import { messageOf } from '../error-data.ts';
import { ContentError, formatIssues } from '../friendly-errors.ts';

/**
 * The holiday calendar (`<CONTENT_DIR>/holidays.yaml`): per year, the statutory holidays that fall on weekdays and
 * the make-up working weekends (调休), each year with the document it is taken from. Nothing is invented: a year
 * not in the file is not covered, and deadline texts then say statutory holidays are not counted.
 */
export const CHINA_OFFSET_MINUTES = 8 * 60;
const DAY_MS = 86_400_000;
/** How far ahead the calendar must reach for deadlines to count holidays without a warning. */
export const COVERAGE_DAYS = 90;

export interface WorkCalendar {
  holidays: ReadonlySet<string>;
  workdays: ReadonlySet<string>;
  offsetMinutes: number;
  /** Years the file covers, with their sources; an empty map means weekends only. */
  sources: ReadonlyMap<number, string>;
}

export const WEEKENDS_ONLY: WorkCalendar = { holidays: new Set(), workdays: new Set(), offsetMinutes: CHINA_OFFSET_MINUTES, sources: new Map() };

/** Checks a holidays.yaml's data; the error names the file, each field, and the layout when it is the old one. */
export function parseHolidays(input: unknown, where = 'holidays.yaml'): Holidays {
  const parsed = holidaysSchema.safeParse(input ?? {});
  if (!parsed.success) {
    const problems = formatIssues(parsed.error.issues);
    if (input && typeof input === 'object' && ('holidays' in input || 'workdays' in input)) {
      problems.unshift(messageOf(contentErrors.HolidaysOldLayout));
    }
    throw new ContentError(where, problems);
  }
  return parsed.data;
}

export function makeCalendar(input: unknown = {}, where = 'holidays.yaml'): WorkCalendar {
  const years = parseHolidays(input, where).years;
  return {
    holidays: new Set(years.flatMap((y) => y.holidays)),
    workdays: new Set(years.flatMap((y) => y.workdays)),
    offsetMinutes: CHINA_OFFSET_MINUTES,
    sources: new Map(years.map((y) => [y.year, y.source])),
  };
}

/** The local calendar date (YYYY-MM-DD) of an instant. */
export function localDate(at: Date, calendar: WorkCalendar = WEEKENDS_ONLY): string {
  return new Date(at.getTime() + calendar.offsetMinutes * 60_000).toISOString().slice(0, 10);
}

function shiftDate(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00.000Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

export function isWorkingDay(date: string, calendar: WorkCalendar = WEEKENDS_ONLY): boolean {
  if (calendar.workdays.has(date)) return true;
  if (calendar.holidays.has(date)) return false;
  const weekday = new Date(`${date}T00:00:00.000Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6;
}

/**
 * Answers already counted, per calendar: every submission of a day asks the same question (its due date), and
 * counting it again cost ~5 % of a submission's CPU. A calendar is never changed once made; a new one (a new build's
 * holidays) starts empty.
 */
const counted = new WeakMap<WorkCalendar, Map<string, string>>();
const MAX_COUNTED = 4096;

/** The date of the `days`-th working day after `date` (that day itself never counts). */
export function workingDaysAfter(date: string, days: number, calendar: WorkCalendar = WEEKENDS_ONLY): string {
  if (!Number.isInteger(days) || days < 0) throw new RangeError(`workingDaysAfter: days must be a non-negative integer, got ${days}`);
  let answers = counted.get(calendar);
  if (!answers) {
    answers = new Map();
    counted.set(calendar, answers);
  }
  const key = `${date}+${days}`;
  const known = answers.get(key);
  if (known !== undefined) return known;
  let day = date;
  for (let left = days; left > 0; ) {
    day = shiftDate(day, 1);
    if (isWorkingDay(day, calendar)) left--;
  }
  if (answers.size >= MAX_COUNTED) answers.clear();
  answers.set(key, day);
  return day;
}

/** The years from the local day of `from` through COVERAGE_DAYS later that the calendar file lacks. */
export function missingYears(calendar: WorkCalendar, from: Date, days = COVERAGE_DAYS): number[] {
  const first = Number(localDate(from, calendar).slice(0, 4));
  const last = Number(localDate(new Date(from.getTime() + days * DAY_MS), calendar).slice(0, 4));
  const missing: number[] = [];
  for (let y = first; y <= last; y++) if (!calendar.sources.has(y)) missing.push(y);
  return missing;
}

/** Whether holidays are counted for deadlines set from `at` (the file covers the next COVERAGE_DAYS days). */
export function coversAhead(calendar: WorkCalendar, at: Date): boolean {
  return missingYears(calendar, at).length === 0;
}
