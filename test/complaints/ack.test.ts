import { expect, it } from 'vitest';
import { complaintFunctions } from '../../functions/complaints/handler.ts';
import { intakeMailComposer } from '../../functions/complaints/intake-mail.ts';
import { createMailer } from '../../functions/mail/transport.ts';
import { sendPendingMail } from '../../functions/outbox/worker.ts';
import { defaultLimits } from '../../functions/complaints/world.ts';
import { mailbox } from '../../functions/complaints/ack-quota.ts';
import { manualClock, startSmtp, testWorld, validSubmission } from './support.ts';
import { simpleParser } from './parse.ts';
import { describeEachStore, freshStore } from '../support/stores.ts';

const ctx = { clientAddress: '127.0.0.1' };
const post = (body: unknown) =>
  new Request('http://localhost/api/complaints', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
  });

describeEachStore('acknowledgements to unverified addresses', (kind) => {
  const db = freshStore(kind);

  const acksTo = async (address: string) =>
    (await db.query<{ n: number }>("SELECT COUNT(*) AS n FROM outbox WHERE kind = 'ack' AND LOWER(recipient) = ?", [address]))[0]!.n;

  it('carries no name that could hold a link or a domain; a plain name is kept', async () => {
    const smtp = await startSmtp();
    const clock = manualClock();
    const world = await testWorld(db, { clock });
    const handler = complaintFunctions(world);
    const names: [string, boolean][] = [
      ['请访问 www.evil.example 领取补偿', false],
      ['https://evil.example/退款', false],
      ['客服 evil。example', false],
      ['联系 a@evil.example', false],
      ['退款热线 4008001234', false],
      ['赵六', true],
      ["Anna-Lena O'Brien", true],
      ['阿依古丽·买买提', true],
    ];
    const mailer = createMailer({ smtpUrl: smtp.url, outboxDir: '/nonexistent' });
    try {
      for (const [i, [name, kept]] of names.entries()) {
        const address = `victim${i}@citizen.example`;
        const response = (await handler(post(validSubmission({ name, email: address })), ctx))!;
        // The complaint is filed either way; the name reaches the agency (a registered address), not the acknowledgement.
        expect(response.status, name).toBe(201);
        const { reference } = (await response.json()) as { reference: string };
        await sendPendingMail({ db, mailer, clock, from: 'noreply@gongshi.example', composers: { intake: intakeMailComposer(world) } });
        const ack = smtp.received.find((m) => m.to[0] === address)!;
        const { text, html } = await simpleParser(ack.raw);
        expect(text.includes(name), name).toBe(kept);
        expect(html.includes(name.replace(/'/g, '&#39;')), name).toBe(kept);
        if (!kept) {
          expect(text).toMatch(/^您好：/);
          expect(text).not.toMatch(/evil|4008001234/);
        }
        const agency = smtp.received.find((m) => m.to[0] !== address && m.raw.includes(reference))!;
        expect((await simpleParser(agency.raw)).text).toContain(name);
      }
    } finally {
      mailer.close();
      await smtp.stop();
    }
  });

  it('sends at most 3 acknowledgements per address per day, also when submissions race; the complaints are all filed', async () => {
    const clock = manualClock('2026-11-23T02:00:00.000Z');
    const world = await testWorld(db, { clock, limits: { ...defaultLimits, rateBurst: 1000, ratePerSecond: 1000 } });
    const handler = complaintFunctions(world);
    const target = 'target@citizen.example';
    const before = (await db.query<{ n: number }>('SELECT COUNT(*) AS n FROM complaints'))[0]!.n;
    const statuses = await Promise.all(
      [
        'target@citizen.example',
        'TARGET@citizen.example',
        ' target@citizen.example',
        'Target@Citizen.Example',
        'target@citizen.example',
        'target@citizen.example',
      ].map(async (email) => (await handler(post(validSubmission({ email })), ctx))!.status),
    );
    expect(statuses).toEqual([201, 201, 201, 201, 201, 201]);
    expect((await db.query<{ n: number }>('SELECT COUNT(*) AS n FROM complaints'))[0]!.n).toBe(before + 6);
    // Racing submissions never take more than the day's slots (on PostgreSQL a loser may leave one unused)…
    const raced = await acksTo(target);
    expect(raced).toBeGreaterThanOrEqual(1);
    expect(raced).toBeLessThanOrEqual(3);
    // …and one after another they fill the quota exactly, never past it.
    for (let i = 0; i < 4; i++) expect((await handler(post(validSubmission({ email: target })), ctx))!.status).toBe(201);
    expect(await acksTo(target)).toBe(3);
    // A +tag reaches the same mailbox: it counts against the same quota (and the mail would go to the tagged address).
    expect((await handler(post(validSubmission({ email: 'target+1@citizen.example' })), ctx))!.status).toBe(201);
    expect((await handler(post(validSubmission({ email: 'Target+x@citizen.example' })), ctx))!.status).toBe(201);
    expect(await acksTo('target+1@citizen.example')).toBe(0);
    expect(await acksTo('target+x@citizen.example')).toBe(0);
    // Another address is not affected; nor is a local part that only starts with a plus, or has none before the @.
    expect((await handler(post(validSubmission({ email: 'other@citizen.example' })), ctx))!.status).toBe(201);
    expect(await acksTo('other@citizen.example')).toBe(1);
    expect(mailbox(' V+Tag@Example.COM ')).toBe('v@example.com');
    expect(mailbox('+v@example.com')).toBe('+v@example.com');
    expect(mailbox('a.b+c+d@example.com')).toBe('a.b@example.com');
    // The quota is per local (Beijing) day: 23:59 the same day still counts, 00:01 the next day is fresh.
    clock.set('2026-11-23T15:59:00.000Z');
    await handler(post(validSubmission({ email: target })), ctx);
    expect(await acksTo(target)).toBe(3);
    clock.set('2026-11-23T16:01:00.000Z');
    await handler(post(validSubmission({ email: target })), ctx);
    expect(await acksTo(target)).toBe(4);
    // The address is kept only as an HMAC in the quota table.
    const stored = await db.query<Record<string, unknown>>('SELECT * FROM ack_quota');
    expect(JSON.stringify(stored)).not.toMatch(/citizen\.example/i);
  });
});
