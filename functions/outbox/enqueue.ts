import { randomUUID } from 'node:crypto';
import type { Db } from '../store/db.ts';
import { headerSafe, type ComposedMail } from '../mail/compose.ts';

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
  const changed = await tx.run(`INSERT INTO outbox ${OUTBOX_COLUMNS} VALUES ${OUTBOX_VALUES} ON CONFLICT (message_id) DO NOTHING`, outboxParams(mail, at, host));
  return changed === 1;
}

export const OUTBOX_COLUMNS =
  '(id, complaint_id, recipient, kind, message_id, subject, body_text, body_html, status, attempts, next_attempt_at, created_at, compose)';
export const OUTBOX_VALUES = "(?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?)";

/** The checked parameters of one outbox row (recipient and subject header-safe), for OUTBOX_VALUES. */
export function outboxParams(mail: NewMail, at: string, host: string): unknown[] {
  return [randomUUID(), mail.complaintId, checkedRecipient(mail.recipient), mail.kind, messageIdFor(mail.key, mail.kind, host),
    headerSafe(mail.subject), mail.text, mail.html, at, at, null];
}

/** A mail queued without its text: the worker has `composer` write it when it sends (OutboxOptions.compose). */
export interface MailComposedLater extends Omit<NewMail, keyof ComposedMail> {
  complaintId: string;
  composer: string;
}

/** Parameters of a row for a MailComposedLater, for OUTBOX_VALUES. */
export function composeLaterParams(mail: MailComposedLater, at: string, host: string): unknown[] {
  return [randomUUID(), mail.complaintId, checkedRecipient(mail.recipient), mail.kind, messageIdFor(mail.key, mail.kind, host),
    '', '', null, at, at, mail.composer];
}

function checkedRecipient(address: string): string {
  const recipient = headerSafe(address);
  if (!/^[^\s@<>,;"]+@[^\s@<>,;"]+$/.test(recipient)) throw new Error('收件地址无效');
  return recipient;
}
