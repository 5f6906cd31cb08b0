import { certificateLookupKey, normalizeCertificateNo, spacedCertificateNo } from './text.ts';

/**
 * "您是不是要找 …": listed numbers close to one that is not on the roster. Close means one of the slips people
 * make when copying a number from a card: one symbol wrong, missing, extra or two neighbours swapped; the
 * letters O and I read as the digits 0 and 1 (or the other way round); one whole segment left out
 * (RQCG-0001 for RQCG-2024-0001); or leading zeros left out or added (LAJA-CG-3 for LAJA-CG-0003). Anything further
 * is not offered: a suggestion must never make a made-up number look nearly right. Pure (no Node imports): the
 * functions use it, and so may a page.
 */

/** The listed numbers to compare against: a number and whatever the caller wants back with it. */
export interface Listed {
  certificateNo: string;
  /** certificateLookupKey(certificateNo), when the caller keeps it (saves recomputing it for every query). */
  lookupKey?: string;
}

export type SuggestionReason = 'confusable' | 'zeros' | 'one-off' | 'missing-segment';

export interface Suggestion<T extends Listed> {
  entry: T;
  reason: SuggestionReason;
}

/** O↔0 and I↔1 read alike on a card: both are compared as the digit. */
const fold = (key: string) => key.replace(/O/g, '0').replace(/I/g, '1');

