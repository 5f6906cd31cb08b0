import { rowId } from '../row-id.ts';
import type { Db } from '../db.ts';
import { headerSafe, type ComposedMail } from '../../mail/compose.ts';
import type { ComposerName } from '../../outbox/composers.ts';

/** `outbox` and `outbox_attempts`: mail waiting to be sent, and every attempt to send it. */

export interface NewMail extends ComposedMail {
  complaintId: string | null;
  /** Stable per complaint and recipient; becomes part of the Message-ID. `agency…` kinds carry the evidence. */
  kind: string;
  /** The complaint reference, or another stable key for mail not about one complaint (e.g. daily summaries). */
  key: string;
  recipient: string;
}

/** `<key.kind@host>` — the same for every attempt, so a receiver can drop a duplicate. */
export function messageIdFor(key: string, kind: string, host: string): string {
  const clean = (s: string) => s.replace(/[^A-Za-z0-9-]/g, '-');
  return `${clean(key)}.${clean(kind)}@${host.replace(/[^A-Za-z0-9.-]/g, '')}`;
}

/**
 * Queues one e-mail inside the caller's transaction. Returns false when a message with the same
 * Message-ID was already queued (so re-running a step never sends twice).
 */
export async function enqueueMail(tx: Db, mail: NewMail, at: string, host: string): Promise<boolean> {
  const changed = await tx.run(
    `INSERT INTO outbox ${OUTBOX_COLUMNS} VALUES ${OUTBOX_VALUES} ON CONFLICT (message_id) DO NOTHING`,
    outboxParams(mail, at, host),
  );
  return changed === 1;
}

export const OUTBOX_COLUMNS =
  '(id, complaint_id, recipient, kind, message_id, subject, body_text, body_html, status, attempts, next_attempt_at, created_at, compose)';
export const OUTBOX_VALUES = "(?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?)";

/** The checked parameters of one outbox row (recipient and subject header-safe), for OUTBOX_VALUES. */
export function outboxParams(mail: NewMail, at: string, host: string): unknown[] {
  return [
    rowId(),
    mail.complaintId,
    checkedRecipient(mail.recipient),
    mail.kind,
    messageIdFor(mail.key, mail.kind, host),
    headerSafe(mail.subject),
    mail.text,
    mail.html,
    at,
    at,
    null,
  ];
}

/** A mail queued without its text: the worker has `composer` write it when it sends (OutboxOptions.composers). */
export interface MailComposedLater extends Omit<NewMail, keyof ComposedMail> {
  complaintId: string;
  composer: ComposerName;
}

/** Parameters of a row for a MailComposedLater, for OUTBOX_VALUES. */
export function composeLaterParams(mail: MailComposedLater, at: string, host: string): unknown[] {
  return [rowId(), mail.complaintId, checkedRecipient(mail.recipient), mail.kind, messageIdFor(mail.key, mail.kind, host), '', '', null, at, at, mail.composer];
}

function checkedRecipient(address: string): string {
  const recipient = headerSafe(address);
  if (!/^[^\s@<>,;"]+@[^\s@<>,;"]+$/.test(recipient)) throw new Error('收件地址无效');
  return recipient;
}

