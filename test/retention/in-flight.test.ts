import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { expect, it, vi } from 'vitest';
import { intakeMailComposer } from '../../functions/complaints/intake-mail.ts';
import { senderAddress } from '../../functions/complaints/world.ts';
import { createMailer, type Mailer } from '../../functions/mail/transport.ts';
import { DEFAULT_LEASE_MS, sendPendingMail } from '../../functions/outbox/worker.ts';
import { purgeClosedComplaints, type PurgeResult } from '../../functions/retention/purge.ts';
import type { Db } from '../../functions/store/index.ts';
import { claimDueMail, enqueueMail } from '../../functions/store/records/outbox.ts';
import { DEFAULT_POLICY } from '../../src/core/policy/schema.ts';
import { tempDir, TEST_DATABASE_URL } from '../complaints/support.ts';
import type { Harness } from '../handling/support.ts';
import { describeEachStore, freshStore, harnessOn, madeBeforeAll } from '../support/stores.ts';
import { cst, PERSONAL_MARKERS, PERSONAL_SUBMISSION } from './support.ts';

/**
 * The retention purge and a mail of the complaint being sent at that moment (found in review, 2026-12-01: the purge
 * cancelled the row and dropped its lease, so a mail the SMTP server had accepted stayed `cancelled` — "never sent" —
 * and its .eml file outlived the purge). Now the purge leaves a complaint whose mail a worker holds to its next run:
 * every message a server accepted is recorded `sent`, then purged of its text like the others. Staged with a real
 * SMTP server on loopback that runs the purge (or kills the worker) while it holds the message, before answering.
 */

/** A loopback SMTP server that keeps what it accepts, running `whileReceiving` once a message is in and before its 250. */
async function holdingSmtp(): Promise<{ url: string; received: string[]; whileReceiving: (() => Promise<void>) | undefined; stop(): Promise<void> }> {
  const state = {
    received: [] as string[],
    whileReceiving: undefined as (() => Promise<void>) | undefined,
  };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    closeTimeout: 100,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', async () => {
        await state.whileReceiving?.();
        state.received.push(Buffer.concat(chunks).toString('utf8'));
        callback();
      });
    },
  });
  // The worker killed in the middle of a mail: its socket's error is re-emitted on the server.
  server.on('error', () => undefined);
  const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.server.address() as AddressInfo).port)));
  return Object.assign(state, { url: `smtp://127.0.0.1:${port}`, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) });
}

const messageIdOf = (raw: string) => /^Message-ID:\s*<([^>]+)>/im.exec(raw)?.[1];

/** The outbox rows of the messages the server accepted: each must say `sent` — the record tells the truth. */
async function statusOfAccepted(db: Db, received: string[]): Promise<Record<string, string | undefined>> {
  const rows = await db.query<{ message_id: string; status: string }>('SELECT message_id, status FROM outbox');
  return Object.fromEntries(received.map((raw) => [messageIdOf(raw)!, rows.find((r) => r.message_id === messageIdOf(raw))?.status]));
}

/** Nothing personal left in the complaint's rows: what the mails held is purged with the rest. */
async function expectNothingPersonal(db: Db): Promise<void> {
  const stored = JSON.stringify(await db.query('SELECT * FROM outbox')) + JSON.stringify(await db.query('SELECT * FROM complaints'));
  for (const marker of PERSONAL_MARKERS) expect(stored).not.toContain(marker);
}

/** A worker round on `mailer`, as the harness's world composes mail. */
const round = (db: Db, h: Harness, mailer: Mailer) =>
  sendPendingMail({
    db,
    mailer,
    clock: h.clock,
    from: senderAddress(h.world.settings.siteUrl),
    composers: { intake: intakeMailComposer(h.world) },
    concurrency: 1,
  });

