import { expect, it } from 'vitest';
import { complaintFunctions } from '../../functions/complaints/handler.ts';
import { createMailer } from '../../functions/mail/transport.ts';
import { sendPendingMail } from '../../functions/outbox/worker.ts';
import { findComplaintByReference, updateComplaintStatus } from '../../functions/store/records/complaints.ts';
import { listEvents } from '../../functions/store/records/events.ts';
import { claimNotice } from '../../functions/store/records/notices.ts';
import type { Db } from '../../functions/store/index.ts';
import { toPostgresPlaceholders } from '../../functions/store/db.ts';
import { fakeJpeg, fakePng, startSmtp, testWorld, validSubmission } from './support.ts';
import { intakeMailComposer } from '../../functions/complaints/intake-mail.ts';
import { submissionHash, submissionHashV1 } from '../../functions/complaints/fingerprint.ts';
import { complaintInputSchema } from '../../src/core/complaint/schema.ts';
import { describeEachStore, freshStore } from '../support/stores.ts';

const post = (body: unknown, headers: Record<string, string> = {}) =>
  new Request('http://localhost/api/complaints', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    body: JSON.stringify(body),
  });
const ctx = { clientAddress: '127.0.0.1' };

it('translates ? placeholders for PostgreSQL but not inside quoted strings', () => {
  expect(toPostgresPlaceholders(`SELECT '?' AS q, "a?b" FROM t WHERE a = ? AND b = ?`)).toBe(`SELECT '?' AS q, "a?b" FROM t WHERE a = $1 AND b = $2`);
});

