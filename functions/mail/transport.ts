import type { SendMailOptions, Transporter } from 'nodemailer';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeFolder } from '../store/make-folder.ts';

export interface OutgoingMail {
  from: string;
  to: string;
  subject: string;
  text: string;
  html?: string | null;
  /** Without angle brackets: `TS-XXXX-XXXX.agency@host`. */
  messageId: string;
  attachments?: { filename: string; contentType: string; content: Buffer }[];
}

/** Sends one message; resolves once the SMTP server (or the .eml folder) has accepted it, throws otherwise. */
export interface Mailer {
  send(mail: OutgoingMail): Promise<void>;
  readonly description: string;
  close(): void;
}

/** Short and explicit, so a hung SMTP server costs one attempt, not the worker. */
export const SMTP_TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 } as const;

/** Said without the value: it holds the mail account's password (and the URL parser's own error would print it). */
export const SMTP_URL_MALFORMED =
  'SMTP_URL 不是有效的地址。格式如 smtps://用户名:口令@smtp.example.gov.cn:465；用户名或口令中的 / @ : ? # % 要写成 %2F %40 %3A %3F %23 %25。';

/** nodemailer's codes for a relay that could not be reached or spoke no SMTP: connection, DNS, timeout, TLS. */
const UNREACHABLE_RELAY = /^(ESOCKET|ECONNECTION|ETIMEDOUT|EDNS|ETLS|EPROTOCOL)\b/;

/**
 * What the operator is told when an error (its kind, code first) means SMTP_URL names no relay that can be reached:
 * a wrong port or host, smtp: on the TLS port 465 or smtps: on 587. Names the relay's host and port, never the
 * password. Undefined for any other error.
 */
export function unreachableRelay(error: string, relay?: string): string | undefined {
  return UNREACHABLE_RELAY.test(error)
    ? `无法连接邮件服务器${relay ? `（${relay}）` : ''}，请检查 SMTP_URL 中的主机、端口和 smtps://（端口 465）或 smtp://（端口 587、25）。`
    : undefined;
}

/** How long the check at start waits for the connection, the greeting and each reply. */
export const RELAY_CHECK_TIMEOUT_MS = 5000;

/**
 * `npm start`'s check of SMTP_URL: connects and logs in as a send would (nodemailer's verify), and says how it went
 * in one line naming the relay's host and port, never the user or password. It only informs: a relay may be down for
 * a moment, and the mail waits in the outbox until it is back. Never rejects.
 */
export async function relayCheck(smtpUrl: string, timeoutMs = RELAY_CHECK_TIMEOUT_MS): Promise<{ ok: boolean; line: string }> {
  // Said without the value, like smtpUrlProblem: URL's own error would quote it, password and all.
  if (!URL.canParse(smtpUrl)) return { ok: false, line: `邮件服务器检查：${SMTP_URL_MALFORMED}` };
  const url = new URL(smtpUrl);
  const relay = `SMTP ${url.hostname}:${url.port || (url.protocol === 'smtps:' ? 465 : 587)}`;
  let transport: Transporter | undefined;
  try {
    const { default: nodemailer } = await import('nodemailer');
    transport = nodemailer.createTransport({ url: smtpUrl, connectionTimeout: timeoutMs, greetingTimeout: timeoutMs, socketTimeout: timeoutMs } as never);
    await transport.verify();
    return { ok: true, line: `邮件服务器检查：${relay} 可以连接${url.username ? '，登录成功' : ''}` };
  } catch (error) {
    // Codes only: the error's message can quote the relay's reply.
    const e = error as { code?: string; originalCode?: string; responseCode?: number };
    const kind = [e.code, e.originalCode, e.responseCode].filter(Boolean).join(' ') || 'Error';
    const why =
      unreachableRelay(kind, relay) ??
      (e.code === 'EAUTH' ? `邮件服务器（${relay}）不接受 SMTP_URL 中的用户名和口令，请核对。` : `邮件服务器（${relay}）没有通过检查。`);
    return { ok: false, line: `邮件服务器检查（${kind}）：${why}启动照常进行：邮件在队列中等待，按间隔自动重试。` };
  } finally {
    transport?.close();
  }
}

