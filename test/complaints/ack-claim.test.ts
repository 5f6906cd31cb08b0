import { expect, it } from 'vitest';
import { complaintFunctions } from '../../functions/complaints/handler.ts';
import { defaultLimits } from '../../functions/complaints/world.ts';
import { manualClock, testWorld, validSubmission } from './support.ts';
import { describeEachStore, freshStore } from '../support/stores.ts';

const ctx = { clientAddress: '127.0.0.1' };
const post = (body: unknown, accept = 'application/json') =>
  new Request('http://localhost/api/complaints', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept },
    body: JSON.stringify(body),
  });

/**
 * The answer says whether the acknowledgement was queued, so the confirmation never claims an e-mail that the
 * address's daily limit (ack-quota.ts) left out. The answer must match the outbox, also when submissions race.
 */
describeEachStore('the answer says whether an acknowledgement was queued', (kind) => {
  const db = freshStore(kind);
  const queuedFor = async (reference: string) =>
    (await db.query<{ n: number }>("SELECT COUNT(*) AS n FROM outbox WHERE kind = 'ack' AND message_id LIKE ?", [`${reference}.ack@%`]))[0]!.n === 1;

  it('true while the address has slots, false for the 4th of the day and without an e-mail, matching the outbox under races', async () => {
    const clock = manualClock('2026-11-24T02:00:00.000Z');
    const world = await testWorld(db, { clock, limits: { ...defaultLimits, rateBurst: 1000, ratePerSecond: 1000 } });
    const handler = complaintFunctions(world);
    const answer = async (over: Record<string, unknown>) => {
      const response = (await handler(post(validSubmission(over)), ctx))!;
      expect(response.status).toBeLessThan(300);
      return (await response.json()) as { reference: string; ackQueued: boolean };
    };
    // One after another: three acknowledgements, then none; the complaint is filed each time.
    const sequential = [];
    for (let i = 0; i < 4; i++) sequential.push(await answer({ email: 'once@citizen.example' }));
    expect(sequential.map((a) => a.ackQueued)).toEqual([true, true, true, false]);
    for (const a of sequential) expect(await queuedFor(a.reference)).toBe(a.ackQueued);
    // The same submission again (same idempotency key) says the same as the first time.
    const again = await answer({ email: 'once@citizen.example', idempotencyKey: 'repeat-key-0001' });
    expect(again.ackQueued).toBe(false);
    expect((await answer({ email: 'once@citizen.example', idempotencyKey: 'repeat-key-0001' })).ackQueued).toBe(false);
    // No e-mail: nothing queued, nothing claimed.
    expect((await answer({ kind: 'report', name: '', phone: '', email: '' })).ackQueued).toBe(false);
    // Racing submissions to one address: each answer matches whether its own acknowledgement is in the outbox.
    const raced = await Promise.all(Array.from({ length: 6 }, () => answer({ email: 'race@citizen.example' })));
    for (const a of raced) expect(await queuedFor(a.reference)).toBe(a.ackQueued);
    expect(raced.filter((a) => a.ackQueued).length).toBeLessThanOrEqual(3);
    expect(raced.some((a) => !a.ackQueued)).toBe(true);
    // A group that fails as a whole (two share an idempotency key) is stored one by one: each answer still its own.
    const mixed = await Promise.all([
      answer({ email: 'mixed-1@citizen.example', idempotencyKey: 'mixed-key-0001' }),
      answer({ email: 'mixed-1@citizen.example', idempotencyKey: 'mixed-key-0001' }),
      answer({ email: 'mixed-2@citizen.example' }),
      answer({ email: 'race@citizen.example' }),
      answer({ kind: 'report', name: '', phone: '', email: '' }),
    ]);
    expect(mixed[0]!.reference).toBe(mixed[1]!.reference);
    expect(mixed.map((a) => a.ackQueued)).toEqual([true, true, true, false, false]);
    for (const a of mixed) expect(await queuedFor(a.reference)).toBe(a.ackQueued);
  });
});
