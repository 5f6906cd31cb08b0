import { escapeHtml } from '../../src/core/text.ts';
import { readCapped } from '../complaints/body.ts';
import { statusLookupAllowed, tooManyLookups } from '../complaints/lookup-limit.ts';
import { parseReference } from '../complaints/reference.ts';
import { verifyTrackingCode } from '../complaints/tracking-keys.ts';
import { findComplaintByReference } from '../store/records/complaints.ts';
import { listEvents, routedDataOf } from '../store/records/events.ts';
import { citizenView, type CitizenView } from '../../src/core/complaint/citizen-view.ts';
import { formatDateTime } from '../../src/core/dates.ts';
import { complaintDataBasis } from '../../src/core/policy/complaint-data.ts';
import { PRIVACY_NOTICE_TITLE } from '../../src/core/policy/labels.ts';
import { DEFAULT_POLICY } from '../../src/core/policy/schema.ts';
import { page } from './pages.ts';
import type { HandlingWorld } from './world.ts';
import { withHint } from '../../src/core/error-data.ts';
import { handlingErrors } from './errors.ts';
import {
  referenceProblem,
  statusFormHtml,
  statusLookupErrors,
  statusLookupWords,
  statusNotesHtml,
  type LookupError,
} from '../../src/core/complaint/status-lookup.ts';
import { missingYears, WEEKENDS_ONLY } from '../../src/core/policy/calendar.ts';
import { timeLimitSummary } from '../../src/core/policy/labels.ts';

/** What is wrong with the typed reference and code before anything is looked up (every problem, each at its field). */
export function lookupInputErrors(rawReference: string, code: string): LookupError[] {
  const errors: LookupError[] = [];
  const problem = referenceProblem(rawReference);
  if (problem === 'empty') errors.push({ message: withHint(statusLookupErrors.StatusNoReference), fields: ['reference'] });
  else if (problem === 'check') errors.push({ message: withHint(statusLookupErrors.StatusReferenceCheck), fields: ['reference'] });
  else if (problem || !parseReference(rawReference)) errors.push({ message: withHint(handlingErrors.StatusBadReference), fields: ['reference'] });
  if (!code.trim()) errors.push({ message: withHint(handlingErrors.StatusNoCode), fields: ['code'] });
  return errors;
}

/**
 * Finds a complaint by its reference and tracking code and returns what its complainant may see of it. An unknown
 * reference and a wrong code are the same 404 about both fields: nobody learns without the code that a reference exists.
 */
export async function statusView(
  world: HandlingWorld,
  rawReference: string,
  code: string,
): Promise<CitizenView | { error: string; status: number; errors: LookupError[] }> {
  const errors = lookupInputErrors(rawReference, code);
  if (errors.length) return { status: 400, error: errors[0]!.message, errors };
  const reference = parseReference(rawReference)!;
  const complaint = await findComplaintByReference(world.store, reference);
  // Under SECRET, SECRET_PREVIOUS or SECRET_RETIRED; a match under an older key re-writes the hash under SECRET.
  if (!complaint || !(await verifyTrackingCode(world, complaint, code))) {
    const error = withHint(handlingErrors.StatusNotFound);
    return { status: 404, error, errors: [{ message: error, fields: ['reference', 'code'] }] };
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
    purged: complaint.purged_at ? { at: complaint.purged_at, basis: complaintDataBasis((world.policy ?? DEFAULT_POLICY).complaintData) } : undefined,
  });
}

/**
 * The status page's paragraph on mails and time limits, as the static page has it under the island; its holiday note
 * is decided as /stats/ decides it, over the 90 days from the request (the static page's, from the build).
 */
export function statusNotes(world: Pick<HandlingWorld, 'policy' | 'calendar' | 'clock'>): string {
  const handling = (world.policy ?? DEFAULT_POLICY).handling;
  return statusNotesHtml(timeLimitSummary(handling, missingYears(world.calendar ?? WEEKENDS_ONLY, world.clock.now())));
}

export function statusHtml(view: CitizenView, notes = ''): string {
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
${view.purged ? `<p id="purged" role="note">${escapeHtml(view.purged.note)}详见<a href="/privacy/#retention">${PRIVACY_NOTICE_TITLE}</a>。</p>` : ''}
${notes}
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
  const reference = form.get('reference') ?? '';
  const code = form.get('code') ?? '';
  const view = await statusView(world, reference, code);
  // The form again with both values kept (escaped) and each error at its field, not a page with only the message.
  if ('error' in view)
    return new Response(
      page(
        `${statusLookupWords.errorPrefix}${handlingErrors.LookupFailedTitle.title}`,
        `<h1>${statusLookupWords.title}</h1>${statusFormHtml({ reference, code }, view.errors)}${statusNotes(world)}`,
      ),
      { status: view.status, headers },
    );
  return new Response(statusHtml(view, statusNotes(world)), { status: 200, headers });
}
