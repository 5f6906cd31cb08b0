import { randomUUID } from 'node:crypto';
import type { Db } from '../db.ts';

/** `evidence`: files a complainant attached, kept with the complaint and sent to the handling agency. */

export interface NewEvidence {
  name: string;
  type: string;
  data: Uint8Array;
}

export async function insertEvidence(tx: Db, complaintId: string, file: NewEvidence): Promise<void> {
  await tx.run('INSERT INTO evidence (id, complaint_id, name, type, size, data) VALUES (?, ?, ?, ?, ?, ?)', [
    randomUUID(), complaintId, file.name, file.type, file.data.byteLength, Buffer.from(file.data.buffer, file.data.byteOffset, file.data.byteLength),
  ]);
}

/** A complaint's evidence as mail attachments. */
export async function evidenceAttachments(db: Db, complaintId: string): Promise<{ filename: string; contentType: string; content: Buffer }[]> {
  const rows = await db.query<{ name: string; type: string; data: Buffer | Uint8Array }>(
    'SELECT name, type, data FROM evidence WHERE complaint_id = ? ORDER BY name',
    [complaintId],
  );
  return rows.map((r) => ({ filename: r.name, contentType: r.type, content: Buffer.from(r.data) }));
}
