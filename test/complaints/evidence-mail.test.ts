import { expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { complaintFunctions } from '../../functions/complaints/handler.ts';
import { evidenceDownloads } from '../../functions/complaints/evidence-download.ts';
import { makeEvidenceLinker } from '../../functions/complaints/evidence-links.ts';
import { intakeMailComposer } from '../../functions/complaints/intake-mail.ts';
import { sendDailySummaries } from '../../functions/deadlines/jobs.ts';
import { createMailer, DEFAULT_MAX_MESSAGE_BYTES } from '../../functions/mail/transport.ts';
import { sendPendingMail, type OutboxOptions } from '../../functions/outbox/worker.ts';
import { maxMessageBytesFromEnv } from '../../functions/server/app.ts';
import { findComplaintByReference, updateComplaintStatus } from '../../functions/store/records/complaints.ts';
import { deleteComplaint } from '../../functions/store/records/submission.ts';
import { fakeJpeg, fakePng, manualClock, startSmtp, testWorld, validSubmission } from './support.ts';
import { simpleParser } from './parse.ts';
import { describeEachStore, freshStore } from '../support/stores.ts';

const ctx = { clientAddress: '127.0.0.1' };
const jpeg = (bytes: number) => fakeJpeg(bytes, randomBytes(1)[0]!);
const png = fakePng();

async function submit(world: Awaited<ReturnType<typeof testWorld>>, files: Uint8Array[]) {
  const data = new FormData();
  for (const [k, v] of Object.entries(validSubmission({ email: '' }))) data.append(k, String(v));
  for (const f of files) data.append('evidence', new Blob([f as BlobPart]), 'x');
  const response = (await complaintFunctions(world)(
    new Request('http://localhost/api/complaints', { method: 'POST', headers: { accept: 'application/json' }, body: data }),
    ctx,
  ))!;
  expect(response.status).toBe(201);
  return (await response.json()) as { reference: string; trackingCode: string };
}

it('caps each encoded message at 9,000,000 bytes unless MAIL_MAX_BYTES says otherwise', () => {
  expect(DEFAULT_MAX_MESSAGE_BYTES).toBe(9_000_000);
  expect(maxMessageBytesFromEnv({})).toBe(9_000_000);
  expect(maxMessageBytesFromEnv({ MAIL_MAX_BYTES: '5000000' })).toBe(5_000_000);
  expect(maxMessageBytesFromEnv({ MAIL_MAX_BYTES: 'lots' })).toBe(9_000_000);
});

describeEachStore('evidence that mail cannot carry', (kind) => {
  const db = freshStore(kind);

  it('sends what fits as attachments and the rest as signed, no-store download links that live until the deadline + 30 days and die with the complaint', async () => {
    // A real server that refuses anything over 1,000,000 bytes itself (552); our cap is below it.
    const smtp = await startSmtp({ size: 1_000_000 });
    const clock = manualClock();
    const world = await testWorld(db, { clock });
    const big = jpeg(700_000);
    const { reference } = await submit(world, [png, big]);
    const mailer = createMailer({ smtpUrl: smtp.url, outboxDir: '/nonexistent' });
    const outbox: OutboxOptions = {
      db,
      mailer,
      clock,
      from: 'noreply@gongshi.example',
      composers: { intake: intakeMailComposer(world) },
      maxMessageBytes: 600_000,
      evidenceLink: makeEvidenceLinker(world),
    };
    try {
      expect((await sendPendingMail(outbox)).sent).toBe(1);
    } finally {
      mailer.close();
      await smtp.stop();
    }
    expect(smtp.transfers[0]).toBeLessThanOrEqual(600_000);
    const mail = await simpleParser(smtp.received[0]!.raw);
    expect(mail.attachments.map((a) => a.filename)).toEqual(['证据1.png']);
    const link = /证据2\.jpg（0\.7 MB）：(https:\/\/gongshi\.example\/api\/evidence\/\S+)/.exec(mail.text)?.[1];
    expect(link, mail.text).toBeDefined();
    expect(mail.html).toContain(`href="${link}"`);
    // What was sent is what the row keeps.
    const [row] = await db.query<{ body_text: string }>("SELECT body_text FROM outbox WHERE kind = 'agency' AND message_id LIKE ?", [`${reference}.%`]);
    expect(row!.body_text).toContain(link);

    const download = evidenceDownloads(world);
    const get = async (url: string) => (await download(new Request(url.replace('https://gongshi.example', 'http://localhost')), ctx))!;
    const ok = await get(link!);
    expect(ok.status).toBe(200);
    expect(Buffer.from(await ok.arrayBuffer()).equals(big)).toBe(true);
    expect(ok.headers.get('cache-control')).toBe('no-store');
    expect(ok.headers.get('content-type')).toBe('image/jpeg');
    expect(ok.headers.get('content-disposition')).toMatch(/^attachment;/);
    expect(ok.headers.get('x-content-type-options')).toBe('nosniff');
    expect(ok.headers.get('content-security-policy')).toContain('sandbox');
    // Tampered, or another agency's after a transfer: refused.
    const token = link!.split('/').pop()!;
    const tampered = link!.replace(token, `${token.slice(0, 5)}${token[5] === 'A' ? 'B' : 'A'}${token.slice(6)}`);
    expect((await get(tampered)).status).toBe(403);
    expect((await download(new Request(link!.replace('https://gongshi.example', 'http://localhost'), { method: 'POST' }), ctx))!.status).toBe(405);
    // The tokens never reach the log.
    expect(world.lines.join('\n')).not.toContain(token);
    expect(world.lines.join('\n')).toContain('[evidence] GET /api/evidence/… 200');

    const complaint = (await findComplaintByReference(db, reference))!;
    const until = Date.parse(complaint.accept_due_at!) + 30 * 86_400_000;
    clock.set(new Date(until - 60_000).toISOString());
    expect((await get(link!)).status).toBe(200);
    clock.set(new Date(until + 60_000).toISOString());
    expect((await get(link!)).status).toBe(410);
    // Accepted: the handling deadline is now the resolve deadline, and the link lives 30 days past it.
    const resolveDue = new Date(until + 40 * 86_400_000).toISOString();
    const at = new Date(until + 60_000).toISOString();
    expect(await updateComplaintStatus(db, complaint.id, complaint.status, { status: 'accepted', at, resolveDueAt: resolveDue })).toBe(true);
    expect((await get(link!)).status).toBe(200);
    expect(await updateComplaintStatus(db, complaint.id, 'accepted', { status: 'accepted', at, agencyId: 'city-scjg' })).toBe(true);
    expect((await get(link!)).status).toBe(403);
    expect(await updateComplaintStatus(db, complaint.id, 'accepted', { status: 'accepted', at, agencyId: complaint.agency_id })).toBe(true);
    expect((await get(link!)).status).toBe(200);

    expect(await deleteComplaint(db, complaint.id)).toBe(true);
    expect((await get(link!)).status).toBe(404);
    expect(await db.query('SELECT id FROM evidence WHERE complaint_id = ?', [complaint.id])).toEqual([]);
  });

  it('records a message the server refuses for good (5xx: too big, no such mailbox) as failed at once, and reports it to the oversight bureau', async () => {
    const smtp = await startSmtp({ size: 1_000_000 });
    const clock = manualClock();
    const world = await testWorld(db, { clock });
    // No linker (as a worker built without one): the 1.4 MB message goes out whole and the server answers 552.
    const tooBig = await submit(world, [jpeg(1_000_000)]);
    const mailer = createMailer({ smtpUrl: smtp.url, outboxDir: '/nonexistent' });
    const outbox: OutboxOptions = { db, mailer, clock, from: 'noreply@gongshi.example', composers: { intake: intakeMailComposer(world) } };
    try {
      expect(await sendPendingMail(outbox)).toMatchObject({ sent: 0, failed: 1, retried: 0 });
      // An address the receiving server does not know: 550, also final.
      smtp.refuseWith = 550;
      const noMailbox = await submit(world, [png]);
      expect(await sendPendingMail(outbox)).toMatchObject({ sent: 0, failed: 1, retried: 0 });
      // Nothing is tried again later.
      clock.advance(3 * 86_400_000);
      expect((await sendPendingMail(outbox)).claimed).toBe(0);
      const rows = await db.query<{ message_id: string; status: string; attempts: number; last_error: string }>(
        "SELECT message_id, status, attempts, last_error FROM outbox WHERE kind = 'agency' AND (message_id LIKE ? OR message_id LIKE ?) ORDER BY message_id",
        [`${tooBig.reference}.%`, `${noMailbox.reference}.%`],
      );
      expect(rows.map((r) => [r.status, Number(r.attempts)])).toEqual([
        ['failed', 1],
        ['failed', 1],
      ]);
      expect(rows.map((r) => r.last_error).join(' ')).toMatch(/552[\s\S]*550|550[\s\S]*552/);

      // A 4xx is still retried (the outage case).
      smtp.refuseWith = 451;
      await submit(world, [png]);
      expect(await sendPendingMail(outbox)).toMatchObject({ failed: 0, retried: 1 });

      expect(await sendDailySummaries(world, clock.now())).toBeGreaterThanOrEqual(1);
      const [summary] = await db.query<{ body_text: string }>("SELECT body_text FROM outbox WHERE kind = 'summary' AND recipient = 'sfj@city.example'");
      for (const ref of [tooBig.reference, noMailbox.reference]) expect(summary!.body_text).toContain(ref);
      expect(summary!.body_text).toContain('收件服务器拒收（SMTP 552），未重试');
      expect(summary!.body_text).toContain('收件服务器拒收（SMTP 550），未重试');
    } finally {
      mailer.close();
      await smtp.stop();
    }
  });
});
