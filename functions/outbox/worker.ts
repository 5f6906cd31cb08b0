import { randomUUID } from 'node:crypto';
import type { Db } from '../store/db.ts';
import {
  DEFAULT_MAX_MESSAGE_BYTES,
  encodedSize,
  encodedSizeAtMost,
  isPermanentRefusal,
  type Mailer,
  type OutgoingMail,
  unreachableRelay,
} from '../mail/transport.ts';
import { escapeHtml } from '../../src/core/text.ts';
import { evidenceLinksNotice, type ComposedMail } from '../mail/compose.ts';
import { composerNameSchema, type Composers } from './composers.ts';
import { evidenceFiles, type EvidenceFileRow } from '../store/records/evidence.ts';
import { claimDueMail, recordMailAttempt, releaseMailLease, renewMailLease, type AttemptOutcome, type OutboxRow } from '../store/records/outbox.ts';
import type { IntakePriority } from './priority.ts';

export interface Clock {
  now(): Date;
}

export interface OutboxOptions {
  db: Db;
  mailer: Mailer;
  clock: Clock;
  from: string;
  /** How many rows one call claims. */
  batch?: number;
  /**
   * How many claimed rows are sent at once (each still renewed, sent and recorded on its own). While one send waits
   * for the SMTP server, a disk write or the database, the next is being composed; on SQLite their transactions
   * share one commit. Default DEFAULT_CONCURRENCY; a crash re-sends at most this many (same Message-IDs).
   */
  concurrency?: number;
  /** How long a claim holds a row before another worker may take it over (crashed worker); renewed before each send. */
  leaseMs?: number;
  /** Stop retrying (status `failed`) once a message is this old. */
  giveUpAfterMs?: number;
  /**
   * The composers that write mail queued without its text (`outbox.compose` names one), just before it is sent;
   * what was sent is then stored in the row. Intake queues its mails this way so that a submission does not wait
   * for them to be written (docs/COMPLAINTS.md).
   */
  composers?: Partial<Composers>;
  /** Cap on one encoded message, as sent (base64 attachments included); default DEFAULT_MAX_MESSAGE_BYTES. */
  maxMessageBytes?: number;
  /**
   * A download link for an evidence file that would push its message over the cap
   * (functions/complaints/evidence-links.ts). Without it every file is attached whatever the size.
   */
  evidenceLink?: (complaintId: string, evidenceId: string) => Promise<{ url: string; until: Date } | undefined>;
  /**
   * The worker is stopping (SIGTERM): once aborted, no further claimed row is started and the rest are released at
   * once (releaseMailLease), so a shutdown waits for the sends under way only — not for a whole batch of them one
   * after another, each up to SMTP_TIMEOUTS against a relay that does not answer.
   */
  signal?: AbortSignal;
}

export const DAY = 24 * 3600 * 1000;
/**
 * How long a claimed row stays this worker's without word from it. A send may take longer (SMTP_TIMEOUTS bound each
 * reply, not the message: a slow server answering every command in 18 s takes minutes), so the lease is renewed
 * every third of it while the send is under way (heartbeat); only a worker that stopped lets it run out.
 */
export const DEFAULT_LEASE_MS = 60_000;
/** Sends in flight per worker (OUTBOX_CONCURRENCY); also the SMTP connections one worker keeps open. */
export const DEFAULT_CONCURRENCY = 4;

/** 1 min, 2, 4 … capped at 6 h: about 28 attempts over the 5 days before `failed`. */
export function backoffMs(attempts: number): number {
  return Math.min(60_000 * 2 ** Math.max(0, attempts - 1), 6 * 3600_000);
}

export interface SendResult {
  claimed: number;
  sent: number;
  retried: number;
  failed: number;
  /** Claimed rows given back unsent because the worker was stopping (OutboxOptions.signal). */
  released?: number;
  /** The failed attempts' errors by kind and code (never a message: an SMTP reply can echo addresses), with counts. */
  errors: Record<string, number>;
}

