import { escapeHtml } from '../text.ts';
import { aboutLabels, abouts, kindLabels, kinds, limits, type FieldErrors } from './schema.ts';

/**
 * The plain HTML complaint form (works with no JavaScript). The static page renders it as the island's
 * fallback; the handler re-renders it with the input kept and GOV.UK-style errors after a bad no-JS post.
 * The React island uses the same field names.
 */
export interface CategoryGroup {
  title: string;
  /** null for the 其他 group. */
  regulationId: string | null;
  options: { code: string; label: string }[];
}

export interface FormOptions {
  values: Record<string, string>;
  errors: FieldErrors;
  categoryGroups: CategoryGroup[];
  agencies: { id: string; name: string }[];
  /** The registry's regions, for 发生地区 (a number on no roster with no unit named). */
  regions: string[];
  /** Fresh per rendering when the server renders it (the static page has none). */
  idempotencyKey?: string;
}

const labels: Record<string, string> = {
  kind: '类型',
  about: '反映对象',
  certificateNo: '证件编号',
  agencyId: '单位',
  region: '发生地区',
  category: '问题类别',
  when: '发生时间',
  place: '发生地点',
  description: '情况描述',
  evidence: '证据材料',
  name: '您的姓名',
  phone: '联系电话',
  email: '电子邮箱',
};
export const fieldLabels: Readonly<Record<string, string>> = labels;

export function fieldId(field: string): string {
  return `f-${field}`;
}

const e = escapeHtml;

export function renderErrorSummary(errors: FieldErrors): string {
  const entries = Object.entries(errors);
  if (!entries.length) return '';
  return `<div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1" autofocus>
<h2 id="error-summary-title">提交前请修改以下 ${entries.length} 处问题</h2>
<ul>${entries.map(([f, m]) => `<li><a href="#${fieldId(f === 'form' || f === 'request' ? 'kind' : f)}">${e(m)}</a></li>`).join('')}</ul>
</div>`;
}

function errorOf(errors: FieldErrors, field: string): string {
  return errors[field] ? `<p class="field-error" id="${fieldId(field)}-error"><span class="visually-hidden">错误：</span>${e(errors[field]!)}</p>` : '';
}

function describedBy(errors: FieldErrors, field: string, hint: boolean): string {
  const ids = [hint ? `${fieldId(field)}-hint` : '', errors[field] ? `${fieldId(field)}-error` : ''].filter(Boolean);
  return ids.length ? ` aria-describedby="${ids.join(' ')}"` : '';
}

function radios(name: string, legend: string, options: readonly string[], optionLabels: Record<string, string>, o: FormOptions): string {
  const value = o.values[name] ?? '';
  return `<fieldset class="field${o.errors[name] ? ' has-error' : ''}" id="${fieldId(name)}"${describedBy(o.errors, name, false)}>
<legend>${e(legend)}</legend>${errorOf(o.errors, name)}
${options
  .map(
    (opt, i) =>
      `<label class="choice"><input type="radio" name="${name}" value="${opt}"${opt === value ? ' checked' : ''}${i === 0 ? ` id="${fieldId(name)}-first"` : ''}> ${e(optionLabels[opt]!)}</label>`,
  )
  .join('\n')}
</fieldset>`;
}

function input(name: string, o: FormOptions, attrs: string, hint?: string): string {
  return `<div class="field${o.errors[name] ? ' has-error' : ''}">
<label for="${fieldId(name)}">${e(labels[name]!)}</label>
${hint ? `<p class="hint" id="${fieldId(name)}-hint">${e(hint)}</p>` : ''}${errorOf(o.errors, name)}
<input id="${fieldId(name)}" name="${name}" value="${e(o.values[name] ?? '')}" ${attrs}${describedBy(o.errors, name, !!hint)}>
</div>`;
}

