import { describe, expect, it } from 'vitest';
import { EVIDENCE, EVIDENCE_EVERY, islandBodies, islandBody } from '../../scripts/bench/island-post.ts';

/** What a server reads from a body by its content type: its fields, and each file's name, type and bytes. */
async function read(body: BodyInit, headers: Record<string, string>): Promise<Record<string, unknown>> {
  const response = new Response(body, { headers });
  if (response.headers.get('content-type') === 'application/json') return (await response.json()) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [name, value] of await response.formData()) {
    out[name] = typeof value === 'string' ? value : { name: value.name, type: value.type, bytes: Buffer.from(await value.arrayBuffer()) };
  }
  return out;
}

describe('the complaint bench sends what the island sends', () => {
  it('a pre-encoded body reads as the body the island encodes, with its own key and number', async () => {
    const encoded = await islandBodies('RQCG-2024-0001');
    const readEncoded = (n: number) => read(encoded(n).body, { 'content-type': encoded(n).contentType });
    for (const n of [1, 7, EVIDENCE_EVERY, 12_345_678]) {
      const fast = await readEncoded(n);
      const island = islandBody(n, 'RQCG-2024-0001');
      const slow = await read(island.body, island.headers);
      expect(fast.idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
      expect({ ...fast, idempotencyKey: '' }).toEqual({ ...slow, idempotencyKey: '' });
      expect(fast.place).toContain(String(n).padStart(8, '0'));
    }
    // As the island: JSON without a file, multipart with the photo.
    expect(encoded(1).contentType).toBe('application/json');
    expect(encoded(0).contentType).toMatch(/^multipart\/form-data; boundary=/);
    const photo = (await readEncoded(0)).evidence as { bytes: Buffer; type: string };
    expect(photo.type).toBe('image/jpeg');
    expect(photo.bytes.equals(EVIDENCE)).toBe(true);
    const keys = new Set(await Promise.all([2, 2, 2].map(async (n) => (await readEncoded(n)).idempotencyKey)));
    expect(keys.size).toBe(3);
  });
});