/** A round's log line: counts, and why attempts failed, so that a wrong SMTP password or a dead relay shows at once. */
export function roundLine(r: SendResult, relay?: string): string {
  const why = Object.entries(r.errors).map(([error, n]) => `${error} ×${n}`);
  const line =
    `[outbox] sent ${r.sent}, retry ${r.retried}, failed ${r.failed}${why.length ? ` (${why.join(', ')})` : ''}` +
    (r.released ? `, ${r.released} left queued (stopping)` : '');
  // Codes alone do not tell an operator that SMTP_URL names no reachable relay (a wrong port or host, smtp: on the
  // TLS port 465 or smtps: on 587): said once per round, with the relay's host and port (never the password).
  const unreachable = Object.keys(r.errors)
    .map((error) => unreachableRelay(error, relay))
    .find(Boolean);
  return unreachable ? `${line}：${unreachable}这些邮件留在队列中，按间隔自动重试，没有丢失。` : line;
}

/**
 * Sends the mail that is due, once. Each claimed row goes through the same named steps:
 * claim → renew → compose → send → record, the lease renewed meanwhile (heartbeat). A crash between the SMTP
 * server's acceptance and `record` re-sends after the lease with the same Message-ID (receivers drop the duplicate).
 */
export async function sendPendingMail(options: OutboxOptions): Promise<SendResult> {
  const worker = randomUUID();
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const rows = await claim(options, worker, leaseMs);
  const result: SendResult = { claimed: rows.length, sent: 0, retried: 0, failed: 0, errors: {} };
  const deliver = async (row: OutboxRow) => {
    if (!(await renew(options, row, worker, leaseMs))) return;
    let outcome: AttemptOutcome;
    const stop = heartbeat(options, row, worker, leaseMs);
    try {
      const composed = await compose(options, row);
      const sent = (await send(options, row, composed)) ?? composed;
      outcome = { ok: true, ...(sent ? { composed: sent } : {}) };
    } catch (e) {
      outcome = failure(options, row, e);
    } finally {
      stop();
    }
    await record(options, row, outcome, worker);
    if (outcome.ok) result.sent++;
    else {
      if (outcome.status === 'failed') result.failed++;
      else result.retried++;
      result.errors[outcome.error] = (result.errors[outcome.error] ?? 0) + 1;
    }
  };
  // A few lanes take the claimed rows in order; a lane whose step throws (the store is down) stops the round as before.
  // Once the worker is stopping, they take no more.
  let next = 0;
  const lane = async () => {
    while (next < rows.length && !options.signal?.aborted) await deliver(rows[next++]!);
  };
  const lanes = await Promise.allSettled(Array.from({ length: Math.max(1, Math.min(options.concurrency ?? DEFAULT_CONCURRENCY, rows.length)) }, lane));
  const broken = lanes.find((l) => l.status === 'rejected');
  if (broken) throw broken.reason;
  for (const row of rows.slice(next)) if (await releaseMailLease(options.db, row.id, worker)) result.released = (result.released ?? 0) + 1;
  return result;
}

/** claim: takes up to `batch` due rows under a lease, so no other worker sends them meanwhile. */
function claim(options: OutboxOptions, worker: string, leaseMs: number): Promise<OutboxRow[]> {
  const now = options.clock.now();
  return claimDueMail(options.db, {
    worker,
    now: now.toISOString(),
    leaseUntil: new Date(now.getTime() + leaseMs).toISOString(),
    batch: options.batch ?? 20,
  });
}

/**
 * renew: extends the lease for this one send and confirms the row is still ours. A lease then only has to outlast
 * one send (timeouts ≤ 40 s), not the whole batch, so a crashed worker's rows come back quickly.
 */
function renew(options: OutboxOptions, row: OutboxRow, worker: string, leaseMs: number): Promise<boolean> {
  return renewMailLease(options.db, row.id, worker, new Date(options.clock.now().getTime() + leaseMs).toISOString());
}

/**
 * heartbeat: renews the lease every third of it until stopped, so that a send slower than the lease (a slow SMTP
 * server) is not taken for a dead worker's and sent again by another. A failed renewal changes nothing here: the
 * row is then another worker's, and `record` leaves its state alone.
 */
function heartbeat(options: OutboxOptions, row: OutboxRow, worker: string, leaseMs: number): () => void {
  const timer = setInterval(() => void renew(options, row, worker, leaseMs).catch(() => undefined), Math.max(100, Math.floor(leaseMs / 3)));
  return () => clearInterval(timer);
}

