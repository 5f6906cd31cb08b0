import { z } from 'zod';
import '../../src/core/zod-setup.ts';
import { CONTROL_CHARACTERS, controlCharacterMessage } from '../../src/core/text.ts';
import { complaintStatusLabels } from '../../src/core/complaint/status.ts';
import { resolveDueAt } from '../deadlines/policy.ts';
import { DEFAULT_POLICY } from '../../src/core/policy/schema.ts';
import { timeLimitFor } from '../deadlines/label.ts';
import { mailHost } from '../complaints/world.ts';
import { enqueueMail } from '../store/records/outbox.ts';
import type { Db } from '../store/db.ts';
import { findComplaintByReference, findComplaintForUpdate, targetOf, updateComplaintStatus, type ComplaintRow } from '../store/records/complaints.ts';
import { appendEvent } from '../store/records/events.ts';
import type { Agency } from '../../src/core/registry/schema.ts';
import { REROUTE, tokenHash, verifyActionToken, type ActionClaim, type LinkAction, type LinkClaim } from './links.ts';
import { acceptedMail, actionLinks, type StatedDeadline } from './mails.ts';
import { currentDeadline } from './deadline.ts';
import { claimTokenUse, tokenWasUsed } from '../store/records/action-uses.ts';
import { actionLabels, transition, type HandlingAction } from './state.ts';
import type { HandlingWorld } from './world.ts';
import { withHint } from '../../src/core/error-data.ts';
import { handlingErrors } from './errors.ts';
import {
  formText,
  mailComplainant,
  parseForm,
  receivingAgency,
  Refusal,
  refused,
  refuseIfPurged,
  routeComplaint,
  routingPeriod,
  type Refused,
} from './routing.ts';
import { inspectReroute, performReroute, type RerouteReady } from './reroute.ts';

export { routingPeriod, type Refused };

/**
 * Performing an agency action from a signed link. Order of checks, each with its own answer:
 * signature (403) → expiry (410) → complaint exists (404) → not purged (410) → the link's agency still handles it (403) →
 * link not used before (410) → the transition is allowed (409) → the form is complete (422).
 * The status change, its events, the record of the link's use and every resulting e-mail commit in one
 * transaction; a lost race (two links used at once) rolls everything back. A justice bureau's link for a complaint
 * whose agency left the directory (`reroute`) comes in at the same address and is handled by reroute.ts.
 */
export interface Ready {
  ok: true;
  claim: ActionClaim;
  complaint: ComplaintRow;
  agency: Agency;
  /** The deadline it runs against now, shown on the form as the mails state it. */
  deadline?: StatedDeadline;
}

/** What each action's form must carry. */
export const actionForms = {
  accept: z.object({
    note: z
      .string()
      .trim()
      .max(500, { message: '备注不能超过 500 个字' })
      .refine((v) => !CONTROL_CHARACTERS.test(v), { message: controlCharacterMessage('备注') })
      .optional(),
  }),
  reject: z.object({ reason: formText('不予受理的理由', 4, 1000) }),
  transfer: z.object({
    transferTo: z.string({ error: '请选择转办机关' }).trim().min(1, { message: '请选择转办机关' }),
    reason: formText('转办理由', 4, 1000),
  }),
  resolve: z.object({ result: formText('办理结果', 4, 2000) }),
} satisfies Record<HandlingAction, z.ZodType>;

async function check(
  world: HandlingWorld,
  db: Db,
  complaint: ComplaintRow | undefined,
  claim: ActionClaim,
): Promise<{ complaint: ComplaintRow; agency: Agency; period: number }> {
  if (!complaint) throw new Refusal(404, withHint(handlingErrors.ComplaintNotFound, claim.reference));
  refuseIfPurged(complaint);
  if (complaint.agency_id !== claim.agencyId) {
    const now = world.directory.agency(complaint.agency_id)?.name ?? '其他机关';
    throw new Refusal(403, withHint(handlingErrors.TransferredAway, now));
  }
  const period = await routingPeriod(db, complaint.id);
  if (claim.period !== period) throw new Refusal(403, withHint(handlingErrors.LinkSuperseded));
  const agency = world.directory.agency(claim.agencyId);
  if (!agency) throw new Refusal(403, withHint(handlingErrors.AgencyGone));
  return { complaint, agency, period };
}

function verified(world: HandlingWorld, token: string): LinkClaim {
  const result = verifyActionToken(token, world.settings.secret, world.clock.now(), world.settings.previousSecrets);
  if (!result.ok) throw new Refusal(result.status, result.message);
  return result.claim;
}

