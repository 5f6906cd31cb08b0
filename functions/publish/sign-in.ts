import { createHash, randomBytes } from 'node:crypto';
import type { Agency } from '../../src/core/registry/schema.ts';
import { composeMail, SENT_BY } from '../mail/compose.ts';
import { mailHost } from '../complaints/world.ts';
import { enqueueMail } from '../store/records/outbox.ts';
import { findSignIn, insertSignIn, useSignIn } from '../store/records/publish-sign-ins.ts';
import { findLiveSession, insertSession, type PublishRole } from '../store/records/publish-sessions.ts';
import { SESSION_HOURS, SIGN_IN_LINK_MINUTES, type PublishWorld } from './world.ts';

/**
 * Passwordless sign-in for agency clerks: a random token mailed to the agency's publishing address; only its
 * sha256 is stored. Pressing the button on the link's page (POST) uses it up and starts a session whose cookie
 * holds another random token, again stored only as a hash. Oversight bureaus sign in the same way, to their own
 * mailbox, with the role `oversight`: such a session reads the publication log and never publishes.
 */

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** A role read back from the store: anything else grants nothing. */
function knownRole(role: unknown): PublishRole | undefined {
  return role === 'clerk' || role === 'oversight' ? role : undefined;
}

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(`gongshi/publish/v1\n${token}`).digest('hex');
}

/** Where an agency's sign-in links go: publish.email, else complaints.email. */
export function publishMailbox(agency: Agency): string {
  return agency.publish?.email ?? agency.complaints.email;
}

/** `c***@city.example`: enough for the clerk to know which mailbox to open, not a full address on a public page. */
export function maskedMailbox(address: string): string {
  const [local = '', domain = ''] = address.split('@');
  return `${local.slice(0, 1)}***@${domain}`;
}

export function signInUrl(siteUrl: string, token: string): string {
  return `${siteUrl.replace(/\/+$/, '')}/publish/sign-in/${token}`;
}

/** Queues the mail with a fresh link for the agency (a clerk) or bureau (oversight); returns the mailbox it goes to. */
export async function requestSignIn(world: PublishWorld, agency: Agency, role: PublishRole = 'clerk'): Promise<string> {
  const now = world.clock.now();
  const token = newToken();
  const mailbox = publishMailbox(agency);
  const expiresAt = new Date(now.getTime() + SIGN_IN_LINK_MINUTES * 60_000);
  const oversight = role === 'oversight';
  const mail = composeMail({
    subject: `${oversight ? '发布记录' : '名单发布'}登录链接：${agency.name}`,
    intro: [
      oversight
        ? `有人在${world.settings.siteUrl}/publish/oversight/ 请求以“${agency.name}”的身份查看所监督机关的名单发布记录。`
        : `有人在${world.settings.siteUrl}/publish/ 请求以“${agency.name}”的身份登录名单发布工作台。`,
      '如果不是您本人或本单位同事请求的，请忽略本邮件，无需任何操作。',
    ],
    rows: [
      ['机关', agency.name],
      ['有效期', `${SIGN_IN_LINK_MINUTES} 分钟，只能使用一次`],
    ],
    notice: oversight
      ? '请勿转发本邮件：持有链接的人可以在有效期内查看所监督机关的名单发布记录。'
      : '请勿转发本邮件：持有链接的人可以在有效期内代表本机关发布名单。',
    actionLinks: [{ label: '打开链接后按“登录”按钮', url: signInUrl(world.settings.siteUrl, token) }],
    outro: [SENT_BY],
  });
  await world.store.transaction(async (tx) => {
    await insertSignIn(tx, {
      tokenHash: hashToken(token),
      agencyId: agency.id,
      mailbox,
      createdAt: now.toISOString(),
      expiresAt: expiresAt.toISOString(),
      role,
    });
    await enqueueMail(
      tx,
      {
        ...mail,
        complaintId: null,
        key: `publish-${hashToken(token).slice(0, 16)}`,
        kind: oversight ? 'oversight-sign-in' : 'publish-sign-in',
        recipient: mailbox,
      },
      now.toISOString(),
      mailHost(world.settings.siteUrl),
    );
  });
  return mailbox;
}

