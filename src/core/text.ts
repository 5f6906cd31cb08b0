/** Full-width ASCII (！..～) and the ideographic space become their half-width forms. */
export function toHalfWidth(input: string): string {
  return input.replace(/[\uFF01-\uFF5E]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, ' ');
}

/**
 * The one normal form of a certificate number, used as the key everywhere and in URLs
 * (`/verify/<number>/`): half-width, upper-case, whitespace dropped; dashes kept as the agency wrote them.
 */
export function normalizeCertificateNo(input: string): string {
  return toHalfWidth(input).toUpperCase().replace(/\s+/g, '');
}

/**
 * The lookup form: like normalizeCertificateNo but also without dashes, dots, slashes, commas, colons and the
 * Chinese separators (· ・ 、 。), so that a number
 * typed with missing or extra separators still finds its page.
 */
export function certificateLookupKey(input: string): string {
  return normalizeCertificateNo(input).replace(/[-_./,:\u00B7\u2010-\u2015\u2212\u3001\u3002\u30FB\u30FC]/g, '');
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(input: string): string {
  return input.replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch]!);
}

/**
 * Characters no typed text may hold: C0 controls except tab and line breaks, DEL, C1, the bidi marks (U+061C,
 * U+200E/F), embeddings, overrides and isolates (they can reorder what a reader sees — a name shown backwards, a
 * link that looks like another), and U+FFFD (a decoding error).
 */
export const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069\uFFFD]/;

export const controlCharacterMessage = (label: string): string => `${label}含有不可见的控制字符，请删除后重试`;
