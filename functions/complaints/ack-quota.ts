import { createHmac } from 'node:crypto';

/**
 * At most `limit` acknowledgements per e-mail address per local day: the form accepts any address, so without a
 * cap anyone could have the site mail a stranger over and over. One row per acknowledgement in `ack_quota`, keyed
 * by (address, day, slot) with slot 1…limit, so two submissions at the same moment cannot both take the last slot
 * (the loser's insert does nothing and no acknowledgement is queued). The complaint itself is always accepted.
 * The address is stored only as an HMAC under SECRET.
 */
export const ACKS_PER_ADDRESS_PER_DAY = 3;

export function addressHash(email: string, secret: string): string {
  return createHmac('sha256', secret).update(`ack-address:${email.trim().toLowerCase()}`).digest('hex');
}

/** The local calendar day (`YYYY-MM-DD`) at `offsetMinutes` from UTC (Beijing: 480). */
export function localDay(now: Date, offsetMinutes = 480): string {
  return new Date(now.getTime() + offsetMinutes * 60_000).toISOString().slice(0, 10);
}

/** Takes the next free slot; inserts one row (RETURNING slot) or none when the day's quota is used up. */
export const TAKE_ACK_SLOT = `INSERT INTO ack_quota (address_hash, day, slot)
  SELECT ?, ?, n + 1 FROM (SELECT COUNT(*) AS n FROM ack_quota WHERE address_hash = ? AND day = ?) used WHERE n < ?
  ON CONFLICT DO NOTHING`;

export function takeAckSlotParams(hash: string, day: string, limit: number): unknown[] {
  return [hash, day, hash, day, limit];
}
