import { escapeHtml } from '../../src/core/text.ts';
import { complaintStatusLabels } from '../../src/core/complaint/status.ts';
import { pageHtml } from '../../src/core/frame.ts';
import type { Agency } from '../../src/core/registry/schema.ts';
import { mayReceive } from '../complaints/accused.ts';
import { targetOf } from '../store/records/complaints.ts';
import type { Ready } from './actions.ts';
import { shanghai } from './mails.ts';
import { actionLabels } from './state.ts';
import { handlingErrors } from './errors.ts';

/** HTML pages served by the handling functions, in the site's frame: no scripts, nothing from third parties. */
const STYLE = `<style>.handling label{display:block;font-weight:bold;margin-top:1rem}.handling textarea,.handling select{width:100%;max-width:36em;font:inherit;padding:.4em}
.handling textarea{min-height:8rem}.handling button{display:block;margin-top:1rem}.handling .error{color:#d4351c;font-weight:bold}.handling dt{font-weight:bold}
.handling table{border-collapse:collapse}.handling td,.handling th{border:1px solid #b1b4b6;padding:.3em .6em;text-align:left;vertical-align:top}</style>`;

export function page(title: string, body: string): string {
  return pageHtml(title, undefined, `${STYLE}<div class="handling">${body}</div>`);
}

export function problemHtml(status: number, message: string): string {
  return page(
    handlingErrors.RefusalTitle.title,
    `<h1>${handlingErrors.RefusalTitle.title}</h1><p class="error" role="alert" data-status="${status}">${escapeHtml(message)}</p>`,
  );
}

function agencyOptions(agencies: readonly Agency[], exclude: readonly string[], selected: string | undefined): string {
  const byRegion = new Map<string, Agency[]>();
  for (const a of agencies) {
    if (exclude.includes(a.id)) continue;
    byRegion.set(a.region, [...(byRegion.get(a.region) ?? []), a]);
  }
  return (
    `<option value="">请选择</option>` +
    [...byRegion]
      .map(
        ([region, list]) =>
          `<optgroup label="${escapeHtml(region)}">${list
            .map((a) => `<option value="${escapeHtml(a.id)}"${a.id === selected ? ' selected' : ''}>${escapeHtml(a.name)}</option>`)
            .join('')}</optgroup>`,
      )
      .join('')
  );
}

/** The confirmation form a link opens (GET); the action happens only when it is posted. */
export function actionFormHtml(
  ready: Ready,
  agencies: readonly Agency[],
  values: Record<string, string> = {},
  error?: { message: string; field?: string },
): string {
  const { claim, complaint, agency } = ready;
  const label = actionLabels[claim.action];
  const field = (name: string, title: string, hint: string) =>
    `<label for="${name}">${title}</label><div id="${name}-hint">${hint}</div>` +
    (error?.field === name ? `<p class="error" id="${name}-error">${escapeHtml(error.message)}</p>` : '') +
    `<textarea id="${name}" name="${name}" aria-describedby="${name}-hint"${claim.action !== 'accept' ? ' required' : ''}>${escapeHtml(values[name] ?? '')}</textarea>`;
  const fields = {
    accept: field('note', '备注（可不填）', '备注会显示在反映人的进度查询中。受理后，办结链接会另发至贵单位邮箱。'),
    reject: field('reason', '不予受理的理由', '理由会告知反映人（如其留有邮箱），请写明依据。'),
    transfer:
      `<label for="transferTo">转办至</label>` +
      (error?.field === 'transferTo' ? `<p class="error">${escapeHtml(error.message)}</p>` : '') +
      `<select id="transferTo" name="transferTo" required>${agencyOptions(
        agencies.filter((a) => mayReceive({ agency: (id) => agencies.find((b) => b.id === id) }, targetOf(complaint), a.id)),
        [agency.id],
        values.transferTo,
      )}</select>` +
      field('reason', '转办理由', '接收机关会收到完整的投诉材料和新的办理链接。'),
    resolve: field('result', '办理结果', '办理结果会告知反映人（如其留有邮箱）。'),
  }[claim.action];
  const summary = error && !error.field ? `<p class="error" role="alert">${escapeHtml(error.message)}</p>` : '';
  return page(
    `${label} ${complaint.reference}`,
    `<h1>${escapeHtml(label)}：${escapeHtml(complaint.reference)}</h1>${summary}
<dl><dt>办理机关</dt><dd>${escapeHtml(agency.name)}</dd><dt>当前状态</dt><dd>${complaintStatusLabels[complaint.status]}</dd>
<dt>提交时间</dt><dd>${escapeHtml(shanghai(complaint.created_at))}</dd></dl>
<p>投诉内容见贵单位收到的邮件。确认后点击下方按钮；本链接只能使用一次。</p>
<form method="post" action="">${fields}<button type="submit" class="btn btn-plain">确认${escapeHtml(label)}</button></form>`,
  );
}

export function doneHtml(message: string): string {
  return page('已办理', `<h1>已办理</h1><p role="status">${escapeHtml(message)}</p>`);
}
