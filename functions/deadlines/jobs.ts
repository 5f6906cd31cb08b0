import type { Agency } from '../../src/core/registry/schema.ts';
import { mayReceive } from '../complaints/accused.ts';
import { agenciesById, mayHear, regionBureaus, summaryBureaus } from './bureaus.ts';
import { mailHost } from '../complaints/world.ts';
import { actionLinks, escalationMail, reminderMail, rerouteLink, summaryMail, type Stage, type SummaryItem } from '../handling/mails.ts';
import { allowedActions } from '../handling/state.ts';
import { routingPeriod } from '../handling/actions.ts';
import type { HandlingWorld } from '../handling/world.ts';
import { enqueueMail } from '../store/records/outbox.ts';
import type { Db } from '../store/db.ts';
import type { ComposedMail } from '../mail/compose.ts';
import { targetOf, type ComplaintRow } from '../store/records/complaints.ts';
import type { Target } from '../store/records/shapes.ts';
import { appendEvent } from '../store/records/events.ts';
import { claimNotice } from '../store/records/notices.ts';
import { escalationAt } from './policy.ts';
import { timeLimitFor, type CountedSpan } from './label.ts';
import { DEFAULT_POLICY } from '../../src/core/policy/schema.ts';
import { localDate, WEEKENDS_ONLY } from './calendar.ts';
import { currentUntil, freshnessBasis, staleSummaryLine } from '../../src/core/policy/freshness.ts';
import { orphanAgencyName, orphanEscalationMail, orphanEscalationReason, orphanSummaryItem, placeOrphan } from './orphaned.ts';

/**
 * The deadline jobs, run on a schedule with an injected clock:
 * - a complaint past its deadline (受理 while submitted/transferred, 办结 while accepted) gets one reminder
 *   to the handling agency; policy.yaml `handling.escalateAfterWorkingDays` working days later, one escalation to the agency's
 *   parent and oversight. "Once" is per handling period — the notice kind names the event that started it
 *   (the last `routed` or `accepted`), so a transfer gives the receiving agency its own reminder and escalation;
 *   the `notices` primary key makes it once even with several workers.
 * - a complaint whose personal information the retention purge removed (never closed `complaintData.keepYearsIfNeverClosed`
 *   years after filing: functions/retention/purge.ts) leaves all of this — no reminder, escalation or summary line
 *   about a complaint nobody can act on any more through the platform; `/stats/` still counts it as overdue.
 * - a complaint whose handling agency is no longer in the directory is never skipped (until purged): at its deadline it is
 *   escalated at once (no one to remind) to the justice bureau(s) that would supervise the agency (orphaned.ts),
 *   each with its own 指定办理机关 link (reroute.ts); every daily summary that lists it carries a new one.
 * - once a day (from SUMMARY_HOUR local time) each oversight bureau gets a summary of delivery failures
 *   and overdue complaints in its remit, when there is any; the outbox Message-ID makes it once per day. A
 *   complaint handled by an agency without oversight is in the remit of the bureaus an escalation would find for
 *   it (bureaus.ts); one whose agency is gone, of the bureaus orphaned.ts names for it.
 */
export const SUMMARY_HOUR = 8;

export interface JobResult {
  reminders: number;
  escalations: number;
  summaries: number;
}

interface Period {
  stage: Stage;
  dueAt: string;
  /** seq of the event that started the period. */
  since: number;
  /** When that event happened: the deadline was counted from it. */
  startedAt: string;
}

async function currentPeriod(world: HandlingWorld, c: ComplaintRow): Promise<Period | undefined> {
  const stage: Stage = c.status === 'accepted' ? 'resolve' : 'accept';
  const dueAt = stage === 'accept' ? c.accept_due_at : c.resolve_due_at;
  if (!dueAt) return undefined;
  const [row] = await world.store.query<{ seq: number | string; at: string }>(
    'SELECT seq, at FROM complaint_events WHERE complaint_id = ? AND type = ? ORDER BY seq DESC LIMIT 1',
    [c.id, stage === 'accept' ? 'routed' : 'accepted'],
  );
  return { stage, dueAt, since: Number(row?.seq ?? 0), startedAt: row?.at ?? c.created_at };
}

