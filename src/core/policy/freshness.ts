import { z } from 'zod';
import { formatDate } from '../labels.ts';
import { workingDaysAfter, type WorkCalendar } from './calendar.ts';
import { HOLIDAYS_NOT_COUNTED } from './labels.ts';
import { citation, positiveInt } from './fields.ts';

/**
 * How long a published roster counts as current. Neither regulation sets this: past `workingDays` working days
 * after its as-of date, the agency page says the roster may be out of date and the oversight bureau's daily
 * summary lists the agency.
 */
export const freshnessPolicySchema = z
  .object({
    /** Working days after the roster's as-of date until it is shown as possibly out of date. */
    workingDays: positiveInt('freshness.workingDays', '工作日数').default(20),
    citation,
  })
  .strict();

export type FreshnessPolicy = z.infer<typeof freshnessPolicySchema>;

/** The last day a roster of `asOf` counts as current: after it, the roster may be out of date. */
export function currentUntil(asOf: string, freshness: FreshnessPolicy, calendar: WorkCalendar): string {
  return workingDaysAfter(asOf, freshness.workingDays, calendar);
}

/** Whether the holiday calendar covers every year from the roster date to the end of its period. */
export function holidaysCountedFor(asOf: string, until: string, calendar: WorkCalendar): boolean {
  for (let year = Number(asOf.slice(0, 4)); year <= Number(until.slice(0, 4)); year++) if (!calendar.sources.has(year)) return false;
  return true;
}

export function isStale(asOf: string, today: string, freshness: FreshnessPolicy, calendar: WorkCalendar): boolean {
  return today > currentUntil(asOf, freshness, calendar);
}

/** Where the rule comes from, in the words shown with it. */
export function freshnessBasis(freshness: FreshnessPolicy): string {
  return freshness.citation ? `依据${freshness.citation}` : '本平台设定的更新期限，不是《办法》的规定';
}

/** The rule in words, with the date it ends for one roster (shown without JavaScript too). */
export function freshnessRule(freshness: FreshnessPolicy, until: string, holidaysCounted = true): string {
  return `名单超过 ${freshness.workingDays} 个工作日未更新（即 ${formatDate(until)} 之后）视为可能已过时（${freshnessBasis(freshness)}${holidaysCounted ? '' : `；${HOLIDAYS_NOT_COUNTED}`}）。`;
}

/** The warning itself. */
export const STALE_WARNING = '本名单已超过更新期限，可能已过时：人员和状态可能已有变化，请以该机关的答复为准。';

/** The daily summary's line for one agency. */
export function staleSummaryLine(asOf: string, until: string): string {
  return `名单日期 ${formatDate(asOf)}，${formatDate(until)} 后未再更新，可能已过时`;
}
