import { describe, expect, it } from 'vitest';
import { parseBody } from '../../functions/complaints/body.ts';

const CAPS = { body: 64 * 1024, multipart: 512 * 1024 };
const PHOTO = new Uint8Array(300 * 1024).map((_, i) => (i * 7919) % 251);

/** The bytes and type fetch would send for a FormData. */
async function encoded(data: FormData): Promise<{ bytes: Uint8Array<ArrayBuffer>; type: string }> {
  const response = new Response(data);
  return { bytes: new Uint8Array(await response.arrayBuffer()), type: response.headers.get('content-type')! };
}

/** As a server hands it on: with its declared length, or streamed in pieces without one (chunked). */
function request(bytes: Uint8Array<ArrayBuffer>, type: string, how: 'declared' | 'chunked', declared = bytes.byteLength): Request {
  const headers: Record<string, string> = { 'content-type': type };
  if (how === 'declared') {
    headers['content-length'] = String(declared);
    return new Request('http://localhost/api/complaints', { method: 'POST', headers, body: bytes });
  }
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let at = 0; at < bytes.byteLength; at += 16 * 1024) controller.enqueue(bytes.slice(at, at + 16 * 1024));
      controller.close();
    },
  });
  return new Request('http://localhost/api/complaints', { method: 'POST', headers, body: stream, duplex: 'half' } as RequestInit);
}

describe('a multipart body, read within its cap', () => {
  it('reads the same fields and photo whether its length is declared or it comes in chunks', async () => {
    const data = new FormData();
    data.append('kind', 'complaint');
    data.append('place', '示例路 1 号');
    data.append('evidence', new Blob([PHOTO], { type: 'image/jpeg' }), 'IMG_0001.jpg');
    const { bytes, type } = await encoded(data);
    for (const how of ['declared', 'chunked'] as const) {
      const body = await parseBody(request(bytes, type, how), CAPS);
      if (!body.ok) throw new Error(`${how}: ${body.message}`);
      expect(body.fields).toEqual({ kind: 'complaint', place: '示例路 1 号' });
      expect(body.files).toHaveLength(1);
      expect(Buffer.from(await body.files[0]!.arrayBuffer()).equals(Buffer.from(PHOTO))).toBe(true);
    }
  });

  it('refuses a body over the cap (413) whether it declares its length or not', async () => {
    const data = new FormData();
    data.append('evidence', new Blob([PHOTO, PHOTO]), 'big.jpg');
    const { bytes, type } = await encoded(data);
    for (const how of ['declared', 'chunked'] as const) {
      const body = await parseBody(request(bytes, type, how), CAPS);
      expect(body.ok ? 200 : body.status, how).toBe(413);
    }
    // A declared length over the cap is refused before anything is read.
    const small = await encoded(new FormData());
    const lying = await parseBody(request(small.bytes, small.type, 'declared', CAPS.multipart + 1), CAPS);
    expect(lying.ok ? 200 : lying.status).toBe(413);
  });

  it('refuses a broken multipart body (400) with its length declared', async () => {
    const bytes = new TextEncoder().encode('--x\r\nContent-Disposition: form-data; name="kind"\r\n\r\ncomplaint');
    const body = await parseBody(request(bytes, 'multipart/form-data; boundary=y', 'declared'), CAPS);
    expect(body.ok ? 200 : body.status).toBe(400);
    if (!body.ok) expect(body.message).toMatch(/[\u4e00-\u9fff]/);
  });
});
