import { escapeHtml as e } from '../../src/core/text.ts';
import type { Directory } from '../../src/core/directory.ts';
import { agencyChoices, categoryGroups } from '../../src/core/complaint/choices.ts';
import { renderComplaintForm } from '../../src/core/complaint/form-html.ts';
import { categoryLabel, describeTarget } from './mails.ts';
import type { Target } from '../store/records/shapes.ts';
import { fieldOrder, kindLabels, type FieldErrors } from '../../src/core/complaint/schema.ts';

/** A page the functions answer a no-JS form post with; same frame as the site's pages, no external requests. */
function page(title: string, body: string): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(title)} · 行政执法辅助人员公示</title><meta name="robots" content="noindex">
<style>.error-summary{border:4px solid #d4351c;padding:1em;margin:1em 0}.field-error{color:#d4351c;font-weight:bold}.has-error input,.has-error select,.has-error textarea{border:2px solid #d4351c}.field{margin:1em 0}.hp{position:absolute;left:-10000px}.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}.code{font-size:1.5em;font-family:monospace;letter-spacing:.1em}label,legend{font-weight:bold;display:block}.choice{font-weight:normal}</style>
</head><body><a href="#main">跳到正文</a><header><a href="/">行政执法辅助人员公示</a></header>
<main id="main">${body}</main>
<footer><a href="/agencies/">执法机关</a> · <a href="/complaint/">投诉举报</a> · <a href="/data/">开放数据</a></footer></body></html>`;
}

export function formPage(directory: Directory, values: Record<string, string>, errors: FieldErrors, idempotencyKey: string): string {
  return page(
    '错误：投诉举报',
    `<h1>投诉举报</h1>${renderComplaintForm({
      values, errors, categoryGroups: categoryGroups(directory), agencies: agencyChoices(directory), idempotencyKey,
    })}`,
  );
}

export function confirmationPage(kind: 'complaint' | 'report', reference: string, trackingCode: string, agencyName: string, anonymous: boolean): string {
  return page(
    `已提交${kindLabels[kind]}`,
    `<div class="confirmation" role="status"><h1>您的${kindLabels[kind]}已提交</h1>
<p>受理编号</p><p class="code" id="reference">${e(reference)}</p>
<p>查询码（只显示这一次，请抄下或截图保存）</p><p class="code" id="tracking-code">${e(trackingCode)}</p></div>
<p>已转 <strong>${e(agencyName)}</strong> 办理。办理机关须为您的身份保密。</p>
${anonymous ? '<p>这是匿名举报：不会收到办理反馈，但您可以凭受理编号和查询码查询办理状态。</p>' : ''}
<p><a href="/complaint/status/">用受理编号和查询码查询办理进度</a></p>`,
  );
}

export function problemPage(status: number, message: string): string {
  return page('无法提交', `<h1>无法提交</h1><div class="error-summary" role="alert" tabindex="-1" autofocus><p>${e(message)}</p></div><p><a href="/complaint/">返回投诉举报表</a></p><!-- ${status} -->`);
}

/** The no-JS check-your-answers page: the answers, carried on as hidden fields; 确认提交 or 修改. */
export function checkPage(directory: Directory, values: Record<string, string>, target: Target, idempotencyKey: string): string {
  const v = (k: string) => (values[k] ?? '').trim();
  const rows: [string, string][] = [
    ['类型', kindLabels[v('kind') as 'complaint' | 'report'] ?? ''],
    ['反映对象', describeTarget(target, directory)],
    ['问题类别', categoryLabel(v('category'), directory)],
    ['发生时间', v('when')],
    ['发生地点', v('place')],
    ['情况描述', v('description')],
    ['您的姓名', v('name') || '（未填）'],
    ['联系电话', v('phone') || '（未填）'],
    ['电子邮箱', v('email') || '（未填）'],
  ];
  const carried = (fieldOrder as readonly string[]).filter((f) => f !== 'evidence' && values[f] !== undefined);
  const hidden = carried.map((f) => `<input type="hidden" name="${f}" value="${e(values[f]!)}">`).join('');
  return page(
    '请核对您填写的内容',
    `<h1 id="check-title" tabindex="-1" autofocus>请核对您填写的内容</h1>
<dl class="check-answers">${rows.map(([label, value]) => `<div><dt>${e(label)}</dt><dd style="white-space:pre-wrap">${e(value)}</dd></div>`).join('')}</dl>
<form method="post" action="/api/complaints" enctype="application/x-www-form-urlencoded">${hidden}<input type="hidden" name="idempotencyKey" value="${e(idempotencyKey)}">
<p><button type="submit" name="confirm" value="1">确认提交</button> <button type="submit" name="edit" value="1">修改</button></p></form>`,
  );
}
