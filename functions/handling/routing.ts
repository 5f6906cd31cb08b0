import { z } from 'zod';
import '../../src/core/zod-setup.ts';
import { messagesByField } from '../../src/core/issues.ts';
import { CONTROL_CHARACTERS, controlCharacterMessage } from '../../src/core/text.ts';
import { complaintStatusLabels, type ComplaintStatus } from '../../src/core/complaint/status.ts';
import { formatDateTime } from '../../src/core/dates.ts';
import { DEFAULT_POLICY } from '../../src/core/policy/schema.ts';
import type { Agency } from '../../src/core/registry/schema.ts';
import { withHint } from '../../src/core/error-data.ts';
import { mayReceive } from '../complaints/accused.ts';
import { agencyMail, type ComplaintForMail } from '../complaints/mails.ts';
import { mailHost } from '../complaints/world.ts';
import { acceptDueAt } from '../deadlines/policy.ts';
import { timeLimitFor } from '../deadlines/label.ts';
import type { Db } from '../store/db.ts';
import { contentsOf, targetOf, updateComplaintStatus, type ComplaintRow } from '../store/records/complaints.ts';
import { appendEvent, type EventRow } from '../store/records/events.ts';
import { enqueueMail } from '../store/records/outbox.ts';
import type { Target } from '../store/records/shapes.ts';
import { handlingErrors } from './errors.ts';
import { actionLinks, citizenStatusMail, type StatedDeadline } from './mails.ts';
import type { HandlingWorld } from './world.ts';

/**
 * What the agencies' actions (actions.ts) and a justice bureau's re-routing (reroute.ts) share: the refusal they
 * answer with, the handling round, the checks on a receiving agency, and the routing step itself — status, agency
 * and deadlines, the `transferred` and `routed` events, the full complaint mail with fresh links to the receiving
 * agency and the complainant's mail — run inside the caller's transaction.
 */
export type Refused = { ok: false; status: number; message: string; field?: string };

export class Refusal extends Error {
  readonly status: number;
  readonly field: string | undefined;
  constructor(status: number, message: string, field?: string) {
    super(message);
    this.status = status;
    this.field = field;
  }
}

/**
 * A complaint whose personal information the retention purge removed (functions/retention/purge.ts) is not handled
 * through the platform any more: its contents are empty, and neither an agency nor a justice bureau is to act on
 * (or pass on) a complaint nobody can read — 410, whatever the link.
 */
export function refuseIfPurged(complaint: ComplaintRow): void {
  if (complaint.purged_at) {
    throw new Refusal(410, withHint(handlingErrors.Purged, complaintStatusLabels[complaint.status], formatDateTime(complaint.purged_at)));
  }
}

export function refused(error: unknown): Refused {
  if (error instanceof Refusal) return { ok: false, status: error.status, message: error.message, ...(error.field ? { field: error.field } : {}) };
  throw error;
}

/** A required text field of an action form: trimmed, `min`–`max` characters, no control characters. */
export const formText = (label: string, min: number, max: number) =>
  z
    .string({ error: `请填写${label}` })
    .trim()
    .min(min, { message: min > 1 ? `请填写${label}（至少 ${min} 个字）` : `请填写${label}` })
    .max(max, { message: `${label}不能超过 ${max} 个字` })
    .refine((v) => !CONTROL_CHARACTERS.test(v), { message: controlCharacterMessage(label) });

/** The form's values, or a 422 refusal at the first field at fault. */
export function parseForm<S extends z.ZodType>(schema: S, form: Record<string, unknown>): z.output<S> {
  const parsed = schema.safeParse(form);
  if (!parsed.success) {
    const [field, message] = Object.entries(messagesByField(parsed.error.issues))[0]!;
    throw new Refusal(422, message, field === 'form' ? '' : field);
  }
  return parsed.data;
}

/** How many times the complaint has been routed: 1 after intake, +1 per transfer. */
export async function routingPeriod(db: Db, complaintId: string): Promise<number> {
  const [row] = await db.query<{ n: number | string }>("SELECT COUNT(*) AS n FROM complaint_events WHERE complaint_id = ? AND type = 'routed'", [complaintId]);
  return Number(row?.n ?? 0);
}

/**
 * The registered agency `id` names, if the complaint may go there; else a 422 refusal at `field`: unknown, the
 * current handler (`handlerId`), or the body complained about or one below it (accused.ts).
 */
export function receivingAgency(world: HandlingWorld, target: Target, id: string, field: string, handlerId?: string): Agency {
  const receiving = world.directory.agency(id);
  if (!receiving) throw new Refusal(422, withHint(handlingErrors.TransferUnknown, id), field);
  if (receiving.id === handlerId) throw new Refusal(422, withHint(handlingErrors.TransferToSelf), field);
  if (target.about === 'agency' && target.agencyId === receiving.id) {
    throw new Refusal(422, withHint(handlingErrors.TransferToAccused, receiving.name), field);
  }
  if (!mayReceive(world.directory, target, receiving.id)) {
    const accused = world.directory.agency(target.agencyId!)?.name ?? target.agencyId!;
    throw new Refusal(422, withHint(handlingErrors.TransferToAccusedChild, receiving.name, accused), field);
  }
  return receiving;
}

