import type { HandlingPolicy } from '../../src/core/policy/handling.ts';
import { DEFAULT_POLICY } from '../../src/core/policy/schema.ts';
import { addCalendarDays, addWorkingDays, WEEKENDS_ONLY, type WorkCalendar } from './calendar.ts';

/**
 * When each step is due, from the deployment's handling policy (policy.yaml `handling`; no regulation sets these):
 * 受理 within `acceptWorkingDays` working days of reaching the agency (a transfer restarts the clock for the
 * receiving agency), 办结 within `resolveDays` calendar days of 受理. A missed deadline brings a reminder to the
 * handling agency at once and, `escalateAfterWorkingDays` working days later, an escalation to its parent and
 * oversight (both only when `remind` is on).
 */
type Limits = Pick<HandlingPolicy, 'acceptWorkingDays' | 'resolveDays' | 'escalateAfterWorkingDays'>;
const DEFAULTS: Limits = DEFAULT_POLICY.handling;

export function acceptDueAt(routedAt: Date, handling: Limits = DEFAULTS, calendar: WorkCalendar = WEEKENDS_ONLY): Date {
  return addWorkingDays(routedAt, handling.acceptWorkingDays, calendar);
}

export function resolveDueAt(acceptedAt: Date, handling: Limits = DEFAULTS, calendar: WorkCalendar = WEEKENDS_ONLY): Date {
  return addCalendarDays(acceptedAt, handling.resolveDays, calendar);
}

export function escalationAt(dueAt: Date, handling: Limits = DEFAULTS, calendar: WorkCalendar = WEEKENDS_ONLY): Date {
  return addWorkingDays(dueAt, handling.escalateAfterWorkingDays, calendar);
}
