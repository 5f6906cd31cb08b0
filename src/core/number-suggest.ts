import { certificateLookupKey, normalizeCertificateNo } from './text.ts';

/**
 * "您是不是要找 …": listed numbers close to one that is not on the roster. Close means one of the slips people
 * make when copying a number from a card: one symbol wrong, missing, extra or two neighbours swapped; the
 * letters O and I read as the digits 0 and 1 (or the other way round); or one whole segment left out
 * (RQCG-0001 for RQCG-2024-0001). Anything further is not offered: a suggestion must never make a made-up
 * number look nearly right. Pure (no Node imports): the functions use it, and so may a page.
 */

/** The listed numbers to compare against: a number and whatever the caller wants back with it. */
export interface Listed {
  certificateNo: string;
}

export type SuggestionReason = 'confusable' | 'one-off' | 'missing-segment';

export interface Suggestion<T extends Listed> {
  entry: T;
  reason: SuggestionReason;
}

/** O↔0 and I↔1 read alike on a card: both are compared as the digit. */
const fold = (key: string) => key.replace(/O/g, '0').replace(/I/g, '1');

/** True when a and b differ by one substitution, insertion, deletion or swap of two neighbours. */
export function oneEditApart(a: string, b: string): boolean {
  if (a === b) return false;
  const x = [...a];
  const y = [...b];
  if (Math.abs(x.length - y.length) > 1) return false;
  let i = 0;
  while (i < x.length && i < y.length && x[i] === y[i]) i++;
  const tail = (p: number, q: number) => x.slice(p).join('') === y.slice(q).join('');
  if (x.length === y.length) return tail(i + 1, i + 1) || (x[i] === y[i + 1] && x[i + 1] === y[i] && tail(i + 2, i + 2));
  return x.length > y.length ? tail(i + 1, i) : tail(i, i + 1);
}

/** The lookup keys of a number with one of its segments (split at separators) left out. */
function withoutOneSegment(certificateNo: string): string[] {
  const segments = normalizeCertificateNo(certificateNo)
    .split(/[-_.\/\u2010-\u2015\u2212\u30FC]+/)
    .filter(Boolean);
  if (segments.length < 2) return [];
  return segments.map((_, i) => certificateLookupKey(segments.filter((__, j) => j !== i).join('')));
}

const rank: Record<SuggestionReason, number> = { confusable: 0, 'one-off': 1, 'missing-segment': 2 };

/**
 * Up to `limit` listed numbers the typed one was probably meant to be: those that differ only in O/0 or I/1 if
 * there are any, else one symbol off, then a missing segment (within each, the order of `listed`). Empty when the typed number is
 * itself listed, too short to judge (under 4 symbols) or not close to any.
 */
export function suggestNumbers<T extends Listed>(typed: string, listed: Iterable<T>, limit = 3): Suggestion<T>[] {
  const key = certificateLookupKey(typed);
  if ([...key].length < 4) return [];
  const folded = fold(key);
  const found: Suggestion<T>[] = [];
  for (const entry of listed) {
    const listedKey = certificateLookupKey(entry.certificateNo);
    if (listedKey === key) return [];
    const listedFolded = fold(listedKey);
    let reason: SuggestionReason | undefined;
    if (listedFolded === folded) reason = 'confusable';
    else if (oneEditApart(listedFolded, folded)) reason = 'one-off';
    else if (listedKey.length > key.length && withoutOneSegment(entry.certificateNo).some((k) => fold(k) === folded)) reason = 'missing-segment';
    if (reason) found.push({ entry, reason });
  }
  // A number that differs only in O/0 or I/1 is what was meant: its neighbours would only add doubt.
  const confusable = found.filter((s) => s.reason === 'confusable');
  return (confusable.length ? confusable : found.sort((a, b) => rank[a.reason] - rank[b.reason])).slice(0, limit);
}
