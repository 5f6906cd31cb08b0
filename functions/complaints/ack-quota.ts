import { createHmac } from 'node:crypto';
import type { AckSlot } from '../store/records/ack-quota.ts';

/**
 * At most `limit` acknowledgements per e-mail address per local day: the form accepts any address, so without a
 * cap anyone could have the site mail a stranger over and over. The complaint itself is always accepted; only its
 * acknowledgement is left out (functions/store/records/ack-quota.ts takes the slots). The address is kept only as
 * an HMAC under SECRET.
 */
export const ACKS_PER_ADDRESS_PER_DAY = 3;

export function addressHash(email: string, secret: string): string {
  return createHmac('sha256', secret)
    .update(`ack-address:${mailbox(email)}`)
    .digest('hex');
}

/**
 * The mailbox an address reaches, for counting: case and surrounding spaces aside, and without a `+tag` on the local
 * part (`v+1@…`, `v+2@…` all reach `v@…` at the large providers), which would otherwise give one stranger's mailbox
 * a fresh quota per tag. Only the count uses it; the acknowledgement goes to the address as typed.
 */
export function mailbox(email: string): string {
  const address = email.trim().toLowerCase();
  const at = address.lastIndexOf('@');
  if (at <= 0) return address;
  const local = address.slice(0, at);
  const plus = local.indexOf('+');
  return plus > 0 ? `${local.slice(0, plus)}${address.slice(at)}` : address;
}

/** The local calendar day (`YYYY-MM-DD`) at `offsetMinutes` from UTC (Beijing: 480). */
export function localDay(now: Date, offsetMinutes = 480): string {
  return new Date(now.getTime() + offsetMinutes * 60_000).toISOString().slice(0, 10);
}

export function ackSlotFor(email: string, secret: string, now: Date, offsetMinutes: number | undefined, limit = ACKS_PER_ADDRESS_PER_DAY): AckSlot {
  return { addressHash: addressHash(email, secret), day: localDay(now, offsetMinutes), limit };
}
