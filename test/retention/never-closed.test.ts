import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { intakeMailComposer } from '../../functions/complaints/intake-mail.ts';
import { senderAddress } from '../../functions/complaints/world.ts';
import { runDeadlineJobs } from '../../functions/deadlines/jobs.ts';
import { routingPeriod } from '../../functions/handling/actions.ts';
import { rerouteLink } from '../../functions/handling/mails.ts';
import { createMailer } from '../../functions/mail/transport.ts';
import { sendPendingMail } from '../../functions/outbox/worker.ts';
import { emlFileName, purgeClosedComplaints } from '../../functions/retention/purge.ts';
import { isOverdue } from '../../functions/stats/aggregate.ts';
import { statsInputFrom } from '../../functions/stats/load.ts';
import { findComplaintByReference } from '../../functions/store/records/complaints.ts';
import { insertEvidence } from '../../functions/store/records/evidence.ts';
import { claimDueMail, recordMailAttempt } from '../../functions/store/records/outbox.ts';
import { citizenViewSchema } from '../../src/core/complaint/citizen-view.ts';
import { DEFAULT_POLICY } from '../../src/core/policy/schema.ts';
import { tempDir } from '../complaints/support.ts';
import { describeEachStore, freshStore, harnessOn } from '../support/stores.ts';
import { cst, PERSONAL_SUBMISSION, PERSONAL_MARKERS } from './support.ts';

/**
 * A complaint that is never closed loses its complainant's personal information `complaintData.keepYearsIfNeverClosed`
 * years (default 5) after it was filed, as a closed one does after closing (purge.test.ts): every table and .eml file,
 * its queued mails cancelled, its status page still answering with a note, the statistics unchanged, no more
 * handling, reminders or summaries about it.
 */
// Markers of everything personal the open complaint holds; none may survive its purge anywhere in the store or on disk.
const PERSONAL = [...PERSONAL_MARKERS, '受理备注写了钱七', '转办理由写了钱七'];
// The other open complaint, filed a day later: one day short of the limit when the first one reaches it.
const KEPT = ['孙八', 'sun@citizen.example', '一天后提交的另一件投诉'];

