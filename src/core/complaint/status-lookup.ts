import type { ErrorData } from '../error-data.ts';
import { escapeHtml as e } from '../text.ts';
import { checkSymbol, codeSymbols } from './reference-check.ts';

/**
 * The status lookup form (/complaint/status/): its words, the messages for a reference or code that cannot be
 * looked up, and its plain HTML. The island (src/islands/status/) and the no-JS answer of `POST /api/status`
 * (functions/handling/status.ts) both use them, so the two paths show the same form, the same errors at the same
 * fields, with what was typed kept.
 */

export const statusLookupWords = {
  title: '查询办理进度',
  reference: '受理编号',
  referenceHint: '提交后页面上显示的编号，如 TS-7K3M-9QX2',
  code: '查询码',
  codeHint: '提交时页面上显示的查询码（不会通过邮件发送）',
  submit: '查询',
  busy: '正在查询…',
  errorPrefix: '错误：',
  errorSummary: '请修改以下问题后再查询',
} as const;

/**
 * The paragraph under the lookup and under its answer — on the page (with JavaScript the answer appears above it)
 * and on the no-JS answer of `POST /api/status` — so both paths say the same: who is mailed, and the time limits
 * (`timeLimitSummary`, with its label).
 */
export function statusNotesHtml(timeLimitSummary: string): string {
  return `<p id="status-notes">留有电子邮箱的，每次办理状态变化时都会收到邮件通知；匿名举报不会收到反馈。
办理时限：<span id="time-limits">${e(timeLimitSummary)}</span></p>`;
}

/** What the lookup says about the reference itself, before anything is looked up. */
export const statusLookupErrors = {
  StatusNoReference: { name: 'StatusNoReference', title: '缺少受理编号', message: '请填写受理编号。' },
  StatusReferenceCheck: {
    name: 'StatusReferenceCheck',
    title: '受理编号有误',
    message: '受理编号的校验位对不上，可能有一位输错了，',
    hint: '请与提交后显示的编号逐位核对（0 和 O、1 和 I 都算同一个字符）。',
  },
} as const satisfies Record<string, ErrorData>;

/**
 * What is wrong with a typed reference, read as parseReference reads it: `empty`, `format` (not TS + 8 symbols),
 * `check` (well formed, but the check symbol does not match: one character mistyped or two swapped), or undefined.
 */
export function referenceProblem(input: string): 'empty' | 'format' | 'check' | undefined {
  if (!input.trim()) return 'empty';
  const cleaned = codeSymbols(input);
  const body = cleaned.startsWith('TS') ? cleaned.slice(2) : cleaned;
  if (!/^[0-9A-HJKMNP-TV-Z]{8}$/.test(body)) return 'format';
  return checkSymbol(body.slice(0, 7)) === body[7] ? undefined : 'check';
}

export type LookupField = 'reference' | 'code';

/**
 * One error of the lookup and the fields it is about: it is shown at the first of them and marks each invalid.
 * A wrong code and an unknown reference are one error about both fields (which one is wrong is never told).
 */
export interface LookupError {
  message: string;
  fields: readonly LookupField[];
}

export const lookupErrorId = (error: LookupError): string | undefined => (error.fields[0] ? `${error.fields[0]}-error` : undefined);

/** The ids that describe a field: its hint, then every error about it. */
export function lookupDescribedBy(field: LookupField, errors: readonly LookupError[]): string {
  return [`${field}-hint`, ...errors.filter((x) => x.fields.includes(field)).map(lookupErrorId)].join(' ');
}

/** The plain form (no JavaScript), with what was typed kept and each error at its field. */
export function statusFormHtml(values: { reference?: string; code?: string }, errors: readonly LookupError[] = []): string {
  const summary = errors.length
    ? `<div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1" autofocus>
<h2 id="error-summary-title">${statusLookupWords.errorSummary}</h2>
<ul>${errors.map((x) => `<li>${x.fields[0] ? `<a href="#${x.fields[0]}">${e(x.message)}</a>` : e(x.message)}</li>`).join('')}</ul>
</div>`
    : '';
  const field = (name: LookupField) => {
    const own = errors.filter((x) => x.fields[0] === name);
    const invalid = errors.some((x) => x.fields.includes(name));
    return `<div class="field${invalid ? ' has-error' : ''}">
<label for="${name}">${statusLookupWords[name]}</label>
<p class="hint" id="${name}-hint">${e(statusLookupWords[`${name}Hint`])}</p>
${own.map((x) => `<p class="field-error" id="${lookupErrorId(x)}"><span class="visually-hidden">${statusLookupWords.errorPrefix}</span>${e(x.message)}</p>`).join('')}
<input id="${name}" name="${name}" type="text" autocomplete="off" spellcheck="false" value="${e(values[name] ?? '')}" aria-describedby="${lookupDescribedBy(name, errors)}"${invalid ? ' aria-invalid="true"' : ''} required>
</div>`;
  };
  return `<div class="status-lookup">${summary}<form method="post" action="/api/status" novalidate>
${field('reference')}
${field('code')}
<button type="submit" class="btn btn-plain">${statusLookupWords.submit}</button>
</form></div>`;
}