/**
 * The handler's parent and oversight; for an agency with neither registered, the justice bureau(s) its region's
 * agencies answer to, failing any those of each enclosing region (bureaus.ts `regionBureaus`, the rule the daily
 * summary and orphaned.ts share) — so that an escalation always reaches someone who can act.
 */
function recipientsOf(handler: Agency, world: HandlingWorld, target: Target): Agency[] {
  // Never the agency complained about nor a body below it: they must not learn who complained.
  const allowed = mayHear(world.directory, handler.id, target);
  const ids = [handler.parent, handler.oversight].filter((id): id is string => !!id && allowed(id));
  return ids.length ? agenciesById(world.directory, ids) : (regionBureaus(world.directory, handler.region, allowed)?.bureaus ?? []);
}

export async function runDeadlineJobs(world: HandlingWorld): Promise<JobResult> {
  const now = world.clock.now();
  const at = now.toISOString();
  const calendar = world.calendar ?? WEEKENDS_ONLY;
  const handling = (world.policy ?? DEFAULT_POLICY).handling;
  const host = mailHost(world.settings.siteUrl);
  const result: JobResult = { reminders: 0, escalations: 0, summaries: 0 };
  const open = await world.store.query<ComplaintRow & Record<string, unknown>>(
    "SELECT * FROM complaints WHERE status IN ('submitted', 'transferred', 'accepted') AND purged_at IS NULL AND ((status <> 'accepted' AND accept_due_at < ?) OR (status = 'accepted' AND resolve_due_at < ?)) ORDER BY created_at",
    [at, at],
  );
  for (const c of handling.remind ? open : []) {
    const period = await currentPeriod(world, c);
    if (!period) continue;
    const handler = world.directory.agency(c.agency_id);
    const target = targetOf(c);
    const kind = (what: string) => `${what}-${period.stage}-${period.since}`;
    if (!handler) {
      if (await escalateOrphan(world, c, target, period, kind('escalation'), at, host)) result.escalations++;
      continue;
    }
    // A complaint that sits with the accused or a body below it (the registry changed after it was routed) is
    // not reminded there: it goes straight to escalation, to bodies allowed to see it.
    const handlerMayHold = mayReceive(world.directory, target, handler.id);
    const escalateAt = handlerMayHold ? escalationAt(new Date(period.dueAt), handling, calendar).toISOString() : period.dueAt;
    // The reminder states the escalation date too, counted in working days after the deadline.
    const timeLimit = (to: string) => timeLimitFor(world, { from: period.startedAt, to });
    await world.store.transaction(async (tx) => {
      // Re-read inside the transaction: a concurrent action may have moved it on.
      const [fresh] = await tx.query<{ status: string; agency_id: string }>('SELECT status, agency_id FROM complaints WHERE id = ?', [c.id]);
      if (!fresh || fresh.status !== c.status || fresh.agency_id !== c.agency_id) return;
      if (handlerMayHold && (await claimNotice(tx, c.id, kind('reminder'), at))) {
        const links = actionLinks(
          world,
          { reference: c.reference, agencyId: handler.id, period: await routingPeriod(tx, c.id), dueAt: period.dueAt },
          allowedActions(c.status),
        );
        await enqueueMail(
          tx,
          {
            ...reminderMail({
              reference: c.reference,
              agency: handler,
              stage: period.stage,
              dueAt: period.dueAt,
              escalateAt,
              timeLimit: timeLimit(escalateAt),
              links,
            }),
            complaintId: c.id,
            key: c.reference,
            kind: kind('reminder'),
            recipient: handler.complaints.email,
          },
          at,
          host,
        );
        await appendEvent(tx, c.id, {
          type: 'reminded',
          at,
          actorAgencyId: null,
          reason: `超过${period.stage === 'accept' ? '受理' : '办结'}期限，已催办${handler.name}`,
        });
        result.reminders++;
      }
      if (at > escalateAt && (await claimNotice(tx, c.id, kind('escalation'), at))) {
        const recipients = recipientsOf(handler, world, target);
        const facts = {
          reference: c.reference,
          stage: period.stage,
          dueAt: period.dueAt,
          createdAt: c.created_at,
          status: c.status,
          timeLimit: timeLimit(period.dueAt),
        };
        await mailEach(tx, c, recipients, kind('escalation'), (recipient) => escalationMail({ ...facts, recipient, handler }), at, host);
        await appendEvent(tx, c.id, {
          type: 'escalated',
          at,
          actorAgencyId: null,
          reason: recipients.length ? `催办后仍逾期，已报告${recipients.map((r) => r.name).join('、')}` : `催办后仍逾期；${handler.name}未登记上级或监督机关`,
          data: { to: recipients.map((r) => r.id) },
        });
        result.escalations++;
      }
    });
  }
  result.summaries = await sendDailySummaries(world, now);
  return result;
}

