import { createHash, createHmac } from 'node:crypto';
import { rowId } from '../store/row-id.ts';
import { findComplaintByIdempotencyKey, replaceTrackingHash, type ComplaintRow } from '../store/records/complaints.ts';
import { type MailComposedLater, messageIdFor } from '../store/records/outbox.ts';
import { insertSubmission } from '../store/records/submission.ts';
import { INTAKE_COMPOSER } from './intake-mail.ts';
import { categoriesOf } from '../../src/core/directory.ts';
import { categoryProblem } from '../../src/core/complaint/rules.ts';
import { acceptDueAt } from '../deadlines/policy.ts';
import { DEFAULT_POLICY } from '../../src/core/policy/schema.ts';
import type { EvidenceFile } from './evidence.ts';
import { hashTrackingCode, matchTrackingCode, newReference, newTrackingCode, trackingKeyList, ALPHABET } from './reference.ts';
import { isRefusal, regionsOf, routeComplaint } from './route.ts';
import type { Contents, Target } from '../store/records/shapes.ts';
import { sortErrors, type ComplaintInput, type FieldErrors } from '../../src/core/complaint/schema.ts';
import { mailHost, type World } from './world.ts';
import { submissionHash, submissionHashV1 } from './fingerprint.ts';
import { ackSlotFor } from './ack-quota.ts';

export interface Receipt {
  reference: string;
  trackingCode: string;
  /** True when an earlier submission with the same idempotency key was returned. */
  repeated: boolean;
  /** The agency it went to (the confirmation names it, as the acknowledgement does). */
  agencyId: string;
  /**
   * An acknowledgement to the complainant's e-mail is queued: false without an e-mail, or when the address had no
   * slot left that day (ack-quota.ts). The confirmation says an e-mail was sent only when this is true.
   */
  ackQueued: boolean;
}

/** The idempotency key was first used for a different submission: nothing stored, nothing of the first one told. */
export interface KeyConflict {
  conflict: true;
}

/** The checks that need the directory: the number exists, the unit exists, the category fits its regulation. */
export function resolveTarget(input: ComplaintInput, world: World): { target: Target; regulationId: string | null } | { errors: FieldErrors } {
  const { directory } = world;
  const errors: FieldErrors = {};
  let target: Target | undefined;
  if (input.about === 'auxiliary') {
    const aux = directory.auxiliary(input.certificateNo!);
    if (!aux) {
      errors.certificateNo = `证件编号“${input.certificateNo}”不在公示名单中。请核对；如对方出示的就是这个编号，请在“反映对象”中选择“对方出示的编号查不到”`;
    } else target = { about: 'auxiliary', certificateNo: aux.certificateNo, agencyId: aux.agencyId, name: aux.name };
  } else if (input.about === 'unknownNumber') {
    const aux = directory.auxiliary(input.certificateNo!);
    if (aux) errors.certificateNo = `证件编号“${input.certificateNo}”在公示名单中（${aux.name}），请在“反映对象”中选择“一名辅助人员”`;
    else if (input.agencyId && !directory.agency(input.agencyId)) errors.agencyId = '所选单位不存在，请从列表中选择';
    else if (!input.agencyId && input.region && !regionsOf(directory).includes(input.region)) errors.region = '所选地区不在本平台范围内，请从列表中选择';
    else {
      // A chosen unit fixes the region; otherwise the region where it happened routes it.
      const region = input.agencyId ? directory.agency(input.agencyId)!.region : input.region;
      target = {
        about: 'unknownNumber',
        certificateNo: input.certificateNo!.trim(),
        ...(input.agencyId ? { agencyId: input.agencyId } : {}),
        ...(region ? { region } : {}),
      };
    }
  } else {
    if (!directory.agency(input.agencyId!)) errors.agencyId = '所选单位不存在，请从列表中选择';
    else target = { about: input.about, agencyId: input.agencyId! };
  }
  const concerned = target && 'agencyId' in target && target.agencyId ? directory.agency(target.agencyId) : undefined;
  // With no unit known (a number on no roster, no unit named) any regulation's category is accepted.
  const regulationId = concerned?.regulation ?? (input.category.includes(':') ? input.category.split(':')[0]! : null);
  const categoryError = categoryProblem(input.category, categoriesOf(regulationId ? directory.regulation(regulationId) : undefined), !!target);
  if (categoryError) errors.category = categoryError;
  if (target && !Object.keys(errors).length) {
    const route = routeComplaint(target, directory);
    if (isRefusal(route)) errors[target.about === 'unknownNumber' && !target.agencyId ? 'region' : 'agencyId'] = route.guidance;
  }
  if (Object.keys(errors).length || !target) return { errors: sortErrors(errors) };
  return { target, regulationId };
}

