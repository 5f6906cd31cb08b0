/**
 * A complaint reference's symbols (Crockford-style base32 without I, L, O, U) and its Damm check symbol over GF(32)
 * (x·y = 2x + y, polynomial x⁵ + x² + 1): a totally anti-symmetric quasigroup, so every single wrong symbol and every
 * swap of two neighbouring symbols is caught, with no extra check characters. Shared by the functions that issue and
 * parse references (functions/complaints/reference.ts) and the status page, which tells a mistyped character from a
 * malformed reference in the browser.
 */
export const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

function times2(v: number): number {
  const shifted = v << 1;
  return shifted & 32 ? (shifted ^ 0b100101) & 31 : shifted;
}

export function checkSymbol(symbols: string): string {
  let interim = 0;
  for (const ch of symbols) interim = times2(interim) ^ ALPHABET.indexOf(ch);
  return ALPHABET[times2(interim)]!;
}

/**
 * A reference or tracking code as people type or paste it, reduced to its symbols: NFKC (full-width forms),
 * capitals, letters and digits only — a label in front (受理编号：, 查询码：), dashes of every kind, spaces, a
 * closing 。 and invisible characters all fall away — with O read as 0 and I or L as 1 (the alphabet has none of
 * them). The check symbol (references) and the HMAC (tracking codes) still refuse what is not the real thing.
 */
export function codeSymbols(input: string): string {
  return input
    .normalize('NFKC')
    .toUpperCase()
    .replace(/[^0-9A-Z]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
}
