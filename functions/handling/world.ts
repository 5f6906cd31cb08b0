import type { Limits, World } from '../complaints/world.ts';
import type { WorkCalendar } from '../deadlines/calendar.ts';

/** What handling, deadlines and the status page need: a subset of the complaint functions' World. */
export type HandlingWorld = Pick<World, 'store' | 'clock' | 'directory' | 'settings' | 'log' | 'policy'> & {
  /** Public holidays and make-up working days; weekends only when absent. */
  calendar?: WorkCalendar;
  /** Status lookups per address (defaults when absent). */
  limits?: Partial<Limits>;
};
