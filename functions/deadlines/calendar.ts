import { localDate, WEEKENDS_ONLY, workingDaysAfter, type WorkCalendar } from '../../src/core/policy/calendar.ts';

export { holidaysSchema } from '../../src/core/holidays.ts';
export { CHINA_OFFSET_MINUTES, coversAhead, isWorkingDay, localDate, makeCalendar, missingYears, WEEKENDS_ONLY } from '../../src/core/policy/calendar.ts';
export { loadCalendar } from '../../src/import/policy/load.ts';
export type { WorkCalendar } from '../../src/core/policy/calendar.ts';

/**
 * Working-day arithmetic for complaint deadlines. Days are counted on the calendar of the agencies
 * (China Standard Time, UTC+8, no daylight saving), so "5 working days" means five Monday–Friday dates
 * after the day of submission, minus the statutory holidays and plus the make-up working weekends (调休) of
 * the years the holiday calendar covers (src/core/policy/calendar.ts).
 */
const DAY_MS = 86_400_000;

/** The last millisecond of a local date, as an instant. */
export function endOfLocalDay(date: string, calendar: WorkCalendar = WEEKENDS_ONLY): Date {
  return new Date(Date.parse(`${date}T00:00:00.000Z`) + DAY_MS - 1 - calendar.offsetMinutes * 60_000);
}

function shiftDate(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00.000Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/**
 * The end of the `days`-th working day after the local day of `from` (that day itself never counts,
 * whatever the hour): submitted Friday, 1 working day → end of Monday.
 */
export function addWorkingDays(from: Date, days: number, calendar: WorkCalendar = WEEKENDS_ONLY): Date {
  return endOfLocalDay(workingDaysAfter(localDate(from, calendar), days, calendar), calendar);
}

/** The end of the local day `days` calendar days after the local day of `from`. */
export function addCalendarDays(from: Date, days: number, calendar: WorkCalendar = WEEKENDS_ONLY): Date {
  if (!Number.isInteger(days) || days < 0) throw new RangeError(`天数应为非负整数，收到 ${days}`);
  return endOfLocalDay(shiftDate(localDate(from, calendar), days), calendar);
}
