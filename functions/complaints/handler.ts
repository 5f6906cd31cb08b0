import type { FunctionHandler } from '../server/node.ts';
import { logLine } from '../server/log.ts';
import { statusView } from '../handling/status.ts';
import { intakeErrors } from './errors.ts';
import { statusLookupAllowed, tooManyLookups } from './lookup-limit.ts';
import { post } from './post.ts';
import { tokenBucket } from './rate.ts';
import { parseReference } from './reference.ts';
import { json } from './responses.ts';
import type { World } from './world.ts';

/**
 * The complaint functions:
 * - `POST /api/complaints` → `201 {reference, trackingCode}` (JSON), or for a plain HTML form post the
 *   confirmation page (201) / the form again with errors (4xx);
 * - `GET /api/complaints/<reference>` with the tracking code (`X-Tracking-Code` header or `?code=`) →
 *   status and dated history, never the contents.
 * Returns undefined for any other path so static files are served.
 */
export function complaintFunctions(world: World): FunctionHandler {
  const allow = tokenBucket(world.limits.rateBurst, world.limits.ratePerSecond);
  const log = world.log ?? logLine;
  return async (request, context) => {
    const { pathname } = new URL(request.url);
    if (pathname === '/api/complaints' || pathname === '/api/complaints/') {
      if (request.method !== 'POST') return json(405, { errors: { request: intakeErrors.MethodNotAllowed.message } }, { allow: 'POST' });
      // An in-process mail worker gives way while submissions are being taken in (it keeps a guaranteed share).
      const answered = world.submissionInFlight?.();
      const response = await post(world, request, context, allow)
        .catch((error: unknown) => {
          log(`[complaints] POST /api/complaints store error ${(error as Error).name}`);
          return json(503, { errors: { request: intakeErrors.StoreUnavailable.message } }, { 'retry-after': '30' });
        })
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
