import { describe, expect, it } from 'vitest';
import { beijingToday, categoryProblem, whenInFuture } from '../../src/core/complaint/rules.ts';
import { categoryMessages } from '../../src/core/complaint/fields.ts';

describe('the rules the check step and the handler share', () => {
  it('reads dates as Beijing dates: at 23:30 UTC it is already the next day in China', () => {
    const now = new Date('2026-11-29T23:30:00Z');
    expect(beijingToday(now)).toBe('2026-11-30');
    expect(whenInFuture('2026-11-30', now)).toBe(false);
    expect(whenInFuture('2026-12-01', now)).toBe(true);
    // A time today: refused only when it is after now (07:30 Beijing).
    expect(whenInFuture('2026-11-30T07:00', now)).toBe(false);
    expect(whenInFuture('2026-11-30T08:00', now)).toBe(true);
  });

  it('takes 其他 or a category of the unit’s regulation, names the problem otherwise', () => {
    const allowed = [{ code: 'hebei-2021:10.1' }];
    expect(categoryProblem('other', allowed, true)).toBeUndefined();
    expect(categoryProblem('hebei-2021:10.1', allowed, true)).toBeUndefined();
    expect(categoryProblem('luan-draft:12.3', allowed, true)).toBe(categoryMessages.notForUnit);
    expect(categoryProblem('luan-draft:12.3', allowed, false)).toBe(categoryMessages.invalid);
  });
});
