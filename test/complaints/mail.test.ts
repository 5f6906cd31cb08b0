import { expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { complaintFunctions } from '../../functions/complaints/handler.ts';
import { composeMail } from '../../functions/mail/compose.ts';
import { createMailer } from '../../functions/mail/transport.ts';
import { backoffMs, DAY, roundLine, sendPendingMail } from '../../functions/outbox/worker.ts';
import { fakePng, header, manualClock, startSmtp, tempDir, testWorld, validSubmission } from './support.ts';
import { intakeMailComposer } from '../../functions/complaints/intake-mail.ts';
import { simpleParser } from './parse.ts';
import { describeEachStore, freshStore } from '../support/stores.ts';

const ctx = { clientAddress: '127.0.0.1' };
const PNG = fakePng();

async function submit(world: Awaited<ReturnType<typeof testWorld>>, fields: Record<string, unknown>, files: Blob[] = []) {
  const data = new FormData();
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) data.append(k, String(v));
  for (const f of files) data.append('evidence', f, 'IMG_0001.png');
  const response = (await complaintFunctions(world)(
    new Request('http://localhost/api/complaints', { method: 'POST', headers: { accept: 'application/json' }, body: data }),
    ctx,
  ))!;
  return { status: response.status, body: (await response.json()) as { reference: string; trackingCode: string } };
}

