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

/**
 * The keys a tracking code is checked against, in order: SECRET (the only one that hashes new codes), then
 * SECRET_PREVIOUS (also verify links), then SECRET_RETIRED (verify tracking codes only, never links).
 */
export interface TrackingKeys {
  secret: string;
  previousSecrets?: readonly string[] | undefined;
  retiredSecrets?: readonly string[] | undefined;
}

export function trackingKeyList(keys: TrackingKeys): string[] {
  return [...new Set([keys.secret, ...(keys.previousSecrets ?? []), ...(keys.retiredSecrets ?? [])])];
}

const keyIds = new Map<string, string>();

/**
 * A key's short public name (8 hex digits of HMAC(key, 'gongshi/key-id/v1')): stored in front of every tracking-code
 * hash, so a lookup tries the one key that made it and `npm start` can count the codes made under a key that is no
 * longer configured. It names the key without revealing it; `printf gongshi/key-id/v1 | openssl dgst -sha256 -hmac KEY`
 * prints it (its first 8 digits).
 */
export function keyId(secret: string): string {
  let id = keyIds.get(secret);
  if (!id) {
    id = createHmac('sha256', secret).update('gongshi/key-id/v1').digest('hex').slice(0, 8);
    if (keyIds.size > 64) keyIds.clear();
    keyIds.set(secret, id);
  }
  return id;
}

const KEYED_HASH = /^([0-9a-f]{8}):([0-9a-f]{64})$/;

function codeMac(code: string, secret: string): Buffer {
  return createHmac('sha256', secret)
    .update(`tracking:${normalizeTrackingCode(code)}`)
    .digest();
}

/** What is stored for a tracking code: `<key id>:<HMAC-SHA256 under the key, hex>`. */
export function hashTrackingCode(code: string, secret: string): string {
  return `${keyId(secret)}:${codeMac(code, secret).toString('hex')}`;
}

/**
 * The configured key under which `code` matches the stored hash, or undefined. A hash with a key id is checked
 * against that key only (one HMAC; none when the key is not configured); an older hash without one against every
 * key. `rehash`: the hash to store instead (under SECRET, with its key id) when the match was under another key or
 * the hash had no key id — undefined when the stored one is already current.
 */
export function matchTrackingCode(code: string, stored: string, keys: TrackingKeys): { key: string; rehash: string | undefined } | undefined {
  const keyed = KEYED_HASH.exec(stored);
  const expected = Buffer.from(keyed ? keyed[2]! : stored, 'hex');
  if (expected.length !== 32) return undefined;
  const candidates = trackingKeyList(keys).filter((key) => !keyed || keyId(key) === keyed[1]);
  for (const key of candidates) {
    if (!timingSafeEqual(codeMac(code, key), expected)) continue;
    const current = key === keys.secret && !!keyed;
    return { key, rehash: current ? undefined : hashTrackingCode(code, keys.secret) };
  }
  return undefined;
}

/** Whether `code` matches `hash` under `secret` or one of `previousSecrets` (matchTrackingCode, as a yes or no). */
export function trackingCodeMatches(code: string, hash: string, secret: string, previousSecrets: readonly string[] = []): boolean {
  return !!matchTrackingCode(code, hash, { secret, previousSecrets });
}
