import type { Regulation } from './schema.ts';

/** `2021-12-01` → `2021年12月1日`. */
function chineseDate(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  return m ? `${m[1]}年${Number(m[2])}月${Number(m[3])}日` : iso;
}

/** Whether pages relying on this text must say it has no legal force. */
export function isDraft(regulation: Pick<Regulation, 'status'>): boolean {
  return regulation.status === 'draft';
}

/** The text's legal status in one sentence, from what its source says and nothing more. */
export function legalStatusText(regulation: Regulation): string {
  if (isDraft(regulation)) {
    return `征求意见稿，不具有法律效力，尚未施行；本站引用仅供参考。`;
  }
  const from = regulation.effectiveDate
    ? `自${chineseDate(regulation.effectiveDate)}起施行（${regulation.effectiveArticle}）`
    : `${regulation.effectiveClause}（${regulation.effectiveArticle}）`;
  return `现行有效，${from}。`;
}

/** Where the text comes from, as the source itself gives it, and what the source does not give. */
export function sourceText(regulation: Regulation): string {
  const s = regulation.source;
  const details = [s.attachment, s.number, s.date].filter(Boolean).join('，');
  return `${s.description}${details ? `（${details}）` : ''}。来源材料中没有：${s.notInSource.join('、')}。`;
}

/** The notice every page that relies on a draft carries (verify, agency, complaint categories, its own page, footer). */
export function draftNotice(regulation: Regulation): string | undefined {
  if (!isDraft(regulation)) return undefined;
  const where = regulation.source.attachment ? `${regulation.source.attachment}；` : '';
  return `《${regulation.title}》是征求意见稿（${where}来源材料中没有${regulation.source.notInSource.join('、')}），不具有法律效力。本站引用它，只为说明${regulation.jurisdiction}拟定的规则，以正式施行的文本为准。`;
}
