import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { intakeMailComposer } from '../../functions/complaints/intake-mail.ts';
import { senderAddress } from '../../functions/complaints/world.ts';
import { createMailer, type Mailer } from '../../functions/mail/transport.ts';
import { sendPendingMail } from '../../functions/outbox/worker.ts';
import { purgeClosedComplaints } from '../../functions/retention/purge.ts';
import { DEFAULT_POLICY } from '../../src/core/policy/schema.ts';
import { tempDir } from '../complaints/support.ts';
import { describeEachStore, freshStore, harnessOn } from '../support/stores.ts';
import { cst, PERSONAL_SUBMISSION } from './support.ts';

/**
 * A purge that commits while the worker is sending one of the complaint's mails (found in review, 2026-12-01): the
 * mail lands as an .eml file after the purge removed the others. The next run (a minute later in `npm start`) removes
 * it: no file with the complainant's details outlives the purge by more than one run.
 */
describeEachStore('a purge while a mail of the complaint is being sent', (kind) => {
  const db = freshStore(kind);
  const h = harnessOn(db, cst('2026-01-05T10:00:00'));
  const outboxDir = tempDir('gongshi-eml-race-');

  it("the file the send writes after the purge is removed by the purge's next run", async () => {
    h.world.policy = DEFAULT_POLICY;
    await h.submit(PERSONAL_SUBMISSION);
    // Five years on, its mail never sent (the relay was down throughout); the purge commits in the middle of a send.
    h.clock.set(cst('2031-01-06T10:00:00'));
    const files = createMailer({ smtpUrl: undefined, outboxDir });
    let first: Awaited<ReturnType<typeof purgeClosedComplaints>> | undefined;
    const mailer: Mailer = {
      description: files.description,
      close: () => files.close(),
      async send(mail) {
        first ??= await purgeClosedComplaints(h.world, { outboxDir });
        return files.send(mail);
      },
    };
    await sendPendingMail({
      db,
      mailer,
      clock: h.clock,
      from: senderAddress(h.world.settings.siteUrl),
      composers: { intake: intakeMailComposer(h.world) },
      concurrency: 1,
    });
    expect(first).toMatchObject({ complaints: 1, neverClosed: 1 });
    const personal = () =>
      readdirSync(outboxDir).filter((f) => {
        const text = readFileSync(join(outboxDir, f), 'latin1');
        return text.includes('qian@citizen.example') || text.includes('13900139000');
      });
    expect(personal()).toHaveLength(1); // the race, as it happens
    const next = await purgeClosedComplaints(h.world, { outboxDir });
    expect(next).toMatchObject({ complaints: 0, emlFiles: 1 });
    expect(personal()).toEqual([]);
  });
});
