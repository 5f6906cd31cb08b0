import type { Agency } from '../../src/core/registry/schema.ts';
import { complaintStatusLabels } from '../../src/core/complaint/status.ts';
import { formatDateTime } from '../../src/core/dates.ts';
import { composeMail, SENT_BY, statusLine, type ActionLink, type ComposedMail, type MailRow } from '../mail/compose.ts';
import type { Clock } from '../outbox/worker.ts';
import { actionUrl, FRESH_LINKS_TITLE, freshLinksUrl, issueActionToken, linkExpiry, REROUTE, type LinkAction } from './links.ts';
import { DEFAULT_POLICY, type Policy } from '../../src/core/policy/schema.ts';
import { actionLabels, type HandlingAction } from './state.ts';
import type { ComplaintStatus } from '../../src/core/complaint/status.ts';

/** Mails of the handling stage. None of them carries the complaint's contents except the transfer mail (C's agencyMail). */

export const shanghai = (iso: string): string => `${formatDateTime(iso)}（北京时间）`;

/** The label of a justice bureau's link (reroute.ts); in a summary followed by the reference it is for. */
export const REROUTE_LABEL = '指定办理机关';
/** Who re-assigns such a complaint is the platform's rule: neither regulation says (docs/HANDLING.md, docs/LEGAL.md). */
export const REROUTE_POLICY = '由司法行政部门指定承接机关是本平台的规则，不是《办法》的规定；平台没有其他改派途径。';

const linkLabels: Record<LinkAction, string> = {
  accept: '受理此件',
  reject: '不予受理（需说明理由）',
  transfer: '转办其他机关（需说明理由）',
  resolve: '办结（需填写办理结果）',
  reroute: `${REROUTE_LABEL}（选择承接其职责的机关，该件即转交其办理）`,
};

/** What action links need of the world: the key, the site's address, the time and the policy's days after a deadline. */
export interface LinkWorld {
  settings: { secret: string; siteUrl: string };
  clock: Clock;
  policy?: Policy;
}

/** When links issued now for a deadline `dueAt` expire (links.ts linkExpiry, with the policy's days after it). */
export function actionLinksExpiry(world: LinkWorld, dueAt: string | null | undefined): Date {
  const days = (world.policy ?? DEFAULT_POLICY).handling.linkDaysAfterDeadline;
  return linkExpiry(world.clock.now(), dueAt ? new Date(new Date(dueAt).getTime() + days * 86_400_000) : undefined);
}

/** Links for one mail and the line that says how long they last. */
export interface LinkSet {
  links: ActionLink[];
  validity: string;
  /** When the links expire, and how many days after the deadline that is (rerouteLink sets them: a summary listing several complaints names each one's date). */
  until?: Date;
  daysAfterDeadline?: number;
}

function issueLinks(
  world: LinkWorld,
  complaint: { reference: string; agencyId: string; period: number },
  actions: readonly LinkAction[],
  until: Date,
): ActionLink[] {
  const now = world.clock.now();
  return actions.map((action) => ({
    label: linkLabels[action],
    url: actionUrl(
      world.settings.siteUrl,
      issueActionToken(
        { reference: complaint.reference, action, agencyId: complaint.agencyId, period: complaint.period },
        world.settings.secret,
        now,
        undefined,
        until,
      ),
    ),
  }));
}

/** Signed links for `actions`, valid until the deadline they serve (`dueAt`) plus the policy's days, 30 days at least. */
export function actionLinks(
  world: LinkWorld,
  complaint: { reference: string; agencyId: string; period: number; dueAt?: string | null },
  actions: readonly HandlingAction[],
): LinkSet {
  const until = actionLinksExpiry(world, complaint.dueAt);
  return { links: issueLinks(world, complaint, actions, until), validity: linksValidity(world, until) };
}

const rerouteValidity = (until: string, days: number | undefined, several = false) =>
  `指定办理机关的链接${several ? '各' : ''}只能使用一次，有效至 ${until}（所涉办理期限后 ${days ?? ''} 天，至少 30 天；本平台规则）；请勿转发。` +
  '在仍逾期未办期间，贵单位每天的汇总邮件都会附上新的链接。';

/**
 * The 指定办理机关 link of a justice bureau told about a complaint whose handling agency left the directory
 * (orphaned.ts, reroute.ts): signed for the bureau and the complaint's handling round, expiring as the others do.
 * There is no fresh-links page for bureaus: every daily summary that lists the complaint carries a new one.
 */
