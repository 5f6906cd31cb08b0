import type { Db } from '../db.ts';

/**
 * `ack_quota`: one row per acknowledgement queued, keyed by (address HMAC, local day, slot 1…limit). A slot is taken
 * in the submission's own transaction or statement; two submissions at the same moment cannot both take the last
 * one (the loser's insert does nothing, so its acknowledgement is not queued). functions/complaints/ack-quota.ts
 * says why and computes the key.
 */

/** Takes the next free slot: inserts one row (RETURNING slot on PostgreSQL) or none when the day's quota is used. */
export const TAKE_ACK_SLOT = `INSERT INTO ack_quota (address_hash, day, slot)
  SELECT ?, ?, n + 1 FROM (SELECT COUNT(*) AS n FROM ack_quota WHERE address_hash = ? AND day = ?) used WHERE n < ?
  ON CONFLICT DO NOTHING`;

/**
 * PostgreSQL, for a statement storing several submissions: takes one slot per address and day in the arrays and returns
 * those taken. No two may be alike (submissions-postgres.ts keeps a second to one address for the next statement):
 * both would count the same slots used, take the same one, and the acknowledgements joined to it would both be queued.
 */
export const TAKE_ACK_SLOTS = `INSERT INTO ack_quota (address_hash, day, slot)
  SELECT r.address_hash, r.day, used.n + 1 FROM unnest(?::text[], ?::text[], ?::int[]) AS r(address_hash, day, day_limit)
  CROSS JOIN LATERAL (SELECT COUNT(*) AS n FROM ack_quota WHERE address_hash = r.address_hash AND day = r.day) used
  WHERE used.n < r.day_limit
  ON CONFLICT DO NOTHING RETURNING address_hash, day`;

export interface AckSlot {
  addressHash: string;
  day: string;
  limit: number;
}

export function ackSlotParams(slot: AckSlot): unknown[] {
  return [slot.addressHash, slot.day, slot.addressHash, slot.day, slot.limit];
}

/**
 * The retention purge: rows of days before `today` (the local day, as the slots are keyed). Only the current day's
 * rows count towards the quota; older ones would keep an HMAC of each complainant's address with the day they
 * filed, for nothing. Returns how many were deleted.
 */
export async function deleteAckSlotsBefore(db: Db, today: string): Promise<number> {
  return db.run('DELETE FROM ack_quota WHERE day < ?', [today]);
}
