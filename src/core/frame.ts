import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { Regulation } from './regulation/schema.ts';
import { readSettings, type Settings } from './settings.ts';
import { escapeHtml } from './text.ts';
import { filingsHtml } from './filings.ts';
import { phoneHtml } from './phone.ts';

/**
 * The site's frame (head, header with nav, footer) as HTML strings: used by layouts/Base.astro and by the
 * verification pages, which are rendered from a template (verify-html.ts) because rendering 100,000 pages through
 * Astro components doubled the build time (docs/PORTAL.md).
 */

const STYLESHEET_FILE = join(process.cwd(), 'public', 'site.css');

/** public/site.css, versioned by its content so browsers may cache it long. */
export const stylesheetHref = (() => {
  try {
    const css = readFileSync(STYLESHEET_FILE);
    return `/site.css?v=${createHash('sha256').update(css).digest('hex').slice(0, 10)}`;
  } catch {
    return '/site.css';
  }
})();

/** The site's name, in page titles, the header and the sender of its mail. */
export const SITE_NAME = '行政执法辅助人员公示';

export interface FrameOptions {
  /** Ask search engines not to index the page (pages of people who no longer hold their certificate). */
  noindex?: boolean;
  /** Site-local scripts, loaded deferred. */
  scripts?: readonly string[];
  /** The footer (footerHtml); the one without regulations by default. */
  footer?: string;
  /**
   * An inline script (its JavaScript, ours, without `</script`) run before the stylesheet is asked for: a stylesheet
   * still loading holds back every inline script after it (build/search/first-shard.ts). The CSP allows it by its hash.
   */
  earlyScript?: string;
  /**
   * Rules of site.css to carry in a <style> element instead of the render-blocking link: the page paints from its own
   * HTML, one round trip sooner. Only verification pages, opened from a badge's QR code with nothing cached
   * (src/build/portal/verify-stylesheet.ts). The CSP allows it by its hash.
   */
  inlineStylesheet?: string;
}

export function headHtml(title: string, description?: string, options: FrameOptions = {}): string {
  return (
    '<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">' +
    (options.noindex ? '<meta name="robots" content="noindex">' : '') +
    `<title>${escapeHtml(title)} · ${SITE_NAME}</title>` +
    (description ? `<meta name="description" content="${escapeHtml(description)}">` : '') +
    (options.earlyScript ? `<script>${options.earlyScript}</script>` : '') +
    '<link rel="icon" href="/favicon.svg" type="image/svg+xml">' +
    (options.inlineStylesheet ? `<style>${options.inlineStylesheet}</style>` : `<link rel="stylesheet" href="${stylesheetHref}">`) +
    (options.scripts ?? []).map((src) => `<script src="${escapeHtml(src)}" defer></script>`).join('')
  );
}

export const headerHtml =
  '<a class="skip" href="#main">跳到正文</a>' +
  '<header class="site-head"><div class="wrap"><a class="brand" href="/"><span aria-hidden="true">公示</span>' +
  SITE_NAME +
  '</a>' +
  '<nav aria-label="主导航"><a href="/search/">查询</a><a href="/agencies/">执法机关</a><a href="/complaint/">投诉举报</a><a href="/data/">开放数据</a></nav></div></header>';

/**
 * The footer: the site's owner (主办单位) and contact from the settings, and for each regulation in use its own
 * words on the auxiliaries' lack of enforcement power, with whether the text has legal force.
 */
export function footerHtml(
  regulations: readonly Regulation[] = [],
  settings: Pick<Settings, 'siteOwner' | 'siteContact' | 'filings'> = readSettings(),
): string {
  const rules = regulations.map(
    (r) =>
      `<li><a href="/regulations/${r.id}/">《${escapeHtml(r.title)}》</a>${r.status === 'draft' ? '（征求意见稿，不具有法律效力）' : ''}：` +
      `辅助人员${escapeHtml(r.wording.noEnforcementPower)}（${escapeHtml(r.noEnforcementPower[0]!.article)}）。</li>`,
  );
  return (
    '<footer class="site-foot"><div class="wrap">' +
    '<a href="/agencies/">执法机关名录</a><a href="/complaint/">投诉举报</a><a href="/complaint/status/">投诉进度查询</a><a href="/stats/">办理统计</a><a href="/data/">开放数据</a><a href="/regulations/">办法与本站政策</a>' +
    (rules.length ? `<ul class="foot-rules">${rules.join('')}</ul>` : '') +
    `<p class="owner">主办单位：${escapeHtml(settings.siteOwner)} · 联系方式：${phoneHtml(settings.siteContact)}。本站信息由各执法机关公示。</p>${filingsHtml(settings.filings)}</div></footer>`
  );
}

/** A whole page around `main` (already HTML). */
export function pageHtml(title: string, description: string | undefined, main: string, options: FrameOptions = {}): string {
  return `<!doctype html><html lang="zh-CN"><head>${headHtml(title, description, options)}</head><body>${headerHtml}<main id="main" class="wrap" tabindex="-1">${main}</main>${options.footer ?? footerHtml()}</body></html>`;
}