describeEachStore('mail delivery', (kind) => {
  const db = freshStore(kind);

  it('answers 201 while SMTP refuses and is down, then delivers each message exactly once when it is back', async () => {
    const smtp = await startSmtp();
    const clock = manualClock();
    const world = await testWorld(db, { clock });
    const mailer = createMailer({ smtpUrl: smtp.url, outboxDir: '/nonexistent' });
    const work = () => sendPendingMail({ db, mailer, clock, from: 'noreply@gongshi.example', composers: { intake: intakeMailComposer(world) } });
    try {
      smtp.refuse = true;
      const first = await submit(world, validSubmission({ description: '第一件：对方单独执法并<要求>罚款 & 威胁。' }));
      expect(first.status).toBe(201);
      expect(await work()).toMatchObject({ claimed: 2, sent: 0, retried: 2 });
      expect(smtp.received).toHaveLength(0);

      await smtp.stop();
      const second = await submit(world, validSubmission({ kind: 'report', name: '', phone: '', email: '' }));
      expect(second.status).toBe(201);
      // Not yet due: nothing is tried before the backoff has passed.
      expect(await work()).toMatchObject({ claimed: 1, sent: 0, retried: 1 });
      clock.advance(backoffMs(1));
      expect(await work()).toMatchObject({ claimed: 3, sent: 0, retried: 3 });

      await smtp.restart();
      smtp.refuse = false;
      clock.advance(backoffMs(2));
      expect(await work()).toMatchObject({ claimed: 3, sent: 3 });
      clock.advance(DAY);
      expect(await work()).toMatchObject({ claimed: 0 });

      const agencyMails = smtp.received.filter((m) => m.to.includes('cgj@city.example'));
      expect(agencyMails).toHaveLength(2);
      expect(smtp.received.filter((m) => m.to.includes('zhao@citizen.example'))).toHaveLength(1);
      const mail = agencyMails.find((m) => m.raw.includes(first.body.reference))!;
      expect(header(mail.raw, 'Message-ID')).toBe(`<${first.body.reference}.agency@gongshi.example>`);
      expect(header(mail.raw, 'Subject')).toContain(first.body.reference);
      const attempts = await db.query<{ ok: number; error: string | null }>(
        'SELECT a.ok, a.error FROM outbox_attempts a JOIN outbox o ON o.id = a.outbox_id WHERE o.message_id = ? ORDER BY a.at',
        [`${first.body.reference}.agency@gongshi.example`],
      );
      expect(attempts.map((a) => a.ok)).toEqual([0, 0, 1]);
      expect(attempts[0]!.error).toContain('451');
    } finally {
      mailer.close();
      await smtp.stop().catch(() => undefined);
    }
  });

  it('tells the agency to keep the complainant confidential, escapes HTML, attaches the evidence, keeps CR/LF out of headers', async () => {
    const smtp = await startSmtp();
    const world = await testWorld(db);
    const mailer = createMailer({ smtpUrl: smtp.url, outboxDir: '/nonexistent' });
    try {
      const { body } = await submit(world, validSubmission({ description: '对方说：“A & B 都得交钱”，并把 "证件" 收走了。' }), [new Blob([PNG])]);
      await sendPendingMail({ db, mailer, clock: world.clock, from: 'noreply@gongshi.example', composers: { intake: intakeMailComposer(world) } });
      const mail = smtp.received.find((m) => m.to.includes('cgj@city.example') && m.raw.includes(body.reference))!;
      const { simpleParser } = await import('./parse.ts');
      const parsed = await simpleParser(mail.raw);
      expect(parsed.text).toContain('不得向被投诉、被举报的人员或单位透露');
      expect(parsed.text).toContain('A & B 都得交钱');
      expect(parsed.html).toContain('A &amp; B 都得交钱');
      expect(parsed.html).toContain('&quot;证件&quot;');
      expect(parsed.text).toContain('张三');
      expect(parsed.attachments).toEqual([{ filename: '证据1.png', contentType: 'image/png', size: PNG.byteLength }]);
      // The acknowledgement carries the reference, never the tracking code.
      const ack = smtp.received.find((m) => m.to.includes('zhao@citizen.example') && m.raw.includes(body.reference))!;
      const ackText = (await simpleParser(ack.raw)).text;
      expect(ackText).not.toContain(body.trackingCode);
      expect(ackText).toContain(body.reference);
    } finally {
      mailer.close();
      await smtp.stop();
    }
    const composed = composeMail({
      subject: '主题\r\nBcc: x@y.example',
      intro: ['<b>'],
      rows: [['a', '<script>']],
      actionLinks: [{ label: 'ok', url: 'javascript:alert(1)' }],
    });
    expect(composed.subject).not.toMatch(/[\r\n]/);
    expect(composed.html).not.toContain('<script>');
    expect(composed.html).not.toContain('javascript:');
  });

  it("retries a refused login or sender (the server's or the account's fault) and delivers once put right; a refused recipient fails at once", async () => {
    const smtp = await startSmtp({ auth: true });
    const clock = manualClock();
    const world = await testWorld(db, { clock });
    const mailer = createMailer({ smtpUrl: smtp.url, outboxDir: '/nonexistent' });
    const work = () => sendPendingMail({ db, mailer, clock, from: 'noreply@gongshi.example', composers: { intake: intakeMailComposer(world) } });
    const statusOf = async (reference: string) =>
      (await db.query<{ status: string }>('SELECT status FROM outbox WHERE message_id = ?', [`${reference}.agency@gongshi.example`]))[0]!.status;
    try {
      // A wrong or expired password (535), then a relay rule against our sender (553): every queued mail waits.
      smtp.refuseLoginWith = 535;
      const first = await submit(world, validSubmission({ email: '' }));
      const refused = await work();
      expect(refused).toMatchObject({ claimed: 1, sent: 0, retried: 1, failed: 0 });
      // The operator's log says why, by code: a wrong password shows in the first round, not days later.
      expect(roundLine(refused)).toMatch(/^\[outbox\] sent 0, retry 1, failed 0 \(EAUTH 535 \w+ ×1\)$/);
      expect(await statusOf(first.body.reference)).toBe('pending');
      smtp.refuseLoginWith = undefined;
      smtp.refuseSenderWith = 553;
      clock.advance(backoffMs(1));
      expect(await work()).toMatchObject({ claimed: 1, sent: 0, retried: 1, failed: 0 });
      // Put right: the mail goes, once.
      smtp.refuseSenderWith = undefined;
      clock.advance(backoffMs(2));
      const delivered = await work();
      expect(delivered).toMatchObject({ claimed: 1, sent: 1, errors: {} });
      expect(roundLine(delivered)).toBe('[outbox] sent 1, retry 0, failed 0');
      clock.advance(DAY);
      expect(await work()).toMatchObject({ claimed: 0 });
      expect(smtp.received.filter((m) => m.raw.includes(first.body.reference))).toHaveLength(1);
      const attempts = await db.query<{ error: string | null }>(
        'SELECT a.error FROM outbox_attempts a JOIN outbox o ON o.id = a.outbox_id WHERE o.message_id = ? ORDER BY a.at',
        [`${first.body.reference}.agency@gongshi.example`],
      );
      expect(attempts.map((a) => a.error?.match(/\b5\d\d\b/)?.[0] ?? null)).toEqual(['535', '553', null]);
      // A mailbox the server says does not exist is this mail's problem: failed at once, not retried for days.
      smtp.refuseRecipientWith = 550;
      const second = await submit(world, validSubmission({ email: '' }));
      expect(await work()).toMatchObject({ claimed: 1, sent: 0, failed: 1 });
      expect(await statusOf(second.body.reference)).toBe('failed');
    } finally {
      mailer.close();
      await smtp.stop().catch(() => undefined);
    }
  });

  it('a SMTP_URL naming no relay (a wrong port) is said in the round line with the relay and SMTP_URL; the mail waits and goes once put right', async () => {
    const smtp = await startSmtp();
    const clock = manualClock();
    const world = await testWorld(db, { clock });
    // The relay's port with one added: nothing listens there, as after a typo in SMTP_URL's port.
    const wrong = new URL(smtp.url);
    wrong.port = String(Number(wrong.port) + 1);
    const wrongMailer = createMailer({ smtpUrl: wrong.toString(), outboxDir: '/nonexistent' });
    const mailer = createMailer({ smtpUrl: smtp.url, outboxDir: '/nonexistent' });
    const work = (m: typeof mailer) =>
      sendPendingMail({ db, mailer: m, clock, from: 'noreply@gongshi.example', composers: { intake: intakeMailComposer(world) } });
    try {
      const filed = await submit(world, validSubmission({ email: '' }));
      expect(filed.status).toBe(201);
      const unreachable = await work(wrongMailer);
      expect(unreachable).toMatchObject({ claimed: 1, sent: 0, retried: 1 });
      const line = roundLine(unreachable, wrongMailer.description);
      expect(line).toContain(`无法连接邮件服务器（SMTP ${wrong.host}）`);
      expect(line).toContain('请检查 SMTP_URL 中的主机、端口');
      expect(line).toContain('没有丢失');
      clock.advance(backoffMs(1));
      const delivered = await work(mailer);
      expect(delivered).toMatchObject({ claimed: 1, sent: 1 });
      expect(roundLine(delivered, mailer.description)).toBe('[outbox] sent 1, retry 0, failed 0');
      expect(smtp.received).toHaveLength(1);
    } finally {
      wrongMailer.close();
      mailer.close();
      await smtp.stop();
    }
  });

  it('gives up after about five days and marks the message failed, with every attempt recorded', async () => {
    const clock = manualClock();
    const world = await testWorld(db, { clock });
    const { body } = await submit(world, validSubmission({ email: '' }));
    const mailer = createMailer({ smtpUrl: 'smtp://127.0.0.1:9', outboxDir: '/nonexistent' });
    let rounds = 0;
    for (;;) {
      const r = await sendPendingMail({ db, mailer, clock, from: 'noreply@gongshi.example', composers: { intake: intakeMailComposer(world) } });
      if (r.failed) break;
      rounds++;
      clock.advance(6 * 3600_000);
      expect(rounds).toBeLessThan(100);
    }
    mailer.close();
    const [row] = await db.query<{ status: string; attempts: number }>('SELECT status, attempts FROM outbox WHERE message_id = ?', [
      `${body.reference}.agency@gongshi.example`,
    ]);
    expect(row!.status).toBe('failed');
    const [n] = await db.query<{ n: number }>('SELECT COUNT(*) AS n FROM outbox_attempts a JOIN outbox o ON o.id = a.outbox_id WHERE o.message_id = ?', [
      `${body.reference}.agency@gongshi.example`,
    ]);
    expect(n!.n).toBe(row!.attempts);
    expect(row!.attempts).toBeGreaterThan(5);
  });

  it('queues the intake mails without their text; the worker writes each as it sends it and keeps what it sent', async () => {
    const smtp = await startSmtp();
    const world = await testWorld(db);
    const mailer = createMailer({ smtpUrl: smtp.url, outboxDir: '/nonexistent' });
    try {
      const { body } = await submit(world, validSubmission({ email: 'zhao@citizen.example' }));
      const rows = () =>
        db.query<{ kind: string; compose: string | null; subject: string; body_text: string; body_html: string | null }>(
          'SELECT o.kind, o.compose, o.subject, o.body_text, o.body_html FROM outbox o JOIN complaints c ON c.id = o.complaint_id WHERE c.reference = ? ORDER BY o.kind',
          [body.reference],
        );
      expect((await rows()).map((r) => [r.kind, r.compose, r.body_text])).toEqual([
        ['ack', 'intake', ''],
        ['agency', 'intake', ''],
      ]);

      await sendPendingMail({ db, mailer, clock: world.clock, from: 'noreply@gongshi.example', composers: { intake: intakeMailComposer(world) } });
      const sent = await rows();
      for (const row of sent) {
        expect(row.compose).toBeNull();
        const mail = smtp.received.find((m) => header(m.raw, 'Message-ID') === `<${body.reference}.${row.kind}@gongshi.example>`)!;
        expect(header(mail.raw, 'Subject')).toBe(row.subject);
        expect((await simpleParser(mail.raw)).text.trim()).toBe(row.body_text.trim());
        expect(row.body_html).toContain(body.reference);
      }
      expect(sent.find((r) => r.kind === 'agency')!.body_text).toContain('严格保密');
      expect(sent.find((r) => r.kind === 'ack')!.subject).toContain(body.reference);
    } finally {
      mailer.close();
      await smtp.stop();
    }
  });

  it('a queued mail the worker cannot write is a failed attempt, retried later, not lost', async () => {
    const smtp = await startSmtp();
    const clock = manualClock();
    const world = await testWorld(db, { clock });
    const mailer = createMailer({ smtpUrl: smtp.url, outboxDir: '/nonexistent' });
    try {
      const { body } = await submit(world, validSubmission({ email: '' }));
      const messageId = `${body.reference}.agency@gongshi.example`;
      const row = async () =>
        (
          await db.query<{ status: string; attempts: number; last_error: string | null }>(
            'SELECT status, attempts, last_error FROM outbox WHERE message_id = ?',
            [messageId],
          )
        )[0]!;
      // A worker without the composer (e.g. an old deployment): nothing sent, the attempt recorded.
      await sendPendingMail({ db, mailer, clock, from: 'noreply@gongshi.example' });
      expect(await row()).toMatchObject({ status: 'pending', attempts: 1, last_error: 'Error' });
      expect(smtp.received.filter((m) => m.raw.includes(body.reference))).toHaveLength(0);

      clock.advance(backoffMs(1));
      await sendPendingMail({ db, mailer, clock, from: 'noreply@gongshi.example', composers: { intake: intakeMailComposer(world) } });
      expect(await row()).toMatchObject({ status: 'sent', attempts: 2 });
      expect(smtp.received.filter((m) => header(m.raw, 'Message-ID') === `<${messageId}>`)).toHaveLength(1);
    } finally {
      mailer.close();
      await smtp.stop();
    }
  });

  it('writes .eml files to the outbox folder when SMTP_URL is unset', async () => {
    const dir = join(tempDir(), 'outbox');
    const world = await testWorld(db);
    const { body } = await submit(world, validSubmission({ email: '' }));
    const mailer = createMailer({ smtpUrl: undefined, outboxDir: dir });
    await sendPendingMail({ db, mailer, clock: world.clock, from: 'noreply@gongshi.example', composers: { intake: intakeMailComposer(world) } });
    const file = `${body.reference}.agency@gongshi.example.eml`;
    expect(readdirSync(dir)).toContain(file);
    const raw = readFileSync(join(dir, file), 'utf8');
    expect(header(raw, 'To')).toBe('cgj@city.example');
    expect(header(raw, 'Message-ID')).toBe(`<${body.reference}.agency@gongshi.example>`);
  });
});
