import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { multipartLimits, parseBody } from '../../functions/complaints/body.ts';
import { intakeErrors } from '../../functions/complaints/errors.ts';
import { complaintFunctions } from '../../functions/complaints/handler.ts';
import { defaultLimits } from '../../functions/complaints/world.ts';
import type { RunningServer } from '../../functions/server/node.ts';
import { openSqlite } from '../../functions/store/sqlite.ts';
import { migrate, type Db } from '../../functions/store/index.ts';
import { evidenceMessages } from '../../src/core/complaint/fields.ts';
import { messageOf } from '../../src/core/error-data.ts';
import { serveFunctions } from '../server/support.ts';
import { fakeJpeg, tempDir, testWorld, validSubmission } from './support.ts';

/**
 * A multipart complaint is parsed as a stream within limits (functions/complaints/body.ts): a body of many tiny
 * parts, too many files, a huge field or hostile part headers are refused as soon as they show, with the intake's
 * own words, and the rest of the body is never read — the server stays free for everyone else.
 */
const CAPS = { body: defaultLimits.maxBodyBytes, multipart: defaultLimits.maxMultipartBytes };
const BOUNDARY = 'XyZ';
const TYPE = `multipart/form-data; boundary=${BOUNDARY}`;
const tooManyParts = messageOf(intakeErrors.FormTooManyParts, multipartLimits.parts);

/** One part as a browser writes it (RFC 7578): raw UTF-8 in names and values. */
function part(name: string, value: string | Uint8Array, extra = ''): Buffer {
  const head = `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"${extra}\r\n\r\n`;
  return Buffer.concat([Buffer.from(head), Buffer.from(value), Buffer.from('\r\n')]);
}
const close = Buffer.from(`--${BOUNDARY}--\r\n`);
const textParts = (fields: Record<string, unknown>) => Object.entries(fields).map(([k, v]) => part(k, String(v)));
/** A JPEG the intake's metadata walk reads whole (a few header bytes alone are refused as damaged). */
const JPEG = fakeJpeg(64);