export function rerouteLink(world: LinkWorld, complaint: { reference: string; bureauId: string; period: number; dueAt?: string | null }): LinkSet {
  const until = actionLinksExpiry(world, complaint.dueAt);
  const days = (world.policy ?? DEFAULT_POLICY).handling.linkDaysAfterDeadline;
  return {
    links: issueLinks(world, { reference: complaint.reference, agencyId: complaint.bureauId, period: complaint.period }, [REROUTE], until),
    validity: rerouteValidity(shanghai(until.toISOString()), days),
    until,
    daysAfterDeadline: days,
  };
}

/** For the intake mail (World.actionLinks): what a newly routed complaint allows (its first period), until its 受理 deadline. */
export function makeIntakeActionLinks(world: LinkWorld) {
  return (complaint: { reference: string; agencyId: string; dueAt?: string | null }): LinkSet =>
    actionLinks(world, { ...complaint, period: 1 }, ['accept', 'reject', 'transfer']);
}

const kindWord = (kind: string) => (kind === 'report' ? '举报' : '投诉');

export type Stage = 'accept' | 'resolve';
const stageWord: Record<Stage, string> = { accept: '受理', resolve: '办结' };

/** A deadline as the citizen's mail and the action pages state it: the date, what is due by then, and its label (timeLimitFor). */
export interface StatedDeadline {
  stage: Stage;
  dueAt: string;
  timeLimit: string;
}

export function deadlineRows(d: StatedDeadline): MailRow[] {
  return [
    [`${stageWord[d.stage]}期限`, `${shanghai(d.dueAt)} 前${d.stage === 'accept' ? '决定是否受理' : '办结'}`],
    ['时限说明', d.timeLimit],
  ];
}

/** To the complainant, at each transition, when they gave an address. Says what happened, never who handled what inside. */
export function citizenStatusMail(input: {
  reference: string;
  kind: string;
  status: ComplaintStatus;
  at: string;
  agencyName: string;
  detail?: string;
  /** The deadline now running (after 受理: the 办结 deadline), with its label. */
  deadline?: StatedDeadline;
  siteUrl: string;
}): ComposedMail {
  const what: Record<ComplaintStatus, string> = {
    submitted: `${input.agencyName}已收到`,
    accepted: `${input.agencyName}已受理`,
    rejected: `${input.agencyName}决定不予受理`,
    transferred: `已转${input.agencyName}办理`,
    resolved: `${input.agencyName}已办结`,
  };
  const detailLabel: Partial<Record<ComplaintStatus, string>> = {
    accepted: '受理备注',
    rejected: '不予受理理由',
    transferred: '转办理由',
    resolved: '办理结果',
  };
  return composeMail({
    subject: `您的${kindWord(input.kind)}（受理编号 ${input.reference}）${complaintStatusLabels[input.status]}`,
    intro: ['您好：', `您的${kindWord(input.kind)}（受理编号 ${input.reference}）${what[input.status]}。`],
    rows: [
      ['受理编号', input.reference],
      ['当前状态', complaintStatusLabels[input.status]],
      ['时间', shanghai(input.at)],
      ...(input.detail && detailLabel[input.status] ? [[detailLabel[input.status]!, input.detail] as [string, string]] : []),
      ...(input.deadline ? deadlineRows(input.deadline) : []),
    ],
    outro: [statusLine(input.siteUrl), ...(input.status === 'rejected' ? ['对不予受理决定有异议的，可以向该机关的上级行政机关反映（本平台的提示）。'] : [])],
  });
}

/** To the handling agency after it accepted: the deadline and the links for the next step. */
export function acceptedMail(input: { reference: string; agency: Agency; resolveDueAt: string; timeLimit: string; links: LinkSet }): ComposedMail {
  return composeMail({
    subject: `【已受理】${input.reference} 请于期限内办结`,
    intro: [`${input.agency.name}：`, `贵单位已受理 ${input.reference}。办结后请点击下方“办结”链接填写办理结果；如需转办，请使用“转办”链接。`],
    rows: [
      ['受理编号', input.reference],
      ['办结期限', shanghai(input.resolveDueAt)],
      ['时限说明', input.timeLimit],
    ],
    actionLinks: input.links.links,
    outro: [input.links.validity, SENT_BY],
  });
}

/** The line under a mail's links: how long they last and where to ask for fresh ones. */
export function linksValidity(world: LinkWorld, until: Date): string {
  const days = (world.policy ?? DEFAULT_POLICY).handling.linkDaysAfterDeadline;
  return (
    `每个链接只能使用一次，有效至 ${shanghai(until.toISOString())}（所涉办理期限后 ${days} 天，至少 30 天；本平台规则）；请勿转发。` +
    `链接失效或遗失时，可在${FRESH_LINKS_TITLE}页面 ${freshLinksUrl(world.settings.siteUrl)} 凭受理编号和本机关登记的投诉受理邮箱申请，新链接只发往该邮箱。`
  );
}

