/**
 * Netlify Functions (v2) entry for `/search/?q=…` (rewritten to /api/search-page by netlify.toml): the built search
 * page with the query in its box, for a browser without JavaScript (functions/server/search-page.ts). Reads only
 * the build's search page and `_headers` (included_files), not the database.
 */
import { readSettings } from '../../../src/core/settings.ts';
import { withFunctionHeaders } from '../../server/headers.ts';
import { searchPageFunction } from '../../server/search-page.ts';
import type { NetlifyContext } from './shared.ts';

const handler = searchPageFunction(() => readSettings().outDir);

export default async function searchPage(request: Request, context: NetlifyContext): Promise<Response> {
  const response = await handler(request, { clientAddress: context.ip ?? 'unknown' });
  // Without a query (or a build) there is nothing to fill in: the static page is the answer.
  return withFunctionHeaders(response ?? new Response(null, { status: 302, headers: { location: '/search/', 'cache-control': 'public, max-age=300' } }));
}

export const config = {
  path: ['/api/search-page'],
};
