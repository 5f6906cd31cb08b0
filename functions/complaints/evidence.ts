import { limits } from '../../src/core/complaint/schema.ts';
import { evidenceMessages } from '../../src/core/complaint/fields.ts';
import { type EvidenceType, sniffType } from '../../src/core/complaint/evidence-type.ts';
import { messageOf } from '../../src/core/error-data.ts';
import { intakeErrors } from './errors.ts';
import { stripMetadata } from './evidence-metadata.ts';

export interface EvidenceFile {
  name: string;
  type: EvidenceType;
  data: Uint8Array;
}

const EXT: Record<EvidenceFile['type'], string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'application/pdf': 'pdf',
};

/**
 * Checks count, sizes and types; the stored name is ours (`证据1.jpg`), never the uploaded one. Photos come back
 * without their metadata (location, camera, owner: evidence-metadata.ts): these bytes are what is kept for the check
 * page, hashed for the idempotency key, stored and mailed. Sizes are checked on the file as uploaded.
 */
export async function readEvidence(files: File[]): Promise<{ files: EvidenceFile[] } | { error: string }> {
  const real = files.filter((f) => f.size > 0 || f.name);
  if (real.length > limits.evidenceFiles) return { error: evidenceMessages.tooMany };
  let total = 0;
  const out: EvidenceFile[] = [];
  for (const [i, file] of real.entries()) {
    if (file.size === 0) return { error: evidenceMessages.empty(i + 1) };
    if (file.size > limits.evidenceFileBytes) {
      return { error: evidenceMessages.tooLarge(i + 1) };
    }
    total += file.size;
    if (total > limits.evidenceTotalBytes) return { error: evidenceMessages.tooLargeTogether };
    const data = new Uint8Array(await file.arrayBuffer());
    const type = sniffType(data);
    if (!type) return { error: evidenceMessages.wrongType(i + 1) };
    const stripped = stripMetadata(type, data);
    if ('damaged' in stripped) return { error: messageOf(intakeErrors.EvidenceDamaged, i + 1) };
    out.push({ name: `证据${i + 1}.${EXT[type]}`, type, data: stripped.data });
  }
  return { files: out };
}
