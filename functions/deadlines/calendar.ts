import { holidaysSchema } from '../../src/core/holidays.ts';
import { parseWithFriendlyErrors } from '../../src/core/friendly-errors.ts';

/**
 * Working-day arithmetic for complaint deadlines. Days are counted on the calendar of the agencies
 * (China Standard Time, UTC+8, no daylight saving), so "5 working days" means five Monday–Friday dates
 * after the day of submission, minus public holidays, plus make-up working weekends (调休) when the
 * operator lists them in `<CONTENT_DIR>/holidays.yaml` (the build copies them into the directory file).
 */
export const CHINA_OFFSET_MINUTES = 8 * 60;
const DAY_MS = 86_400_000;

export interface WorkCalendar {
  holidays: ReadonlySet<string>;
  workdays: ReadonlySet<string>;
  offsetMinutes: number;
}

export const WEEKENDS_ONLY: WorkCalendar = { holidays: new Set(), workdays: new Set(), offsetMinutes: CHINA_OFFSET_MINUTES };

export function makeCalendar(input: unknown = {}, where = 'holidays.yaml'): WorkCalendar {
  const data = parseWithFriendlyErrors(holidaysSchema, input ?? {}, where);
  return { holidays: new Set(data.holidays), workdays: new Set(data.workdays), offsetMinutes: CHINA_OFFSET_MINUTES };
}

/** The local calendar date (YYYY-MM-DD) of an instant. */
export function localDate(at: Date, calendar: WorkCalendar = WEEKENDS_ONLY): string {
  return new Date(at.getTime() + calendar.offsetMinutes * 60_000).toISOString().slice(0, 10);
}

/** The last millisecond of a local date, as an instant. */
export function endOfLocalDay(date: string, calendar: WorkCalendar = WEEKENDS_ONLY): Date {
  return new Date(Date.parse(`${date}T00:00:00.000Z`) + DAY_MS - 1 - calendar.offsetMinutes * 60_000);
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
 * The end of the `days`-th working day after the local day of `from` (that day itself never counts,
 * whatever the hour): submitted Friday, 1 working day → end of Monday.
 */
export function addWorkingDays(from: Date, days: number, calendar: WorkCalendar = WEEKENDS_ONLY): Date {
  if (!Number.isInteger(days) || days < 0) throw new RangeError(`工作日数应为非负整数，收到 ${days}`);
  let date = localDate(from, calendar);
  for (let left = days; left > 0; ) {
    date = shiftDate(date, 1);
    if (isWorkingDay(date, calendar)) left--;
  }
  return endOfLocalDay(date, calendar);
}

/** The end of the local day `days` calendar days after the local day of `from`. */
export function addCalendarDays(from: Date, days: number, calendar: WorkCalendar = WEEKENDS_ONLY): Date {
  if (!Number.isInteger(days) || days < 0) throw new RangeError(`天数应为非负整数，收到 ${days}`);
  return endOfLocalDay(shiftDate(localDate(from, calendar), days), calendar);
}
