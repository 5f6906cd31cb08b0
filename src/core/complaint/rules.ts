import { categoryMessages } from './fields.ts';
import { OTHER_CATEGORY } from './schema.ts';

/**
 * The rules beyond the schema that need the time or the concerned unit: the island applies them at its check step and
 * the handler before its no-JS check page and again on 确认提交, so an answer refused after confirming is refused at
 * once. Browser-safe: no Node imports.
 */
export const answerMessages = {
  whenInFuture: '发生时间不能晚于今天（北京时间），请核对',
} as const;

/** China has one time zone without daylight saving: dates people type are Beijing dates. */
const BEIJING_MS = 8 * 3600_000;

/** Today's date in Beijing, `YYYY-MM-DD`. */
export function beijingToday(now: Date): string {
  return new Date(now.getTime() + BEIJING_MS).toISOString().slice(0, 10);
}

/** `when` (`YYYY-MM-DD`, or with `THH:MM`, Beijing time) lies after now: a day after today, or a later time today. */
export function whenInFuture(when: string, now: Date): boolean {
  const date = when.slice(0, 10);
  if (when.length === 10) return date > beijingToday(now);
  const at = Date.parse(`${when}:00+08:00`);
  return Number.isFinite(at) && at > now.getTime();
}

/**
 * Why a category cannot be chosen, or undefined: it must be 其他 or one of `allowed`, the categories of the
 * concerned unit's regulation (every regulation's when no unit is known yet).
 */
export function categoryProblem(category: string, allowed: readonly { code: string }[], unitKnown: boolean): string | undefined {
  if (!category || category === OTHER_CATEGORY || allowed.some((c) => c.code === category)) return undefined;
  return unitKnown ? categoryMessages.notForUnit : categoryMessages.invalid;
}