/**
 * Same key and same submission → same tracking code, so a repeated submission can return the first result without
 * storing the code. Knowing a key is not enough to learn its code: the whole submission goes in too.
 */
function trackingCodeFor(idempotencyKey: string | undefined, submission: string, secret: string): string {
  if (!idempotencyKey) return newTrackingCode();
  const digest = createHmac('sha256', secret).update(`tracking-code:${idempotencyKey}:${submission}`).digest();
  let s = '';
  for (let i = 0; i < 12; i++) s += ALPHABET[digest[i]! & 31];
  return `${s.slice(0, 4)}-${s.slice(4, 8)}-${s.slice(8)}`;
}

/**
 * The tracking code a repeated submission answers with: the one its stored hash matches. It was derived with the key
 * of the day of the first submission, which may since have become SECRET_PREVIOUS or SECRET_RETIRED (key rotation),
 * so each configured key is tried, SECRET first. When none of them made it — the key is configured nowhere, so that
 * code fails every lookup — the code is issued again under SECRET and its hash replaced: whoever sends the same key
 * and the same answers is given the code in any case (docs/SECURITY.md, "Idempotency keys").
 */
async function firstTrackingCode(world: World, first: ComplaintRow, key: string, submission: string): Promise<string> {
  for (const secret of trackingKeyList(world.settings)) {
    const code = trackingCodeFor(key, submission, secret);
    if (matchTrackingCode(code, first.tracking_hash, world.settings)) return code;
  }
  const code = trackingCodeFor(key, submission, world.settings.secret);
  await replaceTrackingHash(world.store, first.id, first.tracking_hash, hashTrackingCode(code, world.settings.secret));
  return code;
}

export function powOk(idempotencyKey: string | undefined, pow: string | undefined, bits: number): boolean {
  if (bits <= 0) return true;
  if (!idempotencyKey || !pow) return false;
  const hash = createHash('sha256').update(`${idempotencyKey}:${pow}`).digest();
  for (let i = 0; i < bits; i++) if ((hash[i >> 3]! >> (7 - (i & 7))) & 1) return false;
  return true;
}

/**
 * Stores the complaint, its `submitted` and `routed` events, its evidence and its outbox mail in ONE
 * transaction; only after the commit returns does the caller answer 201.
 */
