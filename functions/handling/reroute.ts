import { z } from 'zod';
import '../../src/core/zod-setup.ts';
import { complaintStatusLabels } from '../../src/core/complaint/status.ts';
import { withHint } from '../../src/core/error-data.ts';
import type { Agency } from '../../src/core/registry/schema.ts';
import { placeOrphan, type OrphanPlace } from '../deadlines/orphaned.ts';
import type { Db } from '../store/db.ts';
import { findComplaintByReference, findComplaintForUpdate, targetOf, type ComplaintRow } from '../store/records/complaints.ts';
import { claimTokenUse, tokenWasUsed } from '../store/records/action-uses.ts';
import { handlingErrors } from './errors.ts';
import { REROUTE, tokenHash, type ActionClaim } from './links.ts';
import { formText, parseForm, receivingAgency, Refusal, refuseIfPurged, routeComplaint, routingPeriod } from './routing.ts';
import { allowedActions, transition } from './state.ts';
import type { HandlingWorld } from './world.ts';

/**
 * 指定办理机关: a justice bureau names the agency that takes over a complaint whose handling agency left the directory
 * (orphaned.ts tells the bureau, with this link, at the deadline and in its daily summaries). Platform policy, not a
 * regulation's (docs/HANDLING.md): only a bureau that placeOrphan picks for the complaint today, through a link signed
 * for that bureau and the complaint's handling round. The complaint is then routed exactly as a transfer is
 * (routing.ts), with the bureau as the actor.
 *
 * Checks after the signature and expiry, each with its own answer: complaint exists (404) → not purged (410) → link not used (410) →
 * still the round the bureau was told about (409: re-routed or transferred since) → still open (409) → its agency
 * still gone (409) → the bureau is one placeOrphan picks now (403) → the form (422) → the chosen agency (422).
 */
export type RerouteClaim = ActionClaim<typeof REROUTE>;

export interface RerouteReady {
  ok: true;
  claim: RerouteClaim;
  complaint: ComplaintRow;
  bureau: Agency;
  place: OrphanPlace;
}

export const rerouteForm = z.object({
  transferTo: z.string({ error: '请选择承接的办理机关' }).trim().min(1, { message: '请选择承接的办理机关' }),
  reason: formText('指定理由', 4, 1000),
});

/** The complaint, the bureau and the round, or the refusal that applies now. `used` says whether the link was used (GET) or uses it (POST). */
async function check(
  world: HandlingWorld,
  db: Db,
  claim: RerouteClaim,
  used: (complaint: ComplaintRow) => Promise<boolean>,
  lock = false,
): Promise<{ complaint: ComplaintRow; bureau: Agency; place: OrphanPlace; period: number }> {
  const complaint = await (lock ? findComplaintForUpdate : findComplaintByReference)(db, claim.reference);
  if (!complaint) throw new Refusal(404, withHint(handlingErrors.ComplaintNotFound, claim.reference));
  refuseIfPurged(complaint);
  if (await used(complaint)) throw new Refusal(410, withHint(handlingErrors.RerouteUsed));
  const handler = world.directory.agency(complaint.agency_id);
  const period = await routingPeriod(db, complaint.id);
  if (claim.period !== period) throw new Refusal(409, withHint(handlingErrors.RerouteMoved, handler?.name ?? '其他机关'));
  if (!allowedActions(complaint.status).length) throw new Refusal(409, withHint(handlingErrors.RerouteFinished, complaintStatusLabels[complaint.status]));
  if (handler) throw new Refusal(409, withHint(handlingErrors.RerouteAgencyBack, handler.name));
  const place = await placeOrphan(db, world.directory, {
    id: complaint.id,
    agency_id: complaint.agency_id,
    regulation_id: complaint.regulation_id,
    target: targetOf(complaint),
  });
  const bureau = place.bureaus.find((b) => b.id === claim.agencyId);
  if (!bureau) throw new Refusal(403, withHint(handlingErrors.RerouteNotForBureau, place.bureaus.map((b) => b.name).join('、')));
  return { complaint, bureau, place, period };
}

/** For the GET page: what would refuse the link now, without changing anything. */
export async function inspectReroute(world: HandlingWorld, token: string, claim: RerouteClaim): Promise<RerouteReady> {
  const { complaint, bureau, place } = await check(world, world.store, claim, () => tokenWasUsed(world.store, tokenHash(token)));
  return { ok: true, claim, complaint, bureau, place };
}

/** Validates the form and routes the complaint to the chosen agency, in one transaction with the link's use. */
export async function performReroute(world: HandlingWorld, token: string, claim: RerouteClaim, form: Record<string, unknown>) {
  const fields = parseForm(rerouteForm, form);
  return world.store.transaction(async (tx) => {
    const now = world.clock.now();
    const at = now.toISOString();
    // Claimed first: a refusal below rolls the claim back with everything else, and a second use is named as such.
    const { complaint, bureau, period } = await check(
      world,
      tx,
      claim,
      async (c) => !(await claimTokenUse(tx, { tokenHash: tokenHash(token), complaintId: c.id, action: REROUTE, agencyId: claim.agencyId, at })),
      true,
    );
    const t = transition(complaint.status, 'transfer');
    if (!t.ok) throw new Refusal(409, t.message);
    const receiving = receivingAgency(world, targetOf(complaint), fields.transferTo, 'transferTo');
    await routeComplaint(world, tx, now, {
      complaint,
      period,
      actor: bureau,
      receiving,
      reason: fields.reason,
      routeReason: `原办理机关（编号 ${complaint.agency_id}）已不在机关名录中，由${bureau.name}指定办理，理由：${fields.reason}`,
      routedData: { rule: REROUTE, from: complaint.agency_id, by: bureau.id },
    });
    world.log?.(`[handling] ${REROUTE} ${complaint.reference} → ${receiving.id}`);
    return {
      ok: true as const,
      reference: complaint.reference,
      action: REROUTE,
      status: t.to,
      // The same words whether or not the complainant left an e-mail address: the bureau learns nothing of them.
      message: `已指定${receiving.name}办理 ${complaint.reference}，该件已转交该机关，该机关会收到完整的投诉材料；反映人留有邮箱的，会收到通知。`,
    };
  });
}
