import type { DisclosurePolicy } from '../../core/policy/disclosure.ts';
import { ENDED_STATUSES, type Auxiliary, type Employment, type ShownStatus } from '../../core/roster/schema.ts';
import { addYears } from '../../core/dates.ts';
import { shownStatus } from '../../core/roster/shown-status.ts';

export { addYears, shownStatus };

export type { ShownStatus };

export { ENDED_STATUSES };

/**
 * One auxiliary as the site may publish it: the only shape that reaches pages, the search index, the number index
 * and open data. Optional fields are present only when the disclosure policy switches them on; the name is absent
 * once the retention period after leaving (or revocation, cancellation) has passed; a validity date is absent
 * where the certificate has ended, so that it is never read as still holding.
 */
export interface PublicAuxiliary {
  certificateNo: string;
  /** Absent once the retention period has passed (the number still verifies as not valid). */
  name?: string;
  agencyId: string;
  status: ShownStatus;
  statusSince?: string;
  issuedOn?: string;
  validUntil?: string;
  post?: string;
  employment?: Employment;
  dispatcher?: string;
  photo?: string;
}

/** Today's date in China (YYYY-MM-DD): certificates expire and retention ends by the date in Beijing. */
export function chinaToday(now: Date = new Date()): string {
  return new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}

/**
 * Whether the name is withheld: an ended certificate whose status date is at least `years` ago. Without a status
 * date the end of the period cannot be known, and the name is withheld (privacy is the safe side).
 */
export function nameWithheld(aux: Pick<Auxiliary, 'status' | 'statusSince'>, years: number, today: string): boolean {
  if (!ENDED_STATUSES.has(aux.status)) return false;
  return !aux.statusSince || addYears(aux.statusSince, years) <= today;
}

export function publicView(aux: Auxiliary, policy: DisclosurePolicy, today: string): PublicAuxiliary {
  const status = shownStatus(aux, today);
  const out: PublicAuxiliary = { certificateNo: aux.certificateNo, agencyId: aux.agencyId, status };
  if (!nameWithheld(aux, policy.retentionYears, today)) out.name = aux.name;
  if (aux.statusSince) out.statusSince = aux.statusSince;
  if (aux.issuedOn) out.issuedOn = aux.issuedOn;
  if (aux.validUntil && !ENDED_STATUSES.has(aux.status)) out.validUntil = aux.validUntil;
  const on = (field: 'post' | 'employment' | 'dispatcher' | 'photo') => policy.published.has(field);
  if (on('post') && aux.post) out.post = aux.post;
  if (on('employment') && aux.employment) out.employment = aux.employment;
  if (on('dispatcher') && aux.dispatcher) out.dispatcher = aux.dispatcher;
  // A photo identifies a person on sight: only of staff at work now, and only with their recorded consent.
  if (on('photo') && aux.photo && aux.photoConsent && status === 'active') out.photo = aux.photo;
  return out;
}