export type LinkCheck = { ok: true; agency: Agency; mailbox: string; role: PublishRole } | { ok: false; status: 400 | 404 | 410; message: string };

const BAD_LINK = { ok: false, status: 400, message: '登录链接不完整或格式不正确，请从邮件中完整复制链接，或回到“名单发布”页面重新获取。' } as const;
const UNKNOWN = { ok: false, status: 404, message: '找不到这个登录链接。请回到“名单发布”页面重新获取。' } as const;
const USED = { ok: false, status: 410, message: '这个登录链接已经用过了（每个链接只能使用一次）。请回到“名单发布”页面重新获取。' } as const;
const EXPIRED = { ok: false, status: 410, message: `这个登录链接已过期（有效期 ${SIGN_IN_LINK_MINUTES} 分钟）。请回到“名单发布”页面重新获取。` } as const;

/** What the link's page says before the button is pressed; reads only. */
export async function inspectSignIn(world: PublishWorld, token: string): Promise<LinkCheck> {
  if (!TOKEN.test(token)) return BAD_LINK;
  const row = await findSignIn(world.store, hashToken(token));
  if (!row) return UNKNOWN;
  if (row.used_at) return USED;
  if (row.expires_at <= world.clock.now().toISOString()) return EXPIRED;
  const agency = world.directory.agency(row.agency_id);
  if (!agency) return { ok: false, status: 410, message: '这个机关已不在机关名录中，无法登录。' };
  const role = knownRole(row.role);
  if (!role) return UNKNOWN;
  return { ok: true, agency, mailbox: row.mailbox, role };
}

/** Uses the link up and starts a session; returns the session's cookie token. */
export async function completeSignIn(
  world: PublishWorld,
  token: string,
): Promise<{ ok: true; sessionToken: string; agency: Agency; role: PublishRole; expiresAt: Date } | Exclude<LinkCheck, { ok: true }>> {
  const check = await inspectSignIn(world, token);
  if (!check.ok) return check;
  const now = world.clock.now();
  const sessionToken = newToken();
  const expiresAt = new Date(now.getTime() + SESSION_HOURS * 3600_000);
  const used = await world.store.transaction(async (tx) => {
    if (!(await useSignIn(tx, hashToken(token), now.toISOString()))) return false;
    await insertSession(tx, {
      tokenHash: hashToken(sessionToken),
      agencyId: check.agency.id,
      mailbox: check.mailbox,
      createdAt: now.toISOString(),
      expiresAt: expiresAt.toISOString(),
      role: check.role,
    });
    return true;
  });
  // Lost a race with another press of the same link: the other one signed in.
  if (!used) return USED;
  return { ok: true, sessionToken, agency: check.agency, role: check.role, expiresAt };
}

export interface PublishSession {
  agency: Agency;
  /** clerk: publishes for `agency`; oversight: reads the publication log of the agencies `agency` oversees. */
  role: PublishRole;
  mailbox: string;
  expiresAt: string;
  tokenHash: string;
}

/** The session a cookie token stands for, if it is live and its agency still exists. */
export async function sessionFor(world: PublishWorld, cookieToken: string | undefined): Promise<PublishSession | undefined> {
  if (!cookieToken || !TOKEN.test(cookieToken)) return undefined;
  const tokenHash = hashToken(cookieToken);
  const row = await findLiveSession(world.store, tokenHash, world.clock.now().toISOString());
  if (!row) return undefined;
  const agency = world.directory.agency(row.agency_id);
  const role = knownRole(row.role);
  if (!agency || !role) return undefined;
  return { agency, role, mailbox: row.mailbox, expiresAt: row.expires_at, tokenHash };
}
