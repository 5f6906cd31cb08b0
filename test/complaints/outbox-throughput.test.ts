import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { complaintFunctions } from '../../functions/complaints/handler.ts';
import { intakeMailComposer } from '../../functions/complaints/intake-mail.ts';
import { createMailer, encodedSize, encodedSizeAtMost, type OutgoingMail } from '../../functions/mail/transport.ts';
import { backoffMs, sendPendingMail } from '../../functions/outbox/worker.ts';
import { createApp } from '../../functions/server/app.ts';
import { openPostgres } from '../../functions/store/postgres.ts';
import { openSqlite } from '../../functions/store/sqlite.ts';
import type { Db } from '../../functions/store/index.ts';
import { readSettings } from '../../src/core/settings.ts';
import { freshDb, manualClock, pgSkipReason, startSmtp, tempDir, TEST_DATABASE_URL, testDirectory, testWorld, validSubmission } from './support.ts';

const ctx = { clientAddress: '127.0.0.1' };
const post = (body: unknown) =>
  new Request('http://localhost/api/complaints', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
  });
const messageIds = (raws: string[]) => raws.map((raw) => /^Message-ID:\s*(.+)$/im.exec(raw)![1]!.trim());

const closing: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const close of closing.reverse()) await close();
});

for (const kind of ['sqlite', 'postgres'] as const)
  describe.skipIf(kind === 'postgres' && pgSkipReason)(`outbox worker throughput (${kind})`, () => {
    it('two workers on their own connections, each claiming batches and sending several at once, send every row exactly once', async () => {
      const db = await freshDb(kind);
      closing.push(() => db.close());
      // A second connection to the same store, as a second process would have.
      const second: Db =
        kind === 'sqlite'
          ? openSqlite((await db.query<{ file: string }>('PRAGMA database_list'))[0]!.file)
          : openPostgres(TEST_DATABASE_URL, { schema: db.schema! });
      closing.push(() => second.close());
      const smtp = await startSmtp();
      closing.push(() => smtp.stop());
      const world = await testWorld(db);
      const handler = complaintFunctions(world);
      for (let i = 0; i < 30; i++) expect((await handler(post(validSubmission({ email: undefined })), ctx))!.status).toBe(201);
      const queued = (await db.query<{ n: number }>("SELECT COUNT(*) AS n FROM outbox WHERE status = 'pending'"))[0]!.n;
      expect(Number(queued)).toBe(30);

      const drain = async (store: Db) => {
        const mailer = createMailer({ smtpUrl: smtp.url, outboxDir: '/nonexistent', connections: 3 });
        const options = {
          db: store,
          mailer,
          clock: world.clock,
          from: 'noreply@gongshi.example',
          batch: 7,
          concurrency: 3,
          composers: { intake: intakeMailComposer({ ...world, store }) },
        };
        let sent = 0;
        try {
          for (let r = await sendPendingMail(options); r.claimed; r = await sendPendingMail(options)) sent += r.sent;
        } finally {
          mailer.close();
        }
        return sent;
      };
      const [a, b] = await Promise.all([drain(db), drain(second)]);
      // Both took part (SQLite hands the write lock back and forth between the two connections).
      expect(a + b).toBe(30);
      const ids = messageIds(smtp.received.map((m) => m.raw));
      expect(ids).toHaveLength(30);
      expect(new Set(ids).size).toBe(30);
      const rows = await db.query<{ status: string; attempts: number; locked_by: string | null; compose: string | null }>(
        'SELECT status, attempts, locked_by, compose FROM outbox',
      );
      expect(rows.every((r) => r.status === 'sent' && Number(r.attempts) === 1 && r.locked_by === null && r.compose === null)).toBe(true);
      const attempts = (await db.query<{ n: number }>('SELECT COUNT(*) AS n FROM outbox_attempts WHERE ok = 1'))[0]!.n;
      expect(Number(attempts)).toBe(30);
      // The pool: a handful of SMTP connections for thirty messages, not one each.
      expect(smtp.connections).toBeLessThanOrEqual(6);
    }, 60_000);

    it('wakes the in-process worker when a submission queues mail, long before its next poll', async () => {
      const db = await freshDb(kind);
      closing.push(() => db.close());
      const smtp = await startSmtp();
      closing.push(() => smtp.stop());
      const varDir = tempDir();
      const databaseUrl =
        kind === 'postgres' ? `${TEST_DATABASE_URL}${TEST_DATABASE_URL.includes('?') ? '&' : '?'}options=-c%20search_path%3D${db.schema}` : '';
      const app = await createApp(readSettings({ VAR_DIR: varDir, DATABASE_URL: databaseUrl, SMTP_URL: smtp.url }), {
        directory: await testDirectory(),
        env: {},
        limits: { rateBurst: 1000, ratePerSecond: 1000 },
        log: () => undefined,
      });
      closing.push(() => app.close());
      const stop = new AbortController();
      // An hour between polls: only the wake can send the mail within the test.
      const loop = app.runOutbox(stop.signal, 3_600_000);
      try {
        await new Promise((r) => setTimeout(r, 300));
        const answer = await app.functions(post(validSubmission({ email: undefined })), ctx);
        expect(answer!.status).toBe(201);
        const { reference } = (await answer!.json()) as { reference: string };
        for (let i = 0; i < 100 && !smtp.received.some((m) => m.raw.includes(reference)); i++) await new Promise((r) => setTimeout(r, 100));
        expect(smtp.received.some((m) => m.raw.includes(reference))).toBe(true);
      } finally {
        stop.abort();
        await loop;
      }
    }, 30_000);
  });

