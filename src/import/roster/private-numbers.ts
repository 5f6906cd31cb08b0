import { isRealIsoDate } from '../../core/dates.ts';
import { toHalfWidth } from '../../core/text.ts';

export type PrivateNumberKind = 'id' | 'mobile';

export const PRIVATE_NUMBER_NAMES: Record<PrivateNumberKind, string> = { id: '居民身份证号码', mobile: '手机号码' };

/**
 * Runs of digits (and an ID card's final X) that may be broken up by spaces, dashes or dots, as people write
 * numbers to make them readable or to slip them past a check: `130 982 1990 0101 123X`, `138-0013-8000`.
 * Full-width digits count (the text is made half-width first).
 */
const DIGIT_RUN = /\+?[0-9Xx]+(?:[ \t\u00a0\-‐‑‒–—―−.·]{1,3}[0-9Xx]+)*/g;
const GROUP_SEPARATOR = /[ \t\u00a0\-‐‑‒–—―−.·]{1,3}/;

/**
 * Whether the text carries an ID-card number or a mainland mobile number in any of the usual disguises.
 * ID: 18 characters (17 digits + digit/X) or 15 digits whose birth-date part is a real date; the check
 * character is not verified (a mistyped ID is still somebody's ID). Mobile: 1[3-9] + 9 digits, optionally
 * after +86 / 0086 / 86. A number must stand alone: digits running on into more digits are not matched.
 * Linear in the text: each run is split into its groups, and only spans of at most 18 digits are tried.
 */
export function findPrivateNumber(text: string): PrivateNumberKind | undefined {
  if (text.length < 11 || countDigits(text) < 11) return undefined;
  const half = toHalfWidth(text);
  let found: PrivateNumberKind | undefined;
  for (const m of half.matchAll(DIGIT_RUN)) {
    const run = m[0];
    if (run.replace(/[^0-9Xx]/g, '').length < 11) continue;
    const groups = run.replace(/^\+/, '').split(GROUP_SEPARATOR);
    // Try every span of consecutive groups: two numbers side by side (`13800138000 13900139000`) form one run.
    for (let start = 0; start < groups.length; start++) {
      let digits = '';
      for (let end = start; end < groups.length && digits.length <= 22; end++) {
        digits += groups[end]!;
        const kind = classify(digits.toUpperCase());
        if (kind === 'id') return 'id';
        if (kind) found = kind;
      }
    }
  }
  return found;
}

function classify(digits: string): PrivateNumberKind | undefined {
  if (
    /^\d{17}[\dX]$/.test(digits) &&
    isRealIsoDate(`${digits.slice(6, 10)}-${digits.slice(10, 12)}-${digits.slice(12, 14)}`) &&
    /^(18|19|20)/.test(digits.slice(6, 10))
  ) {
    return 'id';
  }
  if (/^\d{15}$/.test(digits) && isRealIsoDate(`19${digits.slice(6, 8)}-${digits.slice(8, 10)}-${digits.slice(10, 12)}`)) return 'id';
  const mobile = digits.replace(/^(?:0086|86)(?=1\d{10}$)/, '');
  if (/^1[3-9]\d{9}$/.test(mobile)) return 'mobile';
  return undefined;
}

/** ASCII and full-width digits: most published texts (names, units, posts) have none, and are passed over at once. */
function countDigits(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 48 && c <= 57) || (c >= 0xff10 && c <= 0xff19)) n++;
  }
  return n;
}
