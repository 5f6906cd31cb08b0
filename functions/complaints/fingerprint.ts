import { createHash } from 'node:crypto';
import type { EvidenceFile } from './evidence.ts';
import type { ComplaintInput } from '../../src/core/complaint/schema.ts';

/**
 * What an idempotency key stands for: every answer the submitter gave (as checked, so a retry that differs only in
 * surrounding spaces is the same submission) and the bytes of each evidence file. Only the key itself, the proof of
 * work and the honeypot are left out; every other field of the form counts, so a field added to the schema counts
 * without being listed here (v1 listed them, and missed `region`: the same key with another region was answered
 * with the first complaint). The certificate number is the one read from the field (a pasted QR link or labelled
 * number stands for its number, post.ts), so a retried paste and the bare number are the same submission.
 */
export function submissionHash(input: ComplaintInput, evidence: readonly EvidenceFile[]): string {
  const { idempotencyKey: _key, pow: _pow, website: _honeypot, ...rest } = input;
  const answers = Object.fromEntries(
    Object.entries(rest)
      .filter(([, value]) => value !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
  return createHash('sha256')
    .update(`gongshi/submission/v2\n${JSON.stringify({ ...answers, evidence: evidenceHashes(evidence) })}`)
    .digest('hex');
}

/**
 * The hash complaints stored before v2 carry (without `region`): a retry that reaches a newer server with the same
 * answers is still the same submission. Compared only where the stored hash is not v2's.
 */
export function submissionHashV1(input: ComplaintInput, evidence: readonly EvidenceFile[]): string {
  const answers = {
    kind: input.kind,
    about: input.about,
    certificateNo: input.certificateNo ?? null,
    agencyId: input.agencyId ?? null,
    category: input.category,
    when: input.when,
    place: input.place,
    description: input.description,
    name: input.name ?? null,
    phone: input.phone ?? null,
    email: input.email ?? null,
    evidence: evidenceHashes(evidence),
  };
  return createHash('sha256')
    .update(`gongshi/submission/v1\n${JSON.stringify(answers)}`)
    .digest('hex');
}

function evidenceHashes(evidence: readonly EvidenceFile[]): string[] {
  return evidence.map((f) => createHash('sha256').update(f.data).digest('hex'));
}
