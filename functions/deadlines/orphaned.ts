import type { Agency } from '../../src/core/registry/schema.ts';
import type { Directory } from '../../src/core/directory.ts';
import { complaintStatusLabels, type ComplaintStatus } from '../../src/core/complaint/status.ts';
import { agenciesById, mayHear, regionBureaus } from './bureaus.ts';
import { composeMail, SENT_BY, type ComposedMail } from '../mail/compose.ts';
import { REROUTE_LABEL, REROUTE_POLICY, shanghai, type LinkSet, type Stage, type SummaryItem } from '../handling/mails.ts';
import type { Db } from '../store/db.ts';
import { routedDataSchema, type Target } from '../store/records/shapes.ts';

/**
 * A complaint whose handling agency is no longer in the directory — merged or abolished in an institutional reform,
 * or dropped from agencies.yaml by a later build. Nobody can be reminded (the agency has no mailbox on the platform
 * any more) and its action links answer AgencyGone, so such a complaint must not simply be skipped: at its deadline
 * (the policy's, as for any complaint) it is escalated at once, without a reminder, to the justice bureau(s) that
 * would supervise the agency, and it is listed in those bureaus' daily summaries for as long as it stays open.
 *
 * Which bureau (`placeOrphan`), first that gives one:
 * 1. a region the complaint's records hold, in this order: a `region` in a `routed` event's data (latest first),
 *    the target's region (where a number on no roster was met), the region of the body the complaint is about or
 *    of its employer when still registered, the region of any other agency a `routed` event names (latest first:
 *    e.g. the agency that transferred it) when still registered. For that region, and failing it each enclosing
 *    region up to the province: every justice bureau the region's agencies answer to — `regionBureaus` (bureaus.ts),
 *    the rule escalation applies to an agency with neither parent nor oversight and the daily summary to an agency
 *    without oversight;
 * 2. no such region: the justice bureau(s) at the top of the jurisdiction of the regulation the complaint was filed
 *    under — among the bureaus its agencies answer to, those whose region lies in no other one's (the province's
 *    for a provincial regulation, when registered).
 * Never the accused body nor a body below it (accused.ts), whichever rule picks it. With none at all, the
 * `escalated` event is still recorded and the operator's log says so.
 */

/** The words a bureau clerk reads, in the escalation mail and the daily summary. */
export const ORPHANED = '办理机关已不在名录中';

export interface OrphanPlace {
  /** The justice bureaus told, sorted by id; empty when the platform has none that may be told. */
  bureaus: Agency[];
  /** Why these, in Chinese: the 报告依据 row of the mail. */
  basis: string;
  /** The complaints mailbox the complaint was last sent to, when the outbox still holds it: helps the clerk tell which agency it was. */
  mailbox?: string;
}

export interface OrphanComplaint {
  id: string;
  agency_id: string;
  regulation_id: string | null;
  target: Target;
}

/** The recorded `routed` data, read leniently: a row of an unexpected shape gives nothing rather than stopping the jobs. */
function routedData(text: string | null): { agencyId?: string; from?: string; region?: string } {
  let value: unknown;
  try {
    value = JSON.parse(text ?? 'null');
  } catch {
    return {};
  }
  const parsed = routedDataSchema.safeParse(value);
  if (!parsed.success) return {};
  const data = parsed.data as Record<string, unknown>;
  const text_ = (key: string) => (typeof data[key] === 'string' && data[key] ? (data[key] as string) : undefined);
  return { agencyId: parsed.data.agencyId, ...(text_('from') ? { from: text_('from') } : {}), ...(text_('region') ? { region: text_('region') } : {}) };
}

