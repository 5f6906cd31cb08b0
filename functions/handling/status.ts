import { escapeHtml } from '../../src/core/text.ts';
import { readCapped } from '../complaints/body.ts';
import { statusLookupAllowed, tooManyLookups } from '../complaints/lookup-limit.ts';
import { parseReference, trackingCodeMatches } from '../complaints/reference.ts';
import { findComplaintByReference } from '../store/records/complaints.ts';
import { listEvents, routedDataOf } from '../store/records/events.ts';
import { citizenView, type CitizenView } from '../../src/core/complaint/citizen-view.ts';
import { formatDateTime } from '../../src/core/dates.ts';
import { page } from './pages.ts';
import type { HandlingWorld } from './world.ts';
import { withHint } from '../../src/core/error-data.ts';
import { handlingErrors } from './errors.ts';

/** Finds a complaint by its reference and tracking code and returns what its complainant may see of it. */
export async function statusView(world: HandlingWorld, rawReference: string, code: string): Promise<CitizenView | { error: string; status: number }> {
  const reference = parseReference(rawReference);
  if (!reference) return { status: 400, error: withHint(handlingErrors.StatusBadReference) };
  if (!code.trim()) return { status: 400, error: withHint(handlingErrors.StatusNoCode) };
  const complaint = await findComplaintByReference(world.store, reference);
  if (!complaint || !trackingCodeMatches(code, complaint.tracking_hash, world.settings.secret, world.settings.previousSecrets)) {
    return { status: 404, error: withHint(handlingErrors.StatusNotFound) };
  }
  const events = await listEvents(world.store, complaint.id);
  return citizenView({
    complaint: {
      reference: complaint.reference,
      kind: complaint.kind,
      status: complaint.status,
      agencyId: complaint.agency_id,
      createdAt: complaint.created_at,
    },
    events: events.map((e) => ({ type: e.type, at: e.at, reason: e.reason, ...(e.type === 'routed' ? { agencyId: routedDataOf(e).agencyId } : {}) })),
    agencyName: (id) => world.directory.agency(id)?.name ?? id,
  });
}

export function statusHtml(view: CitizenView): string {
  const rows = view.history
    .map(
      (h) =>
        `<tr><td><time datetime="${escapeHtml(h.at)}">${escapeHtml(formatDateTime(h.at))}</time></td><td>${escapeHtml(h.label)}${h.note ? `（${escapeHtml(h.note)}）` : ''}</td></tr>`,
    )
    .join('');
  return page(
    `办理进度 ${view.reference}`,
    `<h1>办理进度</h1><dl><dt>受理编号</dt><dd id="reference">${escapeHtml(view.reference)}</dd>
<dt>当前状态</dt><dd id="status" data-status="${view.status}">${escapeHtml(view.statusLabel)}</dd>
<dt>办理机关</dt><dd>${escapeHtml(view.agency.name)}</dd></dl>
<table><caption>办理记录（北京时间）</caption><thead><tr><th scope="col">时间</th><th scope="col">事项</th></tr></thead><tbody>${rows}</tbody></table>
<p><a href="/complaint/status/">查询其他编号</a></p>`,
  );
}

const headers = { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'referrer-policy': 'no-referrer', 'x-robots-tag': 'noindex' };

/** `POST /api/status` (reference, code) from the plain form on /complaint/status/: an HTML answer. */
export async function statusPageResponse(world: HandlingWorld, request: Request, clientAddress: string): Promise<Response> {
  const problem = (status: number, message: string, extra: Record<string, string> = {}) =>
    new Response(
      page(
        handlingErrors.LookupFailedTitle.title,
        `<h1>${handlingErrors.LookupFailedTitle.title}</h1><p class="error" role="alert">${escapeHtml(message)}</p><p><a href="/complaint/status/">返回重新查询</a></p>`,
      ),
      { status, headers: { ...headers, ...extra } },
    );
  if (request.method !== 'POST') return problem(405, withHint(handlingErrors.StatusMethodNotAllowed));
  const type = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') return problem(415, withHint(handlingErrors.StatusFormOnly));
  // Counted before the body is read.
  if (!statusLookupAllowed(world, clientAddress)) return problem(429, tooManyLookups(world), { 'retry-after': '60' });
  const bytes = await readCapped(request, 4096);
  if (!bytes) return problem(413, withHint(handlingErrors.StatusTooLong));
  const form = new URLSearchParams(new TextDecoder().decode(bytes));
  const view = await statusView(world, form.get('reference') ?? '', form.get('code') ?? '');
  if ('error' in view) return problem(view.status, view.error);
  return new Response(statusHtml(view), { status: 200, headers });
}
