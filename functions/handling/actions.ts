import { z } from 'zod';
import '../../src/core/zod-setup.ts';
import { messagesByField } from '../../src/core/issues.ts';
import { CONTROL_CHARACTERS, controlCharacterMessage } from '../../src/core/text.ts';
import { complaintStatusLabels } from '../../src/core/complaint/status.ts';
import { mayReceive } from '../complaints/accused.ts';
import { agencyMail, type ComplaintForMail } from '../complaints/mails.ts';
import { mailHost } from '../complaints/world.ts';
import { acceptDueAt, resolveDueAt } from '../deadlines/policy.ts';
import { DEFAULT_POLICY } from '../../src/core/policy/schema.ts';
import { timeLimitFor } from '../deadlines/label.ts';
import { enqueueMail } from '../store/records/outbox.ts';
import type { Db } from '../store/db.ts';
import { contentsOf, findComplaintByReference, targetOf, updateComplaintStatus, type ComplaintRow } from '../store/records/complaints.ts';
import { appendEvent } from '../store/records/events.ts';
import type { Agency } from '../../src/core/registry/schema.ts';
import { tokenHash, verifyActionToken, type ActionClaim } from './links.ts';
import { acceptedMail, actionLinks, citizenStatusMail } from './mails.ts';
import { claimTokenUse, tokenWasUsed } from '../store/records/action-uses.ts';
import { actionLabels, transition, type HandlingAction } from './state.ts';
import type { HandlingWorld } from './world.ts';
import { withHint } from '../../src/core/error-data.ts';
import { handlingErrors } from './errors.ts';

/**
 * Performing an agency action from a signed link. Order of checks, each with its own answer:
 * signature (403) → expiry (410) → complaint exists (404) → the link's agency still handles it (403) →
 * link not used before (410) → the transition is allowed (409) → the form is complete (422).
 * The status change, its events, the record of the link's use and every resulting e-mail commit in one
 * transaction; a lost race (two links used at once) rolls everything back.
 */
export type Refused = { ok: false; status: number; message: string; field?: string };

export interface Ready {
  ok: true;
  claim: ActionClaim;
  complaint: ComplaintRow;
  agency: Agency;
}

class Refusal extends Error {
  readonly status: number;
  readonly field: string | undefined;
  constructor(status: number, message: string, field?: string) {
    super(message);
    this.status = status;
    this.field = field;
  }
}

const text = (label: string, min: number, max: number) =>
  z
    .string({ error: `请填写${label}` })
    .trim()
    .min(min, { message: min > 1 ? `请填写${label}（至少 ${min} 个字）` : `请填写${label}` })
    .max(max, { message: `${label}不能超过 ${max} 个字` })
    .refine((v) => !CONTROL_CHARACTERS.test(v), { message: controlCharacterMessage(label) });

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
  reject: z.object({ reason: text('不予受理的理由', 4, 1000) }),
  transfer: z.object({
    transferTo: z.string({ error: '请选择转办机关' }).trim().min(1, { message: '请选择转办机关' }),
    reason: text('转办理由', 4, 1000),
  }),
  resolve: z.object({ result: text('办理结果', 4, 2000) }),
} satisfies Record<HandlingAction, z.ZodType>;

/** How many times the complaint has been routed: 1 after intake, +1 per transfer. */
export async function routingPeriod(db: Db, complaintId: string): Promise<number> {
  const [row] = await db.query<{ n: number | string }>("SELECT COUNT(*) AS n FROM complaint_events WHERE complaint_id = ? AND type = 'routed'", [complaintId]);
  return Number(row?.n ?? 0);
}

