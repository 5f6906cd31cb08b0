import { expect, it } from 'vitest';
import { purgeClosedComplaints } from '../../functions/retention/purge.ts';
import { describeEachStore, freshStore, harnessOn } from '../support/stores.ts';

const cst = (s: string) => new Date(`${s}+08:00`).toISOString();

/**
 * The acknowledgement quota keeps an HMAC of each complainant's address with the day they filed; only the current
 * day (in Beijing, as the slots are keyed) counts, so the purge deletes the rows of every day before it.
 */
describeEachStore('retention purge of the acknowledgement quota', (kind) => {
  const db = freshStore(kind);
  const h = harnessOn(db, cst('2026-03-01T20:00:00'));
  const days = async () => (await db.query<{ day: string }>('SELECT day FROM ack_quota ORDER BY day')).map((r) => r.day);

  it('deletes the rows of days before today in Beijing and keeps today’s, which still count', async () => {
    // 20:00 on 1 March in Beijing (12:00 UTC), then 07:00 on 2 March in Beijing (still 1 March in UTC).
    await h.submit({ when: '2026-02-28', email: 'quota@citizen.example' });
    h.clock.set(cst('2026-03-02T07:00:00'));
    await h.submit({ when: '2026-02-28', email: 'quota@citizen.example' });
    expect(await days()).toEqual(['2026-03-01', '2026-03-02']);

    const lines: string[] = [];
    h.world.log = (l: string) => lines.push(l);
    h.clock.set(cst('2026-03-02T07:30:00'));
    await purgeClosedComplaints(h.world);
    expect(await days()).toEqual(['2026-03-02']);
    expect(lines.join('\n')).toContain('deleted 1 acknowledgement quota row(s) of days before 2026-03-02');
    // Today's row still counts towards today's quota: the next acknowledgements take the slots after it.
    for (let i = 0; i < 2; i++) await h.submit({ when: '2026-02-28', email: 'quota@citizen.example' });
    const slots = await db.query<{ slot: number | string }>("SELECT slot FROM ack_quota WHERE day = '2026-03-02' ORDER BY slot");
    expect(slots.map((r) => Number(r.slot))).toEqual([1, 2, 3]);

    h.clock.set(cst('2026-03-03T00:05:00'));
    await purgeClosedComplaints(h.world);
    expect(await days()).toEqual([]);
  });
});
