import type { Employment, ShownStatus } from './roster/schema.ts';

/**
 * How each status is said on the site: words first, colour and symbol only as support (never colour alone).
 * The words state what the roster says and nothing more: a certificate is recovered at every departure as well as
 * after a sanction, so no status here suggests misconduct; and no status names who acted (the law has the employing
 * agency recover it, Hebei art. 26, not necessarily the one that issued it; the roster records neither).
 */
export const statusInfo: Record<ShownStatus, { label: string; symbol: string; sinceWord: string; note: string; valid: boolean }> = {
  active: { label: '有效', symbol: '✓', sinceWord: '起在岗', note: '此证件有效，持证人在岗。', valid: true },
  expired: { label: '已过有效期', symbol: '!', sinceWord: '起在岗', note: '此证件已过有效期，目前不是有效证件。', valid: false },
  suspended: { label: '暂停使用', symbol: '!', sinceWord: '起暂停', note: '此证件暂停使用，目前不是有效证件。', valid: false },
  revoked: { label: '证件已收回', symbol: '✕', sinceWord: '起收回', note: '此证件已被收回，不再有效。', valid: false },
  cancelled: { label: '证件已注销', symbol: '✕', sinceWord: '起注销', note: '此证件已注销（例如已换发新证），不再有效。', valid: false },
  left: { label: '已离职', symbol: '–', sinceWord: '起离职', note: '持证人已离职，此证件不再有效。', valid: false },
};

export const statusOrder: readonly ShownStatus[] = ['active', 'expired', 'suspended', 'revoked', 'cancelled', 'left'];

export const employmentLabel: Record<Employment, string> = {
  direct: '直接招用',
  dispatch: '劳务派遣',
};

/** `2024-03-01` → `2024年3月1日`. */
export function formatDate(iso: string | undefined): string {
  if (!iso) return '';
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  return m ? `${m[1]}年${Number(m[2])}月${Number(m[3])}日` : iso;
}

/** Shown where a name is no longer published (retention period over). */
export const NAME_WITHHELD = '（姓名已不再公示）';
