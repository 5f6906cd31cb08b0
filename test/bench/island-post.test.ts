import { describe, expect, it } from 'vitest';
import { EVIDENCE, EVIDENCE_EVERY, islandBodies, islandBody } from '../../scripts/bench/island-post.ts';

/** What a server reads from a body: its fields, and each file's name, type and bytes. */
async function read(body: BodyInit, contentType?: string): Promise<Record<string, unknown>> {
  const form = await new Response(body, contentType ? { headers: { 'content-type': contentType } } : {}).formData();
  const out: Record<string, unknown> = {};
  for (const [name, value] of form) {
    out[name] = typeof value === 'string' ? value : { name: value.name, type: value.type, bytes: Buffer.from(await value.arrayBuffer()) };
  }
  return out;
}

describe('the complaint bench sends what the island sends', () => {
  it('a pre-encoded body reads as the FormData it stands for, with its own key and number', async () => {
    const encoded = await islandBodies('RQCG-2024-0001');
    for (const n of [1, 7, EVIDENCE_EVERY, 12_345_678]) {
      const fast = await read(encoded(n).body, encoded(n).contentType);
      const slow = await read(islandBody(n, 'RQCG-2024-0001'));
      expect(fast.idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
      expect({ ...fast, idempotencyKey: '' }).toEqual({ ...slow, idempotencyKey: '' });
      expect(fast.place).toContain(String(n).padStart(8, '0'));
    }
    const photo = (await read(encoded(0).body, encoded(0).contentType)).evidence as { bytes: Buffer; type: string };
    expect(photo.type).toBe('image/jpeg');
    expect(photo.bytes.equals(EVIDENCE)).toBe(true);
    const keys = new Set(await Promise.all([2, 2, 2].map(async (n) => (await read(encoded(n).body, encoded(n).contentType)).idempotencyKey)));
    expect(keys.size).toBe(3);
  });
});
