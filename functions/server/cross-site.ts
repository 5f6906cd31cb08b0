import type { ErrorData } from '../../src/core/error-data.ts';

/**
 * Whether a state-changing POST comes from a page of another site (CSRF: another site making its visitors' browsers
 * file complaints, ask for links or act on a link). One rule for every such POST (the complaint intake, the agencies'
 * action and fresh-link forms, the publishing workspace):
 * - a browser that sends `Sec-Fetch-Site` is judged by it alone: only `same-origin` passes. These pages'
 *   `Referrer-Policy: no-referrer` makes browsers send `Origin: null` on their own forms, so Origin cannot decide then;
 * - otherwise an `Origin` other than the site's (`SITE_URL`, or the origin the request reached) is cross-site;
 * - neither header (curl, API clients, the bench, old browsers) is not a browser page of another site: it passes.
 * `Origin: null` without `Sec-Fetch-Site` is what an older browser (Safari before 16.4, Firefox before 90, Chrome
 * before 76) sends from our own no-referrer pages — and what a sandboxed frame elsewhere sends. The workspace
 * (`opaqueOrigin: 'refuse'`) refuses it: clerks sign in from offices, and a forged sign-in costs an agency its
 * budget. The citizens' and agencies' public forms (`'allow'`) accept it, so a complaint from an old phone is not
 * turned away (docs/SECURITY.md, "Posts from other sites").
 */
export function crossSite(request: Request, siteUrl: string, options: { opaqueOrigin: 'refuse' | 'allow' } = { opaqueOrigin: 'refuse' }): boolean {
  const fetchSite = request.headers.get('sec-fetch-site');
  if (fetchSite) return fetchSite !== 'same-origin';
  const origin = request.headers.get('origin');
  if (!origin) return false;
  if (origin === 'null') return options.opaqueOrigin === 'refuse';
  try {
    return origin !== new URL(siteUrl).origin && origin !== new URL(request.url).origin;
  } catch {
    return true;
  }
}

/** The answer to a refused cross-site post, in the intake's and the handling loop's catalogues alike. */
export const crossSiteRefusal = {
  name: 'CrossSite',
  title: '拒绝来自其他网站的提交',
  message: '拒绝来自其他网站的提交：本站只接受在本站页面上填写的表单，没有保存任何内容。',
  hint: '请直接打开本站的页面填写后提交。',
} as const satisfies ErrorData;
