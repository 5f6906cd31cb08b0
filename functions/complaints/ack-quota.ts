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
  return createHmac('sha256', secret).update(`ack-address:${email.trim().toLowerCase()}`).digest('hex');
}

/** The local calendar day (`YYYY-MM-DD`) at `offsetMinutes` from UTC (Beijing: 480). */
export function localDay(now: Date, offsetMinutes = 480): string {
  return new Date(now.getTime() + offsetMinutes * 60_000).toISOString().slice(0, 10);
}

export function ackSlotFor(email: string, secret: string, now: Date, offsetMinutes: number | undefined, limit = ACKS_PER_ADDRESS_PER_DAY): AckSlot {
  return { addressHash: addressHash(email, secret), day: localDay(now, offsetMinutes), limit };
}
