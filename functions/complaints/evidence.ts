import { limits } from '../../src/core/complaint/schema.ts';
import { evidenceMessages } from '../../src/core/complaint/fields.ts';

export interface EvidenceFile {
  name: string;
  type: 'image/jpeg' | 'image/png' | 'image/webp' | 'application/pdf';
  data: Uint8Array;
}

/** The file type from its first bytes; what the browser claims is ignored. */
export function sniffType(data: Uint8Array): EvidenceFile['type'] | undefined {
  const at = (i: number, bytes: number[]) => bytes.every((b, k) => data[i + k] === b);
  if (at(0, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (at(0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (at(0, [0x52, 0x49, 0x46, 0x46]) && at(8, [0x57, 0x45, 0x42, 0x50])) return 'image/webp';
  if (at(0, [0x25, 0x50, 0x44, 0x46, 0x2d])) return 'application/pdf';
  return undefined;
}

const EXT: Record<EvidenceFile['type'], string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'application/pdf': 'pdf',
};

/** Checks count, sizes and types; the stored name is ours (`证据1.jpg`), never the uploaded one. */
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
    out.push({ name: `证据${i + 1}.${EXT[type]}`, type, data });
  }
  return { files: out };
}
