import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { isHandlingAction, type HandlingAction } from './state.ts';
import { withHint } from '../../src/core/error-data.ts';
import { handlingErrors } from './errors.ts';
import { formatDateTime } from '../../src/core/dates.ts';

/**
 * Signed action links for agencies without accounts. A token names one complaint, one action and the
 * agency it was issued to, and carries its expiry; it is signed with HMAC-SHA256 under SECRET (with a
 * domain tag so it can never be confused with another HMAC made with the same key). Whether it was already
 * used, and whether its agency still handles the complaint, is checked against the store when it is used.
 */
export const LINK_LIFETIME_DAYS = 30;
const DOMAIN = 'gongshi/action-link/v1';

/**
 * Besides the handling actions of the agency that handles a complaint, one link is for a justice bureau: `reroute`
 * (指定办理机关, reroute.ts), for a complaint whose handling agency left the directory. Its `agencyId` is the bureau's
 * and its `period` the handling round the bureau was told about; it is signed, expires and is used up like the others.
 */
export const REROUTE = 'reroute' as const;
export type LinkAction = HandlingAction | typeof REROUTE;

export const isLinkAction = (value: string): value is LinkAction => value === REROUTE || isHandlingAction(value);

export interface ActionClaim<A extends LinkAction = HandlingAction> {
  reference: string;
  action: A;
  agencyId: string;
  /**
   * Which time the complaint reached this agency (1 = first routing, +1 per transfer): a link dies when the
   * complaint moves on, even if it later comes back to the same agency.
   */
  period: number;
  /** Unix seconds. */
  expiresAt: number;
  /** Random, so that every issued link is distinct and is used up on its own. */
  nonce?: string;
}

/** A verified link's claim: an agency's handling action, or a justice bureau's re-routing. */
export type LinkClaim = ActionClaim | ActionClaim<typeof REROUTE>;

export type Verified = { ok: true; claim: LinkClaim } | { ok: false; status: 400 | 403 | 410; message: string };

function mac(payload: string, secret: string): Buffer {
  return createHmac('sha256', secret).update(`${DOMAIN}\n${payload}`).digest();
}

export function signActionToken(claim: ActionClaim<LinkAction>, secret: string): string {
  const payload = Buffer.from(
    [claim.reference, claim.action, claim.agencyId, String(claim.period), String(claim.expiresAt), claim.nonce ?? ''].join('|'),
  ).toString('base64url');
  return `${payload}.${mac(payload, secret).toString('base64url')}`;
}

/**
 * When a link issued now expires: `lifetimeDays` from now, and never before the deadline it serves (`servesUntil`:
 * the deadline plus the policy's days after it), so a link in an accepted mail lasts as long as the 办结 period.
 */
export function linkExpiry(now: Date, servesUntil?: Date, lifetimeDays = LINK_LIFETIME_DAYS): Date {
  const fromNow = now.getTime() + lifetimeDays * 86_400_000;
  return new Date(Math.max(fromNow, servesUntil?.getTime() ?? 0));
}

export function issueActionToken(
  input: { reference: string; action: LinkAction; agencyId: string; period: number },
  secret: string,
  now: Date,
  lifetimeDays = LINK_LIFETIME_DAYS,
  servesUntil?: Date,
): string {
  const expiresAt = Math.floor(linkExpiry(now, servesUntil, lifetimeDays).getTime() / 1000);
  return signActionToken({ ...input, expiresAt, nonce: randomBytes(6).toString('base64url') }, secret);
}

const TOKEN = /^([A-Za-z0-9_-]{8,400})\.([A-Za-z0-9_-]{43})$/;

/** `previousSecrets`: earlier keys that still verify during a key rotation (they never sign). */
export function verifyActionToken(token: string, secret: string, now: Date, previousSecrets: readonly string[] = []): Verified {
  const bad = { ok: false, status: 400, message: withHint(handlingErrors.LinkMalformed) } as const;
  const match = TOKEN.exec(token);
  if (!match) return bad;
  const [, payload, signature] = match as unknown as [string, string, string];
  // Compared as text, not as decoded bytes: the last of 43 base64url characters carries 2 unused bits, so four
  // spellings decode to the same MAC — and a respelled link would pass the single-use check (tokenHash of the text).
  const given = Buffer.from(signature);
  const signedByOurs = [secret, ...previousSecrets].some((key) => {
    const expected = Buffer.from(mac(payload, key).toString('base64url'));
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  if (!signedByOurs) {
    return { ok: false, status: 403, message: withHint(handlingErrors.LinkBadSignature, FRESH_LINKS_TITLE, FRESH_LINKS_PATH) };
  }
  const parts = Buffer.from(payload, 'base64url').toString('utf8').split('|');
  const [reference, action, agencyId, period, expires, nonce] = parts;
  if (parts.length !== 6 || !reference || !agencyId || !action || !isLinkAction(action) || !/^\d{1,6}$/.test(period ?? '') || !/^\d+$/.test(expires ?? '')) {
    return bad;
  }
  const claim: LinkClaim = { reference, action, agencyId, period: Number(period), expiresAt: Number(expires), ...(nonce ? { nonce } : {}) };
  if (now.getTime() / 1000 > claim.expiresAt) {
    return {
      ok: false,
      status: 410,
      message: withHint(handlingErrors.LinkExpired, formatDateTime(new Date(claim.expiresAt * 1000)), FRESH_LINKS_TITLE, FRESH_LINKS_PATH),
    };
  }
  return { ok: true, claim };
}

/** What is stored to refuse a second use: never the token itself. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The page where an agency asks for fresh links for a complaint it handles (fresh-links.ts). */
export const FRESH_LINKS_PATH = '/api/action-links';
export const FRESH_LINKS_TITLE = '申请新的办理链接';

/** Escaped page text with the fresh-links page's path, as the refusals name it (`（/api/action-links）`), made a link. */
export function linkFreshLinksPath(html: string): string {
  return html.replaceAll(`（${FRESH_LINKS_PATH}）`, `（<a href="${FRESH_LINKS_PATH}">${FRESH_LINKS_PATH}</a>）`);
}

export function freshLinksUrl(siteUrl: string): string {
  return `${siteUrl.replace(/\/+$/, '')}${FRESH_LINKS_PATH}`;
}

export function actionUrl(siteUrl: string, token: string): string {
  return `${siteUrl.replace(/\/+$/, '')}/api/actions/${token}`;
}
