import { rowId } from '../row-id.ts';
import type { Db } from '../db.ts';

/** `evidence`: files a complainant attached, kept with the complaint and sent to the handling agency. */

export interface NewEvidence {
  name: string;
  type: string;
  data: Uint8Array;
}

export const EVIDENCE_COLUMNS = '(id, complaint_id, name, type, size, data)';
export const EVIDENCE_VALUES = '(?, ?, ?, ?, ?, ?)';

/** The parameters of one evidence row, for EVIDENCE_VALUES: the bytes as they are (a view, not a copy). */
export function evidenceParams(complaintId: string, file: NewEvidence): unknown[] {
  return [rowId(), complaintId, file.name, file.type, file.data.byteLength, Buffer.from(file.data.buffer, file.data.byteOffset, file.data.byteLength)];
}

export async function insertEvidence(tx: Db, complaintId: string, file: NewEvidence): Promise<void> {
  await tx.run(`INSERT INTO evidence ${EVIDENCE_COLUMNS} VALUES ${EVIDENCE_VALUES}`, evidenceParams(complaintId, file));
}

export interface EvidenceFileRow {
  id: string;
  name: string;
  type: string;
  size: number;
  data: Buffer | Uint8Array;
}

/** A complaint's evidence files with their ids and sizes (the outbox decides which fit in a message). */
export function evidenceFiles(db: Db, complaintId: string): Promise<EvidenceFileRow[]> {
  return db.query<EvidenceFileRow & Record<string, unknown>>('SELECT id, name, type, size, data FROM evidence WHERE complaint_id = ? ORDER BY name', [
    complaintId,
  ]);
}

/** A complaint's evidence files without their bytes: names and sizes, for download links (fresh-links.ts). */
export function evidenceList(db: Db, complaintId: string): Promise<{ id: string; name: string; size: number }[]> {
  return db.query<{ id: string; name: string; size: number }>('SELECT id, name, size FROM evidence WHERE complaint_id = ? ORDER BY name', [complaintId]);
}

/** One evidence file of a complaint, for its download link; undefined once deleted. */
export async function findEvidenceFile(db: Db, complaintId: string, evidenceId: string): Promise<EvidenceFileRow | undefined> {
  const [row] = await db.query<EvidenceFileRow & Record<string, unknown>>('SELECT id, name, type, size, data FROM evidence WHERE id = ? AND complaint_id = ?', [
    evidenceId,
    complaintId,
  ]);
  return row;
}