/** Queues one mail per recipient, each under its own notice kind (`<noticeKind>-<agency id>`: one mail per body, however often this runs). */
async function mailEach(
  tx: Db,
  c: Pick<ComplaintRow, 'id' | 'reference'>,
  recipients: readonly Agency[],
  noticeKind: string,
  mailFor: (recipient: Agency) => ComposedMail,
  at: string,
  host: string,
): Promise<void> {
  for (const recipient of recipients) {
    const mail = mailFor(recipient);
    await enqueueMail(
      tx,
      { ...mail, complaintId: c.id, key: c.reference, kind: `${noticeKind}-${recipient.id}`, recipient: recipient.complaints.email },
      at,
      host,
    );
  }
}

/**
 * A complaint past its deadline whose handling agency is no longer in the directory: no reminder (there is no one
 * to send it to), one escalation at once to the bureaus orphaned.ts places it with, claimed like any escalation;
 * each bureau's mail carries its 指定办理机关 link for the complaint's current handling round (reroute.ts).
 */
async function escalateOrphan(
  world: HandlingWorld,
  c: ComplaintRow,
  target: Target,
  period: Period,
  noticeKind: string,
  at: string,
  host: string,
): Promise<boolean> {
  return world.store.transaction(async (tx) => {
    const [fresh] = await tx.query<{ status: string; agency_id: string }>('SELECT status, agency_id FROM complaints WHERE id = ?', [c.id]);
    if (!fresh || fresh.status !== c.status || fresh.agency_id !== c.agency_id) return false;
    if (!(await claimNotice(tx, c.id, noticeKind, at))) return false;
    const place = await placeOrphan(tx, world.directory, { id: c.id, agency_id: c.agency_id, regulation_id: c.regulation_id, target });
    const timeLimit = timeLimitFor(world, { from: period.startedAt, to: period.dueAt });
    const facts = { reference: c.reference, stage: period.stage, dueAt: period.dueAt, createdAt: c.created_at, status: c.status, timeLimit };
    const round = await routingPeriod(tx, c.id);
    await mailEach(
      tx,
      c,
      place.bureaus,
      noticeKind,
      (recipient) =>
        orphanEscalationMail({
          ...facts,
          recipient,
          agencyId: c.agency_id,
          place,
          links: rerouteLink(world, { reference: c.reference, bureauId: recipient.id, period: round, dueAt: period.dueAt }),
        }),
      at,
      host,
    );
    await appendEvent(tx, c.id, {
      type: 'escalated',
      at,
      actorAgencyId: null,
      reason: orphanEscalationReason(c.agency_id, place.bureaus),
      data: { to: place.bureaus.map((b) => b.id), agencyGone: c.agency_id },
    });
    if (!place.bureaus.length) {
      world.log?.(`deadlines: ${c.reference} is overdue and its agency ${c.agency_id} is no longer in the directory; no justice bureau could be told`);
    }
    return true;
  });
}

