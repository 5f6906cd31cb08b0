import { createHmac, timingSafeEqual } from 'node:crypto';
import { findComplaintById } from '../store/records/complaints.ts';
import type { World } from './world.ts';
import type { ActionLink } from '../mail/compose.ts';

/**
 * Download links for evidence too large to travel by mail. A token names one evidence file, its complaint and the
 * agency it was mailed to, signed with HMAC-SHA256 under SECRET with its own domain tag (never valid as an action
 * link or anything else). How long it works is decided when it is used, from the store: until the complaint's
 * current handling deadline plus EVIDENCE_LINK_GRACE_DAYS, while the complaint is still with that agency and the
 * file still exists (deleted with the complaint).
 */
const DOMAIN = 'gongshi/evidence-link/v1';
export const EVIDENCE_LINK_GRACE_DAYS = 30;

export interface EvidenceClaim {
  evidenceId: string;
  complaintId: string;
  agencyId: string;
}

function mac(payload: string, secret: string): string {
  return createHmac('sha256', secret).update(`${DOMAIN}\n${payload}`).digest('base64url');
}

export function signEvidenceToken(claim: EvidenceClaim, secret: string): string {
  const payload = Buffer.from([claim.evidenceId, claim.complaintId, claim.agencyId].join('|')).toString('base64url');
  return `${payload}.${mac(payload, secret)}`;
}

const TOKEN = /^([A-Za-z0-9_-]{8,400})\.([A-Za-z0-9_-]{43})$/;

/** The claim, or undefined when the token is malformed or not signed with one of our keys. */
export function verifyEvidenceToken(token: string, secret: string, previousSecrets: readonly string[] = []): EvidenceClaim | undefined {
  const match = TOKEN.exec(token);
  if (!match) return undefined;
  const [, payload, signature] = match as unknown as [string, string, string];
  const given = Buffer.from(signature);
  const ok = [secret, ...previousSecrets].some((key) => {
    const expected = Buffer.from(mac(payload, key));
    return expected.length === given.length && timingSafeEqual(expected, given);
  });
  if (!ok) return undefined;
  const parts = Buffer.from(payload, 'base64url').toString('utf8').split('|');
  if (parts.length !== 3 || parts.some((p) => !p)) return undefined;
  const [evidenceId, complaintId, agencyId] = parts as [string, string, string];
  return { evidenceId, complaintId, agencyId };
}

/** Until when a link works: the complaint's current deadline (办结 once accepted, else 受理) plus the grace days. */
export function evidenceLinkUntil(complaint: { accept_due_at: string | null; resolve_due_at: string | null; created_at: string }): Date {
  const deadline = Date.parse(complaint.resolve_due_at ?? complaint.accept_due_at ?? complaint.created_at);
  return new Date(deadline + EVIDENCE_LINK_GRACE_DAYS * 86_400_000);
}

export function evidenceUrl(siteUrl: string, token: string): string {
  return `${siteUrl.replace(/\/+$/, '')}/api/evidence/${token}`;
}

/** The outbox worker's `evidenceLink`: a link for one stored file, bound to the agency now handling the complaint. */
export function makeEvidenceLinker(world: Pick<World, 'store' | 'settings'>) {
  return async (complaintId: string, evidenceId: string): Promise<{ url: string; until: Date } | undefined> => {
    const complaint = await findComplaintById(world.store, complaintId);
    if (!complaint) return undefined;
    const token = signEvidenceToken({ evidenceId, complaintId, agencyId: complaint.agency_id }, world.settings.secret);
    return { url: evidenceUrl(world.settings.siteUrl, token), until: evidenceLinkUntil(complaint) };
  };
}

const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/**
 * Download links for every evidence file of a complaint, signed now with SECRET for the agency handling it: what the
 * fresh-links mail carries (fresh-links.ts), so an agency whose earlier links died (an emergency key rotation) or whose
 * mail is lost gets them again. They last as every evidence link does (evidenceLinkUntil): `expired` when that date
 * has already passed, and then there are no links.
 */
export function evidenceDownloadLinks(
  world: Pick<World, 'settings'>,
  complaint: { id: string; agency_id: string; accept_due_at: string | null; resolve_due_at: string | null; created_at: string },
  files: readonly { id: string; name: string; size: number | string }[],
  now: Date,
): { links: ActionLink[]; until: Date; expired: boolean } {
  const until = evidenceLinkUntil(complaint);
  if (now > until) return { links: [], until, expired: true };
  const links = files.map((file) => ({
    label: `${file.name}（${megabytes(Number(file.size))}）`,
    url: evidenceUrl(
      world.settings.siteUrl,
      signEvidenceToken({ evidenceId: file.id, complaintId: complaint.id, agencyId: complaint.agency_id }, world.settings.secret),
    ),
  }));
  return { links, until, expired: false };
}
