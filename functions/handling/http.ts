import { FUNCTION_PAGE_POLICY } from '../../src/core/security-headers.ts';
import { readFormFields } from '../server/form.ts';
import type { FunctionHandler } from '../server/node.ts';
import { inspectAction, performAction } from './actions.ts';
import { freshLinksFormHtml, freshLinksRequester, freshLinksSentHtml, freshLinksWords } from './fresh-links.ts';
import { FRESH_LINKS_PATH } from './links.ts';
import { actionFormHtml, doneHtml, problemHtml, rerouteFormHtml } from './pages.ts';
import { statusPageResponse } from './status.ts';
import type { HandlingWorld } from './world.ts';
import { withHint } from '../../src/core/error-data.ts';
import { handlingErrors } from './errors.ts';
import { crossSite } from '../server/cross-site.ts';

/** Strict headers for pages whose URL is a credential: never cached, never referred, never framed. */
const HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-robots-tag': 'noindex',
  'x-frame-options': 'DENY',
  'content-security-policy': FUNCTION_PAGE_POLICY,
};
const html = (status: number, body: string, extra: Record<string, string> = {}) => new Response(body, { status, headers: { ...HEADERS, ...extra } });

const MAX_FORM_BYTES = 16 * 1024;
const readForm = (request: Request) => readFormFields(request, MAX_FORM_BYTES);

/**
 * `GET /api/actions/<token>` renders the confirmation form (never acts: mail scanners prefetch links);
 * `POST /api/actions/<token>` performs — an agency's action, or a justice bureau's 指定办理机关 (reroute.ts). `POST /api/status` answers the no-JavaScript status form. `/api/action-links`:
 * an agency asks for fresh links (fresh-links.ts).
 */
export function handlingFunctions(world: HandlingWorld): FunctionHandler {
  const requestFreshLinks = freshLinksRequester(world);
  /** An action or fresh-links post from a page of another site, refused before its body is read. */
  const refusedCrossSite = (request: Request) =>
    request.method === 'POST' && crossSite(request, world.settings.siteUrl, { opaqueOrigin: 'allow' })
      ? html(403, problemHtml(403, withHint(handlingErrors.CrossSite)))
      : undefined;
  return async (request, context) => {
    const { pathname } = new URL(request.url);
    if (pathname === '/api/status' || pathname === '/api/status/') return statusPageResponse(world, request, context.clientAddress);
    if (pathname === FRESH_LINKS_PATH || pathname === `${FRESH_LINKS_PATH}/`) {
      if (request.method === 'GET' || request.method === 'HEAD') return html(200, freshLinksFormHtml());
      if (request.method !== 'POST') return html(405, problemHtml(405, withHint(handlingErrors.HandlingMethodNotAllowed)), { allow: 'GET, POST' });
      const refused = refusedCrossSite(request);
      if (refused) return refused;
      const form = await readForm(request);
      if ('error' in form && typeof form.status === 'number') return html(form.status, problemHtml(form.status, String(form.error)));
      const values = form as Record<string, string>;
      const answer = await requestFreshLinks(values, context.clientAddress);
      if (answer.status === 400) return html(400, freshLinksFormHtml(values, answer.errors));
      if (answer.status === 429) return html(429, problemHtml(429, freshLinksWords.tooMany), { 'retry-after': '3600' });
      return html(200, freshLinksSentHtml());
    }
    const match = /^\/api\/actions\/([^/]*)\/?$/.exec(pathname);
    if (!match) return undefined;
    const token = match[1]!;
    if (request.method === 'GET' || request.method === 'HEAD') {
      const ready = await inspectAction(world, token);
      if (!ready.ok) return html(ready.status, problemHtml(ready.status, ready.message));
      return html(200, 'bureau' in ready ? rerouteFormHtml(ready, world.directory.agencies) : actionFormHtml(ready, world.directory.agencies));
    }
    if (request.method !== 'POST') return html(405, problemHtml(405, withHint(handlingErrors.HandlingMethodNotAllowed)), { allow: 'GET, POST' });
    const refused = refusedCrossSite(request);
    if (refused) return refused;
    const form = await readForm(request);
    if ('error' in form && typeof form.status === 'number') return html(form.status, problemHtml(form.status, String(form.error)));
    const values = form as Record<string, string>;
    const done = await performAction(world, token, values);
    if (done.ok) return html(200, doneHtml(done.message));
    if (done.status === 422) {
      // A link that is refused anyway says so first; otherwise the form again, message at its field, input kept.
      const ready = await inspectAction(world, token);
      if (!ready.ok) return html(ready.status, problemHtml(ready.status, ready.message));
      const form =
        'bureau' in ready ? rerouteFormHtml(ready, world.directory.agencies, values, done) : actionFormHtml(ready, world.directory.agencies, values, done);
      return html(422, form);
    }
    return html(done.status, problemHtml(done.status, done.message));
  };
}
