import { createHash } from 'node:crypto';
import type { EvidenceFile } from './evidence.ts';
import type { ComplaintInput } from '../../src/core/complaint/schema.ts';

/**
 * What an idempotency key stands for: every answer the submitter gave (as checked, so a retry that differs only in
 * surrounding spaces is the same submission) and the bytes of each evidence file. The proof of work and the key
 * itself are not part of it.
 */
export function submissionHash(input: ComplaintInput, evidence: readonly EvidenceFile[]): string {
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
    evidence: evidence.map((f) => createHash('sha256').update(f.data).digest('hex')),
  };
  return createHash('sha256')
    .update(`gongshi/submission/v1\n${JSON.stringify(answers)}`)
    .digest('hex');
}