/** The body of the security review: 316,547 empty fields, 16 MB. */
function manyEmptyParts(): Buffer {
  const one = Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="a"\r\n\r\n\r\n`);
  return Buffer.concat([Buffer.alloc(one.byteLength * 316_547, one), close]);
}

/** A request whose body is pulled 64 KB at a time; `pulled()` says how much of it the reader took. */
function streamed(bytes: Uint8Array, declared: boolean): { request: Request; pulled: () => number } {
  let at = 0;
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (at >= bytes.byteLength) return controller.close();
        controller.enqueue(bytes.slice(at, at + 64 * 1024));
        at += 64 * 1024;
      },
    },
    { highWaterMark: 0 },
  );
  const headers: Record<string, string> = { 'content-type': TYPE, accept: 'application/json' };
  if (declared) headers['content-length'] = String(bytes.byteLength);
  const request = new Request('http://localhost/api/complaints', { method: 'POST', headers, body: stream, duplex: 'half' } as RequestInit);
  return { request, pulled: () => Math.min(at, bytes.byteLength) };
}

const body = (...parts: Buffer[]) => new Uint8Array(Buffer.concat([...parts, close]));
const parse = (bytes: Uint8Array, type = TYPE) =>
  parseBody(new Request('http://localhost/api/complaints', { method: 'POST', headers: { 'content-type': type }, body: bytes as BodyInit }), CAPS);
const statusOf = (b: Awaited<ReturnType<typeof parseBody>>) => (b.ok ? 200 : b.status);

describe('a body of 316,547 empty parts', () => {
  const hostile = manyEmptyParts();

  it('is refused (413, in the intake’s words) after reading only its beginning, its length declared or not', async () => {
    expect(hostile.byteLength).toBeGreaterThan(15 * 1024 * 1024);
    expect(hostile.byteLength).toBeLessThanOrEqual(CAPS.multipart);
    for (const declared of [true, false]) {
      const { request, pulled } = streamed(hostile, declared);
      const answer = await parseBody(request, CAPS);
      expect(answer).toMatchObject({ ok: false, status: 413 });
      if (!answer.ok) expect(answer.message).toContain(tooManyParts);
      // Refused within the first chunks: the other 16 MB were never read, let alone parsed.
      expect(pulled()).toBeLessThan(256 * 1024);
    }
  });

  it('is also refused when it arrives as one 16 MB chunk', async () => {
    const answer = await parse(new Uint8Array(hostile));
    expect(answer).toMatchObject({ ok: false, status: 413 });
  });

  describe('over HTTP', () => {
    let db: Db;
    let server: RunningServer;
    beforeAll(async () => {
      db = openSqlite(join(tempDir('gongshi-parts-'), 'store.sqlite'));
      await migrate(db);
      server = await serveFunctions(await testWorld(db));
    });
    afterAll(async () => {
      await server?.close();
      await db?.close();
    });

    it('is answered before the client has sent it all, and a parallel request is answered meanwhile', async () => {
      const url = new URL(`${server.url}/api/complaints`);
      const events: string[] = [];
      const req = httpRequest(url, {
        method: 'POST',
        headers: { 'content-type': TYPE, 'content-length': String(hostile.byteLength), accept: 'application/json' },
      });
      req.on('error', () => events.push('upload cut'));
      const answered = new Promise<{ status: number; text: string }>((resolve) => {
        req.on('response', (res: IncomingMessage) => {
          events.push('hostile answered');
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        });
      });
      // The first megabyte (some 20,000 parts) …
      const first = 1024 * 1024;
      await new Promise<void>((resolve) => req.write(hostile.subarray(0, first), () => resolve()));
      // … then another client's page while that body is still open …
      const parallel = fetch(`${server.url}/`).then(async (r) => {
        await r.arrayBuffer();
        events.push('parallel answered');
        return r.status;
      });
      // … and the rest of the body only once both were answered (or, if the server waits for it, after a while).
      const bothAnswered = Promise.all([answered, parallel]);
      await Promise.race([bothAnswered, new Promise((resolve) => setTimeout(resolve, 10_000))]);
      events.push('rest sent');
      if (!req.destroyed) req.end(hostile.subarray(first));
      const [hostileAnswer, parallelStatus] = await bothAnswered;
      req.destroy();
      expect(hostileAnswer.status).toBe(413);
      expect(JSON.parse(hostileAnswer.text).errors.request).toContain(tooManyParts);
      expect(parallelStatus).toBe(200);
      expect(events.indexOf('hostile answered')).toBeLessThan(events.indexOf('rest sent'));
      expect(events.indexOf('parallel answered')).toBeLessThan(events.indexOf('rest sent'));
      // The server still answers afterwards.
      expect((await fetch(`${server.url}/`)).status).toBe(200);
    });
  });
});

describe('each multipart limit', () => {
  it('parts: the form’s fields and files fit; one more part than the limit is refused', async () => {
    const names = Array.from({ length: multipartLimits.parts }, (_, i) => part(`f${i}`, 'x'));
    expect(statusOf(await parse(body(...names)))).toBe(200);
    const over = await parse(body(...names, part('one-more', 'x')));
    expect(over).toMatchObject({ ok: false, status: 413 });
    if (!over.ok) expect(over.message).toContain(tooManyParts);
    // The limit leaves room for every field the form posts and the most files it takes.
    expect(multipartLimits.parts).toBeGreaterThanOrEqual(Object.keys(validSubmission()).length + 6 + multipartLimits.files);
  });

  it(`files: ${multipartLimits.files} evidence files are read; one more is counted without its bytes; far more are refused`, async () => {
    const files = (n: number) => Array.from({ length: n }, (_, i) => part('evidence', JPEG, `; filename="${i}.jpg"\r\nContent-Type: image/jpeg`));
    const five = await parse(body(...textParts(validSubmission()), ...files(multipartLimits.files)));
    expect(five.ok && five.files.length).toBe(multipartLimits.files);
    // One more is counted without its bytes, and the text parts after it are still read (the form keeps the answers).
    const six = await parse(body(...files(multipartLimits.files + 1), ...textParts(validSubmission())));
    expect(six.ok && six.files.map((f) => f.size)).toEqual([...Array(multipartLimits.files).fill(JPEG.length), 0]);
    expect(six.ok && six.fields.description).toBe(validSubmission().description);
    // Far more files than anyone picks by mistake: refused at once.
    const many = await parse(body(...files(multipartLimits.files + 21)));
    expect(many).toEqual({ ok: false, status: 400, message: evidenceMessages.tooMany, field: 'evidence' });
  });

  it('field size: a field at the limit is read; one byte more is refused, naming the field', async () => {
    const at = await parse(body(part('description', 'a'.repeat(multipartLimits.fieldBytes))));
    expect(at.ok && (at.fields.description as string).length).toBe(multipartLimits.fieldBytes);
    const over = await parse(body(part('description', 'a'.repeat(multipartLimits.fieldBytes + 1))));
    expect(over).toMatchObject({ ok: false, status: 413 });
    if (!over.ok) expect(over.message).toContain(messageOf(intakeErrors.FormFieldTooLarge, 'description', multipartLimits.fieldBytes / 1024));
    // A description at the schema's own limit (3,000 characters, 3 bytes each) is far within it.
    expect(multipartLimits.fieldBytes).toBeGreaterThan(3 * 3000);
  });

  it('header pairs: lines past the limit in a part header are not read', async () => {
    const junk = Array.from({ length: 2000 }, (_, i) => `X-Junk-${i}: ${i}`).join('\r\n');
    const cdFirst = Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="kind"\r\n${junk}\r\n\r\ncomplaint\r\n`);
    const cdLast = Buffer.from(`--${BOUNDARY}\r\n${junk}\r\nContent-Disposition: form-data; name="about"\r\n\r\nauxiliary\r\n`);
    const answer = await parse(body(cdFirst, cdLast));
    expect(answer.ok && answer.fields).toEqual({ kind: 'complaint' });
  });
});

