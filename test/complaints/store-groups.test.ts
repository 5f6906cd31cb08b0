import { expect, it } from 'vitest';
import { complaintFunctions } from '../../functions/complaints/handler.ts';
import { defaultLimits } from '../../functions/complaints/world.ts';
import { findComplaintByReference } from '../../functions/store/records/complaints.ts';
import { listEvents } from '../../functions/store/records/events.ts';
import { fakeJpeg, testWorld, validSubmission, jsonComplaint } from './support.ts';
import { describeEachStore, freshStore } from '../support/stores.ts';

// Submissions that arrive together share a commit: SQLite's group commit (sqlite.ts), PostgreSQL's one statement
// for many (submissions-postgres.ts). Each must still be stored whole, fail alone and keep its own acknowledgement.

const ctx = { clientAddress: '127.0.0.1' };
const withPhoto = (body: Record<string, unknown>, photo: Uint8Array) => {
  const data = new FormData();
  for (const [k, v] of Object.entries(body)) data.append(k, String(v));
  data.append('evidence', new Blob([photo as BlobPart], { type: 'image/jpeg' }), 'a.jpg');
  return new Request('http://localhost/api/complaints', { method: 'POST', headers: { accept: 'application/json' }, body: data });
};
const jpeg = (n: number) => fakeJpeg(304 + n, n);

describeEachStore('submissions arriving together', (kind) => {
  const db = freshStore(kind);
  const handlerWith = async () => complaintFunctions(await testWorld(db, { limits: { ...defaultLimits, rateBurst: 1000, ratePerSecond: 1000 } }));

  it('stores each one whole — complaint, events, evidence, mail — and on PostgreSQL several in one transaction', async () => {
    const handler = await handlerWith();
    const bodies = Array.from({ length: 24 }, (_, i) => validSubmission({ email: `together${i}@citizen.example`, place: `人民路 ${i} 号` }));
    const responses = await Promise.all(bodies.map((body, i) => handler(i % 4 === 0 ? withPhoto(body, jpeg(i)) : jsonComplaint(body), ctx)));
    expect(responses.map((r) => r!.status)).toEqual(bodies.map(() => 201));
    const references = await Promise.all(responses.map(async (r) => ((await r!.json()) as { reference: string }).reference));
    for (const [i, reference] of references.entries()) {
      const row = (await findComplaintByReference(db, reference))!;
      expect(JSON.parse(row.contents).place).toBe(`人民路 ${i} 号`);
      expect((await listEvents(db, row.id)).map((e) => e.type)).toEqual(['submitted', 'routed']);
      const mails = await db.query<{ kind: string; recipient: string }>('SELECT kind, recipient FROM outbox WHERE complaint_id = ? ORDER BY kind', [row.id]);
      expect(mails).toEqual([
        { kind: 'ack', recipient: `together${i}@citizen.example` },
        { kind: 'agency', recipient: 'cgj@city.example' },
      ]);
      const files = await db.query<{ data: Uint8Array }>('SELECT data FROM evidence WHERE complaint_id = ?', [row.id]);
      expect(files.map((f) => [...f.data])).toEqual(i % 4 === 0 ? [[...jpeg(i)]] : []);
    }
    if (kind === 'postgres') {
      // xmin: the transaction that wrote the row. Fewer transactions than complaints = they were grouped.
      const placeholders = references.map(() => '?').join(', ');
      const [{ n }] = (await db.query<{ n: number }>(
        `SELECT COUNT(DISTINCT xmin::text) AS n FROM complaints WHERE reference IN (${placeholders})`,
        references,
      )) as [{ n: number }];
      expect(n).toBeLessThan(references.length);
    }
  });

  it('fails only the one whose idempotency key was taken; the others arriving with it are stored', async () => {
    const handler = await handlerWith();
    const key = `taken-${kind}-0123456789`;
    expect((await handler(jsonComplaint(validSubmission({ idempotencyKey: key, email: '' })), ctx))!.status).toBe(201);
    const before = Number((await db.query<{ n: number }>('SELECT COUNT(*) AS n FROM complaints'))[0]!.n);
    const bodies = Array.from({ length: 12 }, (_, i) => validSubmission({ email: '', place: `解放路 ${i} 号`, ...(i === 5 ? { idempotencyKey: key } : {}) }));
    const statuses = await Promise.all(bodies.map(async (body) => (await handler(jsonComplaint(body), ctx))!.status));
    // The same key with other answers: 409 for that one alone.
    expect(statuses).toEqual(bodies.map((_, i) => (i === 5 ? 409 : 201)));
    expect(Number((await db.query<{ n: number }>('SELECT COUNT(*) AS n FROM complaints'))[0]!.n)).toBe(before + 11);
  });

  it('gives submissions to one address at the same moment an acknowledgement each up to the day’s quota (3), none past it', async () => {
    const handler = await handlerWith();
    const address = `same-moment-${kind}@citizen.example`;
    const emails = [address, 'a@citizen.example', address, address, 'b@citizen.example', address, address, 'c@citizen.example'];
    const statuses = await Promise.all(
      emails.map(async (email, i) => (await handler(jsonComplaint(validSubmission({ email, place: `和平路 ${i} 号` })), ctx))!.status),
    );
    expect(statuses).toEqual(emails.map(() => 201));
    const acks = await db.query<{ n: number }>("SELECT COUNT(*) AS n FROM outbox WHERE kind = 'ack' AND recipient = ?", [address]);
    expect(Number(acks[0]!.n)).toBe(3);
  });
});
