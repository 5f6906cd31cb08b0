import { createHash, randomBytes } from 'node:crypto';
import { DEFAULT_POLICY } from '../../src/core/policy/schema.ts';
import { deleteExpiredEvidenceDrafts, findEvidenceDraft, insertEvidenceDraft } from '../store/records/evidence-drafts.ts';
import type { EvidenceFile } from './evidence.ts';
import type { World } from './world.ts';

/**
 * Evidence of a no-JS complaint between its check page and 确认提交: the files are kept in the store (never under
 * dist/) for the policy's hours, bound to the page by a random token in a hidden field; only the token's hash is
 * stored, so the store alone cannot hand the files to anyone. The purge removes them once expired; a repeated
 * 确认提交 within that time finds them again and gets the first result (the same idempotency key and bytes).
 */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

export interface KeptEvidence {
  token: string;
  files: EvidenceFile[];
  expiresAt: string;
}

function hashDraftToken(token: string): string {
  return createHash('sha256').update(`gongshi/evidence-draft/v1\n${token}`).digest('hex');
}

export function isDraftToken(value: string | undefined): value is string {
  return !!value && TOKEN.test(value);
}

export async function keepEvidence(world: World, files: EvidenceFile[]): Promise<KeptEvidence> {
  const token = randomBytes(32).toString('base64url');
  const now = world.clock.now();
  const hours = (world.policy ?? DEFAULT_POLICY).complaintData.draftEvidenceHours;
  const expiresAt = new Date(now.getTime() + hours * 3600_000).toISOString();
  await insertEvidenceDraft(world.store, { tokenHash: hashDraftToken(token), files, createdAt: now.toISOString(), expiresAt });
  return { token, files, expiresAt };
}

/** The kept files, or undefined when the token names none (expired, purged, or never issued). */
export async function keptEvidence(world: Pick<World, 'store' | 'clock'>, token: string): Promise<KeptEvidence | undefined> {
  if (!isDraftToken(token)) return undefined;
  const rows = await findEvidenceDraft(world.store, hashDraftToken(token), world.clock.now().toISOString());
  if (!rows.length) return undefined;
  const files = rows.map((r) => ({ name: r.name, type: r.type as EvidenceFile['type'], data: new Uint8Array(r.data) }));
  return { token, files, expiresAt: rows[0]!.expires_at };
}

/** Run with the retention purge: removes expired drafts. */
export function purgeEvidenceDrafts(world: Pick<World, 'store' | 'clock'>): Promise<number> {
  return deleteExpiredEvidenceDrafts(world.store, world.clock.now().toISOString());
}