async function check(
  world: HandlingWorld,
  db: Db,
  complaint: ComplaintRow | undefined,
  claim: ActionClaim,
): Promise<{ complaint: ComplaintRow; agency: Agency; period: number }> {
  if (!complaint) throw new Refusal(404, withHint(handlingErrors.ComplaintNotFound, claim.reference));
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

function verified(world: HandlingWorld, token: string): ActionClaim {
  const result = verifyActionToken(token, world.settings.secret, world.clock.now(), world.settings.previousSecrets);
  if (!result.ok) throw new Refusal(result.status, result.message);
  return result.claim;
}

function refused(error: unknown): Refused {
  if (error instanceof Refusal) return { ok: false, status: error.status, message: error.message, ...(error.field ? { field: error.field } : {}) };
  throw error;
}

/** For the GET page: everything that would refuse the action now, without changing anything. */
export async function inspectAction(world: HandlingWorld, token: string): Promise<Ready | Refused> {
  try {
    const claim = verified(world, token);
    const { complaint, agency } = await check(world, world.store, await findComplaintByReference(world.store, claim.reference), claim);
    if (await tokenWasUsed(world.store, tokenHash(token))) throw new Refusal(410, withHint(handlingErrors.LinkUsed));
    const t = transition(complaint.status, claim.action);
    if (!t.ok) throw new Refusal(409, t.message);
    return { ok: true, claim, complaint, agency };
  } catch (error) {
    return refused(error);
  }
}

export interface Done {
  ok: true;
  reference: string;
  action: HandlingAction;
  status: string;
  message: string;
}

/** Checks, validates the form, and performs. Never acts on a refused link or an incomplete form. */
export async function performAction(world: HandlingWorld, token: string, form: Record<string, unknown>): Promise<Done | Refused> {
  try {
    const claim = verified(world, token);
    const parsed = actionForms[claim.action].safeParse(form);
    if (!parsed.success) {
      const [field, message] = Object.entries(messagesByField(parsed.error.issues))[0]!;
      throw new Refusal(422, message, field === 'form' ? '' : field);
    }
    const fields = parsed.data as { note?: string; reason?: string; transferTo?: string; result?: string };
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
  const { complaint, agency, period } = await check(world, tx, await findComplaintByReference(tx, claim.reference), claim);
  const now = world.clock.now();
  const at = now.toISOString();
  if (!(await claimTokenUse(tx, { tokenHash: tokenHash(token), complaintId: complaint.id, action: claim.action, agencyId: agency.id, at }))) {
    throw new Refusal(410, withHint(handlingErrors.LinkUsed));
  }
  const t = transition(complaint.status, claim.action);
  if (!t.ok) throw new Refusal(409, t.message);

  const target = targetOf(complaint);
  let receiving: Agency | undefined;
  if (claim.action === 'transfer') {
    receiving = world.directory.agency(fields.transferTo!);
    if (!receiving) throw new Refusal(422, withHint(handlingErrors.TransferUnknown, fields.transferTo!), 'transferTo');
    if (receiving.id === agency.id) throw new Refusal(422, withHint(handlingErrors.TransferToSelf), 'transferTo');
    if (target.about === 'agency' && target.agencyId === receiving.id) {
      throw new Refusal(422, withHint(handlingErrors.TransferToAccused, receiving.name), 'transferTo');
    }
    if (!mayReceive(world.directory, target, receiving.id)) {
      const accused = world.directory.agency(target.agencyId!)?.name ?? target.agencyId!;
      throw new Refusal(422, withHint(handlingErrors.TransferToAccusedChild, receiving.name, accused), 'transferTo');
    }
  }
  const handler = receiving ?? agency;
  const handling = (world.policy ?? DEFAULT_POLICY).handling;
  const change: Parameters<typeof updateComplaintStatus>[3] = { status: t.to, at };
  if (receiving) {
    change.agencyId = receiving.id;
    change.acceptDueAt = acceptDueAt(now, handling, world.calendar).toISOString();
    change.resolveDueAt = null;
  }
  if (claim.action === 'accept') change.resolveDueAt = resolveDueAt(now, handling, world.calendar).toISOString();
  if (!(await updateComplaintStatus(tx, complaint.id, complaint.status, change))) {
    throw new Refusal(409, withHint(handlingErrors.Conflict));
  }
  const detail = fields.reason ?? fields.result ?? fields.note ?? null;
  const event = await appendEvent(tx, complaint.id, {
    type: t.to === 'transferred' ? 'transferred' : t.to,
    at,
    fromStatus: t.from,
    toStatus: t.to,
    actorAgencyId: agency.id,
    reason: detail,
    ...(receiving ? { data: { to: receiving.id } } : {}),
  });

  const host = mailHost(world.settings.siteUrl);
  const contents = contentsOf(complaint);
  if (receiving) {
    const routeReason = `由${agency.name}转办，理由：${fields.reason}`;
    await appendEvent(tx, complaint.id, {
      type: 'routed',
      at,
      toStatus: 'transferred',
      actorAgencyId: agency.id,
      reason: routeReason,
      data: { rule: 'transfer', agencyId: receiving.id, from: agency.id, region: receiving.region },
    });
    const forMail: ComplaintForMail = {
      reference: complaint.reference,
      kind: complaint.kind,
      category: complaint.category,
      target,
      contents,
      createdAt: complaint.created_at,
      acceptDueAt: change.acceptDueAt ?? null,
      timeLimit: timeLimitFor(world, now),
      routeReason,
    };
    const links = actionLinks(world, { reference: complaint.reference, agencyId: receiving.id, period: period + 1, dueAt: change.acceptDueAt }, [
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
      host,
    );
  }
  if (claim.action === 'accept' && change.resolveDueAt) {
    const links = actionLinks(world, { reference: complaint.reference, agencyId: agency.id, period, dueAt: change.resolveDueAt }, ['resolve', 'transfer']);
    await enqueueMail(
      tx,
      {
        ...acceptedMail({ reference: complaint.reference, agency, resolveDueAt: change.resolveDueAt, timeLimit: timeLimitFor(world, now), links }),
        complaintId: complaint.id,
        key: complaint.reference,
        kind: `handling-${event.seq}`,
        recipient: agency.complaints.email,
      },
      at,
      host,
    );
  }
  const email = contents.complainant?.email;
  if (email) {
    const mail = citizenStatusMail({
      reference: complaint.reference,
      kind: complaint.kind,
      status: t.to,
      at,
      agencyName: handler.name,
      ...(claim.action === 'accept' ? {} : { detail: detail ?? undefined }),
      siteUrl: world.settings.siteUrl,
    });
    await enqueueMail(tx, { ...mail, complaintId: complaint.id, key: complaint.reference, kind: `status-${event.seq}`, recipient: email }, at, host);
  }
  world.log?.(`[handling] ${claim.action} ${complaint.reference} → ${t.to}`);
  return {
    ok: true,
    reference: complaint.reference,
    action: claim.action,
    status: t.to,
    message: receiving
      ? `已将 ${complaint.reference} 转交${receiving.name}办理，并已通知该机关${email ? '和反映人' : ''}。`
      : `已${actionLabels[claim.action]} ${complaint.reference}，当前状态：${complaintStatusLabels[t.to]}。${email ? '已通知反映人。' : ''}${claim.action === 'accept' ? '办结链接已另发至贵单位邮箱。' : ''}`,
  };
}
