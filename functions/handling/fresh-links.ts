import { randomBytes } from 'node:crypto';
import { escapeHtml as e } from '../../src/core/text.ts';
import { complaintStatusLabels } from '../../src/core/complaint/status.ts';
import { composeMail, evidenceLinksNotice, SENT_BY } from '../mail/compose.ts';
import { mailHost } from '../complaints/world.ts';
import { parseReference } from '../complaints/reference.ts';
import { slidingWindow } from '../complaints/rate.ts';
import { findComplaintByReference } from '../store/records/complaints.ts';
import { enqueueMail } from '../store/records/outbox.ts';
import { evidenceList } from '../store/records/evidence.ts';
import { evidenceDownloadLinks, EVIDENCE_LINK_GRACE_DAYS } from '../complaints/evidence-links.ts';
import { routingPeriod } from './actions.ts';
import { FRESH_LINKS_PATH, FRESH_LINKS_TITLE } from './links.ts';
import { actionLinks } from './mails.ts';
import { page } from './pages.ts';
import { allowedActions } from './state.ts';
import type { HandlingWorld } from './world.ts';

/**
 * Fresh action links for an agency whose links expired or got lost: it gives the reference and its registered
 * complaints mailbox; when both match the complaint it handles now, a mail with fresh links goes to that registered
 * mailbox — never to an address typed in. The answer is the same whether or not they matched, so the page tells no
 * one which references exist or which agency handles them. Limited per client address and per reference.
 */
export const FRESH_LINKS_PER_HOUR = { perAddress: 10, perReference: 3 } as const;

export const freshLinksWords = {
  intro:
    '办理链接或证据下载链接过期、提示无效或遗失时，办理机关可以在这里申请新链接：填写受理编号和本机关在本平台登记的投诉受理邮箱。两项与本平台记录一致时，新的办理链接和证据下载链接发往该登记邮箱（不会发往其他地址）。',
  reference: '受理编号',
  referenceHint: '如 TS-7K3M-9QX2，见投诉邮件的标题',
  mailbox: '本机关登记的投诉受理邮箱',
  mailboxHint: '即收到投诉邮件的邮箱',
  submit: '发送新链接',
  badReference: '受理编号格式不对，应像 TS-7K3M-9QX2（请从投诉邮件中复制）',
  badMailbox: '请填写邮箱地址，如 tousu@example.gov.cn',
  sent: '如果受理编号和邮箱与本平台登记的办理机关一致，且该件尚未办结，新的办理链接已发往该邮箱，请几分钟后查收。没有收到的，请核对受理编号和邮箱后重试，或联系本平台。',
  tooMany: '申请太频繁，请一小时后再试。',
  /**
   * The mail's first paragraph. It does not promise that earlier links work: after an emergency key rotation they
   * do not (docs/SECURITY.md).
   */
  mailIntro: (reference: string) =>
    `有人在本平台为 ${reference} 申请了新的办理链接，新链接如下。此前发出的链接如仍可用，可继续使用；如提示无效，请用本邮件中的新链接。如果不是本单位申请的，可忽略本邮件。`,
  evidenceHeading: (until: string) => `本件的证据文件可用以下新链接下载，${evidenceLinksNotice(until)}`,
  evidenceExpired: (until: string) =>
    `本件证据文件的下载链接已于 ${until} 失效（办理期限后 ${EVIDENCE_LINK_GRACE_DAYS} 天），不再发出新的下载链接；如仍需要证据文件，请向上级机关或司法局申请。`,
} as const;

const beijingDate = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' });

