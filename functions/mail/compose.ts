import { escapeHtml } from '../../src/core/text.ts';

/** Subjects and addresses never carry line breaks or other controls (header injection). */
/** The last line of every mail the platform sends. */
export const SENT_BY = '此邮件由行政执法辅助人员公示平台自动发送。';

/** After the evidence download links of a mail to an agency (the outbox worker's, the fresh-links mail). */
export const evidenceLinksNotice = (until: string): string => `请在 ${until}（北京时间）前下载。链接仅供贵单位办理本件使用，请勿转发：`;

/** Where a complainant follows their complaint. */
export const statusLine = (siteUrl: string): string => `查询办理进度：${siteUrl}/complaint/status/ （需要受理编号和提交时页面上显示的查询码）。`;

export function headerSafe(value: string): string {
  return value.replace(/[\u0000-\u001F\u007F\u2028\u2029]+/g, ' ').trim();
}

export interface ComposedMail {
  subject: string;
  text: string;
  html: string;
}

export interface ActionLink {
  label: string;
  url: string;
}

/** Label/value rows rendered both as plain text and as an escaped HTML table. */
export type MailRow = [label: string, value: string];

export function composeMail(input: {
  subject: string;
  intro: string[];
  rows: MailRow[];
  /** Emphasised notice (e.g. the confidentiality reminder). */
  notice?: string;
  actionLinks?: ActionLink[];
  /** Download links listed under their own heading, after the action links (e.g. evidence files). */
  downloads?: { heading: string; links: ActionLink[] };
  outro?: string[];
}): ComposedMail {
  const subject = headerSafe(input.subject);
  const links = (input.actionLinks ?? []).filter((l) => /^https?:\/\//.test(l.url));
  const downloads = (input.downloads?.links ?? []).filter((l) => /^https?:\/\//.test(l.url));
  const text = [
    ...input.intro,
    '',
    ...(input.notice ? [`【重要】${input.notice}`, ''] : []),
    ...input.rows.map(([label, value]) => `${label}：${value.includes('\n') ? `\n${value}` : value}`),
    ...(links.length ? ['', ...links.map((l) => `${l.label}：${l.url}`)] : []),
    ...(downloads.length ? ['', input.downloads!.heading, ...downloads.map((l) => `${l.label}：${l.url}`)] : []),
    ...(input.outro?.length ? ['', ...input.outro] : []),
  ].join('\n');
  const p = (s: string) => `<p>${escapeHtml(s)}</p>`;
  const html = [
    '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>',
    escapeHtml(subject),
    '</title></head><body>',
    ...input.intro.map(p),
    input.notice ? `<p><strong>【重要】${escapeHtml(input.notice)}</strong></p>` : '',
    '<table>',
    ...input.rows.map(
      ([label, value]) => `<tr><th align="left" valign="top">${escapeHtml(label)}</th><td>${escapeHtml(value).replace(/\n/g, '<br>')}</td></tr>`,
    ),
    '</table>',
    links.length ? `<p>${links.map((l) => `<a href="${escapeHtml(l.url)}">${escapeHtml(l.label)}</a>`).join(' · ')}</p>` : '',
    downloads.length
      ? `<p>${escapeHtml(input.downloads!.heading)}</p><ul>${downloads.map((l) => `<li><a href="${escapeHtml(l.url)}">${escapeHtml(l.label)}</a></li>`).join('')}</ul>`
      : '',
    ...(input.outro ?? []).map(p),
    '</body></html>',
  ].join('');
  return { subject, text, html };
}
