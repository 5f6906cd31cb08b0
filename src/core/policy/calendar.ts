import { z } from 'zod';
import { isoDate } from '../dates.ts';
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

const calendarYearSchema = z
  .object({
    year: z
      .number({ error: 'year 应是四位年份，如 2026' })
      .int()
      .min(2000, { message: 'year 应是四位年份，如 2026' })
      .max(2100, { message: 'year 应是四位年份，如 2026' }),
    /** The document the dates come from (e.g. 国务院办公厅关于某年部分节假日安排的通知, with its number). */
    source: z.string({ error: '缺少出处 source：这一年的放假安排出自哪份文件（名称和文号）' }).trim().min(1, { message: '出处 source 不能为空' }),
    /** Weekdays that are not working days (法定节假日). */
    holidays: z.array(isoDate).default([]),
    /** Saturdays/Sundays that are working days (调休上班). */
    workdays: z.array(isoDate).default([]),
  })
  .strict()
  .superRefine((y, ctx) => {
    for (const list of ['holidays', 'workdays'] as const) {
      y[list].forEach((d, i) => {
        if (!d.startsWith(`${y.year}-`)) ctx.addIssue({ code: 'custom', path: [list, i], message: `${d} 不在 ${y.year} 年内，应写在该年的条目下` });
      });
    }
  });

export const holidaysSchema = z
  .object({
    years: z.array(calendarYearSchema, { error: 'years 应是年份列表（每项有 year、source、holidays、workdays）' }).default([]),
  })
  .strict()
  .superRefine((c, ctx) => {
    const seen = new Set<number>();
    c.years.forEach((y, i) => {
      if (seen.has(y.year)) ctx.addIssue({ code: 'custom', path: ['years', i, 'year'], message: `${y.year} 年重复` });
      seen.add(y.year);
    });
  });

export interface WorkCalendar {
  holidays: ReadonlySet<string>;
  workdays: ReadonlySet<string>;
  offsetMinutes: number;
  /** Years the file covers, with their sources; an empty map means weekends only. */
  sources: ReadonlyMap<number, string>;
}

export const WEEKENDS_ONLY: WorkCalendar = { holidays: new Set(), workdays: new Set(), offsetMinutes: CHINA_OFFSET_MINUTES, sources: new Map() };

export function makeCalendar(input: unknown = {}, where = 'holidays.yaml'): WorkCalendar {
  const parsed = holidaysSchema.safeParse(input ?? {});
  if (!parsed.success) {
    const problems = formatIssues(parsed.error.issues);
    if (input && typeof input === 'object' && ('holidays' in input || 'workdays' in input)) {
      problems.unshift('节假日须按年份写在 years 下，每年注明出处 source（格式见 docs/CONTENT.md）');
    }
    throw new ContentError(where, problems);
  }
  const years = parsed.data.years;
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