describeEachStore('a purge while the SMTP server holds a mail of the complaint', (kind) => {
  const db = freshStore(kind);
  const h = harnessOn(db, cst('2026-01-05T10:00:00'));
  const smtp = madeBeforeAll(holdingSmtp, (s) => s.stop());

  it('records the mail sent, and purges the complaint on its next run, the sent rows emptied but still sent', async () => {
    h.world.policy = DEFAULT_POLICY;
    await h.submit(PERSONAL_SUBMISSION);
    // Five years on, its mails never sent (the relay was down throughout); the purge runs while the first is at the server.
    h.clock.set(cst('2031-01-06T10:00:00'));
    let first: PurgeResult | undefined;
    smtp.whileReceiving = async () => {
      first ??= await purgeClosedComplaints(h.world);
    };
    const mailer = createMailer({ smtpUrl: smtp.url, outboxDir: '/nonexistent' });
    const sent = await round(db, h, mailer);
    mailer.close();
    smtp.whileReceiving = undefined;

    expect(smtp.received.length).toBeGreaterThan(0);
    expect(Object.values(await statusOfAccepted(db, smtp.received))).toEqual(smtp.received.map(() => 'sent'));
    expect(first).toMatchObject({ complaints: 0, deferred: 1, cancelledMails: 0 });
    expect(sent).toMatchObject({ claimed: 2, sent: 2 }); // the agency's mail and the acknowledgement

    const next = await purgeClosedComplaints(h.world);
    expect(next).toMatchObject({ complaints: 1, neverClosed: 1, deferred: 0, cancelledMails: 0 });
    expect(Object.values(await statusOfAccepted(db, smtp.received))).toEqual(['sent', 'sent']);
    await expectNothingPersonal(db);
  });
});