/** compose: writes a mail queued without its text, with the composer its row names; undefined when the row has it. */
async function compose(options: OutboxOptions, row: OutboxRow): Promise<ComposedMail | undefined> {
  if (!row.compose) return undefined;
  const name = composerNameSchema.safeParse(row.compose);
  const composer = name.success ? options.composers?.[name.data] : undefined;
  if (!composer) throw new Error(`no composer ${row.compose}`);
  return composer({ complaintId: row.complaint_id, kind: row.kind, recipient: row.recipient });
}

/**
 * send: hands the mail to the transport (SMTP or .eml), with the complaint's evidence for agency mail — as
 * attachments while the message stays under the cap, as download links beyond it. Returns the text as sent when
 * links were added (the row keeps what was sent).
 */
async function send(options: OutboxOptions, row: OutboxRow, composed: ComposedMail | undefined): Promise<ComposedMail | undefined> {
  const evidence = row.kind.startsWith('agency') && row.complaint_id ? await evidenceFiles(options.db, row.complaint_id) : [];
  const mail: OutgoingMail = {
    from: options.from,
    to: row.recipient,
    subject: composed?.subject ?? row.subject,
    text: composed?.text ?? row.body_text,
    html: composed?.html ?? row.body_html,
    messageId: row.message_id,
    attachments: evidence.map(attachment),
  };
  const fitted = await fitEvidence(mail, evidence, row.complaint_id, options);
  await options.mailer.send(fitted.mail);
  return fitted.linked ? { subject: fitted.mail.subject, text: fitted.mail.text, html: fitted.mail.html ?? '' } : undefined;
}

/** The stored bytes as they are (a view, not a copy: evidence can be megabytes). */
const attachment = (r: EvidenceFileRow) => ({
  filename: r.name,
  contentType: r.type,
  content: Buffer.isBuffer(r.data) ? r.data : Buffer.from(r.data.buffer, r.data.byteOffset, r.data.byteLength),
});

/** Room kept for the download-link lines added to the text and HTML parts. */
const LINK_SECTION_BYTES = 8192;

const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const beijingDate = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' });

/**
 * Keeps the message under the cap: when it does not fit, the smallest files stay attached while they fit and the
 * rest are replaced by download links listed at the end of the text and HTML parts. A message that needs a link it
 * cannot get (no linker, a deleted complaint) goes out as it is, and a server that refuses it fails it for good.
 */
async function fitEvidence(
  mail: OutgoingMail,
  evidence: EvidenceFileRow[],
  complaintId: string | null,
  options: Pick<OutboxOptions, 'maxMessageBytes' | 'evidenceLink'>,
): Promise<{ mail: OutgoingMail; linked: boolean }> {
  const max = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  if (!evidence.length || !complaintId || !options.evidenceLink || encodedSizeAtMost(mail) <= max || (await encodedSize(mail)) <= max) {
    return { mail, linked: false };
  }
  const kept: EvidenceFileRow[] = [];
  const linked: EvidenceFileRow[] = [];
  for (const file of [...evidence].sort((a, b) => Number(a.size) - Number(b.size))) {
    const trial = { ...mail, attachments: [...kept, file].map(attachment) };
    if ((await encodedSize(trial)) + LINK_SECTION_BYTES <= max) kept.push(file);
    else linked.push(file);
  }
  const links: { name: string; size: number; url: string; until: Date }[] = [];
  for (const file of linked.sort((a, b) => a.name.localeCompare(b.name))) {
    const link = await options.evidenceLink(complaintId, file.id);
    if (!link) return { mail, linked: false };
    links.push({ name: file.name, size: Number(file.size), ...link });
  }
  const until = beijingDate.format(new Date(Math.min(...links.map((l) => l.until.getTime()))));
  const heading = `以下证据文件太大，无法随邮件附上，${evidenceLinksNotice(until)}`;
  const text = `${mail.text}\n\n${heading}\n${links.map((l) => `${l.name}（${megabytes(l.size)}）：${l.url}`).join('\n')}`;
  const section = `<p>${escapeHtml(heading)}</p><ul>${links.map((l) => `<li><a href="${escapeHtml(l.url)}">${escapeHtml(l.name)}</a>（${megabytes(l.size)}）</li>`).join('')}</ul>`;
  const html = mail.html ? (mail.html.includes('</body>') ? mail.html.replace('</body>', `${section}</body>`) : mail.html + section) : null;
  return { mail: { ...mail, text, html, attachments: kept.sort((a, b) => a.name.localeCompare(b.name)).map(attachment) }, linked: true };
}