/**
 * Why SMTP_URL cannot be used, without its value; undefined when it can. Only `smtp:` and `smtps:` are mail: nodemailer
 * takes any other scheme (a typo like `smpts:`, or `http:`) for plain SMTP and would send the password unencrypted
 * to a relay that offers no STARTTLS.
 */
export function smtpUrlProblem(smtpUrl: string): string | undefined {
  if (!URL.canParse(smtpUrl)) return SMTP_URL_MALFORMED;
  const url = new URL(smtpUrl);
  // An '@' after the host: a / ? or # left unescaped in the user or password cut the address there, so the user
  // became the host and the password's digits the port (smtp://mailer:2024/Spring@relay:465 → host mailer, port
  // 2024), which the start's relay check and the outbox's log line would print.
  if (`${url.pathname}${url.search}${url.hash}`.includes('@')) return SMTP_URL_MALFORMED;
  const scheme = url.protocol;
  if (scheme !== 'smtp:' && scheme !== 'smtps:')
    return `SMTP_URL 以「${scheme}//」开头，只能是 smtps://（端口 465，全程加密）或 smtp://（端口 587 或 25，服务器支持时用 STARTTLS 加密）。格式如 smtps://用户名:口令@smtp.example.gov.cn:465。`;
  return undefined;
}

export function createMailer(options: { smtpUrl: string | undefined; outboxDir: string; connections?: number }): Mailer {
  const problem = options.smtpUrl ? smtpUrlProblem(options.smtpUrl) : undefined;
  if (problem) throw new Error(problem);
  return options.smtpUrl ? smtpMailer(options.smtpUrl, options.connections ?? 1) : emlMailer(options.outboxDir);
}

/**
 * The transport, made at the first message: loading nodemailer is a large part of a fresh process's start, and a
 * server's first answer (or a serverless instance's) sends no mail.
 */
type Nodemailer = typeof import('nodemailer')['default'];

function lazyTransport(make: (nodemailer: Nodemailer) => Transporter) {
  let made: Transporter | undefined;
  let making: Promise<Transporter> | undefined;
  return {
    get: () => (making ??= import('nodemailer').then((m) => (made = make(m.default)))),
    // Closes the connections; the next message makes a new transport (a serverless run closes after draining).
    close: () => {
      made?.close();
      made = undefined;
      making = undefined;
    },
  };
}

/**
 * SMTP over a pool of `connections` kept open between messages (one per send the worker runs at once), instead of
 * a connection, greeting and login per message. An idle connection is closed after SMTP_TIMEOUTS.socketTimeout.
 */
function smtpMailer(url: string, connections: number): Mailer {
  const transport = lazyTransport((nodemailer) =>
    // One options object with the URL in it: as a second argument beside a URL string they would be message
    // defaults, and the pool and timeouts would not apply.
    nodemailer.createTransport({
      url,
      ...SMTP_TIMEOUTS,
      pool: true,
      maxConnections: Math.max(1, connections),
      // A connection lost mid-message fails this attempt (the outbox retries it with backoff) instead of being
      // re-sent by the pool: one send stays within SMTP_TIMEOUTS, so the lease renewed before it still holds.
      maxRequeues: 0,
      disableFileAccess: true,
      disableUrlAccess: true,
    } as never),
  );
  return {
    description: `SMTP ${new URL(url).host}`,
    async send(mail) {
      await (await transport.get()).sendMail(toNodemailer(mail));
    },
    close: transport.close,
  };
}

/**
 * No SMTP_URL: the raw message is written as `<message-id>.eml`, atomically (temp file, fsync, rename): a file
 * with the final name is always complete. The folder is made once, and again if it went away. Both hold
 * complainants' details: the files are `0600` and a folder made here `0700`, whatever the umask (like the store).
 */
