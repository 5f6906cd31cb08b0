import { escapeHtml as e } from '../../src/core/text.ts';
import { pageHtml } from '../../src/core/frame.ts';
import { complaintFields, confirmationWords, describeFiles, formWords } from '../../src/core/complaint/fields.ts';
import { formatDateTime } from '../../src/core/dates.ts';
import type { KeptEvidence } from './drafts.ts';
import type { Directory } from '../../src/core/directory.ts';
import { agencyChoices, categoryGroups } from '../../src/core/complaint/choices.ts';
import { renderComplaintForm } from '../../src/core/complaint/form-html.ts';
import { regionsOf } from '../../src/core/complaint/superior.ts';
import { categoryLabel, describeTarget } from './mails.ts';
import type { Target } from '../store/records/shapes.ts';
import { fieldOrder, kindLabels, type FieldErrors } from '../../src/core/complaint/schema.ts';

/** A page the functions answer a no-JS form post with: the site's frame and stylesheet, no external requests. */
function page(title: string, body: string): string {
  return pageHtml(title, undefined, body);
}

/** Kept evidence as the form and the check page show it: names and sizes, and until when it is kept. */
function keptView(kept: KeptEvidence) {
  return { token: kept.token, files: kept.files.map((f) => ({ name: f.name, size: f.data.byteLength })), until: formatDateTime(kept.expiresAt) };
}

export function formPage(directory: Directory, values: Record<string, string>, errors: FieldErrors, idempotencyKey: string, kept?: KeptEvidence): string {
  return page(
    '错误：投诉举报',
    `<h1>投诉举报</h1>${renderComplaintForm({
      values,
      errors,
      categoryGroups: categoryGroups(directory),
      agencies: agencyChoices(directory),
      regions: regionsOf(directory),
      idempotencyKey,
      ...(kept ? { keptEvidence: keptView(kept) } : {}),
    })}`,
  );
}

export function confirmationPage(
  kind: 'complaint' | 'report',
  reference: string,
  trackingCode: string,
  agencyName: string,
  anonymous: boolean,
  ack: { emailGiven: boolean; queued: boolean },
): string {
  return page(
    `已提交${kindLabels[kind]}`,
    `<div class="confirmation" role="status"><h1>${e(confirmationWords.title(kindLabels[kind]))}</h1>
<p>${confirmationWords.reference}</p><p class="code" id="reference">${e(reference)}</p>
<p>${confirmationWords.trackingCode}</p><p class="code" id="tracking-code">${e(trackingCode)}</p></div>
<p id="handled-by">${agencyName ? e(confirmationWords.handledBy(agencyName)) : ''}${confirmationWords.confidential}（<a href="/privacy/">${confirmationWords.privacyLink}</a>）。${e(confirmationWords.ackLine(ack.emailGiven, ack.queued))}</p>
${anonymous ? `<p>${confirmationWords.anonymous}</p>` : ''}
<p><a href="${e(confirmationWords.statusHref(reference))}">${confirmationWords.statusLink}</a></p>`,
  );
}

/** A page that only says why something cannot be done (evidence downloads and the like). */
export function noticePage(title: string, message: string): string {
  return page(title, `<h1>${e(title)}</h1><div class="error-summary" role="alert"><p>${e(message)}</p></div>`);
}

export function problemPage(status: number, message: string): string {
  return page(
    '无法提交',
    `<h1>无法提交</h1><div class="error-summary" role="alert" tabindex="-1" autofocus><p>${e(message)}</p></div><p><a href="/complaint/">返回投诉举报表</a></p><!-- ${status} -->`,
  );
}

/** The no-JS check-your-answers page: the answers, carried on as hidden fields; 确认提交 or 修改. */
export function checkPage(directory: Directory, values: Record<string, string>, target: Target, idempotencyKey: string, kept?: KeptEvidence): string {
  const v = (k: string) => (values[k] ?? '').trim();
  const rows: [string, string][] = [
    [complaintFields.kind.label, kindLabels[v('kind') as 'complaint' | 'report'] ?? ''],
    [complaintFields.about.label, describeTarget(target, directory)],
    [complaintFields.category.label, categoryLabel(v('category'), directory)],
    [complaintFields.when.label, v('when')],
    [complaintFields.place.label, v('place')],
    [complaintFields.description.label, v('description')],
    [complaintFields.evidence.label, kept ? describeFiles(keptView(kept).files) : formWords.noEvidence],
    [complaintFields.name.label, v('name') || formWords.notGiven],
    [complaintFields.phone.label, v('phone') || formWords.notGiven],
    [complaintFields.email.label, v('email') || formWords.notGiven],
  ];
  const carried = (fieldOrder as readonly string[]).filter((f) => f !== 'evidence' && values[f] !== undefined);
  const hidden =
    carried.map((f) => `<input type="hidden" name="${f}" value="${e(values[f]!)}">`).join('') +
    (kept ? `<input type="hidden" name="evidenceDraft" value="${e(kept.token)}">` : '');
  return page(
    formWords.checkTitle,
    `<h1 id="check-title" tabindex="-1" autofocus>${formWords.checkTitle}</h1>
<dl class="check-answers">${rows.map(([label, value]) => `<div><dt>${e(label)}</dt><dd style="white-space:pre-wrap">${e(value)}</dd></div>`).join('')}</dl>
<form method="post" action="/api/complaints" enctype="application/x-www-form-urlencoded">${hidden}<input type="hidden" name="idempotencyKey" value="${e(idempotencyKey)}">
<p class="actions"><button type="submit" name="confirm" value="1" class="btn btn-plain">${formWords.submit}</button> <button type="submit" name="edit" value="1" class="link">${formWords.change}</button></p></form>`,
  );
}

