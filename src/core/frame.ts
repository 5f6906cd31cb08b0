import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { escapeHtml } from './text.ts';

/**
 * The site's frame (head, header with nav, footer) as HTML strings: used by layouts/Base.astro and by the
 * verification pages, which are rendered from a template (verify-html.ts) because rendering 100,000 pages through
 * Astro components doubled the build time (docs/PORTAL.md).
 */

/** public/site.css, versioned by its content so browsers may cache it long. */
export const stylesheetHref = (() => {
  try {
    const css = readFileSync(join(process.cwd(), 'public', 'site.css'));
    return `/site.css?v=${createHash('sha256').update(css).digest('hex').slice(0, 10)}`;
  } catch {
    return '/site.css';
  }
})();

/** The site's name, in page titles, the header and the sender of its mail. */
export const SITE_NAME = '行政执法辅助人员公示';

export function headHtml(title: string, description?: string): string {
  return (
    '<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">' +
    `<title>${escapeHtml(title)} · ${SITE_NAME}</title>` +
    (description ? `<meta name="description" content="${escapeHtml(description)}">` : '') +
    `<link rel="icon" href="/favicon.svg" type="image/svg+xml"><link rel="stylesheet" href="${stylesheetHref}">`
  );
}

export const headerHtml =
  '<a class="skip" href="#main">跳到正文</a>' +
  '<header class="site-head"><div class="wrap"><a class="brand" href="/"><span aria-hidden="true">公示</span>' + SITE_NAME + '</a>' +
  '<nav aria-label="主导航"><a href="/search/">查询</a><a href="/agencies/">执法机关</a><a href="/complaint/">投诉举报</a><a href="/data/">开放数据</a></nav></div></header>';

export const footerHtml =
  '<footer class="site-foot"><div class="wrap">' +
  '<a href="/agencies/">执法机关名录</a><a href="/complaint/">投诉举报</a><a href="/complaint/status/">投诉进度查询</a><a href="/stats/">办理统计</a><a href="/data/">开放数据</a>' +
  '<p>辅助人员不具有行政执法资格，须在执法人员的指挥和监督下开展辅助性工作。本站信息由各执法机关依法公示。</p></div></footer>';

/** A whole page around `main` (already HTML). */
export function pageHtml(title: string, description: string | undefined, main: string): string {
  return `<!doctype html><html lang="zh-CN"><head>${headHtml(title, description)}</head><body>${headerHtml}<main id="main" class="wrap" tabindex="-1">${main}</main>${footerHtml}</body></html>`;
}