const FAILURE_WORDS: Record<string, string> = {
  agency: '投诉材料',
  ack: '回执',
  status: '进度通知',
  handling: '办理链接',
  reminder: '催办',
  escalation: '逾期报告',
};
const failureWhat = (kind: string, recipient: string, lastError: string | null): string => {
  const word = FAILURE_WORDS[kind.split('-')[0]!] ?? kind;
  // Complainants' addresses stay private even from the oversight bureau.
  const toComplainant = kind === 'ack' || kind.startsWith('status-');
  // A 5xx answer was final (no retries): say so, with the code, so the address or size can be checked.
  const refused = /\b5\d\d\b/.exec(lastError ?? '')?.[0];
  return `${word}未能投递${toComplainant ? '（收件人：反映人）' : `（收件人：${recipient}）`}${refused ? `，收件服务器拒收（SMTP ${refused}），未重试` : ''}`;
};

/**
 * One summary per oversight bureau per local day, from SUMMARY_HOUR on, only when there is something to
 * report: deliveries that failed since the bureau's previous summary, and every complaint now overdue.
 */
export async function sendDailySummaries(world: HandlingWorld, now: Date): Promise<number> {
  const calendar = world.calendar ?? WEEKENDS_ONLY;
  const localHour = new Date(now.getTime() + calendar.offsetMinutes * 60_000).getUTCHours();
  if (localHour < SUMMARY_HOUR) return 0;
  const date = localDate(now, calendar);
  const at = now.toISOString();
  const host = mailHost(world.settings.siteUrl);
  const bureaus = new Set(world.directory.agencies.map((a) => a.oversight).filter((id): id is string => !!id));
  const idsOf = (agencies: readonly Agency[]) => new Set(agencies.map((b) => b.id));
  // Whose summary lists a complaint, once per complaint and call: its agency's oversight, the agency itself when it
  // is a bureau, else the bureaus an escalation would find for it (bureaus.ts) — never the accused nor one below it.
  // A complaint whose agency is gone belongs to the bureaus it is escalated to (orphaned.ts).
  const remits = new Map<string, Promise<Set<string>>>();
  const remitOf = (row: { id: string; agency_id: string; regulation_id: string | null; target: string }): Promise<Set<string>> => {
    let found = remits.get(row.id);
    if (!found) {
      const agency = world.directory.agency(row.agency_id);
      const target = targetOf(row);
      found = agency
        ? Promise.resolve(idsOf(summaryBureaus(world.directory, agency, target)))
        : placeOrphan(world.store, world.directory, { ...row, target }).then((p) => idsOf(p.bureaus));
      remits.set(row.id, found);
    }
    return found;
  };
  // A failure is reported once: in the first summary after its last attempt.
  const failed = await world.store.query<{
    kind: string;
    recipient: string;
    last_error: string | null;
    failed_at: string | null;
    reference: string;
    id: string;
    agency_id: string;
    regulation_id: string | null;
    target: string;
  }>(
    `SELECT o.kind, o.recipient, o.last_error, c.reference, c.id, c.agency_id, c.regulation_id, c.target,
       (SELECT MAX(a.at) FROM outbox_attempts a WHERE a.outbox_id = o.id) AS failed_at
     FROM outbox o JOIN complaints c ON c.id = o.complaint_id
     WHERE o.status = 'failed' ORDER BY o.created_at`,
  );
  const overdue = await world.store.query<{
    id: string;
    reference: string;
    agency_id: string;
    regulation_id: string | null;
    target: string;
    status: string;
    accept_due_at: string | null;
    resolve_due_at: string | null;
    created_at: string;
    started_at: string | null;
  }>(
    // started_at: when the deadline now passed was counted from (the last routing for 受理, the 受理 for 办结).
    `SELECT id, reference, agency_id, regulation_id, target, status, accept_due_at, resolve_due_at, created_at,
       (SELECT MAX(e.at) FROM complaint_events e WHERE e.complaint_id = complaints.id
          AND e.type = CASE WHEN complaints.status = 'accepted' THEN 'accepted' ELSE 'routed' END) AS started_at
     FROM complaints
     WHERE purged_at IS NULL AND ((status IN ('submitted', 'transferred') AND accept_due_at < ?) OR (status = 'accepted' AND resolve_due_at < ?))
     ORDER BY created_at`,
    [at, at],
  );
  const failedRemit = await Promise.all(failed.map(remitOf));
  const overdueRemit = await Promise.all(overdue.map(remitOf));
  // The handling round each gone agency's complaint is in: the bureaus' 指定办理机关 links are signed for it.
  const orphanRound = new Map(
    await Promise.all(overdue.filter((o) => !world.directory.agency(o.agency_id)).map(async (o) => [o.id, await routingPeriod(world.store, o.id)] as const)),
  );
  const freshness = (world.policy ?? DEFAULT_POLICY).freshness;
  const staleAgencies = world.directory.agencies.flatMap((a) => {
    const asOf = world.directory.rosterDate(a.id);
    if (!asOf) return [];
    const until = currentUntil(asOf, freshness, calendar);
    return date > until ? [{ agency: a, line: staleSummaryLine(asOf, until), bureaus: idsOf(summaryBureaus(world.directory, a)) }] : [];
  });
  let sent = 0;
  for (const bureauId of [...bureaus].sort()) {
    const bureau = world.directory.agency(bureauId);
    if (!bureau) continue;
    const key = `summary-${bureauId}-${date}`;
    const [previous] = await world.store.query<{ last: string | null }>(
      "SELECT MAX(created_at) AS last FROM outbox WHERE kind = 'summary' AND recipient = ? AND message_id <> ?",
      [bureau.complaints.email, `${key}.summary@${host}`],
    );
    const since = previous?.last ?? '';
    const name = (id: string) => world.directory.agency(id)?.name ?? orphanAgencyName(id);
    const failures: SummaryItem[] = failed
      .filter((f, i) => failedRemit[i]!.has(bureauId) && (f.failed_at ?? '') > since)
      .map((f) => ({ reference: f.reference, agencyName: name(f.agency_id), what: failureWhat(f.kind, f.recipient, f.last_error) }));
    const listed = overdue.filter((_, i) => overdueRemit[i]!.has(bureauId));
    // The note on holidays follows the deadlines listed (none listed: none stated).
    const spans: CountedSpan[] = listed.map((o) => ({
      from: o.started_at ?? o.created_at,
      to: (o.status === 'accepted' ? o.resolve_due_at : o.accept_due_at) ?? o.created_at,
    }));
    const late: SummaryItem[] = listed.map((o) =>
      world.directory.agency(o.agency_id)
        ? {
            reference: o.reference,
            agencyName: name(o.agency_id),
            what: o.status === 'accepted' ? `办结期限 ${o.resolve_due_at!.slice(0, 10)} 已过` : `受理期限 ${o.accept_due_at!.slice(0, 10)} 已过`,
          }
        : orphanSummaryItem(
            o,
            rerouteLink(world, {
              reference: o.reference,
              bureauId,
              period: orphanRound.get(o.id)!,
              dueAt: o.status === 'accepted' ? o.resolve_due_at : o.accept_due_at,
            }),
          ),
    );
    const stale = staleAgencies.filter((s) => s.bureaus.has(bureauId)).map((s) => ({ agencyName: s.agency.name, what: s.line }));
    if (!failures.length && !late.length && !stale.length) continue;
    const mail = summaryMail({
      bureau,
      date,
      failures,
      overdue: late,
      stale,
      timeLimit: timeLimitFor(world, spans),
      freshnessBasis: freshnessBasis(freshness),
    });
    if (
      await world.store.transaction((tx) => enqueueMail(tx, { ...mail, complaintId: null, key, kind: 'summary', recipient: bureau.complaints.email }, at, host))
    )
      sent++;
  }
  return sent;
}
