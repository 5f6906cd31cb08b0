import type { HandlingPolicy } from './handling.ts';

/**
 * The label every handling deadline carries wherever it is shown (pages, mails, /stats/): the platform's own time
 * limit unless the policy cites the document that adopted it; and, when the holiday calendar does not reach far
 * enough ahead, that statutory holidays are not counted.
 */
export const PLATFORM_LIMIT = '本平台设定的办理时限';
/** The complainants' personal-information notice (/privacy/): its title, wherever it is named. */
export const PRIVACY_NOTICE_TITLE = '个人信息保护说明';
export const HOLIDAYS_NOT_COUNTED = '节假日日历未覆盖，计算工作日时未扣除法定节假日';

export function timeLimitLabel(handling: Pick<HandlingPolicy, 'citation'>, holidaysCounted: boolean): string {
  const basis = handling.citation ? `办理时限依据${handling.citation}` : `${PLATFORM_LIMIT}，不是《办法》的规定（两部办法均未规定受理、办结期限）`;
  return holidaysCounted ? basis : `${basis}；${HOLIDAYS_NOT_COUNTED}`;
}

/** The deadlines themselves in words, with their label. */
export function timeLimitSummary(handling: HandlingPolicy, holidaysCounted: boolean): string {
  const escalation = handling.remind
    ? `；逾期的，平台向办理机关催办，${handling.escalateAfterWorkingDays} 个工作日后仍未办理的，报告其上级行政机关和司法行政部门`
    : '';
  return `${handling.acceptWorkingDays} 个工作日内决定是否受理，受理后 ${handling.resolveDays} 日内办结${escalation}（${timeLimitLabel(handling, holidaysCounted)}）`;
}
