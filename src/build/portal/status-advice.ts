import { provisionById } from '../../core/regulation/provisions.ts';
import type { Provision, Regulation } from '../../core/regulation/schema.ts';
import { escapeHtml as e } from '../../core/text.ts';
import type { ShownStatus } from './public-view.ts';

/**
 * What a citizen should do on seeing each status, citing the jurisdiction's own article (quoted whole) where
 * one applies. The 110 advice is general guidance of the platform, not a provision of either text.
 */
function quote(regulation: Regulation, id: string | undefined): string {
  const p: Provision | undefined = id ? provisionById(regulation, id) : undefined;
  if (!p) return '';
  return `<q class="verbatim">${p.leadIn ? `${e(p.leadIn)}……` : ''}${e(p.text)}</q>（《${e(regulation.title)}》${e(p.article)}）`;
}

/** `agencyPhone`: the item naming the employing agency's phone (HTML), first for every status, when it has one. */
export function statusAdviceHtml(status: ShownStatus, regulation: Regulation, reportHref: string, complainHref: string, agencyPhone?: string): string {
  const a = regulation.statusArticles;
  const items: string[] = agencyPhone ? [agencyPhone] : [];
  if (status === 'active') {
    items.push(
      `辅助人员${e(regulation.wording.noEnforcementPower)}：${quote(regulation, regulation.noEnforcementPower[0]!.id)}。遇到不得做或禁止的行为，可以<a href="${complainHref}">投诉此人</a>。`,
    );
  } else {
    items.push(`如果有人正在持此证件开展辅助执法工作，请<a href="${reportHref}">举报</a>（可以匿名）：${quote(regulation, a.certificateRequired)}。`);
    if (status === 'left' && a.recoveredOnLeaving) items.push(`离职时证件应当收回：${quote(regulation, a.recoveredOnLeaving)}。`);
  }
  items.push(
    `有人冒充执法人员：${quote(regulation, a.posingAsOfficer)}。正在发生、危及人身或财产安全的，请立即拨打 <a href="tel:110">110</a> 报警（本站的提示）。`,
  );
  return `<div class="advice"><h2>您可以怎么做</h2><ul>${items.map((i) => `<li>${i}</li>`).join('')}</ul></div>`;
}
