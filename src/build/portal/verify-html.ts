import type { Agency } from '../../core/registry/schema.ts';
import type { Regulation } from '../../core/regulation/schema.ts';
import { escapeHtml as e } from '../../core/text.ts';
import { phoneHtml } from '../../core/phone.ts';
import { pageHtml } from '../../core/frame.ts';
import { employmentLabel, formatDate, NAME_WITHHELD, statusInfo } from '../../core/labels.ts';
import { agencyPath, complaintPath, photoFileName, reportPath, verifyPath } from './paths.ts';
import { ENDED_STATUSES, type PublicAuxiliary } from './public-view.ts';
import { draftNoticeHtml, rulesHtml } from './rules-html.ts';
import { statusAdviceHtml } from './status-advice.ts';
import { verifyStylesheet } from './verify-stylesheet.ts';

const RULES_HEADING = '辅助人员可以做什么、不得做什么';

/**
 * Whom to call to confirm: the employing agency's published phone (agencies.yaml `phone`), tappable; nothing when
 * the registry publishes none.
 */
function agencyPhoneHtml(agency: Agency): string | undefined {
  return agency.phone ? `向所在单位${e(agency.name)}核实：拨打 ${phoneHtml(agency.phone)}。` : undefined;
}

/**
 * One certificate's verification page: the status first (words + symbol + colour + date, and the validity date
 * inside the same box so a page built earlier still shows it), who it is, which unit, what to do, then what an
 * auxiliary may and must not do under the unit's regulation. Works without JavaScript; /expiry.js only turns the
 * box amber once the validity date has passed. `#auxiliary` carries the data-* attributes the complaint form reads.
 * Only what publicView let through is here.
 */
export function verifyPageHtml(aux: PublicAuxiliary, agency: Agency, regulation: Regulation, asOf: string | undefined, footer?: string): string {
  const status = statusInfo[aux.status];
  const fact = (term: string, value: string) => `<dt>${term}</dt><dd>${value}</dd>`;
  const complain = e(complaintPath(aux.certificateNo));
  const report = e(reportPath(aux.certificateNo));
  const name = aux.name ?? NAME_WITHHELD;
  // Who and where first, beside the photo: with the status above and the button below them they make the first
  // screen of a phone; the other facts follow the button.
  const who = [
    fact('姓名', aux.name ? `<b>${e(aux.name)}</b>` : `<span class="muted">${NAME_WITHHELD}</span>`),
    fact('所在单位', `<a href="${agencyPath(agency.id)}">${e(agency.name)}</a>`),
  ].join('');
  const expired = aux.status === 'expired';
  const validity = aux.validUntil ? `<span class="valid-until">有效期至 ${formatDate(aux.validUntil)}${expired ? '（已过期）' : ''}</span>` : '';
  // The date the status began, in the box — but not for an expired certificate, whose holder the roster still has as
  // 在岗: 「已过有效期」 beside 「起在岗」 reads as a contradiction. The box says the certificate's validity; the
  // holder's own status follows among the facts.
  const since = aux.statusSince ? `自 ${formatDate(aux.statusSince)}${status.sinceWord}` : '';
  const more = [
    fact('证件编号', e(aux.certificateNo)),
    aux.post ? fact('岗位', e(aux.post)) : '',
    aux.employment ? fact('用工方式', e(employmentLabel[aux.employment])) : '',
    aux.dispatcher ? fact('劳务派遣单位', e(aux.dispatcher)) : '',
    expired ? fact('名单状态', aux.statusSince ? `在岗（自 ${formatDate(aux.statusSince)}起）` : '在岗') : '',
    aux.issuedOn ? fact('发证日期', formatDate(aux.issuedOn)) : '',
    asOf ? fact('名单日期', `截至 ${formatDate(asOf)} 的公示名单`) : '',
  ].join('');
  // Absolute, so the photo shows however the page's address is written (with or without the trailing slash).
  const photo = aux.photo ? `<img src="${e(verifyPath(aux.certificateNo) + photoFileName(aux.photo))}" alt="${e(name)}的照片" width="96" height="128">` : '';
  const ended = ENDED_STATUSES.has(aux.status);
  const main =
    `<article id="auxiliary" data-certificate-no="${e(aux.certificateNo)}" data-name="${e(aux.name ?? '')}" data-agency-id="${e(agency.id)}" data-agency-name="${e(agency.name)}" data-status="${aux.status}"${aux.statusSince ? ` data-status-since="${aux.statusSince}"` : ''}>` +
    `<h1>证件核验：<span class="cert-no">${e(aux.certificateNo)}</span></h1>` +
    `<div class="status status-${aux.status}" role="status"${aux.validUntil ? ` data-valid-until="${aux.validUntil}"` : ''}>` +
    `<strong><span class="sym" aria-hidden="true">${status.symbol}</span><span class="label">${status.label}</span></strong>` +
    (since && !expired ? `<span class="since">${since}</span>` : '') +
    validity +
    `<div class="note">${status.note}</div></div>` +
    `<div class="person">${photo}<dl class="facts">${who}</dl></div>` +
    `<p class="actions">${status.valid ? `<a class="btn" href="${complain}">投诉此人</a>` : `<a class="btn" href="${report}">举报仍在使用此证件的人</a>`}` +
    ` <a class="jump" href="#rules">${RULES_HEADING}</a></p>` +
    `<dl class="facts more">${more}</dl>` +
    `</article>` +
    // A page relying on a draft says so before it quotes it.
    draftNoticeHtml(regulation) +
    statusAdviceHtml(aux.status, regulation, report, complain, agencyPhoneHtml(agency)) +
    `<section aria-labelledby="rules"><h2 id="rules">${RULES_HEADING}</h2>${rulesHtml(regulation)}` +
    `<p>遇到上述不得做或禁止的行为，可以<a href="${complain}">投诉</a>。</p></section>`;
  const title = aux.name ? `${aux.name}（${aux.certificateNo}）` : `证件 ${aux.certificateNo}`;
  return pageHtml(title, `${regulation.wording.certificate} ${aux.certificateNo} 核验结果`, main, {
    // Pages of people who no longer hold the certificate are for checking a number, not for finding a person.
    noindex: ended,
    footer,
    scripts: aux.validUntil && aux.status === 'active' ? ['/expiry.js'] : [],
    // Opened from a QR code on a phone with nothing cached: styled from the HTML alone, no stylesheet round trip.
    inlineStylesheet: verifyStylesheet,
  });
}
