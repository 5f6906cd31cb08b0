import { escapeHtml as e } from './text.ts';

/**
 * The lookup's HTML, shared by the built pages (LookupBox.astro, /lookup/) and by the functions, which answer
 * `/lookup/?no=…` when the browser runs no JavaScript: both show the same box and the same not-found answer.
 */

/** The certificate-number box: a plain GET form to /lookup/, which works with and without JavaScript. */
export function lookupBoxHtml(value = ''): string {
  return (
    '<form class="box" action="/lookup/" method="get" role="search" aria-label="证件编号核验">' +
    '<label for="lookup-no">输入辅助行政执法证件编号核验</label>' +
    `<input id="lookup-no" name="no" type="text" inputmode="text" autocomplete="off" autocapitalize="characters" spellcheck="false" value="${e(value)}" placeholder="例如 RQCG-2024-0001" required>` +
    '<button class="btn btn-plain" type="submit">核验</button></form>'
  );
}

/** A listed number offered as "您是不是要找": the number and the unit that employs its holder. */
export interface SuggestedNumber {
  no: string;
  agency: string;
}

export const verifyHref = (no: string) => `/verify/${encodeURIComponent(no)}/`;
export const reportHref = (no: string) => `/complaint/?kind=report&no=${encodeURIComponent(no)}`;

/** The "您是不是要找" list (empty string when there is nothing to offer). */
export function suggestionsHtml(suggestions: readonly SuggestedNumber[]): string {
  if (!suggestions.length) return '';
  const items = suggestions.map((s) => `<li><a href="${verifyHref(s.no)}">${e(s.no)}</a><span class="muted"> · ${e(s.agency)}</span></li>`).join('');
  return `<section id="nf-suggest" aria-labelledby="nf-suggest-title"><h2 id="nf-suggest-title">您是不是要找</h2><ul class="results">${items}</ul><p class="muted">以上是名单中与您输入的编号相近的证件，请与证件上的编号逐位核对。编号不同就不是同一张证件。</p></section>`;
}

/**
 * The answer for a number that is not on the roster: the warning first, then what to do, then the close
 * listed numbers (never instead of the warning).
 */
export function notFoundHtml(typed: string, suggestions: readonly SuggestedNumber[], asOf?: string): string {
  const no = typed.trim();
  const roster = asOf ? `截至 ${e(asOf)} 的公示名单` : '公示名单';
  return (
    '<h1 id="lookup-title">查无此证</h1>' +
    '<section id="not-found" aria-labelledby="nf-title">' +
    `<div class="status status-revoked"><strong id="nf-title"><span class="sym" aria-hidden="true">✕</span>查无此证</strong><span>编号「<b id="nf-no">${e(no)}</b>」不在${roster}中。</span></div>` +
    `<p>如有人向您出示此编号并以执法辅助人员身份开展工作，可能是证件伪造、编号抄错或名单尚未更新。请核对编号后重试；如确认无误，请<a id="nf-report" href="${reportHref(no)}">举报此编号</a>（可以匿名）。</p>` +
    suggestionsHtml(suggestions) +
    '<p>也可以<a href="/search/">按姓名或单位搜索</a>，或查看<a href="/agencies/">各执法机关的公示名单</a>。</p>' +
    '</section>' +
    lookupBoxHtml(no)
  );
}

/** Text that reads as a name or unit rather than a number: Han characters and no digit. Goes to search. */
export function looksLikeName(typed: string): boolean {
  return /\p{Script=Han}/u.test(typed) && !/[0-9０-９]/.test(typed);
}

export const searchHref = (text: string) => `/search/?q=${encodeURIComponent(text.trim())}`;
