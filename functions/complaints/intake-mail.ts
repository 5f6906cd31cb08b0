import type { ComposedMail } from '../mail/compose.ts';
import type { Composer, ComposerName } from '../outbox/composers.ts';
import { contentsOf, findComplaintById, targetOf } from '../store/records/complaints.ts';
import { listEvents, routedDataOf } from '../store/records/events.ts';
import { acknowledgementMail, agencyMail, type ComplaintForMail } from './mails.ts';
import type { World } from './world.ts';
import { timeLimitFor } from '../deadlines/label.ts';

/** The `compose` value of the mails a submission queues: the agency mail and the acknowledgement. */
export const INTAKE_COMPOSER: ComposerName = 'intake';

/**
 * Writes a submission's queued mail from what the submission stored, when the outbox worker sends it: the agency
 * mail (with its action links) to the agency the complaint was first routed to, or the acknowledgement to the
 * complainant. Everything it reads was committed with the complaint, so the mail says what it would have said at
 * submission; only the action links' 30 days count from the sending.
 */
export function intakeMailComposer(world: World): Composer {
  return async ({ complaintId, kind }): Promise<ComposedMail> => {
    if (!complaintId) throw new Error('intake mail without a complaint');
    const complaint = await findComplaintById(world.store, complaintId);
    const routed = (await listEvents(world.store, complaintId)).find((e) => e.type === 'routed');
    if (!complaint || !routed) throw new Error(`complaint ${complaintId} not found`);
    // Its contents are gone (retention purge): nothing to write, and an empty mail must not go out.
    if (complaint.purged_at) throw new Error(`complaint ${complaintId} purged`);
    // The agency of the first routing, even if the complaint has been transferred since.
    const agencyId = routedDataOf(routed).agencyId;
    const agency = world.directory.agency(agencyId);
    if (!agency) throw new Error(`agency ${agencyId} not in the registry`);
    const forMail: ComplaintForMail = {
      reference: complaint.reference,
      kind: complaint.kind,
      category: complaint.category,
      target: targetOf(complaint),
      contents: contentsOf(complaint),
      createdAt: complaint.created_at,
      acceptDueAt: complaint.accept_due_at,
      timeLimit: timeLimitFor(world, new Date(complaint.created_at)),
      routeReason: routed.reason ?? '',
    };
    if (kind === 'agency') {
      const links = world.actionLinks?.({ id: complaint.id, reference: complaint.reference, agencyId: agency.id, dueAt: complaint.accept_due_at });
      return agencyMail(forMail, agency, world.directory, links);
    }
    if (kind === 'ack') return acknowledgementMail(forMail, agency, world.settings.siteUrl);
    throw new Error(`no intake mail of kind ${kind}`);
  };
}
