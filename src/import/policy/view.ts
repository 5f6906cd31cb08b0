import { readSettings } from '../../core/settings.ts';
import { coversAhead, missingYears, type WorkCalendar } from '../../core/policy/calendar.ts';
import { timeLimitLabel, timeLimitSummary } from '../../core/policy/labels.ts';
import type { Policy } from '../../core/policy/schema.ts';
import { loadCalendar, loadPolicy } from './load.ts';
import { contentErrors } from '../../core/content-errors.ts';
import { withHint } from '../../core/error-data.ts';

/** The policy as the static pages show it, with the holiday coverage as of the build. */
export interface PolicyView {
  policy: Policy;
  calendar: WorkCalendar;
  /** Years within the next 90 days the holiday calendar lacks (empty: holidays are counted). */
  missingYears: number[];
  holidaysCounted: boolean;
  /** The label every deadline on a page carries. */
  timeLimitLabel: string;
  /** The deadlines in words, with the label. */
  timeLimitSummary: string;
}

export async function loadPolicyView(contentDir: string, now = new Date()): Promise<PolicyView> {
  const policy = await loadPolicy(contentDir);
  const calendar = await loadCalendar(contentDir);
  const holidaysCounted = coversAhead(calendar, now);
  // Pages state the rule, not one deadline: the note names the years of the next 90 days the calendar lacks.
  const missing = missingYears(calendar, now);
  return {
    policy,
    calendar,
    missingYears: missing,
    holidaysCounted,
    timeLimitLabel: timeLimitLabel(policy.handling, missing),
    timeLimitSummary: timeLimitSummary(policy.handling, missing),
  };
}

/** The warning the build prints when the holiday calendar does not reach 90 days ahead; undefined when it does. */
export function calendarWarning(view: Pick<PolicyView, 'missingYears'>): string | undefined {
  if (!view.missingYears.length) return undefined;
  return withHint(contentErrors.HolidaysNotCovered, view.missingYears);
}

const cache = new Map<string, Promise<PolicyView>>();

export function getPolicyView(contentDir = readSettings().contentDir): Promise<PolicyView> {
  let view = cache.get(contentDir);
  if (!view) {
    view = loadPolicyView(contentDir);
    cache.set(contentDir, view);
  }
  return view;
}
