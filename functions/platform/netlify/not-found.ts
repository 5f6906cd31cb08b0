import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pageHtml } from '../../../src/core/frame.ts';
import { lookupBoxHtml } from '../../../src/core/lookup-html.ts';
import { parseHeadersFile } from '../../../src/core/security-headers.ts';
import { readSettings } from '../../../src/core/settings.ts';
import { withFunctionHeaders } from '../../server/headers.ts';

/**
 * A path routed to a function that no function claims: 404 with the built `404.html` and the headers the build
 * wrote for static pages (`_headers`: the site's CSP with the page's inline hashes), as `npm start` serves it. An
 * instance without those files (not shipped with `included_files`) answers a small page of its own instead, under
 * the function page policy.
 */
export async function notFound(request: Request, outDir: string = readSettings().outDir): Promise<Response> {
  const body = (html: string) => (request.method === 'HEAD' ? null : html);
  try {
    const [html, headersFile] = await Promise.all([readFile(join(outDir, '404.html'), 'utf8'), readFile(join(outDir, '_headers'), 'utf8')]);
    const headers = parseHeadersFile(headersFile);
    if (headers['content-security-policy']) {
      return withFunctionHeaders(new Response(body(html), { status: 404, headers: { ...headers, 'content-type': 'text/html; charset=utf-8' } }));
    }
  } catch {
    /* not shipped with the function: the page below */
  }
  const page = pageHtml('页面不存在', undefined, `<h1>页面不存在</h1><p>本站没有这个地址的页面。</p>${lookupBoxHtml()}<p><a href="/">返回首页</a></p>`, {
    noindex: true,
  });
  return withFunctionHeaders(new Response(body(page), { status: 404, headers: { 'content-type': 'text/html; charset=utf-8' } }));
}