export function renderComplaintForm(o: FormOptions): string {
  const v = (k: string) => o.values[k] ?? '';
  const agencyOptions = o.agencies
    .map((a) => `<option value="${e(a.id)}"${a.id === v('agencyId') ? ' selected' : ''}>${e(a.name)}</option>`)
    .join('');
  const regionOptions = o.regions.map((r) => `<option value="${e(r)}"${r === v('region') ? ' selected' : ''}>${e(r)}</option>`).join('');
  const categoryOptions = o.categoryGroups
    .map(
      (g) =>
        `<optgroup label="${e(g.title)}">${g.options
          .map((c) => `<option value="${e(c.code)}"${c.code === v('category') ? ' selected' : ''}>${e(c.label)}</option>`)
          .join('')}</optgroup>`,
    )
    .join('');
  return `<form class="complaint-form" method="post" action="/api/complaints" enctype="multipart/form-data" novalidate>
${renderErrorSummary(o.errors)}
${radios('kind', '您要投诉还是举报？', kinds, { complaint: '投诉（需留下姓名和电话，会收到办理结果）', report: '举报（可以匿名；匿名举报不会收到办理反馈）' }, o)}
${radios('about', '反映的是谁？', abouts, aboutLabels, o)}
${input('certificateNo', o, 'type="text" autocomplete="off" spellcheck="false" maxlength="40"', '对方证件或胸牌上的编号；选择“一名辅助人员”或“编号查不到”时必填')}
<div class="field${o.errors.agencyId ? ' has-error' : ''}">
<label for="${fieldId('agencyId')}">${labels.agencyId}</label>
<p class="hint" id="${fieldId('agencyId')}-hint">招用辅助人员的行政执法机关。不知道是谁、或反映机关本身时必填；编号查不到时填对方自称的单位（可选）</p>${errorOf(o.errors, 'agencyId')}
<select id="${fieldId('agencyId')}" name="agencyId"${describedBy(o.errors, 'agencyId', true)}><option value="">（请选择）</option>${agencyOptions}</select>
</div>
<div class="field${o.errors.region ? ' has-error' : ''}">
<label for="${fieldId('region')}">${labels.region}</label>
<p class="hint" id="${fieldId('region')}-hint">编号查不到、又没有选择单位时必填：转事发地区的司法行政部门处理</p>${errorOf(o.errors, 'region')}
<select id="${fieldId('region')}" name="region"${describedBy(o.errors, 'region', true)}><option value="">（请选择）</option>${regionOptions}</select>
</div>
<div class="field${o.errors.category ? ' has-error' : ''}">
<label for="${fieldId('category')}">${labels.category}</label>
<p class="hint" id="${fieldId('category')}-hint">按该单位执行的办法中禁止辅助人员从事的事项和行为分类，括号内为条款</p>${errorOf(o.errors, 'category')}
<select id="${fieldId('category')}" name="category"${describedBy(o.errors, 'category', true)}><option value="">（请选择）</option>${categoryOptions}</select>
</div>
${input('when', o, 'type="date"', '年-月-日，如 2026-05-01')}
${input('place', o, `type="text" maxlength="${limits.placeMax}"`, '如：某路某号门口')}
<div class="field${o.errors.description ? ' has-error' : ''}">
<label for="${fieldId('description')}">${labels.description}</label>
<p class="hint" id="${fieldId('description')}-hint">${limits.descriptionMin}–${limits.descriptionMax} 字。请写清发生了什么、对方说了什么做了什么</p>${errorOf(o.errors, 'description')}
<textarea id="${fieldId('description')}" name="description" rows="8" maxlength="${limits.descriptionMax}"${describedBy(o.errors, 'description', true)}>${e(v('description'))}</textarea>
</div>
<div class="field${o.errors.evidence ? ' has-error' : ''}">
<label for="${fieldId('evidence')}">${labels.evidence}（可选）</label>
<p class="hint" id="${fieldId('evidence')}-hint">照片（JPEG、PNG、WebP）或 PDF，最多 ${limits.evidenceFiles} 个，每个不超过 ${limits.evidenceFileBytes / 1048576} MB，合计不超过 ${limits.evidenceTotalBytes / 1048576} MB${o.errors.evidence || Object.keys(o.errors).length ? '。出错后需要重新选择文件' : ''}</p>${errorOf(o.errors, 'evidence')}
<input id="${fieldId('evidence')}" name="evidence" type="file" multiple accept="image/jpeg,image/png,image/webp,application/pdf"${describedBy(o.errors, 'evidence', true)}>
</div>
<fieldset class="field"><legend>您的联系方式</legend>
<p class="hint">投诉须填写姓名和电话；举报可以不填（匿名）。按本平台规则，您的姓名和联系方式只发给办理机关，不发给被反映的人员或单位，平台要求办理机关保密（这是本平台的规则，不是两部办法的规定）。详见<a href="/privacy/">个人信息保护说明</a>。</p>
${input('name', o, `type="text" autocomplete="name" maxlength="${limits.nameMax}"`)}
${input('phone', o, 'type="tel" autocomplete="tel" maxlength="30"')}
${input('email', o, `type="email" autocomplete="email" maxlength="${limits.emailMax}"`, '填写后会收到确认邮件')}
</fieldset>
<div class="hp" aria-hidden="true"><label>请勿填写此项 <input type="text" name="website" tabindex="-1" autocomplete="off" value=""></label></div>
${o.idempotencyKey ? `<input type="hidden" name="idempotencyKey" value="${e(o.idempotencyKey)}">` : ''}
<button type="submit">下一步：核对</button>
</form>`;
}
