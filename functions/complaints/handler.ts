import type { FunctionHandler } from '../server/node.ts';
import { logLine } from '../server/log.ts';
import { statusView } from '../handling/status.ts';
import { intakeErrors } from './errors.ts';
import { statusLookupAllowed, tooManyLookups } from './lookup-limit.ts';
import { post } from './post.ts';
import { tokenBucketWait } from './rate.ts';
import { parseReference } from './reference.ts';
import { html, json, wantsHtml } from './responses.ts';
import { isStoreUnavailable } from '../server/headers.ts';
import { problemPage } from './pages.ts';
import { errorKind } from '../server/log.ts';
import type { World } from './world.ts';
import { crossSite } from '../server/cross-site.ts';
import { withHint } from '../../src/core/error-data.ts';

/**
 * The complaint functions:
 * - `POST /api/complaints` → `201 {reference, trackingCode}` (JSON), or for a plain HTML form post the
 *   confirmation page (201) / the form again with errors (4xx);
 * - `GET /api/complaints/<reference>` with the tracking code (`X-Tracking-Code` header or `?code=`) →
 *   status and dated history, never the contents.
 * Returns undefined for any other path so static files are served.
 */
export function complaintFunctions(world: World): FunctionHandler {
  const limiter = tokenBucketWait(world.limits.rateBurst, world.limits.ratePerSecond);
  const log = world.log ?? logLine;
  return async (request, context) => {
    const { pathname } = new URL(request.url);
    if (pathname === '/api/complaints' || pathname === '/api/complaints/') {
      if (request.method !== 'POST') return json(405, { errors: { request: intakeErrors.MethodNotAllowed.message } }, { allow: 'POST' });
      // Another site's page posting through its visitor's browser: refused before the rate limit and the body.
      if (crossSite(request, world.settings.siteUrl, { opaqueOrigin: 'allow' })) {
        const message = withHint(intakeErrors.CrossSite);
        log('[complaints] POST /api/complaints 403 cross-site');
        return wantsHtml(request) ? html(403, problemPage(403, message)) : json(403, { errors: { request: message } });
      }
      // An in-process mail worker gives way while submissions are being taken in (it keeps a guaranteed share).
      const answered = world.submissionInFlight?.();
      const response = await post(world, request, context, limiter)
        .catch((error: unknown) => failed(request, error, log))
        .finally(answered);
      log(`[complaints] POST /api/complaints ${response.status}${response.headers.get('x-reference') ? ` ${response.headers.get('x-reference')}` : ''}`);
      return response;
    }
    const match = /^\/api\/complaints\/([^/]+)\/?$/.exec(pathname);
    if (match) {
      if (request.method !== 'GET') return json(405, { errors: { request: intakeErrors.StatusMethodNotAllowed.message } }, { allow: 'GET' });
      const response = statusLookupAllowed(world, context.clientAddress)
        ? await status(world, request, decodeURIComponentSafe(match[1]!))
        : json(429, { errors: { request: tooManyLookups(world) } }, { 'retry-after': '60' });
      log(`[complaints] GET /api/complaints/… ${response.status}`);
      return response;
    }
    return undefined;
  };
}

/**
 * A submission that failed outside the form's own checks: the store unreachable (503, try again) or a fault of ours
 * (500). Either way nothing was stored; the log names the error's kind and where it arose, never what was sent.
 */
function failed(request: Request, error: unknown, log: (line: string) => void): Response {
  const unavailable = isStoreUnavailable(error);
  log(`[complaints] POST /api/complaints ${unavailable ? 'store unavailable' : 'unexpected error'}: ${errorKind(error)}`);
  const { message, hint } = unavailable ? intakeErrors.StoreUnavailable : intakeErrors.SubmitFailed;
  const status = unavailable ? 503 : 500;
  const retry: Record<string, string> = unavailable ? { 'retry-after': '30' } : {};
  if (!wantsHtml(request)) return json(status, { errors: { request: message } }, retry);
  const response = html(status, problemPage(status, `${message}${hint ?? ''}`));
  for (const [name, value] of Object.entries(retry)) response.headers.set(name, value);
  return response;
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return '';
  }
}

async function status(world: World, request: Request, rawReference: string): Promise<Response> {
  const code = request.headers.get('x-tracking-code') ?? new URL(request.url).searchParams.get('code') ?? '';
  if (!parseReference(rawReference)) return json(400, { errors: { reference: intakeErrors.BadReference.message } });
  if (!code) return json(400, { errors: { trackingCode: intakeErrors.NoTrackingCode.message } });
  const view = await statusView(world, rawReference, code);
  if ('error' in view) return json(view.status, { errors: { reference: view.error } });
  return json(200, view);
}
