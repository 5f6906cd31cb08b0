import { isRealIsoDate } from '../../core/dates.ts';
import { normalizeCertificateNo, toHalfWidth } from '../../core/text.ts';
import type { Employment } from '../../core/roster/schema.ts';
import type { RawCell } from './table.ts';
import { withHint } from '../../core/error-data.ts';
import { rosterErrors } from './errors.ts';

/**
 * Invisible characters that come with text pasted from web pages and chat programs: zero-width space, non-joiner
 * and joiner, word joiner, BOM (zero-width no-break space) and the soft hyphen. They carry nothing a reader sees,
 * but would make `张三` and `张\u200B三` two names, a certificate number that cannot be typed, and a phone number
 * that slips past the check for one.
 */
const INVISIBLE = /[\u00AD\u200B-\u200D\u2060\uFEFF]/g;

/** The text without the invisible characters above (dropped silently: they are never intended). */
export function dropInvisible(value: string): string {
  return value.replace(INVISIBLE, '');
}

/** Trimmed, whitespace runs (including line breaks inside a cell) collapsed to one space. */
export function cleanText(value: string): string {
  return value.replace(/[\s\u3000]+/g, ' ').trim();
}

const HAN = '\\p{Script=Han}';
const DOT_LIKE = '[·•・．.\u2027\u2022\u2219\u22C5\uFF65\u00B7]';
const spaceNextToHan = new RegExp(`(?<=${HAN}|·)[\\s\\u3000]+|[\\s\\u3000]+(?=${HAN}|·)`, 'gu');
const dotBetweenHan = new RegExp(`(?<=${HAN})${DOT_LIKE}(?=${HAN})`, 'gu');

/**
 * A person's name: trimmed, stray spaces next to Chinese characters dropped (`张 三` → `张三`), the separator
 * in minority and transliterated names unified to `·` (`买买提•艾力` → `买买提·艾力`); spaces between Latin
 * words are kept (one).
 */
export function normalizeName(value: string): string {
  return cleanText(value).replace(spaceNextToHan, '').replace(dotBetweenHan, '·');
}

const CERTIFICATE_PATTERN = /^[0-9A-Z\u4E00-\u9FFF](?:[0-9A-Z\u4E00-\u9FFF._-]*[0-9A-Z\u4E00-\u9FFF])?$/u;
export const MAX_CERTIFICATE_LENGTH = 40;

/** A failure may ask not to be quoted: its value looks like private data (an ID-card number). */
export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string; hideValue?: boolean };

/** normalizeCertificateNo plus the checks that keep it usable in a URL (`/verify/<number>/`). */
export function parseCertificateNo(value: string): Parsed<string> {
  const normalized = normalizeCertificateNo(value);
  if (!normalized) return { ok: false, reason: withHint(rosterErrors.CertificateEmpty) };
  if (/^\d+(?:\.\d+)?E\+?\d+$/.test(normalized)) {
    return { ok: false, reason: withHint(rosterErrors.CertificateScientific) };
  }
  if (containsResidentIdNumber(normalized)) {
    return { ok: false, reason: withHint(rosterErrors.CertificateIsIdNumber), hideValue: true };
  }
  if (normalized.length > MAX_CERTIFICATE_LENGTH) return { ok: false, reason: withHint(rosterErrors.CertificateTooLong, MAX_CERTIFICATE_LENGTH) };
  if (/^="[^"]*"$/.test(normalized)) {
    return { ok: false, reason: withHint(rosterErrors.CertificateFormula) };
  }
  if (!CERTIFICATE_PATTERN.test(normalized)) {
    return { ok: false, reason: withHint(rosterErrors.CertificateCharacters) };
  }
  return { ok: true, value: normalized };
}

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/** An 18-character PRC resident ID number (GB 11643): valid birth date and ISO 7064 MOD 11-2 check character. */
export function isResidentIdNumber(value: string): boolean {
  const m = /^\d{6}((?:19|20)\d{2})(\d{2})(\d{2})\d{3}[\dX]$/.exec(value);
  if (!m || !isRealIsoDate(`${m[1]}-${m[2]}-${m[3]}`)) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(value[i]) * ID_WEIGHTS[i]!;
  return ID_CHECK[sum % 11] === value[17];
}

/** Whether an ID-card number appears anywhere in the text (not next to other digits). */
export function containsResidentIdNumber(text: string): boolean {
  if (text.length < 18) return false;
  for (const m of toHalfWidth(text).matchAll(/(?<!\d)\d{17}[\dXx](?!\d)/g)) if (isResidentIdNumber(m[0].toUpperCase())) return true;
  return false;
}

export const DATE_FORMATS_HINT = '可用格式：2021-12-01、2021/12/1、2021.12.1、2021年12月1日、20211201，或 Excel 日期';

const EXCEL_EPOCH_1900 = Date.UTC(1899, 11, 30);
const DAY = 86_400_000;
/** Serial numbers from 1950-01-01 to 2199-12-31: a wider range is more likely a typo than a date. */
const SERIAL_MIN = 18264;
const SERIAL_MAX = 109574;

