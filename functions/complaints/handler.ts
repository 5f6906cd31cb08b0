import { randomUUID } from 'node:crypto';
import { FUNCTION_PAGE_POLICY } from '../../src/core/security-headers.ts';
import type { FunctionHandler, RequestContext } from '../server/node.ts';
import { findComplaintByReference } from '../store/records/complaints.ts';
import { statusView } from '../handling/status.ts';
import { parseBody } from './body.ts';
import { readEvidence } from './evidence.ts';
import { checkPage, confirmationPage, formPage, problemPage } from './pages.ts';
import { statusLookupAllowed, tooManyLookups } from './lookup-limit.ts';
import { tokenBucket } from './rate.ts';
import { parseReference } from './reference.ts';
import { complaintInputSchema, sortErrors, toFieldErrors, type FieldErrors } from '../../src/core/complaint/schema.ts';
import { powOk, resolveTarget, submitComplaint } from './submit.ts';
import type { World } from './world.ts';

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
  });
// Pages the functions render carry answers and, on the confirmation, the tracking code: never cached, framed or referred.
const html = (status: number, body: string) =>
  new Response(body, {
    status,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
      'x-robots-tag': 'noindex',
      'content-security-policy': FUNCTION_PAGE_POLICY,
    },
  });

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
  const log = world.log ?? ((line: string) => console.log(line));
  return async (request, context) => {
    const { pathname } = new URL(request.url);
    if (pathname === '/api/complaints' || pathname === '/api/complaints/') {
      if (request.method !== 'POST') return json(405, { errors: { request: '只接受 POST 提交' } }, { allow: 'POST' });
      const response = await post(world, request, context, allow).catch((error: unknown) => {
        log(`[complaints] POST /api/complaints store error ${(error as Error).name}`);
        return json(503, { errors: { request: '暂时无法保存，您的投诉没有提交成功，请稍后再试' } }, { 'retry-after': '30' });
      });
      log(`[complaints] POST /api/complaints ${response.status}${response.headers.get('x-reference') ? ` ${response.headers.get('x-reference')}` : ''}`);
      return response;
    }
    const match = /^\/api\/complaints\/([^/]+)\/?$/.exec(pathname);
    if (match) {
      if (request.method !== 'GET') return json(405, { errors: { request: '只接受 GET' } }, { allow: 'GET' });
      const response = statusLookupAllowed(world, context.clientAddress)
        ? await status(world, request, decodeURIComponentSafe(match[1]!))
        : json(429, { errors: { request: tooManyLookups(world) } }, { 'retry-after': '60' });
      log(`[complaints] GET /api/complaints/… ${response.status}`);
      return response;
    }
    return undefined;
  };
}

/** The form's idempotency key, kept across re-renders so the same submission keeps its key. */
function keyFor(values: Record<string, string>): string {
  return values.idempotencyKey && /^[A-Za-z0-9_-]{8,80}$/.test(values.idempotencyKey) ? values.idempotencyKey : randomUUID();
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return '';
  }
}

