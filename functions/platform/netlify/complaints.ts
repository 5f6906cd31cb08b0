/**
 * Netlify Functions (v2) entry for the complaint and handling functions. Netlify's v2 handlers are already
 * Web-standard `(Request, Context) => Response`, so this only supplies the client address and a 404 for
 * paths no function claims (the built 404 page, as `npm start` serves it). Every answer, its own included, leaves
 * with the same headers as under `npm start`. Deployed as `netlify/functions/complaints.ts` — see docs/DEPLOY.md.
 */
import { withFunctionHeaders } from '../../server/headers.ts';
import { notFound } from './not-found.ts';
import { getApp, type NetlifyContext } from './shared.ts';

export default async function handler(request: Request, context: NetlifyContext): Promise<Response> {
  let app: Awaited<ReturnType<typeof getApp>>;
  try {
    app = await getApp();
  } catch (error) {
    console.error(`[netlify] functions not configured: ${(error as Error).message}`);
    return withFunctionHeaders(Response.json({ errors: { request: '投诉功能暂时不可用，请稍后再试' } }, { status: 503, headers: { 'retry-after': '300' } }));
  }
  const response = await app.functions(request, { clientAddress: context.ip ?? request.headers.get('x-nf-client-connection-ip') ?? 'unknown' });
  return response ? withFunctionHeaders(response) : notFound(request);
}

export const config = {
  path: [
    '/api/complaints',
    '/api/complaints/*',
    '/api/actions/*',
    '/api/action-links',
    '/api/complaint-form',
    '/api/status',
    '/stats',
    '/stats/',
    '/stats/stats.csv',
    '/stats/stats.json',
    '/api/evidence/*',
    '/publish',
    '/publish/*',
  ],
};
