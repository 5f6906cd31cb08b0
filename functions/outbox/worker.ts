import { randomUUID } from 'node:crypto';
import type { Db } from '../store/db.ts';
import { DEFAULT_MAX_MESSAGE_BYTES, encodedSize, isPermanentRefusal, type Mailer, type OutgoingMail } from '../mail/transport.ts';
import { headerSafe, type ComposedMail } from '../mail/compose.ts';
import { escapeHtml } from '../../src/core/text.ts';

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
  /** How long a claim holds a row before another worker may take it over (crashed worker); renewed before each send. */
  leaseMs?: number;
  /** Stop retrying (status `failed`) once a message is this old. */
  giveUpAfterMs?: number;
  /**
   * Writes a mail that was queued without its text (`compose` names the composer), just before it is sent; what
   * was sent is then stored in the row. Intake queues its mails this way so that a submission does not wait for
   * them to be written (docs/COMPLAINTS.md).
   */
  compose?: (mail: ComposeRequest) => Promise<ComposedMail>;
  /** Cap on one encoded message, as sent (base64 attachments included); default DEFAULT_MAX_MESSAGE_BYTES. */
  maxMessageBytes?: number;
  /**
   * A download link for an evidence file that would push its message over the cap
   * (functions/complaints/evidence-links.ts). Without it every file is attached whatever the size.
   */
  evidenceLink?: (complaintId: string, evidenceId: string) => Promise<{ url: string; until: Date } | undefined>;
}

export interface ComposeRequest {
  composer: string;
  complaintId: string | null;
  kind: string;
  recipient: string;
}

export const DAY = 24 * 3600 * 1000;
/** Longer than one send can take with SMTP_TIMEOUTS (10 + 10 + 20 s). */
export const DEFAULT_LEASE_MS = 60_000;

/** 1 min, 2, 4 … capped at 6 h: about 28 attempts over the 5 days before `failed`. */
export function backoffMs(attempts: number): number {
  return Math.min(60_000 * 2 ** Math.max(0, attempts - 1), 6 * 3600_000);
}

interface OutboxRow {
  id: string;
  complaint_id: string | null;
  recipient: string;
  kind: string;
  message_id: string;
  subject: string;
  body_text: string;
  body_html: string | null;
  attempts: number;
  created_at: string;
  compose: string | null;
}

export interface SendResult {
  claimed: number;
  sent: number;
  retried: number;
  failed: number;
}

/**
 * Sends the mail that is due, once: claims rows (a lease in `locked_until`; `FOR UPDATE SKIP LOCKED` on
 * PostgreSQL so several workers never claim the same row), sends each (awaited), then records the
 * attempt and marks the row sent — or schedules the retry, or gives up after `giveUpAfterMs` (`failed`,
 * reported by the daily summary to oversight). A crash between the SMTP server's acceptance and the
 * `sent` mark re-sends after the lease with the same Message-ID (receivers drop the duplicate).
 */
export async function sendPendingMail(options: OutboxOptions): Promise<SendResult> {
  const { db, mailer, clock } = options;
  const worker = randomUUID();
  const now = clock.now();
  const nowIso = now.toISOString();
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const leaseUntil = new Date(now.getTime() + leaseMs).toISOString();
  const batch = options.batch ?? 20;
  const rows = await db.transaction(async (tx) => {
    const lock = tx.dialect === 'postgres' ? ' FOR UPDATE SKIP LOCKED' : '';
    const due = await tx.query<OutboxRow & Record<string, unknown>>(
      `SELECT id, complaint_id, recipient, kind, message_id, subject, body_text, body_html, attempts, created_at, compose FROM outbox
       WHERE status = 'pending' AND next_attempt_at <= ? AND (locked_until IS NULL OR locked_until <= ?)
       ORDER BY next_attempt_at LIMIT ?${lock}`,
      [nowIso, nowIso, batch],
    );
    for (const row of due) {
      await tx.run('UPDATE outbox SET locked_until = ?, locked_by = ? WHERE id = ?', [leaseUntil, worker, row.id]);
    }
    return due;
  });
  const result: SendResult = { claimed: rows.length, sent: 0, retried: 0, failed: 0 };
  for (const row of rows) {
    // Renew the lease for this one send (and confirm it is still ours): a lease then only has to outlast one
    // send (timeouts ≤ 40 s), not the whole batch, so a crashed worker's rows come back quickly.
    const renewed = await db.run("UPDATE outbox SET locked_until = ? WHERE id = ? AND locked_by = ? AND status = 'pending'", [
      new Date(clock.now().getTime() + leaseMs).toISOString(), row.id, worker,
    ]);
    if (renewed !== 1) continue;
    let error: string | undefined;
    let permanent = false;
    let composed: ComposedMail | undefined;
    try {
      if (row.compose) {
        if (!options.compose) throw new Error(`no composer for ${row.compose}`);
        composed = await options.compose({ composer: row.compose, complaintId: row.complaint_id, kind: row.kind, recipient: row.recipient });
      }
      const evidence = row.kind.startsWith('agency') && row.complaint_id ? await evidenceOf(db, row.complaint_id) : [];
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
      if (fitted.linked) composed = { subject: fitted.mail.subject, text: fitted.mail.text, html: fitted.mail.html ?? '' };
      await mailer.send(fitted.mail);
    } catch (e) {
      // Only the error's kind and code: an SMTP reply can echo addresses.
      const err = e as NodeJS.ErrnoException & { responseCode?: number };
      error = [err.code, err.responseCode, err.name].filter(Boolean).join(' ') || 'Error';
      permanent = isPermanentRefusal(e);
    }
    const at = clock.now();
    const attempts = Number(row.attempts) + 1;
    await db.transaction(async (tx) => {
      await tx.run('INSERT INTO outbox_attempts (id, outbox_id, at, ok, error) VALUES (?, ?, ?, ?, ?)', [
        randomUUID(), row.id, at.toISOString(), error ? 0 : 1, error ?? null,
      ]);
      if (!error) {
        await tx.run(
          `UPDATE outbox SET status = 'sent', attempts = ?, sent_at = ?, locked_until = NULL, locked_by = NULL, last_error = NULL
           WHERE id = ?`,
          [attempts, at.toISOString(), row.id],
        );
        // The row keeps what was sent.
        if (composed) {
          await tx.run('UPDATE outbox SET subject = ?, body_text = ?, body_html = ?, compose = NULL WHERE id = ?', [
            headerSafe(composed.subject), composed.text, composed.html, row.id,
          ]);
        }
        result.sent++;
        return;
      }
      const age = at.getTime() - Date.parse(row.created_at);
      // A permanent refusal (5xx: no such mailbox, message too big) fails at once and goes to the daily summary.
      const giveUp = permanent || age >= (options.giveUpAfterMs ?? 5 * DAY);
      await tx.run(
        `UPDATE outbox SET status = ?, attempts = ?, last_error = ?, next_attempt_at = ?, locked_until = NULL, locked_by = NULL
         WHERE id = ?`,
        [giveUp ? 'failed' : 'pending', attempts, error, new Date(at.getTime() + backoffMs(attempts)).toISOString(), row.id],
      );
      if (giveUp) result.failed++;
      else result.retried++;
    });
  }
  return result;
}

