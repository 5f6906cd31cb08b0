import { describe, expect, it } from 'vitest';
import { complaintFunctions } from '../../functions/complaints/handler.ts';
import { intakeMailComposer } from '../../functions/complaints/intake-mail.ts';
import { createMailer } from '../../functions/mail/transport.ts';
import { intakePriority } from '../../functions/outbox/priority.ts';
import { runOutboxLoop } from '../../functions/outbox/worker.ts';
import { createApp, intakePriorityFromEnv } from '../../functions/server/app.ts';
import { readSettings } from '../../src/core/settings.ts';
import { describeEachStore, freshStore, smtpServer } from '../support/stores.ts';
import { tempDir, TEST_DATABASE_URL, testDirectory, testWorld, validSubmission, jsonComplaint } from './support.ts';

/**
 * Intake before mail in one process (functions/outbox/priority.ts): the in-process loop holds back while submissions
 * arrive, still sends its guaranteed share, and drains at full speed once the intake is quiet. Real SQLite and
 * PostgreSQL, a real SMTP server on loopback. Nothing here asserts how fast anything runs: only what happens before
 * what, and counts the gate bounds on any machine.
 */
const ctx = { clientAddress: '127.0.0.1' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const messageIds = (raws: string[]) => raws.map((raw) => /^Message-ID:\s*(.+)$/im.exec(raw)![1]!.trim());

/** A submission whose body is still arriving: the intake holds it in flight until `finish` sends the rest. */
function heldSubmission(body: unknown): { request: Request; finish(): void } {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const text = new TextEncoder().encode(JSON.stringify(body));
  const stream = new ReadableStream<Uint8Array>({
    start: (c) => {
      controller = c;
      c.enqueue(text.subarray(0, 10));
    },
  });
  const request = new Request('http://localhost/api/complaints', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: stream,
    duplex: 'half',
  } as RequestInit);
  return {
    request,
    finish: () => {
      controller.enqueue(text.subarray(10));
      controller.close();
    },
  };
}

/** Waits (polling) until `done` holds; generous, so a slow machine only makes the test slower. */
async function until(done: () => boolean | Promise<boolean>, limitMs = 30_000): Promise<void> {
  const stop = performance.now() + limitMs;
  while (!(await done()) && performance.now() < stop) await sleep(25);
  expect(await done()).toBe(true);
}

describe('intake priority (the gate itself, on its own clock)', () => {
  it('is busy while a submission is in flight and quietMs after the last answer; grants the share only when due', async () => {
    let now = 1_000;
    const gate = intakePriority({ quietMs: 30, shareEveryMs: 60, now: () => now });
    expect(gate.busy()).toBe(false);
    expect(await gate.turn()).toBe('quiet');
    gate.roundEnded();
    const answered = gate.enter();
    expect(gate.busy()).toBe(true);
    let granted: string | undefined;
    void gate.turn().then((r) => (granted = r));
    // Its clock stands still: however long the machine takes, neither the quiet time nor the share comes due.
    await sleep(300);
    expect(granted).toBeUndefined();
    now += 60;
    await until(() => granted !== undefined);
    expect(granted).toBe('share');
    gate.roundEnded();
    answered();
    answered();
    // Answered: still busy for quietMs, then quiet (a second call to the answer changed nothing).
    expect(gate.busy()).toBe(true);
    now += 29;
    expect(gate.busy()).toBe(true);
    now += 1;
    expect(gate.busy()).toBe(false);
    expect(await gate.turn()).toBe('quiet');
    const aborted = new AbortController();
    gate.enter();
    const waiting = gate.turn(aborted.signal);
    aborted.abort();
    expect(await waiting).toBe('aborted');
  });

  it('quietMs 0 never holds back; the settings fall back to their defaults on nonsense', () => {
    const gate = intakePriority({ quietMs: 0, shareEveryMs: 1000 });
    gate.enter();
    expect(gate.busy()).toBe(false);
    expect(intakePriorityFromEnv({})).toEqual({ quietMs: 250, shareEveryMs: 1000 });
    expect(intakePriorityFromEnv({ OUTBOX_INTAKE_QUIET_MS: '0', OUTBOX_BUSY_EVERY_MS: '500' })).toEqual({ quietMs: 0, shareEveryMs: 500 });
    expect(intakePriorityFromEnv({ OUTBOX_INTAKE_QUIET_MS: '-5', OUTBOX_BUSY_EVERY_MS: 'soon' })).toEqual({ quietMs: 250, shareEveryMs: 1000 });
  });
});

