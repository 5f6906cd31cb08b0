import { z } from 'zod';
import { isoDate } from './dates.ts';

/**
 * The holiday calendar (`<CONTENT_DIR>/holidays.yaml`): per year, the statutory holidays that fall on weekdays and
 * the make-up working weekends (调休), each year with the document it is taken from. Nothing is invented: a year not
 * in the file is not covered (src/core/policy/calendar.ts).
 */
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

export type Holidays = z.infer<typeof holidaysSchema>;