export function reminderMail(input: {
  reference: string;
  agency: Agency;
  stage: Stage;
  dueAt: string;
  escalateAt: string;
  timeLimit: string;
  links: LinkSet;
}): ComposedMail {
  return composeMail({
    subject: `【催办】${input.reference} 已超过${stageWord[input.stage]}期限`,
    intro: [`${input.agency.name}：`, `${input.reference} 已超过${stageWord[input.stage]}期限，请尽快办理。`],
    rows: [
      ['受理编号', input.reference],
      [`${stageWord[input.stage]}期限`, shanghai(input.dueAt)],
      ['逾期未办的后果', `${shanghai(input.escalateAt)} 后仍未${stageWord[input.stage]}的，将报告上级行政机关和司法行政部门`],
      ['时限说明', input.timeLimit],
    ],
    actionLinks: input.links.links,
    outro: [input.links.validity, SENT_BY],
  });
}

/** To the parent and oversight of the agency that missed a deadline: facts of the case only, no contents or complainant. */
export function escalationMail(input: {
  reference: string;
  recipient: Agency;
  handler: Agency;
  stage: Stage;
  dueAt: string;
  createdAt: string;
  status: ComplaintStatus;
  timeLimit: string;
}): ComposedMail {
  return composeMail({
    subject: `【逾期报告】${input.handler.name} 未在期限内${stageWord[input.stage]} ${input.reference}`,
    intro: [`${input.recipient.name}：`, `${input.handler.name}未在期限内${stageWord[input.stage]}下列件，催办后仍未办理，特此报告，请督促办理。`],
    rows: [
      ['受理编号', input.reference],
      ['办理机关', input.handler.name],
      ['提交时间', shanghai(input.createdAt)],
      ['当前状态', complaintStatusLabels[input.status]],
      [`${stageWord[input.stage]}期限`, shanghai(input.dueAt)],
      ['时限说明', input.timeLimit],
    ],
    outro: ['为保护反映人，本报告不含投诉内容和反映人信息。', SENT_BY],
  });
}

export interface SummaryItem {
  reference: string;
  agencyName: string;
  what: string;
  /** A justice bureau's 指定办理机关 link for a complaint whose agency left the directory (rerouteLink). */
  reroute?: LinkSet;
}

/** An agency whose roster is past the freshness policy's period. */
export interface StaleRoster {
  agencyName: string;
  what: string;
}

export function summaryMail(input: {
  bureau: Agency;
  date: string;
  failures: SummaryItem[];
  overdue: SummaryItem[];
  stale?: StaleRoster[];
  timeLimit: string;
  freshnessBasis?: string;
}): ComposedMail {
  const list = (items: SummaryItem[]) => (items.length ? items.map((i) => `${i.reference} · ${i.agencyName} · ${i.what}`).join('\n') : '无');
  const stale = input.stale ?? [];
  const reroutes = input.overdue.flatMap((i) => (i.reroute ? i.reroute.links.map((l) => ({ label: `${REROUTE_LABEL}（${i.reference}）`, url: l.url })) : []));
  const withLinks = input.overdue.filter((i) => i.reroute);
  // One complaint: its link's validity as the escalation states it; several: each one's expiry, then the same rules.
  const linksValidity =
    withLinks.length > 1
      ? rerouteValidity(
          withLinks.map((i) => `${i.reference} ${i.reroute!.until ? shanghai(i.reroute!.until.toISOString()) : ''}`.trim()).join('；'),
          withLinks[0]!.reroute!.daysAfterDeadline,
          true,
        )
      : withLinks[0]?.reroute?.validity;
  const staleRows: [string, string][] = stale.length
    ? [['名单可能已过时', `${stale.map((s) => `${s.agencyName} · ${s.what}`).join('\n')}\n（${input.freshnessBasis ?? ''}）`]]
    : [];
  return composeMail({
    subject: `【每日汇总】${input.date} 投诉邮件投递失败 ${input.failures.length} 件，逾期 ${input.overdue.length} 件${stale.length ? `，名单可能已过时 ${stale.length} 个机关` : ''}`,
    intro: [`${input.bureau.name}：`, `以下是贵单位监督范围内 ${input.date} 的投诉办理情况汇总。`],
    rows: [['邮件投递失败', list(input.failures)], ['逾期未办', list(input.overdue)], ...staleRows, ['时限说明', input.timeLimit]],
    actionLinks: reroutes,
    outro: [...(linksValidity ? [linksValidity, REROUTE_POLICY] : []), '投递失败的件，办理机关可能没有收到，请核实其投诉受理邮箱并联系该机关。', SENT_BY],
  });
}

export { actionLabels };
