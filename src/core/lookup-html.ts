import { escapeHtml as e, searchName } from './text.ts';

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

/**
 * The "您输入的可能是" list (empty string when there is nothing to offer): right under the warning, before what to do,
 * since a close listed number is most often a slip in typing (O for 0, a digit missed), and the citizen should
 * compare it with the card first.
 */
export function suggestionsHtml(suggestions: readonly SuggestedNumber[]): string {
  if (!suggestions.length) return '';
  const items = suggestions.map((s) => `<li><a href="${verifyHref(s.no)}">${e(s.no)}</a><span class="muted"> · ${e(s.agency)}</span></li>`).join('');
  return `<section id="nf-suggest" aria-labelledby="nf-suggest-title"><h2 id="nf-suggest-title">您输入的可能是</h2><ul class="results">${items}</ul><p class="muted">以上是名单中与您输入的编号相近的证件，请与证件上的编号逐位核对（字母 O 与数字 0、字母 I 与数字 1 容易看混）。编号不同就不是同一张证件。</p></section>`;
}

/**
 * The answer for a number that is not on the roster: the warning first, then the close listed numbers, then what to
 * do. With close numbers the answer is a likely slip, said without the red cross or the word forgery; without them,
 * forgery is named among the causes. `foreign`: the number came from a link to another site, whose hint goes above
 * the warning.
 */
export function notFoundHtml(typed: string, suggestions: readonly SuggestedNumber[], asOf?: string, foreign?: ForeignLink): string {
  const no = typed.trim();
  const roster = asOf ? `截至 ${e(asOf)} 的公示名单` : '公示名单';
  const close = suggestions.length > 0;
  const report = `<a id="nf-report" href="${reportHref(no)}">举报此编号</a>（可以匿名）`;
  return (
    `<h1 id="lookup-title">${notFoundTitle(suggestions)}</h1>` +
    (foreign ? foreignLinkHtml(foreign) : '') +
    '<section id="not-found" aria-labelledby="nf-title">' +
    (close
      ? `<div class="status status-suspended"><strong id="nf-title"><span class="sym" aria-hidden="true">!</span>名单中没有这个编号</strong>`
      : `<div class="status status-revoked"><strong id="nf-title"><span class="sym" aria-hidden="true">✕</span>查无此证</strong>`) +
    `<span>编号「<b id="nf-no">${e(no)}</b>」不在${roster}中。</span></div>` +
    suggestionsHtml(suggestions) +
    (close
      ? `<p>多半是编号输入有误：请与证件上的编号逐位核对后重试。如果证件上印的正是「${e(no)}」，而对方以执法辅助人员身份开展工作，请${report}。</p>`
      : `<p>如有人向您出示此编号并以执法辅助人员身份开展工作，可能是证件伪造、编号抄错或名单尚未更新。请核对编号后重试；如确认无误，请${report}。</p>`) +
    '<p>也可以<a href="/search/">按姓名或单位搜索</a>，或查看<a href="/agencies/">各执法机关的公示名单</a>。</p>' +
    '</section>' +
    lookupBoxHtml(no)
  );
}

/** The not-found answer's heading and page title: 请核对编号 when close listed numbers are offered, else 查无此证. */
export function notFoundTitle(suggestions: readonly SuggestedNumber[]): string {
  return suggestions.length ? '请核对编号' : '查无此证';
}

/** A pasted link to another host than this site's: `host` the link's, `siteHost` the one the citizen is on. */
export interface ForeignLink {
  host: string;
  siteHost: string;
}

/**
 * The hint above the answer for a pasted link to another site (a badge whose QR code points elsewhere may be forged;
 * a look-alike site may show a fake result): the number it carries was looked up in this site's directory.
 */
export function foreignLinkHtml(link: ForeignLink): string {
  return (
    '<div id="foreign-link" class="status status-suspended" role="note"><strong><span class="sym" aria-hidden="true">!</span>您粘贴的链接不是本站地址</strong>' +
    `<span>链接指向「${e(link.host)}」，本站是「${e(link.siteHost)}」。证件二维码都应指向本站，其他网站显示的核验结果不可信。以下为本站名单中该编号的核验结果。</span></div>`
  );
}

/**
 * A listed number read from a link to another site: the hint, then the way to this site's own verification page
 * (not a silent redirect, which would drop the hint), and a report link in case the badge's QR code was the link.
 */
export function foreignFoundHtml(no: string, link: ForeignLink): string {
  return (
    '<h1 id="lookup-title">请核对链接地址</h1>' +
    foreignLinkHtml(link) +
    `<section id="foreign-found"><p>本站名单中查到编号「<b id="ff-no">${e(no)}</b>」。证件状态、姓名和单位以本站核验结果为准：</p>` +
    `<p><a class="btn btn-plain" id="ff-verify" href="${verifyHref(no)}">查看本站的核验结果</a></p>` +
    `<p>请与出示证件的人逐项核对。如果这个链接来自证件上的二维码，该证件可能是伪造的，请<a id="ff-report" href="${reportHref(no)}">举报</a>（可以匿名）。</p></section>` +
    // The text says to type again: the box to do it in, the number kept.
    lookupBoxHtml(no)
  );
}