async function post(world: World, request: Request, context: RequestContext, allow: (key: string, now: number) => boolean): Promise<Response> {
  const accept = request.headers.get('accept') ?? '';
  const wantsHtml = accept.includes('text/html') && !accept.includes('application/json');
  const fail = (status: number, errors: FieldErrors, values: Record<string, string> = {}) =>
    wantsHtml
      ? html(status, errors.request ? problemPage(status, errors.request) : formPage(world.directory, values, errors, keyFor(values)))
      : json(status, { errors, ...(errors.pow ? { powBits: world.limits.powBits } : {}) });

  if (!allow(context.clientAddress, world.clock.now().getTime())) {
    return wantsHtml
      ? html(429, problemPage(429, '提交太频繁，请稍后再试'))
      : json(429, { errors: { request: '提交太频繁，请稍后再试' } }, { 'retry-after': '60' });
  }
  const body = await parseBody(request, { body: world.limits.maxBodyBytes, multipart: world.limits.maxMultipartBytes });
  if (!body.ok) return fail(body.status, { request: body.message });
  const values: Record<string, string> = {};
  for (const [k, v] of Object.entries(body.fields)) if (typeof v === 'string') values[k] = v;

  // Honeypot: a bot filled the hidden field. Answer as if refused, store nothing.
  if (typeof body.fields.website === 'string' && body.fields.website.trim() !== '') {
    return fail(400, { website: '无法提交：请不要填写隐藏的“请勿填写此项”栏' }, values);
  }
  // No-JS check-your-answers page: 修改 brings the form back with the answers kept.
  if (wantsHtml && values.edit === '1') return html(200, formPage(world.directory, values, {}, keyFor(values)));
  // The key may come as the `Idempotency-Key` header (API clients) or the hidden form field (forms).
  const headerKey = request.headers.get('idempotency-key');
  const fields = headerKey && !body.fields.idempotencyKey ? { ...body.fields, idempotencyKey: headerKey } : body.fields;
  const parsed = complaintInputSchema.safeParse(fields);
  const evidence = await readEvidence(body.files);
  const errors: FieldErrors = parsed.success ? {} : toFieldErrors(parsed.error.issues);
  if ('error' in evidence) errors.evidence = evidence.error;
  if (parsed.success && !powOk(parsed.data.idempotencyKey, parsed.data.pow, world.limits.powBits)) {
    errors.pow = '缺少有效的工作量证明，请在浏览器中打开表单并启用 JavaScript 后提交';
  }
  if (parsed.success) {
    const when = parsed.data.when;
    const at = Date.parse(when.length === 10 ? `${when}T00:00:00+08:00` : `${when}:00+08:00`);
    if (at > world.clock.now().getTime() + 24 * 3600_000) errors.when = '发生时间不能晚于今天';
  }
  if (!parsed.success || Object.keys(errors).length || 'error' in evidence) return fail(400, sortErrors(errors), values);
  const resolved = resolveTarget(parsed.data, world);
  if ('errors' in resolved) return fail(422, resolved.errors, values);

  // A plain form post is shown its answers to check first (the island has its own check step). Files cannot be
  // carried through that page, so a post with evidence is submitted at once.
  if (wantsHtml && values.confirm !== '1' && evidence.files.length === 0) {
    return html(200, checkPage(world.directory, values, resolved.target, keyFor(values)));
  }
  const receipt = await submitComplaint(world, parsed.data, resolved.target, resolved.regulationId, evidence.files);
  if ('conflict' in receipt) {
    const message = '这个提交标识已经用于另一份内容不同的提交，本次没有保存。如果您要提交一件新的投诉或举报，请重新打开表单填写。';
    return wantsHtml ? html(409, problemPage(409, message)) : json(409, { errors: { idempotencyKey: message } });
  }
  const status = receipt.repeated ? 200 : 201;
  if (wantsHtml) {
    const stored = await findComplaintByReference(world.store, receipt.reference);
    const agency = world.directory.agency(stored?.agency_id ?? '');
    const response = html(
      status,
      confirmationPage(
        parsed.data.kind,
        receipt.reference,
        receipt.trackingCode,
        agency?.name ?? '',
        parsed.data.kind === 'report' && !parsed.data.name && !parsed.data.phone && !parsed.data.email,
      ),
    );
    response.headers.set('x-reference', receipt.reference);
    return response;
  }
  return json(status, { reference: receipt.reference, trackingCode: receipt.trackingCode }, { 'x-reference': receipt.reference });
}

async function status(world: World, request: Request, rawReference: string): Promise<Response> {
  const code = request.headers.get('x-tracking-code') ?? new URL(request.url).searchParams.get('code') ?? '';
  if (!parseReference(rawReference)) return json(400, { errors: { reference: '受理编号格式不对，应像 TS-7K3M-9QX2' } });
  if (!code) return json(400, { errors: { trackingCode: '请提供查询码' } });
  const view = await statusView(world, rawReference, code);
  if ('error' in view) return json(view.status, { errors: { reference: view.error } });
  return json(200, view);
}
