import type { Db } from '../store/db.ts';
import { SITE_NAME } from '../../src/core/frame.ts';
import type { Clock } from '../outbox/worker.ts';
import type { ActionLink } from '../mail/compose.ts';
import type { Directory } from '../../src/core/directory.ts';
import type { WorkCalendar } from '../deadlines/calendar.ts';
import type { Policy } from '../../src/core/policy/schema.ts';

export interface Limits {
  /** application/json and application/x-www-form-urlencoded bodies. */
  maxBodyBytes: number;
  /** multipart/form-data bodies (evidence files included). */
  maxMultipartBytes: number;
  /** Per client address token bucket: burst size and refill per second. */
  rateBurst: number;
  ratePerSecond: number;
  /** Proof of work: leading zero bits of sha256(`${idempotencyKey}:${pow}`); 0 = off. */
  powBits: number;
  /** Status lookups per client address in any minute (JSON and form together). */
  statusPerMinute: number;
  /** Acknowledgements per e-mail address per local day (default ACKS_PER_ADDRESS_PER_DAY, 3). */
  acksPerAddressPerDay?: number;
}

export const defaultLimits: Limits = {
  maxBodyBytes: 64 * 1024,
  maxMultipartBytes: 16 * 1024 * 1024,
  rateBurst: 10,
  ratePerSecond: 1 / 30,
  powBits: 0,
  statusPerMinute: 30,
};

/** Everything a complaint function needs, injected: the same handler runs under Node, vitest and serverless. */
export interface World {
  store: Db;
  clock: Clock;
  directory: Directory;
  /**
   * `secret` signs links and hashes new tracking codes; `previousSecrets` (key rotation) only verify links and
   * tracking codes; `retiredSecrets` only verify tracking codes, never a link (docs/SECURITY.md).
   */
  settings: { secret: string; siteUrl: string; previousSecrets?: readonly string[]; retiredSecrets?: readonly string[] };
  limits: Limits;
  /** Statutory holidays for deadlines (holidays.yaml); weekends only when absent. */
  calendar?: WorkCalendar;
  /** The deployment's policy (policy.yaml): deadlines, reminders, retention; the defaults when absent. */
  policy?: Policy;
  /** Signed action links for the agency e-mail (the handling part plugs in here). */
  actionLinks?: (complaint: { id: string; reference: string; agencyId: string; dueAt?: string | null }) => { links: ActionLink[]; validity: string };
  /** One line per request: route, status, reference. Never contents or contact details. */
  log?: (line: string) => void;
  /** Called once a submission's mail is committed to the outbox, so an in-process worker sends it without polling. */
  mailQueued?: () => void;
  /**
   * Marks a submission being taken in, so an in-process mail worker holds back meanwhile (functions/outbox/priority.ts);
   * returns the function that marks it answered.
   */
  submissionInFlight?: () => () => void;
}

/** The host part of Message-IDs and the sender address: the site's host name. */
export function mailHost(siteUrl: string): string {
  try {
    return new URL(siteUrl).hostname || 'localhost';
  } catch {
    return 'localhost';
  }
}

export function senderAddress(siteUrl: string): string {
  const host = mailHost(siteUrl);
  return `"${SITE_NAME}" <noreply@${host.includes('.') ? host : `${host}.localdomain`}>`;
}
