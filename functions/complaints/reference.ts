import { createHmac, randomFillSync, timingSafeEqual } from 'node:crypto';
import { ALPHABET, checkSymbol, codeSymbols } from '../../src/core/complaint/reference-check.ts';

/**
 * Crockford-style base32 without I, L, O, U: nothing a person can misread (0/O, 1/I/L) or that spells
 * words. Input is read case-insensitively with O→0 and I/L→1, as Crockford's decoding does.
 */
export { ALPHABET };

/**
 * Bytes from the system's CSPRNG, drawn from a pool refilled 4 KB at a time — one call into it per ~500 references
 * instead of one per reference (it showed in the intake's profile); each byte is used once.
 */
const pool = Buffer.alloc(4096);
let poolAt = pool.length;

function randomSymbols(count: number): string {
  if (poolAt + count > pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  let out = '';
  for (let i = 0; i < count; i++) out += ALPHABET[pool[poolAt++]! & 31];
  return out;
}

/** A new reference: `TS-XXXX-XXXC`, 7 random symbols (34 bits) plus a check symbol. */
export function newReference(): string {
  const body = randomSymbols(7);
  const full = body + checkSymbol(body);
  return `TS-${full.slice(0, 4)}-${full.slice(4)}`;
}

/** Reads a reference as a person may type it; undefined when it is malformed or its check symbol is wrong. */
export function parseReference(input: string): string | undefined {
  const cleaned = codeSymbols(input);
  const body = cleaned.startsWith('TS') ? cleaned.slice(2) : cleaned;
  if (!/^[0-9A-HJKMNP-TV-Z]{8}$/.test(body)) return undefined;
  if (checkSymbol(body.slice(0, 7)) !== body[7]) return undefined;
  return `TS-${body.slice(0, 4)}-${body.slice(4)}`;
}

/** A tracking code (查询码): 12 random symbols (60 bits), shown once, stored only as an HMAC. */
export function newTrackingCode(): string {
  const s = randomSymbols(12);
  return `${s.slice(0, 4)}-${s.slice(4, 8)}-${s.slice(8)}`;
}

export function normalizeTrackingCode(input: string): string {
  return codeSymbols(input);
}

export function hashTrackingCode(code: string, secret: string): string {
  return createHmac('sha256', secret)
    .update(`tracking:${normalizeTrackingCode(code)}`)
    .digest('hex');
}

/** Checked against the current key, then each earlier key still accepted (SECRET_PREVIOUS, key rotation). */
export function trackingCodeMatches(code: string, hash: string, secret: string, previousSecrets: readonly string[] = []): boolean {
  const b = Buffer.from(hash, 'hex');
  return [secret, ...previousSecrets].some((key) => {
    const a = Buffer.from(hashTrackingCode(code, key), 'hex');
    return a.length === b.length && timingSafeEqual(a, b);
  });
}
