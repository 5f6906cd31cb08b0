import type { AuxiliaryStatus, Employment } from './roster/schema.ts';

/** How each status is said on the site: words first, colour and symbol only as support (never colour alone). */
export const statusInfo: Record<AuxiliaryStatus, { label: string; symbol: string; sinceWord: string; note: string }> = {
  active: { label: '有效', symbol: '✓', sinceWord: '起有效', note: '此证件有效，持证人在岗。' },
  suspended: { label: '暂停', symbol: '!', sinceWord: '起暂停', note: '此证件已暂停使用，持证人现在不得从事辅助执法工作。' },
  revoked: { label: '已收回', symbol: '✕', sinceWord: '起收回', note: '此证件已被收回或注销，不再有效。' },
  cancelled: { label: '已注销', symbol: '✕', sinceWord: '起注销', note: '此证件已注销，不再有效。' },
  left: { label: '已离职', symbol: '–', sinceWord: '起离职', note: '持证人已离职，此证件不再有效。' },
};

export const statusOrder: readonly AuxiliaryStatus[] = ['active', 'suspended', 'revoked', 'cancelled', 'left'];

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