/**
 * A failed attempt: retried with backoff, or given up (`failed`, reported to oversight) once the mail is old — or
 * at once when the server refused this mail for good (a 5xx to its recipient or its data: no such mailbox, message
 * too big; isPermanentRefusal). A refused login or sender is the server's or the account's problem and is retried.
 */
function failure(options: OutboxOptions, row: OutboxRow, e: unknown): AttemptOutcome {
  // Only the error's kind and code: an SMTP reply can echo addresses.
  const err = e as NodeJS.ErrnoException & { responseCode?: number };
  const error = [err.code, err.responseCode, err.name].filter(Boolean).join(' ') || 'Error';
  const at = options.clock.now();
  const attempts = Number(row.attempts) + 1;
  const giveUp = isPermanentRefusal(e) || at.getTime() - Date.parse(row.created_at) >= (options.giveUpAfterMs ?? 5 * DAY);
  return { ok: false, error, status: giveUp ? 'failed' : 'pending', nextAttemptAt: new Date(at.getTime() + backoffMs(attempts)).toISOString() };
}

/** record: stores the attempt and the row's new state (sent with what was sent, retry, or failed). */
function record(options: OutboxOptions, row: OutboxRow, outcome: AttemptOutcome, worker: string): Promise<void> {
  return recordMailAttempt(options.db, row, options.clock.now().toISOString(), outcome, worker);
}

/**
 * Runs sendPendingMail until the signal aborts; never throws (errors are logged by kind). After a full batch it goes
 * on at once; otherwise it sleeps `intervalMs`, or less when `wake` reports mail queued in this process (the
 * intake), so a submission's mail leaves without waiting for the next poll and an idle worker polls rarely.
 * With `yieldTo` (the loop in `npm start`, beside the intake) each round first waits for its turn: at once while
 * the intake is quiet, otherwise when the guaranteed share is due (priority.ts).
 */
export async function runOutboxLoop(
  options: OutboxOptions & {
    intervalMs?: number;
    log?: (line: string) => void;
    beforeRound?: () => Promise<unknown>;
    /** Subscribes to "mail was queued" (world.mailQueued); returns the unsubscribe. */
    wake?: (listener: () => void) => () => void;
    /** The in-process intake this loop gives way to (priority.ts); a standalone worker has none. */
    yieldTo?: Pick<IntakePriority, 'turn' | 'roundEnded'>;
  },
): Promise<void> {
  const log = options.log ?? ((line) => console.log(line));
  let woken = false;
  let resolveSleep: (() => void) | undefined;
  const unsubscribe = options.wake?.(() => {
    woken = true;
    resolveSleep?.();
  });
  const onAbort = () => resolveSleep?.();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    while (!options.signal?.aborted) {
      woken = false;
      if (options.yieldTo && (await options.yieldTo.turn(options.signal)) === 'aborted') break;
      try {
        await options.beforeRound?.();
        const r = await sendPendingMail(options);
        if (r.claimed) log(roundLine(r, options.mailer.description));
        if (r.claimed === (options.batch ?? 20)) continue;
      } catch (e) {
        log(`[outbox] round failed: ${(e as Error).name} ${(e as NodeJS.ErrnoException).code ?? ''}`);
        woken = false;
      } finally {
        options.yieldTo?.roundEnded();
      }
      // Mail queued during the round is due now: look again at once.
      if (woken || options.signal?.aborted) continue;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, options.intervalMs ?? 2000);
        resolveSleep = () => {
          clearTimeout(t);
          resolve();
        };
      });
      resolveSleep = undefined;
    }
  } finally {
    unsubscribe?.();
    options.signal?.removeEventListener('abort', onAbort);
  }
}
