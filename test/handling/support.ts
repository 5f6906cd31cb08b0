import { complaintFunctions } from '../../functions/complaints/handler.ts';
import { senderAddress, type World } from '../../functions/complaints/world.ts';
import { makeIntakeActionLinks } from '../../functions/handling/mails.ts';
import { handlingFunctions } from '../../functions/handling/http.ts';
import { createMailer } from '../../functions/mail/transport.ts';
import { sendPendingMail } from '../../functions/outbox/worker.ts';
import type { Db } from '../../functions/store/index.ts';
import { manualClock, startSmtp, testWorld, validSubmission, type ReceivedMail } from '../complaints/support.ts';
import { intakeMailComposer } from '../../functions/complaints/intake-mail.ts';

export { freshDb, pgSkipReason, header, validSubmission } from '../complaints/support.ts';

/** Decodes a raw message's text/plain part (quoted-printable or base64), enough for finding links in tests. */
export function mailText(raw: string): string {
  const [head, ...rest] = raw.split(/\r?\n\r?\n/);
  const body = rest.join('\n\n');
  const boundary = /boundary="?([^";\r\n]+)"?/i.exec(head!)?.[1];
  if (boundary) {
    const parts = body.split(`--${boundary}`).slice(1, -1);
    const plain = parts.find((p) => /content-type:\s*text\/plain/i.test(p.split(/\r?\n\r?\n/)[0]!)) ?? parts.find((p) => /boundary=/i.test(p));
    return plain ? mailText(plain.replace(/^\r?\n/, '')) : '';
  }
  const encoding = /content-transfer-encoding:\s*([\w-]+)/i.exec(head!)?.[1]?.toLowerCase();
  if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (encoding === 'quoted-printable') {
    const bytes = body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
    return Buffer.from(bytes, 'latin1').toString('utf8');
  }
  return body;
}

/** `label：url` lines of an e-mail's text → {label: path}. */
export function linksIn(mail: ReceivedMail): Record<string, string> {
  const links: Record<string, string> = {};
  for (const m of mailText(mail.raw).matchAll(/^(.+?)：(https?:\/\/\S+\/api\/actions\/\S+)$/gm)) {
    links[m[1]!.replace(/（.*$/, '')] = new URL(m[2]!).pathname;
  }
  return links;
}

/** A world on a real store, a real SMTP server on loopback, the intake and handling functions, a hand-moved clock. */
export async function handlingHarness(db: Db, start = '2026-11-20T02:00:00.000Z', overrides: Partial<World> = {}) {
  const clock = manualClock(start);
  const base = await testWorld(db, { clock, ...overrides });
  const world = { ...base, actionLinks: makeIntakeActionLinks(base) };
  const smtp = await startSmtp();
  const mailer = createMailer({ smtpUrl: smtp.url, outboxDir: '/nonexistent' });
  const intake = complaintFunctions(world);
  const handling = handlingFunctions(world);
  const context = { clientAddress: '127.0.0.1' };
  const call = async (path: string, init: RequestInit = {}) => {
    const request = new Request(`http://localhost${path}`, init);
    return (await intake(request, context)) ?? (await handling(request, context)) ?? new Response('no route', { status: 599 });
  };
  const h = {
    world,
    clock,
    smtp,
    async submit(over: Record<string, unknown> = {}): Promise<{ reference: string; trackingCode: string }> {
      const response = await call('/api/complaints', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(validSubmission(over)),
      });
      if (response.status !== 201) throw new Error(`submit ${response.status}: ${await response.text()}`);
      return (await response.json()) as { reference: string; trackingCode: string };
    },
    /** Runs the outbox until nothing is due; returns the mails the SMTP server received in that run. */
    async deliver(): Promise<ReceivedMail[]> {
      const before = smtp.received.length;
      for (let i = 0; i < 10; i++) {
        const r = await sendPendingMail({ db, mailer, clock, from: senderAddress(world.settings.siteUrl), composers: { intake: intakeMailComposer(world) } });
        if (r.claimed === 0) break;
      }
      return smtp.received.slice(before);
    },
    call,
    get: (path: string) => call(path),
    post: (path: string, form: Record<string, string> = {}) =>
      call(path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() }),
    async complaint(reference: string) {
      const [row] = await db.query<{ id: string; status: string; agency_id: string; accept_due_at: string | null; resolve_due_at: string | null }>(
        'SELECT id, status, agency_id, accept_due_at, resolve_due_at FROM complaints WHERE reference = ?',
        [reference],
      );
      return row!;
    },
    async events(reference: string) {
      return db.query<{
        type: string;
        from_status: string | null;
        to_status: string | null;
        actor_agency_id: string | null;
        reason: string | null;
        at: string;
        data: string | null;
      }>(
        'SELECT e.type, e.from_status, e.to_status, e.actor_agency_id, e.reason, e.at, e.data FROM complaint_events e JOIN complaints c ON c.id = e.complaint_id WHERE c.reference = ? ORDER BY e.seq',
        [reference],
      );
    },
    async close() {
      mailer.close();
      await smtp.stop();
    },
  };
  return h;
}

export type Harness = Awaited<ReturnType<typeof handlingHarness>>;
