import { escapeHtml } from '../../src/core/text.ts';
import { complaintStatusLabels } from '../../src/core/complaint/status.ts';
import { pageHtml } from '../../src/core/frame.ts';
import type { Agency } from '../../src/core/registry/schema.ts';
import { groupByRegionFrom } from '../../src/core/registry/regions.ts';
import { mayReceive } from '../complaints/accused.ts';
import { targetOf } from '../store/records/complaints.ts';
import type { Ready } from './actions.ts';
import type { RerouteReady } from './reroute.ts';
import { deadlineRows, REROUTE_LABEL, REROUTE_POLICY, shanghai } from './mails.ts';
import { actionLabels } from './state.ts';
import { handlingErrors } from './errors.ts';
import { linkFreshLinksPath } from './links.ts';

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
    `<h1>${handlingErrors.RefusalTitle.title}</h1><p class="error" role="alert" data-status="${status}">${linkFreshLinksPath(escapeHtml(message))}</p>`,
  );
}

/** The options of a select of agencies: grouped by region, `home` (the acting body's region) first, then the nearest. */
function agencyOptions(agencies: readonly Agency[], exclude: readonly string[], selected: string | undefined, home: string): string {
  const groups = groupByRegionFrom(
    agencies.filter((a) => !exclude.includes(a.id)),
    home,
  );
  return (
    `<option value="">请选择</option>` +
    groups
      .map(
        ({ region, agencies: list }) =>
          `<optgroup label="${escapeHtml(region)}">${list
            .map((a) => `<option value="${escapeHtml(a.id)}"${a.id === selected ? ' selected' : ''}>${escapeHtml(a.name)}</option>`)
            .join('')}</optgroup>`,
      )
      .join('')
  );
}

type FormError = { message: string; field?: string };

function textField(name: string, title: string, hint: string, values: Record<string, string>, error: FormError | undefined, required: boolean): string {
  return (
    `<label for="${name}">${title}</label><div id="${name}-hint">${hint}</div>` +
    (error?.field === name ? `<p class="error" id="${name}-error">${escapeHtml(error.message)}</p>` : '') +
    `<textarea id="${name}" name="${name}" aria-describedby="${name}-hint"${required ? ' required' : ''}>${escapeHtml(values[name] ?? '')}</textarea>`
  );
}

/** The select of agencies the complaint may go to (never the accused body nor one below it), under `label`; `home` is the acting body's region. */
function agencySelect(
  label: string,
  home: string,
  agencies: readonly Agency[],
  complaint: Ready['complaint'],
  exclude: readonly string[],
  values: Record<string, string>,
  error: FormError | undefined,
): string {
  const target = targetOf(complaint);
  const lookup = { agency: (id: string) => agencies.find((b) => b.id === id) };
  return (
    `<label for="transferTo">${label}</label>` +
    (error?.field === 'transferTo' ? `<p class="error">${escapeHtml(error.message)}</p>` : '') +
    `<select id="transferTo" name="transferTo" required>${agencyOptions(
      agencies.filter((a) => mayReceive(lookup, target, a.id)),
      exclude,
      values.transferTo,
      home,
    )}</select>`
  );
}

/** Label/value rows (deadlineRows) as the items of a page's facts list. */
const deadlineItems = (rows: readonly (readonly [string, string])[]) => rows.map(([dt, dd]) => `<dt>${escapeHtml(dt)}</dt><dd>${escapeHtml(dd)}</dd>`).join('');

const formSummary = (error: FormError | undefined) => (error && !error.field ? `<p class="error" role="alert">${escapeHtml(error.message)}</p>` : '');

/** The confirmation form a link opens (GET); the action happens only when it is posted. */
export function actionFormHtml(ready: Ready, agencies: readonly Agency[], values: Record<string, string> = {}, error?: FormError): string {
  const { claim, complaint, agency } = ready;
  const label = actionLabels[claim.action];
  const field = (name: string, title: string, hint: string) => textField(name, title, hint, values, error, claim.action !== 'accept');
  const fields = {
    accept: field('note', '备注（可不填）', '备注会显示在反映人的进度查询中，也写进发给反映人的邮件。受理后，办结链接会另发至贵单位邮箱。'),
    reject: field('reason', '不予受理的理由', '理由会告知反映人（如其留有邮箱），请写明依据。'),
    transfer:
      agencySelect('转办至', agency.region, agencies, complaint, [agency.id], values, error) +
      field('reason', '转办理由', '接收机关会收到完整的投诉材料和新的办理链接。'),
    resolve: field('result', '办理结果', '办理结果会告知反映人（如其留有邮箱）。'),
  }[claim.action];
  return page(
    `${label} ${complaint.reference}`,
    `<h1>${escapeHtml(label)}：${escapeHtml(complaint.reference)}</h1>${formSummary(error)}
<dl><dt>办理机关</dt><dd>${escapeHtml(agency.name)}</dd><dt>当前状态</dt><dd>${complaintStatusLabels[complaint.status]}</dd>
<dt>提交时间</dt><dd>${escapeHtml(shanghai(complaint.created_at))}</dd>${ready.deadline ? deadlineItems(deadlineRows(ready.deadline)) : ''}</dl>
<p>投诉内容见贵单位收到的邮件。确认后点击下方按钮；本链接只能使用一次。</p>
<form method="post" action="">${fields}<button type="submit" class="btn btn-plain">确认${escapeHtml(label)}</button></form>`,
  );
}

/** A justice bureau's 指定办理机关 form (reroute.ts), for a complaint whose handling agency left the directory. Facts only, as the mail. */
export function rerouteFormHtml(ready: RerouteReady, agencies: readonly Agency[], values: Record<string, string> = {}, error?: FormError): string {
  const { complaint, bureau, place } = ready;
  const due = complaint.status === 'accepted' ? ['办结期限', complaint.resolve_due_at] : ['受理期限', complaint.accept_due_at];
  return page(
    `${REROUTE_LABEL} ${complaint.reference}`,
    `<h1>${REROUTE_LABEL}：${escapeHtml(complaint.reference)}</h1>${formSummary(error)}
<dl><dt>原办理机关</dt><dd>编号 ${escapeHtml(complaint.agency_id)}（已不在机关名录中）${place.mailbox ? `，投诉材料曾发往 ${escapeHtml(place.mailbox)}` : ''}</dd>
<dt>当前状态</dt><dd>${complaintStatusLabels[complaint.status]}</dd>
<dt>提交时间</dt><dd>${escapeHtml(shanghai(complaint.created_at))}</dd>${due[1] ? `<dt>${due[0]}</dt><dd>${escapeHtml(shanghai(due[1]))}</dd>` : ''}
<dt>指定机关</dt><dd>${escapeHtml(bureau.name)}</dd></dl>
<p>该件的办理机关已不在机关名录中（可能已撤销、合并或更名）。请选择承接其职责的机关：确认后该件即转交该机关办理，该机关会收到完整的投诉材料和办理链接，受理期限从今天起重新计算；反映人留有邮箱的，会收到通知。本链接只能使用一次。${REROUTE_POLICY}</p>
<form method="post" action="">${agencySelect('承接的办理机关', bureau.region, agencies, complaint, [], values, error)}${textField(
      'reason',
      '指定理由',
      '理由会记入办理记录，告知接收机关和反映人（如其留有邮箱），例如承接职责所依据的机构改革文件。',
      values,
      error,
      true,
    )}<button type="submit" class="btn btn-plain">确认指定</button></form>`,
  );
}

export function doneHtml(message: string): string {
  return page('已办理', `<h1>已办理</h1><p role="status">${escapeHtml(message)}</p>`);
}