/** A date written any of the ways a Chinese office export writes it, as `YYYY-MM-DD`; `undefined` for empty. */
export function parseDate(raw: RawCell, date1904 = false): Parsed<string | undefined> {
  if (typeof raw === 'object' && !(raw instanceof Date)) return { ok: true, value: undefined };
  if (raw instanceof Date) {
    if (Number.isNaN(raw.getTime())) return { ok: false, reason: withHint(rosterErrors.DateInvalid, DATE_FORMATS_HINT) };
    return { ok: true, value: raw.toISOString().slice(0, 10) };
  }
  if (typeof raw === 'number') return Number.isInteger(raw) && raw >= 1e7 ? parseDateText(String(raw), date1904) : fromSerial(raw, date1904);
  // A roster repeats the same few hundred dates thousands of times.
  const key = date1904 ? `1904:${raw}` : raw;
  let parsed = dateCache.get(key);
  if (!parsed) {
    if (dateCache.size >= DATE_CACHE_LIMIT) dateCache.clear();
    parsed = parseDateText(raw, date1904);
    dateCache.set(key, parsed);
  }
  return parsed;
}

const DATE_CACHE_LIMIT = 50_000;
const dateCache = new Map<string, Parsed<string | undefined>>();

function parseDateText(raw: string, date1904: boolean): Parsed<string | undefined> {
  const text = toHalfWidth(raw).trim();
  if (!text) return { ok: true, value: undefined };
  let m = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$/.exec(text);
  if (!m) m = /^(\d{4})(\d{2})(\d{2})$/.exec(text);
  if (m) {
    const iso = `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}`;
    if (isRealIsoDate(iso)) return { ok: true, value: iso };
    return { ok: false, reason: withHint(rosterErrors.DateNotReal) };
  }
  if (/^\d{5,6}(?:\.\d+)?$/.test(text)) return fromSerial(Number(text), date1904);
  return { ok: false, reason: withHint(rosterErrors.DateUnknown, DATE_FORMATS_HINT) };
}

function fromSerial(serial: number, date1904: boolean): Parsed<string> {
  // In the 1904 date system (old Mac workbooks) serial 0 is 1904-01-01, which is 1462 in the 1900 system.
  const days = Math.floor(serial) + (date1904 ? 1462 : 0);
  if (!Number.isFinite(serial) || days < SERIAL_MIN || days > SERIAL_MAX) {
    return { ok: false, reason: withHint(rosterErrors.DateSerialUnknown, serial, DATE_FORMATS_HINT) };
  }
  return { ok: true, value: new Date(EXCEL_EPOCH_1900 + days * DAY).toISOString().slice(0, 10) };
}

export { parseStatus, STATUS_WORDS_HINT } from './status.ts';

const EMPLOYMENT_WORDS: Record<Employment, readonly string[]> = {
  direct: ['直接招用', '单位聘用', '聘用', '直招'],
  dispatch: ['劳务派遣', '派遣'],
};
const EMPLOYMENT_BY_WORD = new Map<string, Employment>();
for (const [employment, words] of Object.entries(EMPLOYMENT_WORDS) as [Employment, readonly string[]][]) {
  EMPLOYMENT_BY_WORD.set(employment, employment);
  for (const word of words) EMPLOYMENT_BY_WORD.set(word, employment);
}
export const EMPLOYMENT_WORDS_HINT = Object.values(EMPLOYMENT_WORDS)
  .map((w) => w.join('/'))
  .join('；');

const CONSENT_WORDS = { yes: ['是', '同意', 'y', 'yes', '1', '√', '✓'], no: ['否', '不同意', 'n', 'no', '0', '×'] };
export const CONSENT_WORDS_HINT = `是/同意；否/不同意（空白视为不同意）`;

/** 照片公开同意: only an explicit yes is consent; an empty cell is not. */
export function parseConsent(value: string): Parsed<boolean> {
  const word = toHalfWidth(value).replace(/\s+/g, '').toLowerCase();
  if (!word) return { ok: true, value: false };
  if (CONSENT_WORDS.yes.includes(word)) return { ok: true, value: true };
  if (CONSENT_WORDS.no.includes(word)) return { ok: true, value: false };
  return { ok: false, reason: withHint(rosterErrors.ConsentUnknown, CONSENT_WORDS_HINT) };
}

/** 用工方式; `undefined` for an empty cell. */
export function parseEmployment(value: string): Parsed<Employment | undefined> {
  const word = toHalfWidth(value).replace(/\s+/g, '').toLowerCase();
  if (!word) return { ok: true, value: undefined };
  const employment = EMPLOYMENT_BY_WORD.get(word);
  if (employment) return { ok: true, value: employment };
  return { ok: false, reason: withHint(rosterErrors.EmploymentUnknown, EMPLOYMENT_WORDS_HINT) };
}

/** The text of a cell for a text field: numbers as written, dates as `YYYY-MM-DD`; a refused cell has none. */
export function cellText(raw: RawCell): string {
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'object' && !(raw instanceof Date)) return '';
  if (raw instanceof Date) return Number.isNaN(raw.getTime()) ? '' : raw.toISOString().slice(0, 10);
  return String(raw);
}
