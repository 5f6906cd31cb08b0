import { timeLimitLabel } from '../../src/core/policy/labels.ts';
import { DEFAULT_POLICY, type Policy } from '../../src/core/policy/schema.ts';
import { localDate, WEEKENDS_ONLY, type WorkCalendar } from './calendar.ts';
import { acceptDueAt } from './policy.ts';

/** The span a deadline was counted over: from when it was set (the routing, 受理) to the deadline, or to a later date a mail states that is counted from it (the reminder's escalation date). */
export interface CountedSpan {
  from: Date | string;
  to: Date | string;
}

/** The years from the local day of `from` through that of `to` that the holiday calendar does not cover. */
export function yearsNotCovered(calendar: WorkCalendar, spans: readonly CountedSpan[]): number[] {
  const missing = new Set<number>();
  for (const span of spans) {
    const first = Number(localDate(new Date(span.from), calendar).slice(0, 4));
    const last = Number(localDate(new Date(span.to), calendar).slice(0, 4));
    for (let year = first; year <= last; year++) if (!calendar.sources.has(year)) missing.add(year);
  }
  return [...missing].sort((a, b) => a - b);
}

/**
 * The label a mail gives the deadlines it states: the platform's own time limits unless the policy cites an adopting
 * document; and, only when a deadline's span reaches a year the holiday calendar does not cover, that statutory
 * holidays were not counted, naming that year (节假日日历2027年未覆盖，…). A deadline inside covered years gets no
 * note, however close the end of the covered years is (the build's 90-day warning is the operator's, not the mail's).
 *
 * `counted`: the spans of the deadlines the mail states (none: it states none, no note); a bare instant is the
 * 受理 deadline counted from it under the policy (the intake mails, which pass the complaint's filing time).
 */
export function timeLimitFor(world: { policy?: Policy; calendar?: WorkCalendar }, counted: Date | CountedSpan | readonly CountedSpan[]): string {
  const calendar = world.calendar ?? WEEKENDS_ONLY;
  const handling = (world.policy ?? DEFAULT_POLICY).handling;
  const spans: readonly CountedSpan[] =
    counted instanceof Date ? [{ from: counted, to: acceptDueAt(counted, handling, calendar) }] : 'from' in counted ? [counted] : counted;
  return timeLimitLabel(handling, yearsNotCovered(calendar, spans));
}
