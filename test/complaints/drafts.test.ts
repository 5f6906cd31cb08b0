import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { complaintFunctions } from '../../functions/complaints/handler.ts';
import { purgeEvidenceDrafts } from '../../functions/complaints/drafts.ts';
import { evidenceMessages } from '../../src/core/complaint/fields.ts';
import { DEFAULT_POLICY } from '../../src/core/policy/schema.ts';
import type { Db } from '../../functions/store/index.ts';
import { freshDb, manualClock, pgSkipReason, testWorld, validSubmission } from './support.ts';

/** A 1×1 PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
const HOURS = DEFAULT_POLICY.complaintData.draftEvidenceHours;

for (const kind of ['sqlite', 'postgres'] as const) {
  describe.skipIf(kind === 'postgres' && pgSkipReason)(`evidence kept for the no-JS check page (${kind})`, () => {
    let db: Db;
    let world: Awaited<ReturnType<typeof testWorld>>;
    let clock: ReturnType<typeof manualClock>;
    let handle: ReturnType<typeof complaintFunctions>;
    beforeAll(async () => {
      db = await freshDb(kind);
      clock = manualClock('2026-11-23T02:00:00.000Z');
      world = await testWorld(db, { clock, limits: { ...(await testWorld(db)).limits, rateBurst: 1000 } });
      handle = complaintFunctions(world);
    });
    afterAll(() => db?.close());

    const html = { accept: 'text/html,application/xhtml+xml' };
    const count = async (table: string) => Number((await db.query<{ n: number | string }>(`SELECT COUNT(*) AS n FROM ${table}`))[0]!.n);
    const post = async (body: BodyInit, headers: Record<string, string> = {}) =>
      (await handle(new Request('http://localhost/api/complaints', { method: 'POST', body, headers: { ...html, ...headers } }), {
        clientAddress: '127.0.0.1',
      }))!;

    /** The no-JS form's first post, with a file: answers the check page; returns its hidden fields. */
    async function toCheckPage(key: string): Promise<{ page: string; hidden: Record<string, string> }> {
      const form = new FormData();
      for (const [k, v] of Object.entries(validSubmission({ idempotencyKey: key }))) form.append(k, String(v));
      form.append('evidence', new Blob([PNG], { type: 'image/png' }), 'IMG_0001.png');
      const response = await post(form);
      expect(response.status).toBe(200);
      const page = await response.text();
      const hidden = Object.fromEntries([...page.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1]!, m[2]!]));
      return { page, hidden };
    }
    const confirm = (hidden: Record<string, string>) =>
      post(new URLSearchParams({ ...hidden, confirm: '1' }).toString(), { 'content-type': 'application/x-www-form-urlencoded' });

    it('the check page names the file, keeps it under an unguessable token, and 确认提交 stores it with the complaint; a repeat gets the first result', async () => {
      const before = await count('complaints');
      const { page, hidden } = await toCheckPage('draft-key-0001');
      expect(page).toContain('证据1.png');
      expect(page).not.toContain('IMG_0001');
      expect(hidden.evidenceDraft).toMatch(/^[A-Za-z0-9_-]{43}$/);
      // Only the token's hash is stored, never the token.
      const rows = await db.query<{ token_hash: string }>('SELECT token_hash FROM evidence_drafts');
      expect(rows.some((r) => r.token_hash === hidden.evidenceDraft)).toBe(false);
      expect(await count('complaints')).toBe(before);

      const first = await confirm(hidden);
      expect(first.status).toBe(201);
      const reference = first.headers.get('x-reference')!;
      const [stored] = await db.query<{ name: string; size: number | string }>(
        'SELECT e.name, e.size FROM evidence e JOIN complaints c ON c.id = e.complaint_id WHERE c.reference = ?',
        [reference],
      );
      expect(stored).toMatchObject({ name: '证据1.png' });
      expect(Number(stored!.size)).toBe(PNG.byteLength);
      const again = await confirm(hidden);
      expect(again.status).toBe(200);
      expect(again.headers.get('x-reference')).toBe(reference);
    });

    it('after the policy hours the files are gone: 确认提交 says to choose them again and stores nothing; the purge removes them', async () => {
      const { hidden } = await toCheckPage('draft-key-0002');
      const before = await count('complaints');
      clock.advance(HOURS * 3600_000 + 1000);
      const late = await confirm(hidden);
      expect(late.status).toBe(400);
      expect(await late.text()).toContain(evidenceMessages.draftGone);
      expect(await count('complaints')).toBe(before);
      expect(await count('evidence_drafts')).toBeGreaterThan(0);
      await purgeEvidenceDrafts(world);
      expect(await count('evidence_drafts')).toBe(0);
      // A token nobody issued is the same as an expired one.
      const forged = await confirm({ ...hidden, evidenceDraft: 'A'.repeat(43), idempotencyKey: 'draft-key-0003' });
      expect(forged.status).toBe(400);
    });
  });
}