describeEachStore('retention purge of a complaint never closed', (kind) => {
  const db = freshStore(kind);
  const h = harnessOn(db, cst('2026-01-05T10:00:00'));
  const outboxDir = tempDir('gongshi-eml-open-');

  /** Sends what is due into .eml files, as a deployment without SMTP_URL does; the number of mails sent. */
  async function deliverToFiles(): Promise<number> {
    const mailer = createMailer({ smtpUrl: undefined, outboxDir });
    let sent = 0;
    for (let i = 0; i < 10; i++) {
      const r = await sendPendingMail({
        db,
        mailer,
        clock: h.clock,
        from: senderAddress(h.world.settings.siteUrl),
        composers: { intake: intakeMailComposer(h.world) },
      });
      sent += r.sent;
      if (r.claimed === 0) break;
    }
    mailer.close();
    return sent;
  }
  async function tables(): Promise<string[]> {
    const rows =
      kind === 'sqlite'
        ? await db.query<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        : await db.query<{ name: string }>('SELECT table_name AS name FROM information_schema.tables WHERE table_schema = ?', [db.schema]);
    return rows.map((r) => r.name);
  }
  const rowsOf = async (table: string) => JSON.stringify(await db.query(`SELECT * FROM ${table}`));
  const mailsOf = (reference: string) =>
    db.query<{ kind: string; status: string; recipient: string; message_id: string; body_text: string; subject: string }>(
      'SELECT o.kind, o.status, o.recipient, o.message_id, o.body_text, o.subject FROM outbox o JOIN complaints c ON c.id = o.complaint_id WHERE c.reference = ? ORDER BY o.created_at, o.kind',
      [reference],
    );
  /** The link labelled `label` in the newest mail of `kind` about `reference`. */
  async function linkIn(reference: string, kindLike: string, label: string): Promise<string> {
    const mails = (await mailsOf(reference)).filter((m) => m.kind.startsWith(kindLike));
    const text = mails.at(-1)!.body_text;
    return new URL(new RegExp(`^${label}[^：\\n]*：(https?://\\S+)$`, 'm').exec(text)![1]!).pathname;
  }

  let open: { reference: string; trackingCode: string };
  let later: { reference: string; trackingCode: string };
  /** The receiving agency's 受理 link, from the transfer mail queued before the purge. */
  let receivingAccept: string;

  it('keeps an open complaint until the limit, then removes everything personal, cancels its queued mails and keeps the statistics', async () => {
    h.world.policy = DEFAULT_POLICY;
    const log: string[] = [];
    h.world.log = (line) => log.push(line);
    open = await h.submit(PERSONAL_SUBMISSION);
    const row = await findComplaintByReference(db, open.reference);
    await insertEvidence(db, row!.id, { name: '证据照片.jpg', type: 'image/jpeg', data: Uint8Array.from([1, 2, 3]) });
    await deliverToFiles();

    // The agency accepts it, with a note, and never closes it; the 办结 deadline passes and it is reminded.
    h.clock.set(cst('2026-01-06T10:00:00'));
    const accept = await linkIn(open.reference, 'agency', '受理');
    expect((await h.post(accept, { note: '受理备注写了钱七' })).status).toBe(200);
    later = await h.submit({
      about: 'unit',
      agencyId: 'city-scjg',
      certificateNo: undefined,
      category: 'other',
      when: '2026-01-05',
      name: '孙八',
      email: 'sun@citizen.example',
      description: '一天后提交的另一件投诉，内容应当保留。',
    });
    await deliverToFiles();
    h.clock.set(cst('2026-03-10T10:00:00'));
    expect(await runDeadlineJobs(h.world)).toMatchObject({ reminders: 2 });
    await deliverToFiles();

    // One day short of five years: fresh links, then a transfer — the receiving agency's full complaint mail and the
    // complainant's status mail are queued (mail is down: not sent).
    h.clock.set(cst('2031-01-04T10:00:00'));
    const agency = h.world.directory.agency('city-cgj')!;
    expect((await h.post('/api/action-links', { reference: open.reference, mailbox: agency.complaints.email })).status).toBe(200);
    await deliverToFiles();
    const transfer = await linkIn(open.reference, 'fresh-links', '转办');
    expect((await h.post(transfer, { transferTo: 'city-scjg', reason: '转办理由写了钱七' })).status).toBe(200);
    const queued = (await mailsOf(open.reference)).filter((m) => m.status === 'pending');
    expect(queued.map((m) => m.kind).sort()).toEqual([expect.stringMatching(/^agency-transfer-/), expect.stringMatching(/^status-/)]);
    expect(queued.map((m) => m.body_text).join('\n')).toContain('单独扣押我的三轮车');
    receivingAccept = await linkIn(open.reference, 'agency-transfer', '受理');
    expect(await purgeClosedComplaints(h.world, { outboxDir })).toEqual({ complaints: 0, neverClosed: 0, emlFiles: 0, cancelledMails: 0, deferred: 0 });
    expect(await rowsOf('complaints')).toContain('钱七');

    const files = (await mailsOf(open.reference)).map((m) => emlFileName(m.message_id)).filter((f) => existsSync(join(outboxDir, f)));
    expect(files.length).toBeGreaterThanOrEqual(5); // agency mail, acknowledgement, accepted mail, status mail, reminder, fresh links
    const keptFiles = (await mailsOf(later.reference)).map((m) => emlFileName(m.message_id));
    const statsBefore = await statsInputFrom(db);
    // A worker has just claimed the queued mails when the purge comes.
    const claimed = await claimDueMail(db, { worker: 'w1', now: cst('2031-01-05T10:00:00'), leaseUntil: cst('2031-01-05T10:01:00'), batch: 10 });
    expect(claimed).toHaveLength(2);

    // At the limit: five years after filing, to the second. The worker holds two of its mails: the purge leaves the
    // complaint to its next run rather than cancel a mail that may be on its way (in-flight.test.ts).
    h.clock.set(cst('2031-01-05T10:00:00'));
    expect(await purgeClosedComplaints(h.world, { outboxDir })).toEqual({ complaints: 0, neverClosed: 0, emlFiles: 0, cancelledMails: 0, deferred: 1 });
    expect(await rowsOf('complaints')).toContain('钱七');
    // Its attempts fail (mail is down) and are recorded: the rows are no worker's any more, and the next run purges.
    for (const r of claimed) {
      await recordMailAttempt(
        db,
        r,
        cst('2031-01-05T10:00:30'),
        { ok: false, error: 'ECONNREFUSED', status: 'pending', nextAttemptAt: cst('2031-01-05T10:01:30') },
        'w1',
      );
    }
    expect(await purgeClosedComplaints(h.world, { outboxDir })).toEqual({
      complaints: 1,
      neverClosed: 1,
      emlFiles: files.length,
      cancelledMails: 2,
      deferred: 0,
    });
    expect(await purgeClosedComplaints(h.world, { outboxDir })).toEqual({ complaints: 0, neverClosed: 0, emlFiles: 0, cancelledMails: 0, deferred: 0 });
    // Counts and dates only: no reference, nothing personal.
    expect(log.filter((l) => l.startsWith('[retention] purged'))).toEqual([
      '[retention] purged 0 complaint(s) closed before 2028-01-05, 0 never closed and filed before 2026-01-05, ' +
        '0 .eml file(s), 0 queued mail(s) cancelled, 1 left for the next run (a mail of theirs being sent)',
      '[retention] purged 0 complaint(s) closed before 2028-01-05, 1 never closed and filed before 2026-01-05, ' +
        `${files.length} .eml file(s), 2 queued mail(s) cancelled`,
    ]);

    // The worker that held them cannot record them back as sent with their text: they are no longer its.
    for (const r of claimed) {
      await recordMailAttempt(db, r, cst('2031-01-05T10:01:30'), { ok: true, composed: { subject: '钱七', text: '钱七 13900139000', html: '' } }, 'w1');
    }
    const mails = await mailsOf(open.reference);
    expect(mails.filter((m) => m.status === 'pending')).toEqual([]);
    expect(
      mails
        .filter((m) => m.status === 'cancelled')
        .map((m) => m.kind)
        .sort(),
    ).toEqual(queued.map((m) => m.kind).sort());
    for (const m of mails) expect(m.recipient).not.toBe('qian@citizen.example');

    // Every personal marker is gone from every table and every .eml file left.
    expect(await tables()).toEqual(
      expect.arrayContaining(['complaints', 'complaint_events', 'outbox', 'outbox_attempts', 'evidence', 'notices', 'action_uses']),
    );
    for (const table of await tables()) {
      const text = await rowsOf(table);
      for (const marker of PERSONAL) expect(text, `${table}: ${marker}`).not.toContain(marker);
    }
    for (const f of files) expect(existsSync(join(outboxDir, f)), f).toBe(false);
    const left = () =>
      readdirSync(outboxDir)
        .map((f) => readFileSync(join(outboxDir, f), 'utf8'))
        .join('\n');
    for (const marker of ['钱七', 'qian@citizen.example', '13900139000']) expect(left()).not.toContain(marker);

    // The complaint filed a day later is one day short: untouched, files and all.
    const kept = await rowsOf('complaints');
    for (const marker of KEPT) expect(kept).toContain(marker);
    for (const f of keptFiles) expect(existsSync(join(outboxDir, f)), f).toBe(true);

    // Statistics read the same, and still count it as overdue.
    const statsAfter = await statsInputFrom(db);
    expect(statsAfter).toEqual(statsBefore);
    expect(isOverdue(statsAfter[0]!, h.clock.now())).toBe(true);
    const [after] = await db.query<{ status: string; agency_id: string; purged_at: string }>(
      'SELECT status, agency_id, purged_at FROM complaints WHERE id = ?',
      [row!.id],
    );
    expect(after).toEqual({ status: 'transferred', agency_id: 'city-scjg', purged_at: cst('2031-01-05T10:00:00') });

    // Nothing queued goes out, by SMTP or to a file.
    expect(await deliverToFiles()).toBe(0);
    expect(await h.deliver()).toEqual([]);
    for (const marker of ['钱七', 'qian@citizen.example']) expect(left()).not.toContain(marker);
  });

  it('still answers its status lookup with the dated history, and says plainly that the personal information was removed', async () => {
    const status = await h.call(`/api/complaints/${open.reference}`, { headers: { 'x-tracking-code': open.trackingCode, accept: 'application/json' } });
    expect(status.status).toBe(200);
    const view = citizenViewSchema.strict().parse(await status.json());
    expect(view.history.map((e) => e.type)).toEqual(['submitted', 'routed', 'accepted', 'transferred', 'routed']);
    expect(view.purged?.at).toBe(cst('2031-01-05T10:00:00'));
    expect(view.purged?.note).toContain('该件自提交之日起满 5 年仍未办结');
    expect(view.purged?.note).toContain('2031年1月5日');
    expect(view.purged?.note).toContain('这是本平台设定的保存期限，不是《办法》的规定');
    for (const marker of PERSONAL) expect(JSON.stringify(view)).not.toContain(marker);
    const page = await (await h.post('/api/status', { reference: open.reference, code: open.trackingCode })).text();
    expect(page).toContain('id="purged"');
    expect(page).toContain(view.purged!.note);
    expect(page).toContain('href="/privacy/#retention"');
    // The other one has no such note.
    const other = await h.call(`/api/complaints/${later.reference}`, { headers: { 'x-tracking-code': later.trackingCode, accept: 'application/json' } });
    expect(citizenViewSchema.strict().parse(await other.json()).purged).toBeUndefined();
  });

  it('acts on no agency link for it any more, and sends no fresh links', async () => {
    // An agency's link refuses to act on the emptied complaint, GET and POST alike; nothing changes.
    const eventsBefore = await rowsOf('complaint_events');
    for (const response of [await h.get(receivingAccept), await h.post(receivingAccept, { note: '' })]) {
      expect(response.status).toBe(410);
      expect(await response.text()).toContain('已超过个人信息保存期限，投诉人的个人信息和投诉内容已于 2031年1月5日 10:00 删除，不能再通过本平台办理');
    }
    // Nor does a justice bureau's 指定办理机关 link.
    const row = await findComplaintByReference(db, open.reference);
    const reroute = rerouteLink(h.world, { reference: open.reference, bureauId: 'city-sfj', period: await routingPeriod(db, row!.id), dueAt: null });
    const rerouted = await h.get(new URL(reroute.links[0]!.url).pathname);
    expect(rerouted.status).toBe(410);
    expect(await rerouted.text()).toContain('不能再通过本平台办理或指定办理机关');
    expect(await rowsOf('complaint_events')).toBe(eventsBefore);
    // Fresh links are not sent for it (the page answers as for any reference).
    const outboxBefore = (await mailsOf(open.reference)).length;
    const receiving = h.world.directory.agency('city-scjg')!;
    expect((await h.post('/api/action-links', { reference: open.reference, mailbox: receiving.complaints.email })).status).toBe(200);
    expect(await mailsOf(open.reference)).toHaveLength(outboxBefore);
  });

  it('is left alone by the deadline jobs: no reminder, escalation or summary line', async () => {
    const outboxBefore = (await mailsOf(open.reference)).length;
    // The deadline jobs leave it alone: past its new 受理 deadline (and any 办结 deadline a 受理 then would have set),
    // no reminder, no escalation, no summary line.
    h.clock.set(cst('2031-04-01T09:00:00'));
    const jobs = await runDeadlineJobs(h.world);
    expect(jobs).toMatchObject({ reminders: 0, escalations: 0 });
    expect(await mailsOf(open.reference)).toHaveLength(outboxBefore);
    const summaries = await db.query<{ body_text: string }>("SELECT body_text FROM outbox WHERE kind = 'summary' AND created_at >= ?", [
      cst('2031-04-01T09:00:00'),
    ]);
    for (const s of summaries) expect(s.body_text).not.toContain(open.reference);
    // The complaint filed a day later is still listed as overdue (the summary itself still runs).
    expect(summaries.map((s) => s.body_text).join('\n')).toContain(later.reference);
  });
});
