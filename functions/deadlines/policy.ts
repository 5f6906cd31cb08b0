import type { Regulation } from '../../src/core/regulation/schema.ts';
import { addCalendarDays, addWorkingDays, WEEKENDS_ONLY, type WorkCalendar } from './calendar.ts';

/**
 * When each step is due, from the deadlines of the handling agency's regulation (content/regulations/*.yaml
 * `deadlines`): 受理 within `acceptWorkingDays` working days of reaching the agency (a transfer restarts
 * the clock for the receiving agency), 办结 within `resolveDays` calendar days of 受理. A missed deadline
 * brings a reminder to the handling agency at once and, `escalateAfterWorkingDays` working days later, an
 * escalation to its parent and oversight.
 */
export const ESCALATE_AFTER_WORKING_DAYS = 3;

export function acceptDueAt(routedAt: Date, regulation: Pick<Regulation, 'deadlines'>, calendar: WorkCalendar = WEEKENDS_ONLY): Date {
  return addWorkingDays(routedAt, regulation.deadlines.acceptWorkingDays, calendar);
}

export function resolveDueAt(acceptedAt: Date, regulation: Pick<Regulation, 'deadlines'>, calendar: WorkCalendar = WEEKENDS_ONLY): Date {
  return addCalendarDays(acceptedAt, regulation.deadlines.resolveDays, calendar);
}

export function escalationAt(dueAt: Date, calendar: WorkCalendar = WEEKENDS_ONLY): Date {
  return addWorkingDays(dueAt, ESCALATE_AFTER_WORKING_DAYS, calendar);
}