/** What a no-JS post that could not be stored carries back: the answers, the kept files' token, the key, the step. */
const CARRIED_BACK = [...fieldOrder.filter((f) => f !== 'evidence'), 'evidenceDraft', 'pow', 'confirm'];

/**
 * A no-JS post the store could not take (it was unreachable): nothing was saved; the answers come back as hidden
 * fields with the same idempotency key, so 重新提交 later files it once, and 修改 brings the form back. Files sent
 * with this very post could not be kept (they are kept in the store) and must be chosen again.
 */
export function unsavedPage(values: Record<string, string>, idempotencyKey: string, filesLost: boolean): string {
  const { title, message, hint } = unsavedWords;
  return page(title, `<h1>${title}</h1>${answersBack([message, hint, ...(filesLost ? [unsavedWords.filesLost] : [])], values, idempotencyKey)}`);
}

/** The summary of a page that hands a no-JS post's answers back, and the form that sends them again (or 修改). */
function answersBack(paragraphs: string[], values: Record<string, string>, idempotencyKey: string): string {
  const hidden = CARRIED_BACK.filter((f) => values[f] !== undefined)
    .map((f) => `<input type="hidden" name="${f}" value="${e(values[f]!)}">`)
    .join('');
  return `<div class="error-summary" role="alert" tabindex="-1" autofocus>${paragraphs.map((p) => `<p>${p}</p>`).join('')}</div>
<form method="post" action="/api/complaints" enctype="application/x-www-form-urlencoded">${hidden}<input type="hidden" name="idempotencyKey" value="${e(idempotencyKey)}">
<p class="actions"><button type="submit" class="btn btn-plain">${unsavedWords.again}</button> <button type="submit" name="edit" value="1" class="link">${formWords.change}</button></p></form>`;
}

const unsavedWords = {
  title: '暂时无法保存',
  message: '暂时无法保存，您的投诉没有提交成功。您填写的内容保留在本页，没有丢失。',
  hint: '请稍后再试：半分钟后点「重新提交」，无论点几次，只会提交一次。',
  filesLost: '本次所附文件未能保存：请点「修改」重新选择文件后再提交。',
  again: '重新提交',
};

/** `30 秒`, or past two minutes `3 分钟` (rounded up). */
function waitWords(seconds: number): string {
  return seconds < 120 ? `${seconds} 秒` : `${Math.ceil(seconds / 60)} 分钟`;
}

const limitedWords = {
  title: '提交太频繁',
  wait: (seconds: number) => `从您所在的网络发出的提交太多，请 ${waitWords(seconds)}后再提交。本次没有提交。`,
  kept: '您填写的内容保留在本页，没有丢失。时间到后点「重新提交」；要改内容，现在就可以点「修改」。',
  back: '本次内容没有保存：请用浏览器的「返回」按钮回到上一页，您填写的内容一般还在，时间到后再提交。',
};

/**
 * A no-JS post over the rate limit: how long to wait, nothing stored. With its answers (a small post, read: post.ts
 * `limited`) they come back as on the unsaved page, to send again; without, the Back button keeps them.
 */
export function limitedPage(seconds: number, back?: { values: Record<string, string>; idempotencyKey: string; filesLost: boolean }): string {
  const { title } = limitedWords;
  const wait = e(limitedWords.wait(seconds));
  const body = back
    ? answersBack([wait, limitedWords.kept, ...(back.filesLost ? [unsavedWords.filesLost] : [])], back.values, back.idempotencyKey)
    : `<div class="error-summary" role="alert" tabindex="-1" autofocus><p>${wait}</p><p>${limitedWords.back}</p></div>`;
  return page(title, `<h1>${title}</h1>${body}`);
}