/** True when a and b differ by one substitution, insertion, deletion or swap of two neighbours (no allocation). */
export function oneEditApart(a: string, b: string): boolean {
  if (a === b) return false;
  const la = a.length;
  const lb = b.length;
  if (la - lb > 1 || lb - la > 1) return false;
  let i = 0;
  while (i < la && i < lb && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  const sameFrom = (p: number, q: number) => {
    if (la - p !== lb - q) return false;
    for (; p < la; p++, q++) if (a.charCodeAt(p) !== b.charCodeAt(q)) return false;
    return true;
  };
  if (la === lb) return sameFrom(i + 1, i + 1) || (a[i] === b[i + 1] && a[i + 1] === b[i] && sameFrom(i + 2, i + 2));
  return la > lb ? sameFrom(i + 1, i) : sameFrom(i, i + 1);
}

const SEPARATORS = /[-_./\u2010-\u2015\u2212\u30FC]+/;

/** Where each segment (split at separators) starts and ends in the lookup key. */
function segmentBounds(certificateNo: string): number[] {
  const bounds = [0];
  for (const segment of normalizeCertificateNo(certificateNo).split(SEPARATORS)) {
    if (segment) bounds.push(bounds[bounds.length - 1]! + certificateLookupKey(segment).length);
  }
  return bounds;
}

/** True when `short` is `long` with exactly one whole segment (bounds[i]..bounds[i+1]) taken out. */
function missingOneSegment(long: string, bounds: readonly number[], short: string): boolean {
  const gap = long.length - short.length;
  if (gap <= 0 || bounds.length < 3) return false;
  let prefix = 0;
  while (prefix < short.length && long.charCodeAt(prefix) === short.charCodeAt(prefix)) prefix++;
  let suffix = 0;
  while (suffix < short.length - prefix && long.charCodeAt(long.length - 1 - suffix) === short.charCodeAt(short.length - 1 - suffix)) suffix++;
  if (prefix + suffix < short.length) return false;
  // The removed run may slide where characters repeat: any segment inside the window the two strings allow fits.
  for (let s = 0; s + 1 < bounds.length; s++) {
    const start = bounds[s]!;
    const end = bounds[s + 1]!;
    if (end - start === gap && start <= prefix && end >= long.length - suffix) return true;
  }
  return false;
}

/**
 * The folded number with each run of digits read without its leading zeros (「0000」 as 「0」), run by run before the
 * separators go, so that HB-2024-0001 is HB2024|1 and HB-2024-1 is too, while HB-20-241 (HB20|241) and HB20241 are
 * not: a separator between two digit runs stays (as |), other separators and whitespace do not count, as in the key.
 */
export function withoutLeadingZeros(certificateNo: string): string {
  // One pass over the characters (it runs for every listed number when an index is prepared): folded as it goes.
  const spaced = spacedCertificateNo(certificateNo);
  const digitAt = (i: number) => {
    const c = spaced.charCodeAt(i);
    return c === 79 ? 48 : c === 73 ? 49 : c >= 48 && c <= 57 ? c : -1;
  };
  let out = '';
  let inRun = false;
  let spaceAfterDigit = false;
  for (let i = 0; i < spaced.length; i++) {
    const digit = digitAt(i);
    if (spaced.charCodeAt(i) === 32) {
      spaceAfterDigit = inRun || spaceAfterDigit;
      inRun = false;
    } else if (digit < 0) {
      out += spaced[i];
      inRun = spaceAfterDigit = false;
    } else {
      if (spaceAfterDigit) out += '|';
      // A leading zero of a run is dropped while a digit of the same run follows it.
      if (!(digit === 48 && !inRun && digitAt(i + 1) >= 0)) {
        out += String.fromCharCode(digit);
        inRun = true;
      }
      spaceAfterDigit = false;
    }
  }
  return out;
}

// Zeros before one-off: a number read with its zeros left out matches the listed one in every other symbol.
const rank: Record<SuggestionReason, number> = { confusable: 0, zeros: 1, 'one-off': 2, 'missing-segment': 3 };

interface Prepared<T> {
  entry: T;
  key: string;
  folded: string;
  bounds: number[];
  zeros: string;
}

/** The listed numbers prepared once (keys folded, segment bounds, without leading zeros), for many queries. */
export interface SuggestionIndex<T extends Listed> {
  suggest(typed: string, limit?: number): Suggestion<T>[];
}

export function suggestionIndex<T extends Listed>(listed: Iterable<T>): SuggestionIndex<T> {
  const prepared: Prepared<T>[] = [];
  for (const entry of listed) {
    const key = entry.lookupKey ?? certificateLookupKey(entry.certificateNo);
    prepared.push({ entry, key, folded: fold(key), bounds: segmentBounds(entry.certificateNo), zeros: withoutLeadingZeros(entry.certificateNo) });
  }
  return {
    /**
     * Up to `limit` listed numbers the typed one was probably meant to be: those that differ only in O/0 or I/1 if
     * there are any, else leading zeros left out or added, then one symbol off, then a missing segment (within each,
     * the order of `listed`). Empty when the typed number is itself listed, too short to judge (under 4 symbols) or
     * not close to any.
     */
    suggest(typed, limit = 3) {
      const key = certificateLookupKey(typed);
      if (key.length < 4) return [];
      const folded = fold(key);
      const zeros = withoutLeadingZeros(typed);
      const found: Suggestion<T>[] = [];
      for (const p of prepared) {
        if (p.key === key) return [];
        let reason: SuggestionReason | undefined;
        if (p.folded === folded) reason = 'confusable';
        else if (p.zeros === zeros) reason = 'zeros';
        else if (oneEditApart(p.folded, folded)) reason = 'one-off';
        else if (missingOneSegment(p.folded, p.bounds, folded)) reason = 'missing-segment';
        if (reason) found.push({ entry: p.entry, reason });
      }
      // A number that differs only in O/0 or I/1 is what was meant: its neighbours would only add doubt.
      const confusable = found.filter((s) => s.reason === 'confusable');
      return (confusable.length ? confusable : found.sort((a, b) => rank[a.reason] - rank[b.reason])).slice(0, limit);
    },
  };
}

/** suggestionIndex(listed).suggest(typed, limit), for a single query. */
export function suggestNumbers<T extends Listed>(typed: string, listed: Iterable<T>, limit = 3): Suggestion<T>[] {
  return suggestionIndex(listed).suggest(typed, limit);
}