describeEachStore('store', (kind) => {
  const db = freshStore(kind);

  it('commits the complaint, its submitted and routed events and its outbox rows together', async () => {
    const world = await testWorld(db);
    const response = await complaintFunctions(world)(post(validSubmission()), ctx);
    expect(response!.status).toBe(201);
    const { reference, trackingCode } = (await response!.json()) as { reference: string; trackingCode: string };
    expect(reference).toMatch(/^TS-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    const row = await findComplaintByReference(db, reference);
    expect(row).toMatchObject({ status: 'submitted', agency_id: 'city-cgj', kind: 'complaint', category: 'hebei-2021:10.1' });
    expect(row!.tracking_hash).not.toContain(trackingCode.replace(/-/g, ''));
    expect(JSON.parse(row!.contents).complainant.phone).toBe('13800138000');
    const events = await listEvents(db, row!.id);
    expect(events.map((e) => e.type)).toEqual(['submitted', 'routed']);
    expect(events[1]!.reason).toContain('谁使用、谁管理、谁负责');
    expect(JSON.parse(events[1]!.data!)).toEqual({ rule: 'employer', agencyId: 'city-cgj', region: '示例省示例市' });
    const mails = await db.query<{ recipient: string; kind: string; message_id: string; status: string }>(
      'SELECT recipient, kind, message_id, status FROM outbox WHERE complaint_id = ? ORDER BY kind',
      [row!.id],
    );
    expect(mails).toEqual([
      { recipient: 'zhao@citizen.example', kind: 'ack', message_id: `${reference}.ack@gongshi.example`, status: 'pending' },
      { recipient: 'cgj@city.example', kind: 'agency', message_id: `${reference}.agency@gongshi.example`, status: 'pending' },
    ]);
    // The status function answers with the tracking code only, and never shows the contents.
    const status = await complaintFunctions(world)(
      new Request(`http://localhost/api/complaints/${reference.toLowerCase()}`, { headers: { 'x-tracking-code': trackingCode } }),
      ctx,
    );
    expect(status!.status).toBe(200);
    const text = await status!.text();
    expect(JSON.parse(text)).toMatchObject({ reference, status: 'submitted', agency: { id: 'city-cgj' } });
    expect(text).not.toContain('13800138000');
    expect(text).not.toContain('摊位');
    const wrong = await complaintFunctions(world)(
      new Request(`http://localhost/api/complaints/${reference}`, { headers: { 'x-tracking-code': 'AAAA-BBBB-CCCC' } }),
      ctx,
    );
    expect(wrong!.status).toBe(404);
  });

  it('rolls everything back when one write of the transaction fails', async () => {
    const before = await db.query<{ n: number }>('SELECT COUNT(*) AS n FROM complaints');
    await expect(
      db.transaction(async (tx) => {
        await tx.run(
          `INSERT INTO complaints (id, reference, tracking_hash, kind, status, agency_id, category, target, contents, created_at, updated_at)
             VALUES ('x1', 'TS-ROLL-BACK', 'h', 'complaint', 'submitted', 'a', 'other', '{}', '{}', 'now', 'now')`,
        );
        await tx.run('INSERT INTO complaint_events (id, complaint_id, seq, at, type) VALUES (?, ?, ?, ?, ?)', ['e', 'missing', 1, 'now', 'routed']);
      }),
    ).rejects.toThrow();
    expect(await db.query<{ n: number }>('SELECT COUNT(*) AS n FROM complaints')).toEqual(before);
  });

  it('commits concurrent transactions independently: one failing leaves the others committed', async () => {
    const insert = (tx: Db, id: string) =>
      tx.run(
        `INSERT INTO complaints (id, reference, tracking_hash, kind, status, agency_id, category, target, contents, created_at, updated_at)
           VALUES (?, ?, 'h', 'complaint', 'submitted', 'a', 'other', '{}', '{}', 'now', 'now')`,
        [id, `REF-${id}`],
      );
    await db.transaction((tx) => insert(tx, 'g0'));
    const results = await Promise.allSettled(
      ['g1', 'g2', 'g3', 'g4'].map((id) =>
        db.transaction(async (tx) => {
          await insert(tx, id);
          if (id === 'g3') await insert(tx, 'g0'); // duplicate key: this whole transaction must roll back
          return id;
        }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    const rows = await db.query<{ id: string }>("SELECT id FROM complaints WHERE id IN ('g0', 'g1', 'g2', 'g3', 'g4') ORDER BY id");
    expect(rows.map((r) => r.id)).toEqual(['g0', 'g1', 'g2', 'g4']);
  });

  it('returns the first result for a repeated idempotency key, also under concurrency', async () => {
    const world = await testWorld(db);
    const handler = complaintFunctions(world);
    const body = validSubmission({ idempotencyKey: `key-${kind}-0123456789` });
    const responses = await Promise.all([1, 2, 3, 4].map(() => handler(post(body), ctx)));
    const results = await Promise.all(responses.map((r) => r!.json() as Promise<{ reference: string; trackingCode: string }>));
    expect(new Set(results.map((r) => r.reference)).size).toBe(1);
    expect(new Set(results.map((r) => r.trackingCode)).size).toBe(1);
    expect(responses.map((r) => r!.status).sort()).toEqual([200, 200, 200, 201]);
    const rows = await db.query<{ n: number }>('SELECT COUNT(*) AS n FROM complaints WHERE idempotency_key = ?', [body.idempotencyKey]);
    expect(rows[0]!.n).toBe(1);
  });

  it('refuses the same idempotency key with a different submission (409, Chinese), never telling the first one', async () => {
    const world = await testWorld(db);
    const handler = complaintFunctions(world);
    const key = `bound-${kind}-0123456789`;
    const first = (await handler(post(validSubmission({ idempotencyKey: key })), ctx))!;
    expect(first.status).toBe(201);
    const firstBody = (await first.json()) as { reference: string; trackingCode: string };
    const before = (await db.query<{ n: number }>('SELECT COUNT(*) AS n FROM complaints'))[0]!.n;
    // Someone who learnt the key (or a form reused after editing) sends other answers; and a different evidence file.
    for (const other of [
      post(validSubmission({ idempotencyKey: key, description: '另一件事：对方在集市上单独执法并没收了我的货物。' })),
      post(validSubmission({ idempotencyKey: key, email: 'attacker@evil.example' })),
      // Every field counts, the region too (it routes a number on no roster).
      post(validSubmission({ idempotencyKey: key, region: '河北省沧州市任丘市' })),
    ]) {
      const response = (await handler(other, ctx))!;
      expect(response.status).toBe(409);
      const text = await response.text();
      expect(JSON.parse(text).errors.idempotencyKey).toMatch(/已经用于另一份内容不同的提交/);
      expect(text).not.toContain(firstBody.reference);
      expect(text).not.toContain(firstBody.trackingCode);
    }
    // The plain HTML form is told the same on a page.
    const form = new URLSearchParams({ ...(validSubmission({ idempotencyKey: key, place: '别处' }) as Record<string, string>), confirm: '1' });
    const page = (await handler(
      new Request('http://localhost/api/complaints', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
        body: form,
      }),
      ctx,
    ))!;
    expect(page.status).toBe(409);
    expect(await page.text()).not.toContain(firstBody.reference);
    expect((await db.query<{ n: number }>('SELECT COUNT(*) AS n FROM complaints'))[0]!.n).toBe(before);
    // The same answers again (spaces around them aside) are the same submission: the first result.
    const again = (await handler(post(validSubmission({ idempotencyKey: key, place: '  示例市人民路 1 号 ' })), ctx))!;
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(firstBody);
  });

  it('still answers a retry of a complaint stored with the first version of the submission hash', async () => {
    const world = await testWorld(db);
    const handler = complaintFunctions(world);
    const key = `v1-${kind}-0123456789`;
    const first = (await handler(post(validSubmission({ idempotencyKey: key })), ctx))!;
    expect(first.status).toBe(201);
    const { reference } = (await first.json()) as { reference: string };
    // As a server before v2 stored it: the hash of the listed answers, without the region.
    const parsed = complaintInputSchema.parse(validSubmission({ idempotencyKey: key }));
    expect(submissionHashV1(parsed, [])).not.toBe(submissionHash(parsed, []));
    await db.run('UPDATE complaints SET submission_hash = ? WHERE reference = ?', [submissionHashV1(parsed, []), reference]);
    const again = (await handler(post(validSubmission({ idempotencyKey: key })), ctx))!;
    expect(again.status).toBe(200);
    expect(((await again.json()) as { reference: string }).reference).toBe(reference);
    const other = (await handler(post(validSubmission({ idempotencyKey: key, description: '另一件事：对方在集市上单独执法并没收了我的货物。' })), ctx))!;
    expect(other.status).toBe(409);
  });

  it('takes the idempotency key from the Idempotency-Key header too, and stores evidence bytes with the complaint', async () => {
    const world = await testWorld(db);
    const handler = complaintFunctions(world);
    const png = fakePng(60);
    const make = () => {
      const data = new FormData();
      for (const [k, v] of Object.entries(validSubmission({ email: '' }))) data.append(k, String(v));
      data.append('evidence', new Blob([png], { type: 'image/jpeg' }), '../../etc/passwd.jpg');
      return new Request('http://localhost/api/complaints', {
        method: 'POST',
        headers: { accept: 'application/json', 'idempotency-key': `hdr-${kind}-0123456789` },
        body: data,
      });
    };
    const first = (await handler(make(), ctx))!;
    const again = (await handler(make(), ctx))!;
    expect([first.status, again.status]).toEqual([201, 200]);
    const a = (await first.json()) as { reference: string };
    expect(((await again.json()) as { reference: string }).reference).toBe(a.reference);
    const row = (await findComplaintByReference(db, a.reference))!;
    const files = await db.query<{ name: string; type: string; size: number; data: Uint8Array }>(
      'SELECT name, type, size, data FROM evidence WHERE complaint_id = ?',
      [row.id],
    );
    expect(files.map((f) => [f.name, f.type, Number(f.size), [...f.data]])).toEqual([['证据1.png', 'image/png', png.byteLength, [...png]]]);
  });

  it('stores a submission with its evidence whole or not at all (one statement on PostgreSQL, kept uncompressed there)', async () => {
    const world = await testWorld(db);
    const handler = complaintFunctions(world);
    const jpeg = (last: number) => fakeJpeg(40, last);
    const make = (last: number) => {
      const data = new FormData();
      for (const [k, v] of Object.entries(validSubmission({ email: '', idempotencyKey: `evidence-whole-${kind}` }))) data.append(k, String(v));
      data.append('evidence', new Blob([jpeg(last)]), 'a.jpg');
      data.append('evidence', new Blob([jpeg(last + 1)]), 'b.jpg');
      return new Request('http://localhost/api/complaints', { method: 'POST', headers: { accept: 'application/json' }, body: data });
    };
    const count = async () => Number((await db.query<{ n: number }>('SELECT COUNT(*) AS n FROM evidence'))[0]!.n);
    const before = await count();
    expect((await handler(make(1), ctx))!.status).toBe(201);
    expect(await count()).toBe(before + 2);
    // The same key with other files: the statement fails on the key, and none of its evidence is kept.
    expect((await handler(make(7), ctx))!.status).toBe(409);
    expect(await count()).toBe(before + 2);
    if (kind === 'postgres') {
      const storage = await db.query<{ relname: string; attstorage: string }>(
        `SELECT c.relname, a.attstorage FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
          WHERE a.attname = 'data' AND c.oid IN ('evidence'::regclass, 'evidence_drafts'::regclass) ORDER BY c.relname`,
      );
      expect(storage).toEqual([
        { relname: 'evidence', attstorage: 'e' },
        { relname: 'evidence_drafts', attstorage: 'e' },
      ]);
    }
  });

  it('lets only one writer move a complaint out of a status, and records a notice once', async () => {
    const world = await testWorld(db);
    const r = await complaintFunctions(world)(post(validSubmission({ about: 'unit', certificateNo: '', agencyId: 'city-scjg' })), ctx);
    const row = (await findComplaintByReference(db, ((await r!.json()) as { reference: string }).reference))!;
    const at = new Date().toISOString();
    const results = await Promise.all([1, 2].map(() => db.transaction((tx) => updateComplaintStatus(tx, row.id, 'submitted', { status: 'accepted', at }))));
    expect(results.sort()).toEqual([false, true]);
    expect(await db.transaction((tx) => claimNotice(tx, row.id, 'reminder-accept', at))).toBe(true);
    expect(await db.transaction((tx) => claimNotice(tx, row.id, 'reminder-accept', at))).toBe(false);
  });

  it('never sends a message twice with several workers draining the outbox at once', async () => {
    const smtp = await startSmtp();
    try {
      const world = await testWorld(db);
      const handler = complaintFunctions(world);
      for (let i = 0; i < 12; i++) await handler(post(validSubmission({ email: undefined })), ctx);
      const pending = await db.query<{ n: number }>("SELECT COUNT(*) AS n FROM outbox WHERE status = 'pending'");
      const mailer = createMailer({ smtpUrl: smtp.url, outboxDir: '/nonexistent' });
      const workers = [1, 2, 3, 4].map(() =>
        sendPendingMail({ db, mailer, clock: world.clock, from: 'noreply@gongshi.example', batch: 5, composers: { intake: intakeMailComposer(world) } }),
      );
      const results = await Promise.all(workers);
      // Keep draining until nothing is due (a worker may have found the rest claimed by another).
      while (
        (await sendPendingMail({ db, mailer, clock: world.clock, from: 'noreply@gongshi.example', composers: { intake: intakeMailComposer(world) } })).claimed
      ) {}
      mailer.close();
      const total = results.reduce((n, r) => n + r.sent, 0);
      expect(total).toBeGreaterThan(0);
      expect(smtp.received.length).toBe(pending[0]!.n);
      const ids = smtp.received.map((m) => /^Message-ID:\s*(.+)$/im.exec(m.raw)![1]!.trim());
      expect(new Set(ids).size).toBe(ids.length);
      const left = await db.query<{ n: number }>("SELECT COUNT(*) AS n FROM outbox WHERE status <> 'sent'");
      expect(left[0]!.n).toBe(0);
      const attempts = await db.query<{ n: number }>('SELECT COUNT(*) AS n FROM outbox_attempts WHERE ok = 1');
      expect(attempts[0]!.n).toBe(pending[0]!.n);
    } finally {
      await smtp.stop();
    }
  });
});
