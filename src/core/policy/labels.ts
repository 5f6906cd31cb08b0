import type { HandlingPolicy } from './handling.ts';

/**
 * The label every handling deadline carries wherever it is shown (pages, mails, /stats/): the platform's own time
 * limit unless the policy cites the document that adopted it; and, when the holiday calendar does not cover a year
 * the deadline reaches, that statutory holidays are not counted — naming that year when it is known (a mail states
 * a deadline, and the span counted to it names its years: functions/deadlines/label.ts).
 */
export const PLATFORM_LIMIT = '本平台设定的办理时限';
/** The complainants' personal-information notice (/privacy/): its title, wherever it is named. */
export const PRIVACY_NOTICE_TITLE = '个人信息保护说明';
/** What every form of the holiday note ends with. */
export const HOLIDAYS_NOT_DEDUCTED = '计算工作日时未扣除法定节假日';
/** The holiday note when no year is named (a rule text whose caller passes only whether holidays are counted). */
export const HOLIDAYS_NOT_COUNTED = `节假日日历未覆盖，${HOLIDAYS_NOT_DEDUCTED}`;

/** The holiday note naming the years the calendar lacks: 节假日日历2027年未覆盖，计算工作日时未扣除法定节假日. */
export function holidaysNotCovered(years: readonly number[]): string {
  return `节假日日历${years.join('、')}年未覆盖，${HOLIDAYS_NOT_DEDUCTED}`;
}

/**
 * Whether holidays are counted: `true` (or no years) — no note; `false` — the note without a year; the years the
 * holiday calendar lacks — the note naming them.
 */
export type HolidayCoverage = boolean | readonly number[];

function holidayNote(holidays: HolidayCoverage): string | undefined {
  if (typeof holidays === 'boolean') return holidays ? undefined : HOLIDAYS_NOT_COUNTED;
  return holidays.length ? holidaysNotCovered(holidays) : undefined;
}

export function timeLimitLabel(handling: Pick<HandlingPolicy, 'citation'>, holidays: HolidayCoverage): string {
  const basis = handling.citation ? `办理时限依据${handling.citation}` : `${PLATFORM_LIMIT}，不是《办法》的规定（两部办法均未规定受理、办结期限）`;
  const note = holidayNote(holidays);
  return note ? `${basis}；${note}` : basis;
}

/** The deadlines themselves in words, with their label. */
export function timeLimitSummary(handling: HandlingPolicy, holidays: HolidayCoverage): string {
  const escalation = handling.remind
    ? `；逾期的，平台向办理机关催办，${handling.escalateAfterWorkingDays} 个工作日后仍未办理的，报告其上级行政机关和司法行政部门`
    : '';
  return `${handling.acceptWorkingDays} 个工作日内决定是否受理，受理后 ${handling.resolveDays} 日内办结${escalation}（${timeLimitLabel(handling, holidays)}）`;
}
