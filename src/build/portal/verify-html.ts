import type { Agency } from '../../core/registry/schema.ts';
import type { Regulation } from '../../core/regulation/schema.ts';
import type { Auxiliary } from '../../core/roster/schema.ts';
import { escapeHtml as e } from '../../core/text.ts';
import { pageHtml } from '../../core/frame.ts';
import { employmentLabel, formatDate, statusInfo } from '../../core/labels.ts';
import { agencyPath, complaintPath, photoFileName } from './paths.ts';
import { rulesHtml } from './rules-html.ts';

/**
 * One certificate's verification page: the status first (words + symbol + colour + date), who it is, which unit,
 * then what an auxiliary may and must not do under the unit's regulation, and the complaint link. No JavaScript.
 * `#auxiliary` carries the data-* attributes the complaint form reads.
 */
export function verifyPageHtml(aux: Auxiliary, agency: Agency, regulation: Regulation, asOf: string | undefined): string {
  const status = statusInfo[aux.status];
  const fact = (term: string, value: string) => `<dt>${term}</dt><dd>${value}</dd>`;
  const complain = e(complaintPath(aux.certificateNo));
  const facts = [
    fact('姓名', `<b>${e(aux.name)}</b>`),
    fact('证件编号', e(aux.certificateNo)),
    fact('所在单位', `<a href="${agencyPath(agency.id)}">${e(agency.name)}</a>`),
    aux.post ? fact('岗位', e(aux.post)) : '',
    aux.employment ? fact('用工方式', e(employmentLabel[aux.employment] + (aux.dispatcher ? `（派遣单位：${aux.dispatcher}）` : ''))) : '',
    aux.dispatcher && !aux.employment ? fact('劳务派遣单位', e(aux.dispatcher)) : '',
    aux.issuedOn ? fact('发证日期', formatDate(aux.issuedOn)) : '',
    aux.validUntil ? fact('有效期至', formatDate(aux.validUntil)) : '',
    asOf ? fact('名单日期', `截至 ${formatDate(asOf)} 的公示名单`) : '',
  ].join('');
  const photo = aux.photo ? `<img src="${e(photoFileName(aux.photo))}" alt="${e(aux.name)}的照片" width="96" height="128">` : '';
  const main =
    `<article id="auxiliary" data-certificate-no="${e(aux.certificateNo)}" data-name="${e(aux.name)}" data-agency-id="${e(agency.id)}" data-agency-name="${e(agency.name)}" data-status="${aux.status}">` +
    `<h1>证件核验：${e(aux.certificateNo)}</h1>` +
    `<div class="status status-${aux.status}" role="status"><strong><span class="sym" aria-hidden="true">${status.symbol}</span>${status.label}</strong>` +
    (aux.statusSince ? `<span>自 ${formatDate(aux.statusSince)}${status.sinceWord}</span>` : '') +
    `<div>${status.note}</div></div>` +
    `<div class="person">${photo}<dl class="facts">${facts}</dl></div>` +
    `<p><a class="btn" href="${complain}">投诉此人</a></p></article>` +
    `<section aria-labelledby="rules"><h2 id="rules">辅助人员可以做什么、不得做什么</h2>${rulesHtml(regulation)}` +
    `<p>遇到上述不得做或禁止的行为，可以<a href="${complain}">投诉此人</a>。</p></section>`;
  return pageHtml(`${aux.name}（${aux.certificateNo}）`, `辅助行政执法证件 ${aux.certificateNo} 核验结果`, main);
}