/** For the GET page: everything that would refuse the action now, without changing anything. */
export async function inspectAction(world: HandlingWorld, token: string): Promise<Ready | RerouteReady | Refused> {
  try {
    const claim = verified(world, token);
    if (claim.action === REROUTE) return await inspectReroute(world, token, claim);
    const { complaint, agency } = await check(world, world.store, await findComplaintByReference(world.store, claim.reference), claim);
    if (await tokenWasUsed(world.store, tokenHash(token))) throw new Refusal(410, withHint(handlingErrors.LinkUsed, complaintStatusLabels[complaint.status]));
    const t = transition(complaint.status, claim.action);
    if (!t.ok) throw new Refusal(409, t.message);
    const deadline = await currentDeadline(world, world.store, complaint);
    return { ok: true, claim, complaint, agency, ...(deadline ? { deadline } : {}) };
  } catch (error) {
    return refused(error);
  }
}

export interface Done {
  ok: true;
  reference: string;
  action: LinkAction;
  status: string;
  message: string;
}

/** Checks, validates the form, and performs. Never acts on a refused link or an incomplete form. */
export async function performAction(world: HandlingWorld, token: string, form: Record<string, unknown>): Promise<Done | Refused> {
  try {
    const claim = verified(world, token);
    if (claim.action === REROUTE) return await performReroute(world, token, claim, form);
    const fields: { note?: string; reason?: string; transferTo?: string; result?: string } = parseForm(actionForms[claim.action], form);
    return await world.store.transaction((tx) => perform(world, tx, token, claim, fields));
  } catch (error) {
    return refused(error);
  }
}

async function perform(
  world: HandlingWorld,
  tx: Db,
  token: string,
  claim: ActionClaim,
  fields: { note?: string; reason?: string; transferTo?: string; result?: string },
): Promise<Done> {
  const { complaint, agency, period } = await check(world, tx, await findComplaintForUpdate(tx, claim.reference), claim);
  const now = world.clock.now();
  const at = now.toISOString();
  if (!(await claimTokenUse(tx, { tokenHash: tokenHash(token), complaintId: complaint.id, action: claim.action, agencyId: agency.id, at }))) {
    throw new Refusal(410, withHint(handlingErrors.LinkUsed, complaintStatusLabels[complaint.status]));
  }
  const t = transition(complaint.status, claim.action);
  if (!t.ok) throw new Refusal(409, t.message);
  const done = (message: string): Done => {
    world.log?.(`[handling] ${claim.action} ${complaint.reference} → ${t.to}`);
    return { ok: true, reference: complaint.reference, action: claim.action, status: t.to, message };
  };

  if (claim.action === 'transfer') {
    const receiving = receivingAgency(world, targetOf(complaint), fields.transferTo!, 'transferTo', agency.id);
    const { complainantMailed } = await routeComplaint(world, tx, now, {
      complaint,
      period,
      actor: agency,
      receiving,
      reason: fields.reason!,
      routeReason: `由${agency.name}转办，理由：${fields.reason}`,
      routedData: { rule: 'transfer', from: agency.id },
    });
    return done(`已将 ${complaint.reference} 转交${receiving.name}办理，并已通知该机关${complainantMailed ? '和反映人' : ''}。`);
  }

  const handling = (world.policy ?? DEFAULT_POLICY).handling;
  const change: Parameters<typeof updateComplaintStatus>[3] = { status: t.to, at };
  if (claim.action === 'accept') change.resolveDueAt = resolveDueAt(now, handling, world.calendar).toISOString();
  if (!(await updateComplaintStatus(tx, complaint.id, complaint.status, change))) {
    throw new Refusal(409, withHint(handlingErrors.Conflict));
  }
  const detail = fields.reason ?? fields.result ?? fields.note ?? null;
  const event = await appendEvent(tx, complaint.id, {
    type: t.to,
    at,
    fromStatus: t.from,
    toStatus: t.to,
    actorAgencyId: agency.id,
    reason: detail,
  });

  const resolveLimit = change.resolveDueAt ? timeLimitFor(world, { from: now, to: change.resolveDueAt }) : undefined;
  if (claim.action === 'accept' && change.resolveDueAt) {
    const links = actionLinks(world, { reference: complaint.reference, agencyId: agency.id, period, dueAt: change.resolveDueAt }, ['resolve', 'transfer']);
    await enqueueMail(
      tx,
      {
        ...acceptedMail({
          reference: complaint.reference,
          agency,
          resolveDueAt: change.resolveDueAt,
          timeLimit: resolveLimit!,
          links,
        }),
        complaintId: complaint.id,
        key: complaint.reference,
        kind: `handling-${event.seq}`,
        recipient: agency.complaints.email,
      },
      at,
      mailHost(world.settings.siteUrl),
    );
  }
  const mailed = await mailComplainant(world, tx, complaint, event.seq, {
    status: t.to,
    at,
    agencyName: agency.name,
    detail: detail ?? undefined,
    ...(change.resolveDueAt ? { deadline: { stage: 'resolve' as const, dueAt: change.resolveDueAt, timeLimit: resolveLimit! } } : {}),
  });
  return done(
    `已${actionLabels[claim.action]} ${complaint.reference}，当前状态：${complaintStatusLabels[t.to]}。${mailed ? '已通知反映人。' : ''}${claim.action === 'accept' ? '办结链接已另发至贵单位邮箱。' : ''}`,
  );
}