/**
 * Whether the name typed with a listed number (LookupInput.name) is not the holder's published name, compared as
 * search compares names (NFKC, no spaces, one middle dot). `published` is empty where the name is no longer published
 * (retention over): nothing to compare, never a difference.
 */
export function typedNameDiffers(typed: string | undefined, published: string): boolean {
  return typed !== undefined && published !== '' && searchName(typed) !== searchName(published);
}

/**
 * A listed number typed with another name than the published one (「张三 LA-CG-00001」 where the holder is not 张三):
 * not the usual redirect, which would open the holder's page as though the name matched, but the difference said
 * first, then the way to the number's page and a report link (as for another site's link). The published name is not
 * repeated here: the verification page shows it.
 */
export function nameMismatchHtml(no: string, typedName: string): string {
  return (
    '<h1 id="lookup-title">请核对姓名</h1>' +
    '<section id="name-mismatch" aria-labelledby="nm-title"><div class="status status-suspended">' +
    '<strong id="nm-title"><span class="sym" aria-hidden="true">!</span>姓名与公示的不一致</strong>' +
    `<span>本站名单中有编号「<b id="nm-no">${e(no)}</b>」，但它公示的持证人姓名不是您输入的「<b id="nm-name">${e(typedName)}</b>」。</span></div>` +
    `<p><a class="btn btn-plain" id="nm-verify" href="${verifyHref(no)}">查看本站的核验结果</a></p>` +
    `<p>请与出示证件的人逐项核对姓名和单位。如果是姓名或编号输错了，请核对后重新输入；如果证件上的姓名与本站公示的不同，这张证件可能是伪造或冒用的，请<a id="nm-report" href="${reportHref(no)}">举报</a>（可以匿名）。</p></section>` +
    // The text says to type again: the box to do it in, the number kept.
    lookupBoxHtml(no)
  );
}

/** An agency the coverage section names: one with a published roster. */
export interface CoveredAgency {
  id: string;
  name: string;
  region: string;
}

/** A regulation with its own exclusion of police auxiliaries (its `scope` provisions, quoted verbatim). */
export interface ScopedRegulation {
  title: string;
  scope: readonly { article: string; text: string }[];
}

export const agencyHref = (id: string) => `/agencies/${id}/`;

/**
 * Which agencies the site covers (by region, regions and names in Chinese collation), and that police
 * auxiliaries (辅警) are not among them, quoting each text's own exclusion: for every answer that tells a citizen
 * a number is not on the roster — the built 404 and /lookup/ pages and the functions' not-found answer alike.
 * `dated`: the rosters carry dates (the section then says the roster is as of each agency's date).
 */
export function coverageSectionHtml(input: { agencies: readonly CoveredAgency[]; regulations: Iterable<ScopedRegulation>; dated: boolean }): string {
  const collator = new Intl.Collator('zh-CN');
  const byRegion = new Map<string, CoveredAgency[]>();
  for (const agency of input.agencies) {
    const list = byRegion.get(agency.region);
    if (list) list.push(agency);
    else byRegion.set(agency.region, [agency]);
  }
  const regions = [...byRegion.entries()]
    .sort(([a], [b]) => collator.compare(a, b))
    .map(([region, list]) => ({ region, agencies: list.sort((a, b) => collator.compare(a.name, b.name)) }));
  const exclusions = [...input.regulations].flatMap((r) =>
    r.scope.map((p) => `<li><q class="verbatim">${e(p.text)}</q>（《${e(r.title)}》${e(p.article)}）</li>`),
  );
  return (
    `<section class="coverage" aria-labelledby="coverage"><h2 id="coverage">本站公示哪些人</h2>` +
    `<p>本站只公示下列行政执法机关招用的行政执法辅助人员${input.dated ? `（名单截至各机关注明的日期）` : ''}：</p>` +
    regions.map((r) => `<p><b>${e(r.region)}</b>：${r.agencies.map((a) => `<a href="${agencyHref(a.id)}">${e(a.name)}</a>`).join('、')}</p>`).join('') +
    `<p><strong>公安机关的警务辅助人员（辅警）不在本站公示范围内</strong>，本站查不到辅警的证件；请向当地公安机关核实，紧急情况拨打 110。两部办法都把辅警排除在外：</p>` +
    `<ul>${exclusions.join('')}</ul></section>`
  );
}

/** Text that reads as a name or unit rather than a number: Han characters and no digit. Goes to search. */
export function looksLikeName(typed: string): boolean {
  return /\p{Script=Han}/u.test(typed) && !/[0-9０-９]/.test(typed);
}

/** Where to turn when search cannot run (no JavaScript): the rosters by unit, and the number box. */
export const withoutSearchHtml = '可在<a href="/agencies/">执法机关名录</a>中按单位查看名单，或在<a href="/">首页</a>输入证件编号核验。';

export const searchHref = (text: string) => `/search/?q=${encodeURIComponent(text.trim())}`;