const MAILBOX = /^[^\s@<>"]{1,64}@[^\s@<>"]{1,190}\.[^\s@<>"]{1,63}$/;

export function freshLinksFormHtml(values: Record<string, string> = {}, errors: Record<string, string> = {}): string {
  const field = (name: 'reference' | 'mailbox', type: string, label: string, hint: string) =>
    `<label for="${name}">${label}</label><div id="${name}-hint">${hint}</div>` +
    (errors[name] ? `<p class="error" id="${name}-error" role="alert">${e(errors[name])}</p>` : '') +
    `<input id="${name}" name="${name}" type="${type}" autocomplete="${name === 'mailbox' ? 'email' : 'off'}" spellcheck="false" maxlength="254" value="${e(values[name] ?? '')}" aria-describedby="${name}-hint${errors[name] ? ` ${name}-error` : ''}">`;
  return page(
    FRESH_LINKS_TITLE,
    `<h1>${FRESH_LINKS_TITLE}</h1><p>${freshLinksWords.intro}</p>
<form method="post" action="${FRESH_LINKS_PATH}">${field('reference', 'text', freshLinksWords.reference, freshLinksWords.referenceHint)}${field('mailbox', 'email', freshLinksWords.mailbox, freshLinksWords.mailboxHint)}<button type="submit" class="btn btn-plain">${freshLinksWords.submit}</button></form>`,
  );
}

export function freshLinksSentHtml(): string {
  return page(FRESH_LINKS_TITLE, `<h1>${FRESH_LINKS_TITLE}</h1><p role="status" id="fresh-links-sent">${freshLinksWords.sent}</p>`);
}

export type FreshLinksAnswer = { status: 200; sent: boolean } | { status: 400; errors: Record<string, string> } | { status: 429 };

/** Makes `requestFreshLinks` with its own rate limits (one per handler instance). */
export function freshLinksRequester(world: HandlingWorld) {
  const perAddress = slidingWindow(FRESH_LINKS_PER_HOUR.perAddress, 3600_000);
  const perReference = slidingWindow(FRESH_LINKS_PER_HOUR.perReference, 3600_000);
  return async (form: Record<string, string>, clientAddress: string): Promise<FreshLinksAnswer> => {
    const reference = parseReference(form.reference ?? '');
    const mailbox = (form.mailbox ?? '').trim();
    const errors: Record<string, string> = {};
    if (!reference) errors.reference = freshLinksWords.badReference;
    if (!MAILBOX.test(mailbox)) errors.mailbox = freshLinksWords.badMailbox;
    if (Object.keys(errors).length) return { status: 400, errors };
    const now = world.clock.now();
    if (!perAddress(clientAddress, now.getTime()) || !perReference(reference!, now.getTime())) return { status: 429 };
    return { status: 200, sent: await mailFreshLinks(world, reference!, mailbox) };
  };
}

/** Queues the mail when the reference is open, not purged, and the mailbox is its handling agency's registered one; else nothing. */
async function mailFreshLinks(world: HandlingWorld, reference: string, mailbox: string): Promise<boolean> {
  const complaint = await findComplaintByReference(world.store, reference);
  const agency = complaint ? world.directory.agency(complaint.agency_id) : undefined;
  if (!complaint || !agency || agency.complaints.email.toLowerCase() !== mailbox.toLowerCase()) return false;
  // Purged (retention): its links would be refused anyway. The same answer as for any mismatch.
  if (complaint.purged_at) return false;
  const actions = allowedActions(complaint.status);
  if (!actions.length) return false;
  const now = world.clock.now();
  const at = now.toISOString();
  await world.store.transaction(async (tx) => {
    const period = await routingPeriod(tx, complaint.id);
    const dueAt = complaint.status === 'accepted' ? complaint.resolve_due_at : complaint.accept_due_at;
    const links = actionLinks(world, { reference, agencyId: agency.id, period, dueAt }, actions);
    // The evidence again, as download links under the key of the day: those of the first mail may have died with a key.
    const files = await evidenceList(tx, complaint.id);
    const evidence = files.length ? evidenceDownloadLinks(world, complaint, files, now) : undefined;
    const mail = composeMail({
      subject: `【新的办理链接】${reference}`,
      intro: [`${agency.name}：`, freshLinksWords.mailIntro(reference)],
      rows: [
        ['受理编号', reference],
        ['当前状态', complaintStatusLabels[complaint.status]],
      ],
      actionLinks: links.links,
      ...(evidence?.links.length ? { downloads: { heading: freshLinksWords.evidenceHeading(beijingDate.format(evidence.until)), links: evidence.links } } : {}),
      outro: [links.validity, ...(evidence?.expired ? [freshLinksWords.evidenceExpired(beijingDate.format(evidence.until))] : []), SENT_BY],
    });
    // Always the registered mailbox, never the address as typed (they are equal but for case).
    await enqueueMail(
      tx,
      { ...mail, complaintId: complaint.id, key: reference, kind: `fresh-links-${randomBytes(6).toString('hex')}`, recipient: agency.complaints.email },
      at,
      mailHost(world.settings.siteUrl),
    );
  });
  world.log?.('[handling] fresh links queued');
  return true;
}
