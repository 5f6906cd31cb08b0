import { expect, it } from 'vitest';
import { complaintFunctions } from '../../functions/complaints/handler.ts';
import { intakeMailComposer } from '../../functions/complaints/intake-mail.ts';
import { createMailer } from '../../functions/mail/transport.ts';
import { sendPendingMail } from '../../functions/outbox/worker.ts';
import { systemClock } from '../../functions/server/app.ts';
import { startSmtp, testWorld, validSubmission } from './support.ts';
import { describeEachStore, freshStore } from '../support/stores.ts';

const ctx = { clientAddress: '127.0.0.1' };

describeEachStore('outbox lease', (kind) => {
  const db = freshStore(kind);

  it('a send slower than the lease keeps its row: a second worker meanwhile does not send the mail again', async () => {
    const smtp = await startSmtp();
    const world = await testWorld(db, { clock: systemClock });
    const mailer = createMailer({ smtpUrl: smtp.url, outboxDir: '/nonexistent' });
    // The lease is 1.5 s; the server takes 4 s to accept each message: without renewal the lease runs out mid-send.
    const work = () =>
      sendPendingMail({ db, mailer, clock: systemClock, leaseMs: 1500, from: 'noreply@gongshi.example', composers: { intake: intakeMailComposer(world) } });
    try {
      const response = (await complaintFunctions(world)(
        new Request('http://localhost/api/complaints', {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify(validSubmission({ email: '' })),
        }),
        ctx,
      ))!;
      expect(response.status).toBe(201);
      const { reference } = (await response.json()) as { reference: string };
      smtp.answerDataAfterMs = 4000;
      const first = work();
      // Well past the lease, while the first worker's send is still waiting for the server.
      await new Promise((r) => setTimeout(r, 2500));
      const second = await work();
      expect(second.claimed).toBe(0);
      expect(await first).toMatchObject({ claimed: 1, sent: 1 });
      expect(smtp.received.filter((m) => m.raw.includes(reference))).toHaveLength(1);
      const [row] = await db.query<{ status: string; attempts: number; locked_by: string | null }>(
        'SELECT status, attempts, locked_by FROM outbox WHERE message_id = ?',
        [`${reference}.agency@gongshi.example`],
      );
      expect(row).toEqual({ status: 'sent', attempts: 1, locked_by: null });
    } finally {
      mailer.close();
      await smtp.stop().catch(() => undefined);
    }
  });
});
