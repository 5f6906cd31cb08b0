import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findComplaintByReference } from '../../functions/store/records/complaints.ts';
import { insertEvidence } from '../../functions/store/records/evidence.ts';
import { expect, it } from 'vitest';
import { intakeMailComposer } from '../../functions/complaints/intake-mail.ts';
import { senderAddress } from '../../functions/complaints/world.ts';
import { createMailer } from '../../functions/mail/transport.ts';
import { sendPendingMail } from '../../functions/outbox/worker.ts';
import { emlFileName, purgeClosedComplaints } from '../../functions/retention/purge.ts';
import { statsInputFrom } from '../../functions/stats/load.ts';
import { policySchema } from '../../src/core/policy/schema.ts';
import { tempDir } from '../complaints/support.ts';
import { describeEachStore, freshStore, harnessOn } from '../support/stores.ts';
import { cst, PERSONAL_SUBMISSION, PERSONAL_MARKERS } from './support.ts';

// Markers of everything personal a complaint holds; none may survive the purge anywhere in the store or on disk.
const PERSONAL = [...PERSONAL_MARKERS, '不予受理的理由里写了钱七'];

describeEachStore('retention purge', (kind) => {
  const db = freshStore(kind);
  const h = harnessOn(db, cst('2026-01-05T10:00:00'));
  const outboxDir = tempDir('gongshi-eml-');

  /** Sends what is due into .eml files, as a deployment without SMTP_URL does. */
  async function deliverToFiles(): Promise<void> {
    const mailer = createMailer({ smtpUrl: undefined, outboxDir });
    for (let i = 0; i < 10; i++) {
      const r = await sendPendingMail({
        db,
        mailer,
        clock: h.clock,
        from: senderAddress(h.world.settings.siteUrl),
        composers: { intake: intakeMailComposer(h.world) },
      });
      if (r.claimed === 0) break;
    }
    mailer.close();
  }
  const rowsOf = async (table: string) => JSON.stringify(await db.query(`SELECT * FROM ${table}`));
  async function rejectLink(reference: string): Promise<string> {
    const [mail] = await db.query<{ body_text: string }>(
      "SELECT o.body_text FROM outbox o JOIN complaints c ON c.id = o.complaint_id WHERE c.reference = ? AND o.kind = 'agency'",
      [reference],
    );
    return new URL(/^不予受理[^：]*：(\S+)$/m.exec(mail!.body_text)![1]!).pathname;
  }

  it("keeps a closed complaint for the policy's years, then removes everything personal and keeps what statistics need", async () => {
    h.world.policy = policySchema.parse({});
    const closed = await h.submit(PERSONAL_SUBMISSION);
    const open = await h.submit({
      about: 'unit',
      agencyId: 'city-scjg',
      certificateNo: undefined,
      category: 'other',
      when: '2026-01-04',
      name: '孙八',
      email: 'sun@citizen.example',
      description: '另一件仍在办理中的投诉，内容应当保留。',
    });
    const row = await findComplaintByReference(db, closed.reference);
    await insertEvidence(db, row!.id, { name: '证据照片.jpg', type: 'image/jpeg', data: Uint8Array.from([1, 2, 3]) });
    await deliverToFiles();
    h.clock.set(cst('2026-01-06T10:00:00'));
    expect((await h.post(await rejectLink(closed.reference), { reason: '不予受理的理由里写了钱七' })).status).toBe(200);
    await deliverToFiles();
    const files = async (reference: string) =>
      (
        await db.query<{ message_id: string }>('SELECT o.message_id FROM outbox o JOIN complaints c ON c.id = o.complaint_id WHERE c.reference = ?', [
          reference,
        ])
      ).map((m) => emlFileName(m.message_id));
    const closedFiles = await files(closed.reference);
    const openFiles = await files(open.reference);
    expect(closedFiles.length).toBeGreaterThanOrEqual(3); // agency mail, acknowledgement, status mail
    for (const f of [...closedFiles, ...openFiles]) expect(existsSync(join(outboxDir, f)), f).toBe(true);
    const statsBefore = await statsInputFrom(db);

    // One day short of three years after 不予受理: nothing is removed.
    h.clock.set(cst('2029-01-05T10:00:00'));
    expect(await purgeClosedComplaints(h.world, { outboxDir })).toEqual({ complaints: 0, neverClosed: 0, emlFiles: 0, cancelledMails: 0, deferred: 0 });
    expect(await rowsOf('complaints')).toContain('钱七');

    h.clock.set(cst('2029-01-06T12:00:00'));
    expect(await purgeClosedComplaints(h.world, { outboxDir })).toEqual({
      complaints: 1,
      neverClosed: 0,
      emlFiles: closedFiles.length,
      cancelledMails: 0,
      deferred: 0,
    });
    // Once only.
    expect(await purgeClosedComplaints(h.world, { outboxDir })).toEqual({ complaints: 0, neverClosed: 0, emlFiles: 0, cancelledMails: 0, deferred: 0 });

    for (const table of ['complaints', 'complaint_events', 'outbox', 'outbox_attempts', 'evidence']) {
      const text = await rowsOf(table);
      for (const marker of PERSONAL) expect(text, `${table}: ${marker}`).not.toContain(marker);
    }
    expect(await db.query('SELECT id FROM evidence WHERE complaint_id = ?', [row!.id])).toEqual([]);
    for (const f of closedFiles) expect(existsSync(join(outboxDir, f)), f).toBe(false);
    const left = readdirSync(outboxDir)
      .map((f) => readFileSync(join(outboxDir, f), 'utf8'))
      .join('\n');
    for (const marker of ['钱七', 'qian@citizen.example']) expect(left).not.toContain(marker);

    // The open complaint is untouched, files and all.
    expect(await rowsOf('complaints')).toContain('另一件仍在办理中的投诉');
    for (const f of openFiles) expect(existsSync(join(outboxDir, f)), f).toBe(true);
    // Statistics read the same before and after.
    expect(await statsInputFrom(db)).toEqual(statsBefore);
    const [after] = await db.query<{ status: string; agency_id: string; category: string; purged_at: string | null }>(
      'SELECT status, agency_id, category, purged_at FROM complaints WHERE id = ?',
      [row!.id],
    );
    expect(after).toMatchObject({ status: 'rejected', agency_id: 'city-cgj', category: 'hebei-2021:10.1', purged_at: cst('2029-01-06T12:00:00') });
    // The status lookup still answers, without the reason.
    const status = await h.call(`/api/complaints/${closed.reference}`, { headers: { 'x-tracking-code': closed.trackingCode, accept: 'application/json' } });
    expect(status.status).toBe(200);
    const view = JSON.stringify(await status.json());
    expect(view).toContain('rejected');
    expect(view).not.toContain('钱七');
    // …and says why the rest is gone.
    expect(view).toContain('该件不予受理已满 3 年。按个人信息保存期限，本平台已于 2029年1月6日 12:00 删除该件中的个人信息');
  });

  it("follows the policy's retention period", async () => {
    // The complaint left open above stays out of it: its own period (after filing) is set far off.
    h.world.policy = policySchema.parse({ complaintData: { keepYearsAfterClosed: 5, keepYearsIfNeverClosed: 20 } });
    h.clock.set(cst('2029-02-01T10:00:00'));
    const c = await h.submit({ name: '周九', description: '五年保存期的测试投诉，内容应当保留到期满。' });
    await deliverToFiles();
    expect((await h.post(await rejectLink(c.reference), { reason: '测试理由四字以上' })).status).toBe(200);
    h.clock.set(cst('2033-02-01T12:00:00'));
    expect((await purgeClosedComplaints(h.world, { outboxDir })).complaints).toBe(0);
    h.clock.set(cst('2034-02-02T12:00:00'));
    expect((await purgeClosedComplaints(h.world, { outboxDir })).complaints).toBe(1);
    expect(await rowsOf('complaints')).not.toContain('周九');
  });
});
