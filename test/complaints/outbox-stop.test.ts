import { expect, it } from 'vitest';
import { complaintFunctions } from '../../functions/complaints/handler.ts';
import { intakeMailComposer } from '../../functions/complaints/intake-mail.ts';
import { createMailer } from '../../functions/mail/transport.ts';
import { runOutboxLoop, sendPendingMail } from '../../functions/outbox/worker.ts';
import { systemClock } from '../../functions/server/app.ts';
import { startSmtp, testWorld, validSubmission } from './support.ts';
import { describeEachStore, freshStore } from '../support/stores.ts';

const ctx = { clientAddress: '127.0.0.1' };

/**
 * Operator trial: SIGTERM to `npm start` with mail queued and a relay that did not answer took 31 s (8 complaints,
 * 16 mails: each lane sent its claimed rows one after another, each waiting out the greeting timeout), and a full
 * batch at a relay that stalls mid-message longer than systemd waits before SIGKILL. A stopping worker now starts no
 * further claimed row and gives the rest back at once.
 */
describeEachStore('a stopping mail worker', (kind) => {
  const db = freshStore(kind);

  it('waits only for the sends under way and leaves the other claimed mail queued, due at once for the next worker', async () => {
    const smtp = await startSmtp();
    const world = await testWorld(db, { clock: systemClock });
    const mailer = createMailer({ smtpUrl: smtp.url, outboxDir: '/nonexistent' });
    const composers = { intake: intakeMailComposer(world) };
    const options = { db, mailer, clock: systemClock, from: 'noreply@gongshi.example', composers, concurrency: 1 };
    try {
      for (let i = 0; i < 4; i++) {
        const response = (await complaintFunctions(world)(
          new Request('http://localhost/api/complaints', {
            method: 'POST',
            headers: { 'content-type': 'application/json', accept: 'application/json' },
            body: JSON.stringify(validSubmission({ email: '', description: `${validSubmission().description}（第 ${i + 1} 件）` })),
          }),
          ctx,
        ))!;
        expect(response.status).toBe(201);
      }
      // A slow relay: each message is answered 1.5 s after its data.
      smtp.answerDataAfterMs = 1500;
      const stop = new AbortController();
      const lines: string[] = [];
      const started = Date.now();
      const loop = runOutboxLoop({ ...options, intervalMs: 60_000, signal: stop.signal, log: (line) => lines.push(line) });
      // The first message is under way when the worker is told to stop.
      await new Promise((r) => setTimeout(r, 400));
      stop.abort();
      await loop;
      // One send waited for, not four in a row (6 s).
      expect(Date.now() - started).toBeLessThan(3500);
      expect(smtp.received).toHaveLength(1);
      expect(lines).toEqual(['[outbox] sent 1, retry 0, failed 0, 3 left queued (stopping)']);
      const rows = await db.query<{ status: string; attempts: number; locked_by: string | null }>(
        'SELECT status, attempts, locked_by FROM outbox ORDER BY created_at',
      );
      expect(rows.filter((r) => r.status === 'pending')).toEqual(Array(3).fill({ status: 'pending', attempts: 0, locked_by: null }));
      // Given back, not held for the lease: the next worker sends them at once.
      smtp.answerDataAfterMs = 0;
      expect(await sendPendingMail(options)).toMatchObject({ claimed: 3, sent: 3 });
      expect(smtp.received).toHaveLength(4);
    } finally {
      mailer.close();
      await smtp.stop().catch(() => undefined);
    }
  });
});