it('a connection lost mid-message or before the greeting is one failed attempt: the pool never re-sends or reconnects on its own behind the lease', async () => {
  // A server that takes the whole message and hangs up instead of answering it.
  let transfers = 0;
  const server = createServer((socket) => {
    let data = false;
    let buffer = '';
    socket.write('220 test ESMTP\r\n');
    socket.on('data', (chunk) => {
      buffer += chunk.toString('latin1');
      if (data) {
        if (buffer.includes('\r\n.\r\n')) {
          transfers++;
          socket.destroy();
        }
        return;
      }
      for (let i = buffer.indexOf('\r\n'); i >= 0; i = buffer.indexOf('\r\n')) {
        const line = buffer.slice(0, i).toUpperCase();
        buffer = buffer.slice(i + 2);
        if (line.startsWith('DATA')) {
          data = true;
          socket.write('354 go ahead\r\n');
          return;
        }
        socket.write(line.startsWith('QUIT') ? '221 bye\r\n' : '250 ok\r\n');
      }
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closing.push(() => new Promise((resolve) => server.close(resolve)));
  const db = await freshDb('sqlite');
  closing.push(() => db.close());
  const clock = manualClock();
  const world = await testWorld(db, { clock });
  expect((await complaintFunctions(world)(post(validSubmission({ email: undefined })), ctx))!.status).toBe(201);
  const mailer = createMailer({ smtpUrl: `smtp://127.0.0.1:${(server.address() as AddressInfo).port}`, outboxDir: '/nonexistent', connections: 2 });
  try {
    const result = await sendPendingMail({ db, mailer, clock: world.clock, from: 'noreply@gongshi.example', composers: { intake: intakeMailComposer(world) } });
    expect(result).toMatchObject({ claimed: 1, sent: 0, retried: 1 });
  } finally {
    mailer.close();
  }
  expect(transfers).toBe(1);
  const attempts = await db.query<{ ok: number }>('SELECT ok FROM outbox_attempts');
  expect(attempts.map((a) => Number(a.ok))).toEqual([0]);

  // A server that hangs up before its greeting: the pool would connect again and again (backing off) on its own.
  let connections = 0;
  const mute = createServer((socket) => {
    connections++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => mute.listen(0, '127.0.0.1', resolve));
  closing.push(() => new Promise((resolve) => mute.close(resolve)));
  clock.advance(backoffMs(1));
  const again = createMailer({ smtpUrl: `smtp://127.0.0.1:${(mute.address() as AddressInfo).port}`, outboxDir: '/nonexistent', connections: 2 });
  try {
    const result = await sendPendingMail({
      db,
      mailer: again,
      clock: world.clock,
      from: 'noreply@gongshi.example',
      composers: { intake: intakeMailComposer(world) },
    });
    expect(result).toMatchObject({ claimed: 1, sent: 0, retried: 1 });
  } finally {
    again.close();
  }
  expect(connections).toBe(1);
}, 30_000);

it('writes each .eml whole under its final name, and makes the folder again when it was removed', async () => {
  const dir = join(tempDir(), 'outbox');
  const mailer = createMailer({ smtpUrl: undefined, outboxDir: dir });
  const mail = (n: number): OutgoingMail => ({
    from: 'noreply@gongshi.example',
    to: 'cgj@city.example',
    subject: `第 ${n} 件`,
    text: '正文',
    messageId: `TS-${n}.agency@gongshi.example`,
  });
  await Promise.all([1, 2, 3].map((n) => mailer.send(mail(n))));
  expect(readdirSync(dir).sort()).toEqual(['TS-1.agency@gongshi.example.eml', 'TS-2.agency@gongshi.example.eml', 'TS-3.agency@gongshi.example.eml']);
  rmSync(dir, { recursive: true });
  await mailer.send(mail(4));
  expect(readdirSync(dir)).toEqual(['TS-4.agency@gongshi.example.eml']);
  expect(existsSync(join(dir, 'TS-4.agency@gongshi.example.eml'))).toBe(true);
  mailer.close();
});

it('bounds the encoded size from above without building the message, so the cap is never passed unchecked', async () => {
  const chinese = '投诉人反映：对方在没有执法人员在场的情况下单独检查摊位并要求交罚款。'.repeat(40);
  const cases: OutgoingMail[] = [
    {
      from: '"公示" <noreply@gongshi.example>',
      to: 'cgj@city.example',
      subject: '投诉 TS-AB12-CD34',
      text: chinese,
      html: `<p>${chinese}</p>`,
      messageId: 'a@x',
    },
    { from: 'noreply@gongshi.example', to: 'cgj@city.example', subject: 'plain', text: 'x'.repeat(5000), messageId: 'b@x' },
    {
      from: 'noreply@gongshi.example',
      to: 'cgj@city.example',
      subject: '证据',
      text: chinese,
      html: `<p>${'=&<>'.repeat(2000)}</p>`,
      messageId: 'c@x',
      attachments: [
        { filename: '现场照片（第一张，很长的文件名）.jpg', contentType: 'image/jpeg', content: randomBytes(200_001) },
        { filename: 'a.png', contentType: 'image/png', content: randomBytes(1) },
        { filename: 'b.pdf', contentType: 'application/pdf', content: randomBytes(77_777) },
      ],
    },
  ];
  for (const mail of cases) {
    const exact = await encodedSize(mail);
    expect(encodedSizeAtMost(mail)).toBeGreaterThanOrEqual(exact);
    // Tight enough to matter: attachments dominate, so the bound stays within a few per cent of the truth for them.
    if (mail.attachments) expect(encodedSizeAtMost(mail)).toBeLessThan(exact * 1.5);
  }
});
