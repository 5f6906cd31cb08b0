import { escapeHtml as e } from './text.ts';

/**
 * A telephone number as people write it in a registry: digits with dashes, spaces or brackets (「0564-0300120」,
 * 「(0317) 1234567」, 「+86 564 0300120」), at least 7 digits. What follows it (「转 8001」, a second number after 「、」)
 * is not part of it.
 */
const PHONE_NUMBER = /(?:\+|\()?\d[\d ()-]{5,}\d/g;

/** The dial string of a written number: `tel:` and its digits (a leading + kept). */
export function telHref(number: string): string {
  return `tel:${number.trim().startsWith('+') ? '+' : ''}${number.replace(/\D/g, '')}`;
}

/**
 * A published phone (agencies.yaml `phone`, the site's SITE_CONTACT; free text) as HTML: each number in it a tappable
 * `tel:` link of class `tel`, which site.css keeps on one line (a narrow phone broke 「0317-」 from its digits), the
 * rest (an extension, a note, an address) as plain escaped text.
 */
export function phoneHtml(phone: string): string {
  let out = '';
  let at = 0;
  for (const m of phone.matchAll(PHONE_NUMBER)) {
    out += `${e(phone.slice(at, m.index))}<a class="tel" href="${telHref(m[0])}">${e(m[0])}</a>`;
    at = m.index + m[0].length;
  }
  return out + e(phone.slice(at));
}
