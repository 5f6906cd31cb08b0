import { timeLimitLabel } from '../../src/core/policy/labels.ts';
import { DEFAULT_POLICY, type Policy } from '../../src/core/policy/schema.ts';
import { coversAhead, WEEKENDS_ONLY, type WorkCalendar } from './calendar.ts';

/**
 * The label a mail gives its deadlines: the platform's own time limits unless the policy cites an adopting
 * document, and whether statutory holidays were counted when the deadline was set at `setAt`.
 */
export function timeLimitFor(world: { policy?: Policy; calendar?: WorkCalendar }, setAt: Date): string {
  return timeLimitLabel((world.policy ?? DEFAULT_POLICY).handling, coversAhead(world.calendar ?? WEEKENDS_ONLY, setAt));
}
