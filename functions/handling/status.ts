import { escapeHtml } from '../../src/core/text.ts';
import { parseReference, trackingCodeMatches } from '../complaints/reference.ts';
import { findComplaintByReference, listEvents, type ComplaintStatus, type EventRow } from '../store/records.ts';
import { page } from './pages.ts';
import { shanghai } from './mails.ts';
import { statusLabels } from './state.ts';
import type { HandlingWorld } from './world.ts';

/** What a citizen may see of their complaint: status and dated history, never the contents. */
export interface StatusView {
  reference: string;
  kind: string;
  status: ComplaintStatus;
  statusLabel: string;
  agencyName: string;
  history: { at: string; label: string; detail: string | null }[];
}

const eventLabel = (e: EventRow, agencyName: (id: string) => string): string | undefined => {
  const data = e.data ? (JSON.parse(e.data) as { agencyId?: string }) : {};
  switch (e.type) {
    case 'submitted':
      return '已提交';
    case 'routed':
      return `分派至${agencyName(data.agencyId ?? '')}办理`;
    case 'accepted':
      return '已受理';
    case 'rejected':
      return '不予受理';
    case 'transferred':
      return '已转办';
    case 'resolved':
      return '已办结';
    default:
      return undefined; // reminders and escalations are internal
  }
};

export async function statusView(world: HandlingWorld, rawReference: string, code: string): Promise<StatusView | { error: string; status: number }> {
  const reference = parseReference(rawReference);
  if (!reference) return { status: 400, error: '受理编号格式不对，应像 TS-7K3M-9QX2。' };
  if (!code.trim()) return { status: 400, error: '请填写查询码。' };
  const complaint = await findComplaintByReference(world.store, reference);
  if (!complaint || !trackingCodeMatches(code, complaint.tracking_hash, world.settings.secret)) {
    return { status: 404, error: '受理编号或查询码不正确，请核对后重试。' };
  }
  const name = (id: string) => world.directory.agency(id)?.name ?? id;
  const history = (await listEvents(world.store, complaint.id)).flatMap((e) => {
    const label = eventLabel(e, name);
    if (!label) return [];
    const detail = ['accepted', 'rejected', 'transferred', 'resolved'].includes(e.type) ? e.reason : null;
    return [{ at: e.at, label, detail }];
  });
  return {
    reference: complaint.reference,
    kind: complaint.kind,
    status: complaint.status,
    statusLabel: statusLabels[complaint.status],
    agencyName: name(complaint.agency_id),
    history,
  };
}

export function statusHtml(view: StatusView): string {
  const rows = view.history
    .map((h) => `<tr><td><time datetime="${escapeHtml(h.at)}">${escapeHtml(shanghai(h.at))}</time></td><td>${escapeHtml(h.label)}${h.detail ? `：${escapeHtml(h.detail)}` : ''}</td></tr>`)
    .join('');
  return page(
    `办理进度 ${view.reference}`,
    `<h1>办理进度</h1><dl><dt>受理编号</dt><dd id="reference">${escapeHtml(view.reference)}</dd>
<dt>当前状态</dt><dd id="status" data-status="${view.status}">${escapeHtml(view.statusLabel)}</dd>
<dt>办理机关</dt><dd>${escapeHtml(view.agencyName)}</dd></dl>
<table><caption>办理记录</caption><thead><tr><th scope="col">时间</th><th scope="col">事项</th></tr></thead><tbody>${rows}</tbody></table>
<p><a href="/complaint/status/">查询其他编号</a></p>`,
  );
}

const headers = { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'referrer-policy': 'no-referrer', 'x-robots-tag': 'noindex' };

/** `POST /api/status` (reference, code) from the plain form on /complaint/status/: an HTML answer. */
export async function statusPageResponse(world: HandlingWorld, request: Request): Promise<Response> {
  const problem = (status: number, message: string) =>
    new Response(page('查询失败', `<h1>查询失败</h1><p class="error" role="alert">${escapeHtml(message)}</p><p><a href="/complaint/status/">返回重新查询</a></p>`), { status, headers });
  if (request.method !== 'POST') return problem(405, '请从“查询办理进度”页面提交。');
  const type = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') return problem(415, '只接受网页表单提交。');
  const body = await request.text();
  if (body.length > 4096) return problem(413, '提交内容过长。');
  const form = new URLSearchParams(body);
  const view = await statusView(world, form.get('reference') ?? '', form.get('code') ?? '');
  if ('error' in view) return problem(view.status, view.error);
  return new Response(statusHtml(view), { status: 200, headers });
}