interface EvidenceRow {
  id: string;
  name: string;
  type: string;
  size: number;
  data: Buffer | Uint8Array;
}

async function evidenceOf(db: Db, complaintId: string): Promise<EvidenceRow[]> {
  return db.query<EvidenceRow & Record<string, unknown>>('SELECT id, name, type, size, data FROM evidence WHERE complaint_id = ? ORDER BY name', [complaintId]);
}

const attachment = (r: EvidenceRow) => ({ filename: r.name, contentType: r.type, content: Buffer.from(r.data) });

/** Room kept for the download-link lines added to the text and HTML parts. */
const LINK_SECTION_BYTES = 8192;

const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const beijingDate = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' });

/**
 * Keeps the message under the cap: when it does not fit, the smallest files stay attached while they fit and the
 * rest are replaced by download links listed at the end of the text and HTML parts. A message that needs a link it
 * cannot get (no linker, a deleted file) goes out as it is, and an SMTP server that refuses it fails it for good.
 */
async function fitEvidence(
  mail: OutgoingMail,
  evidence: EvidenceRow[],
  complaintId: string | null,
  options: Pick<OutboxOptions, 'maxMessageBytes' | 'evidenceLink'>,
): Promise<{ mail: OutgoingMail; linked: boolean }> {
  const max = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  if (!evidence.length || !complaintId || !options.evidenceLink || (await encodedSize(mail)) <= max) return { mail, linked: false };
  const kept: EvidenceRow[] = [];
  const linked: EvidenceRow[] = [];
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
  const heading = `以下证据文件太大，无法随邮件附上，请在 ${until}（北京时间）前下载。链接仅供贵单位办理本件使用，请勿转发：`;
  const text = `${mail.text}\n\n${heading}\n${links.map((l) => `${l.name}（${megabytes(l.size)}）：${l.url}`).join('\n')}`;
  const section = `<p>${escapeHtml(heading)}</p><ul>${links.map((l) => `<li><a href="${escapeHtml(l.url)}">${escapeHtml(l.name)}</a>（${megabytes(l.size)}）</li>`).join('')}</ul>`;
  const html = mail.html ? (mail.html.includes('</body>') ? mail.html.replace('</body>', `${section}</body>`) : mail.html + section) : null;
  return { mail: { ...mail, text, html, attachments: kept.sort((a, b) => a.name.localeCompare(b.name)).map(attachment) }, linked: true };
}

/** Runs sendPendingMail every `intervalMs` until the signal aborts; never throws (errors are logged by kind). */
export async function runOutboxLoop(
  options: OutboxOptions & { intervalMs?: number; signal?: AbortSignal; log?: (line: string) => void; beforeRound?: () => Promise<unknown> },
): Promise<void> {
  const log = options.log ?? ((line) => console.log(line));
  while (!options.signal?.aborted) {
    try {
      await options.beforeRound?.();
      const r = await sendPendingMail(options);
      if (r.claimed) log(`[outbox] sent ${r.sent}, retry ${r.retried}, failed ${r.failed}`);
      if (r.claimed === (options.batch ?? 20)) continue;
    } catch (e) {
      log(`[outbox] round failed: ${(e as Error).name} ${(e as NodeJS.ErrnoException).code ?? ''}`);
    }
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, options.intervalMs ?? 2000);
      options.signal?.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
    });
  }
}