/** The complainant's mail at a transition (`status-<event seq>`), when they gave an address; true when queued. */
export async function mailComplainant(
  world: HandlingWorld,
  tx: Db,
  complaint: ComplaintRow,
  seq: number,
  change: { status: ComplaintStatus; at: string; agencyName: string; detail?: string | undefined; deadline?: StatedDeadline | undefined },
): Promise<boolean> {
  const email = contentsOf(complaint).complainant?.email;
  if (!email) return false;
  const mail = citizenStatusMail({
    reference: complaint.reference,
    kind: complaint.kind,
    status: change.status,
    at: change.at,
    agencyName: change.agencyName,
    ...(change.detail ? { detail: change.detail } : {}),
    ...(change.deadline ? { deadline: change.deadline } : {}),
    siteUrl: world.settings.siteUrl,
  });
  await enqueueMail(
    tx,
    { ...mail, complaintId: complaint.id, key: complaint.reference, kind: `status-${seq}`, recipient: email },
    change.at,
    mailHost(world.settings.siteUrl),
  );
  return true;
}

export interface RouteStep {
  complaint: ComplaintRow;
  /** The handling round the caller checked (routingPeriod); the receiving agency's links are of the next one. */
  period: number;
  /** Who moves it: the handling agency (a transfer) or a justice bureau (reroute.ts). The events' actor. */
  actor: Agency;
  receiving: Agency;
  /** The actor's reason: the `transferred` event's, and the complainant's mail's. */
  reason: string;
  /** 分派理由: the `routed` event's reason and the receiving agency's mail's. */
  routeReason: string;
  /** The `routed` event's data besides the receiving agency and its region: the rule, the agency it leaves (`from`)… */
  routedData: { rule: string; from: string } & Record<string, string>;
}

/**
 * Routes the complaint to `receiving`, as a transfer does: status `transferred`, a new 受理 deadline from now under
 * the policy, no 办结 deadline; a `transferred` and a `routed` event; the full complaint mail (with the evidence: an
 * `agency…` outbox kind) and links of the next round to the receiving agency; the complainant's mail.
 */
export async function routeComplaint(world: HandlingWorld, tx: Db, now: Date, step: RouteStep): Promise<{ event: EventRow; complainantMailed: boolean }> {
  const { complaint, period, actor, receiving } = step;
  const at = now.toISOString();
  const due = acceptDueAt(now, (world.policy ?? DEFAULT_POLICY).handling, world.calendar).toISOString();
  const moved = await updateComplaintStatus(tx, complaint.id, complaint.status, {
    status: 'transferred',
    agencyId: receiving.id,
    at,
    acceptDueAt: due,
    resolveDueAt: null,
  });
  // From `transferred` the status guard alone lets two moves at once both pass (PostgreSQL re-checks the row after
  // the first commits and finds it still `transferred`); the first one's `routed` event is visible by then.
  if (!moved || (await routingPeriod(tx, complaint.id)) !== period) throw new Refusal(409, withHint(handlingErrors.Conflict));
  // The deadline of the round being closed is replaced below; a missed one is kept here, so that the statistics'
  // overdue share still counts the complaint (a bureau re-routes only after a missed deadline).
  const openDue = complaint.status === 'accepted' ? complaint.resolve_due_at : complaint.accept_due_at;
  const missedDueAt = openDue && now.getTime() > Date.parse(openDue) ? { missedDueAt: openDue } : {};
  const event = await appendEvent(tx, complaint.id, {
    type: 'transferred',
    at,
    fromStatus: complaint.status,
    toStatus: 'transferred',
    actorAgencyId: actor.id,
    reason: step.reason,
    data: { to: receiving.id, ...missedDueAt },
  });
  await appendEvent(tx, complaint.id, {
    type: 'routed',
    at,
    toStatus: 'transferred',
    actorAgencyId: actor.id,
    reason: step.routeReason,
    data: { ...step.routedData, agencyId: receiving.id, region: receiving.region },
  });
  const target = targetOf(complaint);
  const forMail: ComplaintForMail = {
    reference: complaint.reference,
    kind: complaint.kind,
    category: complaint.category,
    target,
    contents: contentsOf(complaint),
    createdAt: complaint.created_at,
    acceptDueAt: due,
    timeLimit: timeLimitFor(world, { from: now, to: due }),
    routeReason: step.routeReason,
    transferredBy: actor.name,
  };
  const links = actionLinks(world, { reference: complaint.reference, agencyId: receiving.id, period: period + 1, dueAt: due }, [
    'accept',
    'reject',
    'transfer',
  ]);
  await enqueueMail(
    tx,
    {
      ...agencyMail(forMail, receiving, world.directory, links),
      complaintId: complaint.id,
      key: complaint.reference,
      kind: `agency-transfer-${event.seq}`,
      recipient: receiving.complaints.email,
    },
    at,
    mailHost(world.settings.siteUrl),
  );
  const complainantMailed = await mailComplainant(world, tx, complaint, event.seq, {
    status: 'transferred',
    at,
    agencyName: receiving.name,
    detail: step.reason,
    deadline: { stage: 'accept', dueAt: due, timeLimit: forMail.timeLimit },
  });
  return { event, complainantMailed };
}