export async function placeOrphan(db: Db, directory: Directory, c: OrphanComplaint): Promise<OrphanPlace> {
  const allowed = mayHear(directory, c.agency_id, c.target);
  const byId = (ids: Iterable<string>) => agenciesById(directory, ids);
  const [last] = await db.query<{ recipient: string }>(
    "SELECT recipient FROM outbox WHERE complaint_id = ? AND (kind = 'agency' OR kind LIKE 'agency-transfer-%') ORDER BY created_at DESC, kind DESC LIMIT 1",
    [c.id],
  );
  const mailbox = last?.recipient ? { mailbox: last.recipient } : {};

  const routed = (
    await db.query<{ data: string | null }>("SELECT data FROM complaint_events WHERE complaint_id = ? AND type = 'routed' ORDER BY seq DESC", [c.id])
  ).map((r) => routedData(r.data));
  const hints: { region: string; why: string }[] = [];
  for (const r of routed) if (r.region) hints.push({ region: r.region, why: '分派时记录的地区' });
  if (c.target.about === 'unknownNumber' && c.target.region) hints.push({ region: c.target.region, why: '反映的发生地区' });
  const named = c.target.agencyId ? directory.agency(c.target.agencyId) : undefined;
  if (named && named.id !== c.agency_id) hints.push({ region: named.region, why: `该件所涉${named.name}的所在地区` });
  for (const id of routed.flatMap((r) => [r.agencyId, r.from])) {
    const a = id && id !== c.agency_id ? directory.agency(id) : undefined;
    if (a) hints.push({ region: a.region, why: `曾分派或转办该件的${a.name}的所在地区` });
  }

  for (const hint of hints) {
    // The rule an escalation follows for an agency with neither parent nor oversight (bureaus.ts).
    const found = regionBureaus(directory, hint.region, allowed);
    if (found) {
      const where = found.region === hint.region ? `${hint.why}（${hint.region}）` : `${hint.why}（${hint.region}）的上一级地区${found.region}`;
      return { bureaus: found.bureaus, basis: `原办理机关已不在名录中，按${where}报告其司法行政部门`, ...mailbox };
    }
  }

  const regulation = c.regulation_id ? directory.regulation(c.regulation_id) : undefined;
  if (regulation) {
    const candidates = byId(directory.agencies.filter((a) => a.regulation === regulation.id && a.oversight && allowed(a.oversight)).map((a) => a.oversight!));
    const top = candidates.filter((b) => !candidates.some((o) => o.region !== b.region && b.region.startsWith(o.region)));
    if (top.length) {
      return {
        bureaus: top,
        basis: `该件的记录中没有可用的地区信息，按其适用的《${regulation.title}》的施行范围，报告该范围内最上一级的司法行政部门`,
        ...mailbox,
      };
    }
  }
  return { bureaus: [], basis: '', ...mailbox };
}

const stageWords: Record<Stage, string> = { accept: '受理', resolve: '办结' };

/**
 * To a justice bureau, at the deadline of a complaint whose handling agency is gone: facts of the case only, as every
 * escalation, and the bureau's 指定办理机关 link (reroute.ts) to hand the complaint to the agency that took over.
 */
export function orphanEscalationMail(input: {
  reference: string;
  recipient: Agency;
  agencyId: string;
  place: OrphanPlace;
  stage: Stage;
  dueAt: string;
  createdAt: string;
  status: ComplaintStatus;
  timeLimit: string;
  links: LinkSet;
}): ComposedMail {
  const stage = stageWords[input.stage];
  const status = complaintStatusLabels[input.status];
  const others = input.place.bureaus.filter((b) => b.id !== input.recipient.id).map((b) => b.name);
  return composeMail({
    subject: `【逾期报告】${input.reference} ${ORPHANED}，已超过${stage}期限`,
    intro: [
      `${input.recipient.name}：`,
      `下列件的${ORPHANED}（原办理机关编号 ${input.agencyId}，可能已撤销、合并或更名）。平台无法向其催办，发给该机关的办理链接也已失效；` +
        `该件已超过${stage}期限，仍为“${status}”。特此报告，请确定承接其职责的机关，并点击下方“${REROUTE_LABEL}”链接选择该机关：` +
        `该件即转交其办理，该机关会收到完整的投诉材料和办理链接，受理期限重新计算。${REROUTE_POLICY}`,
      ...(others.length ? [`本报告同时发给${others.join('、')}，以先作出的指定为准。`] : []),
    ],
    rows: [
      ['受理编号', input.reference],
      ['原办理机关', `编号 ${input.agencyId}${input.place.mailbox ? `（投诉材料曾发往 ${input.place.mailbox}）` : ''}`],
      ['提交时间', shanghai(input.createdAt)],
      ['当前状态', status],
      [`${stage}期限`, shanghai(input.dueAt)],
      ['时限说明', input.timeLimit],
      ['报告依据', input.place.basis],
    ],
    actionLinks: input.links.links,
    outro: [input.links.validity, '本报告不含投诉内容和反映人信息。', SENT_BY],
  });
}

/** The reason of the `escalated` event. */
export function orphanEscalationReason(agencyId: string, bureaus: readonly Agency[]): string {
  return bureaus.length
    ? `${ORPHANED}（原办理机关编号 ${agencyId}），无法催办，逾期后已报告${bureaus.map((b) => b.name).join('、')}`
    : `${ORPHANED}（原办理机关编号 ${agencyId}），无法催办，平台没有可报告的司法行政部门`;
}

/** Its line in the daily summary's 逾期未办, with the bureau's 指定办理机关 link. */
export function orphanSummaryItem(
  o: {
    reference: string;
    agency_id: string;
    status: string;
    accept_due_at: string | null;
    resolve_due_at: string | null;
  },
  reroute: LinkSet,
): SummaryItem {
  const due = o.status === 'accepted' ? `办结期限 ${o.resolve_due_at!.slice(0, 10)}` : `受理期限 ${o.accept_due_at!.slice(0, 10)}`;
  return {
    reference: o.reference,
    agencyName: orphanAgencyName(o.agency_id),
    what: `${ORPHANED}，平台无法催办，请确定承接其职责的机关并用下方“${REROUTE_LABEL}”链接转交；${due} 已过`,
    reroute,
  };
}

/** How a gone agency is named in a summary line. */
export const orphanAgencyName = (agencyId: string): string => `原办理机关编号 ${agencyId}`;