describe('what a browser sends is read as before', () => {
  it('UTF-8 names, values and filenames (RFC 7578, and RFC 5987 filename*), an empty file input, duplicates (first wins)', async () => {
    const answer = await parse(
      body(
        part('place', '示例路 1 号'),
        part('place', '第二个'),
        part('备注', '中文名字段'),
        part('evidence', JPEG, '; filename="照片 一.jpg"\r\nContent-Type: image/jpeg'),
        part('evidence', JPEG, `; filename*=UTF-8''%E7%85%A7%E7%89%87%E4%BA%8C.jpg`),
        part('evidence', '', '; filename=""\r\nContent-Type: application/octet-stream'),
      ),
    );
    if (!answer.ok) throw new Error(answer.message);
    expect(answer.fields).toEqual({ place: '示例路 1 号', 备注: '中文名字段' });
    expect(answer.files.map((f) => [f.name, f.size])).toEqual([
      ['照片 一.jpg', JPEG.length],
      ['照片二.jpg', JPEG.length],
      ['', 0],
    ]);
    expect(new Uint8Array(await answer.files[0]!.arrayBuffer())).toEqual(JPEG);
  });

  it('a body the browser’s own FormData encodes, with a photo, declared or chunked', async () => {
    const data = new FormData();
    for (const [k, v] of Object.entries(validSubmission())) data.append(k, String(v));
    const photo = new Uint8Array(200 * 1024).map((_, i) => (i * 31) % 251);
    photo.set(JPEG);
    data.append('evidence', new Blob([photo], { type: 'image/jpeg' }), 'IMG_0001.jpg');
    const encoded = new Response(data);
    const type = encoded.headers.get('content-type')!;
    const bytes = new Uint8Array(await encoded.arrayBuffer());
    for (const declared of [true, false]) {
      const { request } = streamed(bytes, declared);
      request.headers.set('content-type', type);
      const answer = await parseBody(request, CAPS);
      if (!answer.ok) throw new Error(answer.message);
      expect(answer.fields).toEqual(Object.fromEntries(Object.entries(validSubmission()).map(([k, v]) => [k, String(v)])));
      expect(Buffer.from(await answer.files[0]!.arrayBuffer()).equals(Buffer.from(photo))).toBe(true);
    }
  });
});