describeEachStore('a purge after a worker was killed (kill -9) while the SMTP server held its mail', (kind) => {
  const db = freshStore(kind);
  const h = harnessOn(db, cst('2026-01-05T10:00:00'));
  const smtp = madeBeforeAll(holdingSmtp, (s) => s.stop());

  it('leaves the complaint until a worker has sent the mail again and recorded it, then purges it', async () => {
    h.world.policy = DEFAULT_POLICY;
    const { reference } = await h.submit(PERSONAL_SUBMISSION);
    await h.deliver();
    // A status mail to the complainant, queued with its text, never sent since (the relay was down for years).
    const complaint = await h.complaint(reference);
    await enqueueMail(
      db,
      {
        complaintId: complaint.id,
        kind: 'status-accepted',
        key: reference,
        recipient: 'qian@citizen.example',
        subject: '钱七：投诉已受理',
        text: '钱七，13900139000',
        html: '<p>钱七，13900139000</p>',
      },
      h.clock.now().toISOString(),
      'localhost',
    );
    h.clock.set(cst('2031-01-06T10:00:00'));

    // A worker process takes the mail and is killed once the server has the message, before it learns so.
    const env =
      kind === 'sqlite'
        ? { STORE: (await db.query<{ file: string }>('PRAGMA database_list'))[0]!.file }
        : { STORE: TEST_DATABASE_URL, SCHEMA: db.schema ?? '' };
    const child = spawn(process.execPath, [join(import.meta.dirname, 'worker-child.ts')], {
      env: { ...process.env, ...env, NOW: h.clock.now().toISOString(), SMTP_URL: smtp.url },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const killed = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    smtp.whileReceiving = async () => {
      child.kill('SIGKILL');
      await killed;
    };
    expect(await killed).toBe('SIGKILL');
    await vi.waitFor(() => expect(smtp.received).toHaveLength(1)); // the server keeps it, answering a dead client
    smtp.whileReceiving = undefined;
    const [held] = await db.query<{ status: string; locked_by: string | null }>("SELECT status, locked_by FROM outbox WHERE kind = 'status-accepted'");
    expect(held?.status).toBe('pending');
    expect(held?.locked_by).not.toBeNull();

    // Past the dead worker's lease: the purge does not cancel a mail whose send may have gone through (it did).
    h.clock.advance(DEFAULT_LEASE_MS + 1000);
    const first = await purgeClosedComplaints(h.world);
    expect(await statusOfAccepted(db, smtp.received)).toEqual({ [messageIdOf(smtp.received[0]!)!]: 'pending' });
    expect(first).toMatchObject({ complaints: 0, deferred: 1 });

    // The next round sends it again (same Message-ID: the receiver drops the duplicate) and records it.
    const mailer = createMailer({ smtpUrl: smtp.url, outboxDir: '/nonexistent' });
    expect(await round(db, h, mailer)).toMatchObject({ claimed: 1, sent: 1 });
    mailer.close();
    expect(smtp.received.map(messageIdOf)).toEqual([messageIdOf(smtp.received[0]!), messageIdOf(smtp.received[0]!)]);

    const next = await purgeClosedComplaints(h.world);
    expect(next).toMatchObject({ complaints: 1, deferred: 0, cancelledMails: 0 });
    expect(await statusOfAccepted(db, smtp.received)).toEqual({ [messageIdOf(smtp.received[0]!)!]: 'sent' });
    await expectNothingPersonal(db);
  });
});

describeEachStore("a worker claiming a mail of the complaint between the purge's first look and its transaction", (kind) => {
  const db = freshStore(kind);
  const h = harnessOn(db, cst('2026-01-05T10:00:00'));
  const smtp = madeBeforeAll(holdingSmtp, (s) => s.stop());

  it("is seen inside the transaction: the mail stays the worker's, is sent and recorded, and the next run purges", async () => {
    h.world.policy = DEFAULT_POLICY;
    await h.submit(PERSONAL_SUBMISSION);
    h.clock.set(cst('2031-01-06T10:00:00'));
    // The store as the purge sees it, with another worker's claim committed just before each of its transactions.
    let claimed = 0;
    const store: Db = {
      dialect: db.dialect,
      query: (sql, params) => db.query(sql, params),
      run: (sql, params) => db.run(sql, params),
      exec: (sql) => db.exec(sql),
      close: () => db.close(),
      async transaction(fn) {
        const now = h.clock.now();
        const rows = await claimDueMail(db, {
          worker: 'another-worker',
          now: now.toISOString(),
          leaseUntil: new Date(now.getTime() + DEFAULT_LEASE_MS).toISOString(),
          batch: 1,
        });
        claimed += rows.length;
        return db.transaction(fn);
      },
    };
    const first = await purgeClosedComplaints({ ...h.world, store });
    expect(claimed).toBe(1);
    expect((await db.query<{ status: string }>('SELECT status FROM outbox')).map((r) => r.status)).toEqual(['pending', 'pending']);
    expect(first).toMatchObject({ complaints: 0, deferred: 1, cancelledMails: 0 });

    // The other worker died; after its lease a round sends both, and the purge's next run takes the complaint.
    h.clock.advance(DEFAULT_LEASE_MS + 1000);
    const mailer = createMailer({ smtpUrl: smtp.url, outboxDir: '/nonexistent' });
    expect(await round(db, h, mailer)).toMatchObject({ claimed: 2, sent: 2 });
    mailer.close();
    expect(await purgeClosedComplaints(h.world)).toMatchObject({ complaints: 1, deferred: 0, cancelledMails: 0 });
    expect(Object.values(await statusOfAccepted(db, smtp.received))).toEqual(['sent', 'sent']);
    await expectNothingPersonal(db);
  });
});

/**
 * The same with .eml files (no SMTP_URL): the file the send writes while the purge runs is the mail sent; it is
 * recorded `sent`, and the purge's next run removes it with the complaint's other files.
 */
describeEachStore('a purge while a mail of the complaint is being written as an .eml file', (kind) => {
  const db = freshStore(kind);
  const h = harnessOn(db, cst('2026-01-05T10:00:00'));
  const outboxDir = tempDir('gongshi-eml-race-');

  it('records the file written as sent, and the next run purges the complaint and removes the file', async () => {
    h.world.policy = DEFAULT_POLICY;
    await h.submit(PERSONAL_SUBMISSION);
    h.clock.set(cst('2031-01-06T10:00:00'));
    const files = createMailer({ smtpUrl: undefined, outboxDir });
    let first: PurgeResult | undefined;
    const mailer: Mailer = {
      description: files.description,
      close: () => files.close(),
      async send(mail) {
        first ??= await purgeClosedComplaints(h.world, { outboxDir });
        return files.send(mail);
      },
    };
    await round(db, h, mailer);
    expect(first).toMatchObject({ complaints: 0, deferred: 1, emlFiles: 0 });
    const personal = () =>
      readdirSync(outboxDir).filter((f) => {
        const text = readFileSync(join(outboxDir, f), 'latin1');
        return text.includes('qian@citizen.example') || text.includes('13900139000');
      });
    expect(personal().length).toBeGreaterThan(0);
    expect((await db.query<{ status: string }>('SELECT status FROM outbox')).map((r) => r.status)).toEqual(['sent', 'sent']);
    const next = await purgeClosedComplaints(h.world, { outboxDir });
    expect(next).toMatchObject({ complaints: 1, emlFiles: 2 });
    expect(personal()).toEqual([]);
    await expectNothingPersonal(db);
  });
});
