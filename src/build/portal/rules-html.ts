import { provisionById } from '../../core/regulation/provisions.ts';
import type { Provision, Regulation } from '../../core/regulation/schema.ts';
import { draftNotice } from '../../core/regulation/status.ts';
import { escapeHtml as e } from '../../core/text.ts';
import { regulationPath } from './paths.ts';

/**
 * Provisions as HTML: the article's own words first (with the lead-in that limits a list item), then the site's
 * reading from the reviewed table, marked as the site's (`.reading`), then any provision that pulls the other way,
 * verbatim. Used by the verification pages and the regulation pages.
 */
export const READING_LABEL = '本站解读';

export function readingHtml(p: Provision): string {
  return p.reading ? `<p class="reading"><span class="reading-label">${READING_LABEL}：</span>${e(p.reading)}</p>` : '';
}

function seeAlsoHtml(regulation: Regulation, p: Provision): string {
  if (!p.seeAlso) return '';
  return p.seeAlso
    .map((id) => provisionById(regulation, id)!)
    .map((o) => `<p class="see-also">另见${e(o.article)}：<q>${o.leadIn ? `${e(o.leadIn)}……` : ''}${e(o.text)}</q></p>`)
    .join('');
}

function itemHtml(regulation: Regulation, p: Provision): string {
  return `<li><q class="verbatim">${e(p.text)}</q> <span class="art">（${e(p.article)}）</span>${readingHtml(p)}${seeAlsoHtml(regulation, p)}</li>`;
}

/** A list of provisions, items under the same lead-in grouped below it (quoted once, as in the text). */
export function provisionsHtml(regulation: Regulation, items: readonly Provision[]): string {
  let html = '';
  let i = 0;
  while (i < items.length) {
    const leadIn = items[i]!.leadIn;
    let j = i;
    while (j < items.length && items[j]!.leadIn === leadIn) j++;
    const group = items.slice(i, j);
    html +=
      (leadIn ? `<p class="lead-in"><q class="verbatim">${e(leadIn)}</q></p>` : '') +
      `<ul class="rules">${group.map((p) => itemHtml(regulation, p)).join('')}</ul>`;
    i = j;
  }
  return html;
}

/** The notice that the text is a draft without legal force, as HTML; empty for a text in force. */
export function draftNoticeHtml(regulation: Regulation): string {
  const notice = draftNotice(regulation);
  return notice ? `<p class="draft-notice" role="note"><strong>征求意见稿：</strong>${e(notice)}</p>` : '';
}

/**
 * The "可以做什么、不得做什么" part of a verification page, rendered once per regulation: at 100k pages,
 * rendering the same ~25 provisions for every page was a large share of the build.
 */
const cache = new Map<string, string>();

export function rulesHtml(regulation: Regulation): string {
  let html = cache.get(regulation.id);
  if (html === undefined) {
    html =
      `<p class="muted">依据《<a href="${regulationPath(regulation.id)}">${e(regulation.title)}</a>》，先引原文，“${READING_LABEL}”是本站的通俗说明，以原文为准。</p>` +
      provisionsHtml(regulation, regulation.noEnforcementPower) +
      `<h3>可以做的工作</h3>${provisionsHtml(regulation, regulation.permittedDuties)}` +
      `<h3>不得做的工作</h3>${provisionsHtml(regulation, regulation.forbiddenDuties)}` +
      (regulation.prohibitedConduct.length ? `<h3>禁止的行为</h3>${provisionsHtml(regulation, regulation.prohibitedConduct)}` : '') +
      `<h3>辅助人员的义务</h3>${provisionsHtml(regulation, regulation.auxiliaryDuties)}`;
    cache.set(regulation.id, html);
  }
  return html;
}
