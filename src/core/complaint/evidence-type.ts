/**
 * An evidence file's type, read from its first bytes (what the browser claims is ignored): the handler decides with
 * it, and the island says the same at its check step. Browser-safe.
 */
export type EvidenceType = 'image/jpeg' | 'image/png' | 'image/webp' | 'application/pdf';

/** Enough of a file's start to tell its type. */
export const SNIFF_BYTES = 12;

export function sniffType(data: Uint8Array): EvidenceType | undefined {
  const at = (i: number, bytes: number[]) => bytes.every((b, k) => data[i + k] === b);
  if (at(0, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (at(0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (at(0, [0x52, 0x49, 0x46, 0x46]) && at(8, [0x57, 0x45, 0x42, 0x50])) return 'image/webp';
  if (at(0, [0x25, 0x50, 0x44, 0x46, 0x2d])) return 'application/pdf';
  return undefined;
}