function emlMailer(dir: string): Mailer {
  const transport = lazyTransport((nodemailer) => nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' }));
  let folderMade = false;
  return {
    description: `.eml 文件夹 ${dir}`,
    async send(mail) {
      const info = (await (await transport.get()).sendMail(toNodemailer(mail))) as unknown as { message: Buffer };
      const name = mail.messageId.replace(/[^A-Za-z0-9._@-]/g, '_');
      const tmp = join(dir, `.${name}.${process.pid}.tmp`);
      if (!folderMade) makeFolder(dir, 0o700);
      folderMade = true;
      try {
        await writeFile(tmp, info.message, { mode: 0o600, flush: true });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        makeFolder(dir, 0o700);
        await writeFile(tmp, info.message, { mode: 0o600, flush: true });
      }
      await rename(tmp, join(dir, `${name}.eml`));
    },
    close: transport.close,
  };
}

/** Default cap on one encoded message (headers, text, HTML and base64 attachments, as sent): under common 10 MB limits. */
export const DEFAULT_MAX_MESSAGE_BYTES = 9_000_000;

/** The size of the message as it goes on the wire: built by the same composer nodemailer sends with. */
export async function encodedSize(mail: OutgoingMail): Promise<number> {
  const { default: MailComposer } = await import('nodemailer/lib/mail-composer/index.js');
  const message = await new MailComposer(toNodemailer(mail)).compile().build();
  return message.byteLength;
}

/**
 * An upper bound of encodedSize without building the message: base64 attachments (4/3, CRLF every 76 characters),
 * text and HTML at worst quoted-printable (3 bytes per byte, soft breaks), and room for headers. When it is under the
 * cap, the exact size is not needed.
 */
export function encodedSizeAtMost(mail: OutgoingMail): number {
  const base64 = (bytes: number) => Math.ceil(bytes / 3) * 4 * (78 / 76) + 2;
  const quoted = (text: string) => Buffer.byteLength(text) * 3 * (78 / 76) + 2;
  const headers = 4096 + 4 * (Buffer.byteLength(mail.subject) + Buffer.byteLength(mail.to) + Buffer.byteLength(mail.from) + mail.messageId.length);
  const parts = (mail.attachments ?? []).reduce((n, a) => n + base64(a.content.byteLength) + 1024 + 4 * Buffer.byteLength(a.filename), 0);
  return Math.ceil(headers + quoted(mail.text) + (mail.html ? quoted(mail.html) : 0) + parts);
}

/**
 * A refusal the server means for good, of this message or this recipient, where retrying sends the same thing to
 * the same answer: an SMTP 5xx to RCPT TO or DATA (no such mailbox, message rejected), or 552 to MAIL FROM (larger
 * than the server takes). A 5xx anywhere else — the greeting, EHLO, AUTH (a wrong or expired password: 535, 530),
 * MAIL FROM for our sender (a relay rule) — is about the server or the site's account, not the mail: it is retried
 * like a 4xx, so that every mail queued meanwhile goes once the operator has put it right (up to the give-up age).
 */
export function isPermanentRefusal(error: unknown): boolean {
  const e = error as { responseCode?: unknown; command?: unknown };
  const code = Number(e.responseCode);
  if (!(code >= 500 && code < 600)) return false;
  const command = String(e.command ?? '').toUpperCase();
  return command === 'RCPT TO' || command === 'DATA' || (command === 'MAIL FROM' && code === 552);
}

function toNodemailer(mail: OutgoingMail): SendMailOptions {
  return {
    from: mail.from,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    ...(mail.html ? { html: mail.html } : {}),
    messageId: `<${mail.messageId}>`,
    attachments: mail.attachments,
    disableFileAccess: true,
    disableUrlAccess: true,
  };
}