describe('hostile multipart bodies through the intake', () => {
  let db: Db;
  let handler: ReturnType<typeof complaintFunctions>;
  beforeAll(async () => {
    db = openSqlite(join(tempDir('gongshi-mp-'), 'store.sqlite'));
    await migrate(db);
    handler = complaintFunctions(await testWorld(db, { limits: { ...defaultLimits, rateBurst: 1000 } }));
  });
  afterAll(() => db?.close());

  const valid = () => textParts(validSubmission());
  /** A valid submission's parts but one: that field comes in a hostile part instead. */
  const without = (field: string) => textParts(Object.fromEntries(Object.entries(validSubmission()).filter(([k]) => k !== field)));
  const corpus: [string, () => { bytes: Uint8Array; type?: string }, number, string, string?][] = [
    ['missing boundary', () => ({ bytes: body(...valid()), type: 'multipart/form-data' }), 400, 'request', intakeErrors.BadFormData.message],
    ['unterminated body', () => ({ bytes: new Uint8Array(Buffer.concat(valid())) }), 400, 'request', intakeErrors.BadFormData.message],
    ['empty body', () => ({ bytes: new Uint8Array() }), 400, 'request', intakeErrors.BadFormData.message],
    [
      'part without a name',
      () => ({ bytes: body(...valid(), Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data\r\n\r\nx\r\n`)) }),
      400,
      'request',
      intakeErrors.FormPartUnnamed.message,
    ],
    [
      'header line without a name (the part is not read)',
      () => ({
        bytes: body(...without('kind'), Buffer.from(`--${BOUNDARY}\r\n: oops\r\nContent-Disposition: form-data; name="kind"\r\n\r\ncomplaint\r\n`)),
      }),
      400,
      'kind',
    ],
    [
      'huge header line (cut at the header limit, the part not read)',
      () => ({
        bytes: body(
          ...without('kind'),
          Buffer.from(`--${BOUNDARY}\r\nX-Pad: ${'a'.repeat(4 * 1024 * 1024)}\r\nContent-Disposition: form-data; name="kind"\r\n\r\ncomplaint\r\n`),
        ),
      }),
      400,
      'kind',
    ],
    [
      'nested multipart',
      () => ({
        bytes: body(
          ...valid(),
          Buffer.from(
            `--${BOUNDARY}\r\nContent-Disposition: form-data; name="evidence"\r\nContent-Type: multipart/mixed; boundary=inner\r\n\r\n--inner\r\nContent-Disposition: file; filename="a.jpg"\r\n\r\nx\r\n--inner--\r\n`,
          ),
        ),
      }),
      400,
      'request',
      intakeErrors.FormPartNested.message,
    ],
    [
      'a file field named like a text field',
      () => ({
        bytes: body(...without('description'), part('description', JPEG, '; filename="a.jpg"\r\nContent-Type: image/jpeg')),
      }),
      400,
      'request',
      messageOf(intakeErrors.FileInTextField, 'description'),
    ],
    [
      'too many parts',
      () => ({ bytes: body(...valid(), ...Array.from({ length: multipartLimits.parts }, () => part('a', ''))) }),
      413,
      'request',
      tooManyParts,
    ],
    [
      'too many files',
      () => ({ bytes: body(...valid(), ...Array.from({ length: 6 }, (_, i) => part('evidence', JPEG, `; filename="${i}.jpg"`))) }),
      400,
      'evidence',
      evidenceMessages.tooMany,
    ],
    ['huge field', () => ({ bytes: body(...valid(), part('place', 'a'.repeat(multipartLimits.fieldBytes + 1))) }), 413, 'request'],
  ];

  it.each(corpus)('%s → refused in the intake’s words, nothing stored', async (_name, make, status, field, message) => {
    const before = (await db.query<{ n: number }>('SELECT COUNT(*) AS n FROM complaints'))[0]!.n;
    const { bytes, type = TYPE } = make();
    const request = new Request('http://localhost/api/complaints', {
      method: 'POST',
      headers: { 'content-type': type, 'content-length': String(bytes.byteLength), accept: 'application/json' },
      body: bytes as BodyInit,
    });
    const response = (await handler(request, { clientAddress: '203.0.113.50' }))!;
    expect(response.status).toBe(status);
    const { errors } = (await response.json()) as { errors: Record<string, string> };
    expect(errors[field]).toMatch(/[\u4e00-\u9fff]/);
    if (message) expect(errors[field]).toContain(message);
    expect((await db.query<{ n: number }>('SELECT COUNT(*) AS n FROM complaints'))[0]!.n).toBe(before);
  });

  it('without JavaScript, six photos give the form back with the answers kept and the message at the evidence field', async () => {
    const description = '六张照片的投诉描述，答案应当保留';
    const photos = Array.from({ length: multipartLimits.files + 1 }, (_, i) => part('evidence', JPEG, `; filename="IMG_${i}.jpg"\r\nContent-Type: image/jpeg`));
    const response = (await handler(
      new Request('http://localhost/api/complaints', {
        method: 'POST',
        headers: { 'content-type': TYPE, accept: 'text/html' },
        body: body(...photos, ...textParts(validSubmission({ description }))) as BodyInit,
      }),
      { clientAddress: '203.0.113.52' },
    ))!;
    expect(response.status).toBe(400);
    const page = await response.text();
    expect(page).toContain('<form');
    expect(page).toContain(description);
    expect(page).toContain(evidenceMessages.tooMany);
  });

  it('a valid multipart complaint with a photo is still stored', async () => {
    const response = (await handler(
      new Request('http://localhost/api/complaints', {
        method: 'POST',
        headers: { 'content-type': TYPE, accept: 'application/json' },
        body: body(...valid(), part('evidence', JPEG, '; filename="现场.jpg"\r\nContent-Type: image/jpeg'), part('evidence', '', '; filename=""')) as BodyInit,
      }),
      { clientAddress: '203.0.113.51' },
    ))!;
    expect(response.status).toBe(201);
  });
});