describeEachStore('the in-process mail loop gives way to the intake', (kind) => {
  const db = freshStore(kind);
  const smtp = smtpServer();

  it('npm start: holds every mail back while a submission is in flight, then sends them all once the intake is quiet', async () => {
    const databaseUrl = kind === 'postgres' ? `${TEST_DATABASE_URL}${TEST_DATABASE_URL.includes('?') ? '&' : '?'}options=-c%20search_path%3D${db.schema}` : '';
    const app = await createApp(readSettings({ VAR_DIR: tempDir(), DATABASE_URL: databaseUrl, SMTP_URL: smtp.url }), {
      directory: await testDirectory(),
      // The share is an hour away: only a quiet intake lets mail go within this test.
      env: { OUTBOX_INTAKE_QUIET_MS: '200', OUTBOX_BUSY_EVERY_MS: '3600000' },
      limits: { rateBurst: 1000, ratePerSecond: 1000 },
      log: () => undefined,
    });
    const stop = new AbortController();
    const before = smtp.received.length;
    const loop = app.runOutbox(stop.signal, 3_600_000, { yieldToIntake: true });
    try {
      // The loop's first round (nothing due) before the intake gets busy.
      await sleep(200);
      const held = heldSubmission(validSubmission({ email: undefined }));
      const heldAnswer = app.functions(held.request, ctx);
      const references: string[] = [];
      for (let i = 0; i < 5; i++) {
        const answer = await app.functions(jsonComplaint(validSubmission({ email: undefined, place: `示例市人民路 ${i} 号` })), ctx);
        expect(answer!.status).toBe(201);
        references.push(((await answer!.json()) as { reference: string }).reference);
      }
      // Five mails are due and the loop was woken for each; with a submission in flight it sends none, however long.
      await sleep(1_000);
      expect(smtp.received.length - before).toBe(0);
      held.finish();
      const answer = await heldAnswer;
      expect(answer!.status).toBe(201);
      references.push(((await answer!.json()) as { reference: string }).reference);
      // Quiet now: every mail leaves, each once.
      await until(() => smtp.received.length - before >= 6);
      const sent = smtp.received.slice(before);
      expect(new Set(messageIds(sent.map((m) => m.raw))).size).toBe(6);
      for (const reference of references) expect(sent.filter((m) => m.raw.includes(reference))).toHaveLength(1);
    } finally {
      stop.abort();
      await loop;
      await app.close();
    }
  }, 60_000);

  it('under a continuous stream of submissions still sends its share, one batch at a time; the backlog drains after; nothing lost', async () => {
    const batch = 2;
    const shareEveryMs = 150;
    // Quiet only after 5 s without a submission: the stream below never pauses that long, so every round during
    // it is a share.
    const gate = intakePriority({ quietMs: 5_000, shareEveryMs });
    const listeners = new Set<() => void>();
    const base = await testWorld(db);
    const world = await testWorld(db, {
      submissionInFlight: gate.enter,
      mailQueued: () => listeners.forEach((l) => l()),
      // The test world's clock stands still, so the rate limit's bucket never refills: a stream that runs until the
      // mail has had three shares may take more than its burst of 1,000 when the intake is fast.
      limits: { ...base.limits, rateBurst: Number.MAX_SAFE_INTEGER },
    });
    const handler = complaintFunctions(world);
    const mailer = createMailer({ smtpUrl: smtp.url, outboxDir: '/nonexistent', connections: 1 });
    const turns: { at: number; as: string }[] = [];
    const ends: number[] = [];
    const stop = new AbortController();
    const before = smtp.received.length;
    const loop = runOutboxLoop({
      db,
      mailer,
      clock: world.clock,
      from: 'noreply@gongshi.example',
      batch,
      concurrency: 1,
      composers: { intake: intakeMailComposer(world) },
      intervalMs: 3_600_000,
      signal: stop.signal,
      wake: (l) => {
        listeners.add(l);
        return () => listeners.delete(l);
      },
      yieldTo: {
        turn: async (signal) => {
          const as = await gate.turn(signal);
          turns.push({ at: performance.now(), as });
          return as;
        },
        roundEnded: () => {
          ends.push(performance.now());
          gate.roundEnded();
        },
      },
      log: () => undefined,
    });
    const references: string[] = [];
    try {
      await until(() => ends.length >= 1);
      const streamStarted = performance.now();
      const turnsBefore = turns.length;
      let answeredAfterMail = 0;
      // Submissions one after another, until three share rounds' worth of mail has left while they kept coming, and
      // then ten more (or 45 s: then the share did not work and the count below fails).
      while (performance.now() - streamStarted < 45_000) {
        const mailed = smtp.received.length - before;
        if (mailed >= 3 * batch && ++answeredAfterMail > 10) break;
        const answer = await handler(jsonComplaint(validSubmission({ email: undefined, place: `示例市人民路 ${references.length} 号` })), ctx);
        expect(answer!.status).toBe(201);
        references.push(((await answer!.json()) as { reference: string }).reference);
      }
      const streamMs = performance.now() - streamStarted;
      const sentDuringStream = smtp.received.length - before;
      const streamTurns = turns.slice(turnsBefore);
      // Mail left while submissions kept arriving (the share), and the stream went on after it.
      expect(sentDuringStream).toBeGreaterThanOrEqual(3 * batch);
      expect(answeredAfterMail).toBeGreaterThan(10);
      // Every round during the stream was a share, and the gate allows one per shareEveryMs: a bound that holds
      // on any machine (a slower one runs fewer rounds, never more).
      expect(streamTurns.every((t) => t.as === 'share')).toBe(true);
      expect(streamTurns.length).toBeLessThanOrEqual(Math.floor(streamMs / shareEveryMs) + 1);
      expect(sentDuringStream).toBeLessThanOrEqual(batch * (Math.floor(streamMs / shareEveryMs) + 2));
      // Most of the stream's mail was held back (it took at least a round per share interval to leave).
      expect(references.length).toBeGreaterThan(sentDuringStream);
      // Held back, not lost: once the intake is quiet the loop drains the rest back to back. Each submission's mail
      // once, every reference stored.
      await until(() => smtp.received.length - before >= references.length, 60_000);
      expect(turns.slice(turnsBefore + streamTurns.length).some((t) => t.as === 'quiet')).toBe(true);
      const sent = smtp.received.slice(before);
      expect(sent).toHaveLength(references.length);
      expect(new Set(messageIds(sent.map((m) => m.raw))).size).toBe(references.length);
      // The server has the last message before the worker records it sent (its own transaction, a moment later).
      const mine = async () =>
        (await db.query<{ reference: string; status: string }>('SELECT c.reference, o.status FROM complaints c JOIN outbox o ON o.complaint_id = c.id')).filter(
          (r) => references.includes(r.reference),
        );
      await until(async () => (await mine()).every((r) => r.status === 'sent'), 10_000);
      expect(await mine()).toHaveLength(references.length);
    } finally {
      stop.abort();
      await loop;
      mailer.close();
    }
  }, 150_000);
});
