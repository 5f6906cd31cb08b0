/** Full-width ASCII (！..～) and the ideographic space become their half-width forms. */
export function toHalfWidth(input: string): string {
  return input.replace(/[\uFF01-\uFF5E]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, ' ');
}

/**
 * Format characters (Unicode category Cf): zero-width space, joiners, word joiner, soft hyphen, BOM, bidi marks.
 * They show nothing, so a number copied from a chat message or a web page may carry them unseen.
 */
const FORMAT_CHARACTERS = /\p{Cf}/gu;

/**
 * Dashes that Word's and WPS's autocorrect (and copying from a document) put where the agency typed `-`: hyphen
 * U+2010, non-breaking hyphen U+2011, figure dash U+2012, en dash U+2013, em dash U+2014, horizontal bar U+2015,
 * minus sign U+2212 and small em dash U+FE58 (U+FE63 and the full-width U+FF0D become `-` by NFKC and toHalfWidth).
 * They look like `-` on a badge and in a roster, so they are `-` in a certificate number.
 */
const DASH_LOOKALIKES = /[\u2010-\u2015\u2212\uFE58]/g;

/**
 * The one normal form of a certificate number, used as the key everywhere and in URLs
 * (`/verify/<number>/`): NFKC (compatibility forms such as ﹣ or ｰ become their plain forms), invisible format
 * characters dropped, half-width, the look-alike dashes above made `-`, upper-case, whitespace dropped; other
 * separators kept as the agency wrote them.
 */
export function normalizeCertificateNo(input: string): string {
  return spelled(input).replace(/\s+/g, '');
}

/** normalizeCertificateNo before its whitespace is dropped. */
function spelled(input: string): string {
  return toHalfWidth(input.normalize('NFKC').replace(FORMAT_CHARACTERS, '')).replace(DASH_LOOKALIKES, '-').toUpperCase();
}

/**
 * What separates the parts of a number as people type or paste it: every dash (Unicode category Pd: hyphens,
 * en and em dashes, ⸺ ⸻, the wave dash 〜 …), `_ . / , : ~`, the minus signs (− ˗ ➖), the box-drawing line ─ ━
 * often used as a dash, and the Chinese and Japanese separators · ・ 、 。 and the prolonged sound mark ー (ｰ).
 * Applied after normalizeCertificateNo, so their full-width and small forms (－ ﹣ ～ ﹘ ／ ，) are covered too.
 */
const LOOKUP_SEPARATORS = /[\p{Pd}_./,:~\u00B7\u02D7\u2212\u2500\u2501\u2796\u3001\u3002\u30FB\u30FC]/gu;

/**
 * The lookup form: like normalizeCertificateNo but also without the separators above, so that a number
 * typed with missing, extra or other separators still finds its page. Roster numbers differing only in these
 * characters are refused at import (they would share a key).
 */
export function certificateLookupKey(input: string): string {
  return normalizeCertificateNo(input).replace(LOOKUP_SEPARATORS, '');
}

/**
 * The number as the lookup key reads it, with a space where the key drops whitespace or a run of the separators
 * above: where its parts meet. 「hb 2024–0001」 → 「HB 2024 0001」.
 */
export function spacedCertificateNo(input: string): string {
  return spelled(input).replace(LOOKUP_SEPARATORS, ' ').replace(/\s+/g, ' ').trim();
}

/**
 * What a reader cannot see: whitespace, format characters (\p{Cf}: zero-width space and joiners, soft hyphen,
 * word joiner, BOM …) and the letters that render blank (U+115F, U+1160, U+3164, U+FFA0 Hangul fillers, U+2800
 * braille blank).
 */
const INVISIBLE = /[\s\p{Cf}\u115F\u1160\u2800\u3164\uFFA0]/gu;

/** The text without what a reader cannot see (INVISIBLE): what a required field or a minimum length counts. */
export function visibleText(input: string): string {
  return input.replace(INVISIBLE, '');
}

/** A name as compared for search: NFKC, no spaces; the middle dot of minority names unified. */
export function searchName(name: string): string {
  return name
    .normalize('NFKC')
    .replace(/\s+/g, '')
    .replace(/[·•・‧．.]/g, '·');
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