/** A row as the worker reads it. */
export interface OutboxRow {
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

/**
 * Claims up to `batch` due rows for `worker` until `leaseUntil`, in one statement: the rows are chosen and leased
 * atomically. `FOR UPDATE SKIP LOCKED` on PostgreSQL, so several workers never claim the same row (a row another
 * claim holds is skipped, and a row it leased meanwhile fails the re-checked condition); SQLite's write lock
 * serialises them.
 */
export async function claimDueMail(db: Db, claim: { worker: string; now: string; leaseUntil: string; batch: number }): Promise<OutboxRow[]> {
  const lock = db.dialect === 'postgres' ? ' FOR UPDATE SKIP LOCKED' : '';
  const rows = await db.query<OutboxRow & { next_attempt_at: string } & Record<string, unknown>>(
    `UPDATE outbox SET locked_until = ?, locked_by = ?
     WHERE id IN (SELECT id FROM outbox
       WHERE status = 'pending' AND next_attempt_at <= ? AND (locked_until IS NULL OR locked_until <= ?)
       ORDER BY next_attempt_at LIMIT ?${lock})
     RETURNING id, complaint_id, recipient, kind, message_id, subject, body_text, body_html, attempts, created_at, compose, next_attempt_at`,
    [claim.leaseUntil, claim.worker, claim.now, claim.now, claim.batch],
  );
  // RETURNING gives no order: the oldest due first, as they were chosen.
  return rows
    .sort((a, b) => a.next_attempt_at.localeCompare(b.next_attempt_at) || a.created_at.localeCompare(b.created_at))
    .map(({ next_attempt_at: _, ...row }) => row);
}

/** Extends a claimed row's lease; false when the row is no longer this worker's (taken over, or already done). */
export async function renewMailLease(db: Db, id: string, worker: string, leaseUntil: string): Promise<boolean> {
  const renewed = await db.run("UPDATE outbox SET locked_until = ? WHERE id = ? AND locked_by = ? AND status = 'pending'", [leaseUntil, id, worker]);
  return renewed === 1;
}

/**
 * Gives back a claimed row this worker never started to send (it is stopping): the lease is cleared, so the row is
 * due at once for another worker or the restarted server, with no attempt recorded. False when it is no longer ours.
 */
export async function releaseMailLease(db: Db, id: string, worker: string): Promise<boolean> {
  const released = await db.run("UPDATE outbox SET locked_until = NULL, locked_by = NULL WHERE id = ? AND locked_by = ? AND status = 'pending'", [id, worker]);
  return released === 1;
}

/** What became of one attempt: sent (with the text written at sending, if any), or failed with the error's kind. */
export type AttemptOutcome = { ok: true; composed?: ComposedMail } | { ok: false; error: string; status: 'pending' | 'failed'; nextAttemptAt: string };

/**
 * Records an attempt and its outcome atomically: on PostgreSQL one statement (the attempt inserted by a
 * data-modifying WITH, one round trip), on SQLite one transaction. The row keeps what was sent. The row's state
 * changes only while it is still `worker`'s: a worker whose lease another took over (it was presumed dead) records
 * its attempt, but neither undoes the other's `sent` nor sets its own stale count.
 */
export function recordMailAttempt(db: Db, row: Pick<OutboxRow, 'id' | 'attempts'>, at: string, outcome: AttemptOutcome, worker: string): Promise<void> {
  const attempts = Number(row.attempts) + 1;
  const attempt = {
    sql: 'INSERT INTO outbox_attempts (id, outbox_id, at, ok, error) VALUES (?, ?, ?, ?, ?)',
    params: [rowId(), row.id, at, outcome.ok ? 1 : 0, outcome.ok ? null : outcome.error],
  };
  const update = outcome.ok
    ? outcome.composed
      ? {
          sql: `UPDATE outbox SET status = 'sent', attempts = ?, sent_at = ?, locked_until = NULL, locked_by = NULL, last_error = NULL,
                subject = ?, body_text = ?, body_html = ?, compose = NULL WHERE id = ? AND locked_by = ?`,
          params: [attempts, at, headerSafe(outcome.composed.subject), outcome.composed.text, outcome.composed.html, row.id, worker],
        }
      : {
          sql: `UPDATE outbox SET status = 'sent', attempts = ?, sent_at = ?, locked_until = NULL, locked_by = NULL, last_error = NULL
                WHERE id = ? AND locked_by = ?`,
          params: [attempts, at, row.id, worker],
        }
    : {
        sql: `UPDATE outbox SET status = ?, attempts = ?, last_error = ?, next_attempt_at = ?, locked_until = NULL, locked_by = NULL
              WHERE id = ? AND locked_by = ?`,
        params: [outcome.status, attempts, outcome.error, outcome.nextAttemptAt, row.id, worker],
      };
  if (db.dialect === 'postgres') {
    return db.run(`WITH attempt AS (${attempt.sql}) ${update.sql}`, [...attempt.params, ...update.params]).then(() => undefined);
  }
  return db.transaction(async (tx) => {
    await tx.run(attempt.sql, attempt.params);
    await tx.run(update.sql, update.params);
  });
}