export async function submitComplaint(
  world: World,
  input: ComplaintInput,
  target: Target,
  regulationId: string | null,
  evidence: EvidenceFile[],
): Promise<Receipt | KeyConflict> {
  const key = input.idempotencyKey || undefined;
  const route = routeComplaint(target, world.directory);
  // resolveTarget refuses these with guidance before anything is stored.
  if (isRefusal(route)) throw new Error(route.guidance);
  const agency = world.directory.agency(route.agencyId)!;
  const now = world.clock.now();
  const at = now.toISOString();
  // The deployment's policy sets how long the agency has to accept (no regulation does).
  const due = acceptDueAt(now, (world.policy ?? DEFAULT_POLICY).handling, world.calendar).toISOString();
  const submission = submissionHash(input, evidence);
  const trackingCode = trackingCodeFor(key, submission, world.settings.secret);
  const trackingHash = hashTrackingCode(trackingCode, world.settings.secret);
  const contents: Contents = {
    when: input.when,
    place: input.place,
    description: input.description,
    complainant: {
      ...(input.name ? { name: input.name } : {}),
      ...(input.phone ? { phone: input.phone } : {}),
      ...(input.email ? { email: input.email } : {}),
    },
    evidence: evidence.map((f) => ({ name: f.name, type: f.type, size: f.data.byteLength })),
  };
  const host = mailHost(world.settings.siteUrl);
  for (let tries = 0; ; tries++) {
    const id = rowId();
    const reference = newReference();
    // The mails are queued, not written: the outbox worker has them written when it sends them (intake-mail.ts),
    // so a submission stores its rows and answers without waiting for that (docs/COMPLAINTS.md).
    const agencyMail: MailComposedLater = { complaintId: id, key: reference, kind: 'agency', recipient: agency.complaints.email, composer: INTAKE_COMPOSER };
    // The acknowledgement is queued only when the address still has a slot today (ack-quota.ts), in the same transaction.
    const ack = input.email
      ? {
          mail: { complaintId: id, key: reference, kind: 'ack', recipient: input.email, composer: INTAKE_COMPOSER },
          slot: ackSlotFor(input.email, world.settings.secret, now, world.calendar?.offsetMinutes, world.limits.acksPerAddressPerDay),
        }
      : undefined;
    const row = {
      id,
      reference,
      tracking_hash: trackingHash,
      kind: input.kind,
      status: 'submitted' as const,
      agency_id: route.agencyId,
      regulation_id: regulationId,
      category: input.category,
      target: JSON.stringify(target),
      contents: JSON.stringify(contents),
      idempotency_key: key ?? null,
      submission_hash: key ? submission : null,
      created_at: at,
      updated_at: at,
      accept_due_at: due,
      resolve_due_at: null,
    };
    try {
      const stored = await insertSubmission(world.store, {
        complaint: row,
        // The region too: should the agency later leave the registry, its overdue complaints still find their bureau.
        routed: { reason: route.reason, data: { rule: route.rule, agencyId: route.agencyId, region: agency.region } },
        evidence,
        mails: [agencyMail],
        ...(ack ? { ack } : {}),
        host,
      });
      world.mailQueued?.();
      return { reference, trackingCode, repeated: false, agencyId: route.agencyId, ackQueued: stored.ackQueued };
    } catch (error) {
      const message = String((error as Error).message);
      // A concurrent request with the same key won the race: answer with its result.
      if (key && /idempotency_key|UNIQUE constraint failed: complaints.idempotency_key/.test(message)) {
        const first = await findComplaintByIdempotencyKey(world.store, key);
        if (!first) throw error;
        // Stored before the hash counted every field (fingerprint.ts): the same answers give the v1 hash and its code.
        const same =
          first.submission_hash === submission ? submission : first.submission_hash === submissionHashV1(input, evidence) ? first.submission_hash : undefined;
        if (!same) return { conflict: true };
        const queued = !!input.email && (await ackQueued(world, first.reference, host));
        return {
          reference: first.reference,
          trackingCode: await firstTrackingCode(world, first, key, same),
          repeated: true,
          agencyId: first.agency_id,
          ackQueued: queued,
        };
      }
      // A reference collision (34 bits of randomness) is retried with a new one.
      if (tries < 3 && /reference/.test(message)) continue;
      throw error;
    }
  }
}

/**
 * Whether an earlier submission's acknowledgement is in the outbox, by its Message-ID (unique): for a repeated
 * submission, answered as the first was. A new submission learns it from its own insert.
 */
async function ackQueued(world: World, reference: string, host: string): Promise<boolean> {
  return (await world.store.query('SELECT 1 AS one FROM outbox WHERE message_id = ?', [messageIdFor(reference, 'ack', host)])).length > 0;
}
