import type { Provision, Regulation } from '../../core/regulation/schema.ts';
import { escapeHtml } from '../../core/text.ts';
import { regulationPath } from './paths.ts';

/**
 * The "可以做什么、不得做什么" part of a verification page, as HTML, rendered once per regulation: at 100k
 * pages, rendering the same ~25 provisions through components for every page was a large share of the build.
 */
const cache = new Map<string, string>();

function list(items: readonly Provision[]): string {
  return `<ul class="rules">${items.map((p) => `<li>${escapeHtml(p.plain ?? p.text)} <span class="art">（${escapeHtml(p.article)}）</span></li>`).join('')}</ul>`;
}

export function rulesHtml(regulation: Regulation): string {
  let html = cache.get(regulation.id);
  if (html === undefined) {
    html =
      `<p class="muted">依据《<a href="${regulationPath(regulation.id)}">${escapeHtml(regulation.title)}</a>》</p>` +
      list(regulation.noEnforcementPower) +
      `<h3>可以做（在执法人员指挥和监督下）</h3>${list(regulation.permittedDuties)}` +
      `<h3>不得做</h3>${list(regulation.forbiddenDuties)}` +
      (regulation.prohibitedConduct.length ? `<h3>禁止的行为</h3>${list(regulation.prohibitedConduct)}` : '');
    cache.set(regulation.id, html);
  }
  return html;
}
