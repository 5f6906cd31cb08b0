import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseHeadersFile } from '../../src/core/security-headers.ts';
import { escapeHtml } from '../../src/core/text.ts';
import type { FunctionHandler } from './node.ts';

/**
 * `/search/?q=…` as the built search page with the query already in its box. The page's script fills the box
 * itself, but without JavaScript a name typed into the lookup box (sent here by the lookup) would arrive in an
 * empty box. Same HTML and the same headers (`_headers`: the site's CSP with the page's inline hashes) as the
 * static file; only the box's value differs. Without `q` the static file answers.
 */
export function searchPageFunction(outDir: () => string): FunctionHandler {
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return undefined;
    const url = new URL(request.url);
    if (url.pathname !== '/search/' && url.pathname !== '/api/search-page') return undefined;
    const q = (url.searchParams.get('q') ?? '').trim().slice(0, 200);
    if (!q) return undefined;
    const dir = outDir();
    let html: string;
    let headers: Record<string, string>;
    try {
      html = await readFile(join(dir, 'search', 'index.html'), 'utf8');
      headers = parseHeadersFile(await readFile(join(dir, '_headers'), 'utf8'));
    } catch {
      // No build (or one without a search page): leave the address to the static files.
      return undefined;
    }
    const filled = html.replace(/<input id="q"([^>]*?)\s*\/?>/, (tag, rest: string) =>
      /\svalue=/.test(rest) ? tag : `<input id="q"${rest} value="${escapeHtml(q)}">`,
    );
    return new Response(request.method === 'HEAD' ? null : filled, {
      status: 200,
      headers: { ...headers, 'content-type': 'text/html; charset=utf-8', 'cache-control': 'public, max-age=60' },
    });
  };
}
