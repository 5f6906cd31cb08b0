import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { complaintFunctions } from '../../functions/complaints/handler.ts';
import { limits } from '../../src/core/complaint/schema.ts';
import type { Db } from '../../functions/store/index.ts';
import { freshDb, testWorld, validSubmission } from './support.ts';

const ctx = { clientAddress: '203.0.113.9' };
let db: Db;
let handler: ReturnType<typeof complaintFunctions>;
let lines: string[];
beforeAll(async () => {
  db = await freshDb('sqlite');
  const world = await testWorld(db);
  lines = world.lines;
  handler = complaintFunctions(world);
});
afterAll(() => db.close());

const count = async () => (await db.query<{ n: number }>('SELECT COUNT(*) AS n FROM complaints'))[0]!.n;
const json = (body: unknown) => raw(JSON.stringify(body), 'application/json');
function raw(body: BodyInit, contentType: string | undefined, accept = 'application/json'): Request {
  return new Request('http://localhost/api/complaints', {
    method: 'POST',
    headers: { ...(contentType ? { 'content-type': contentType } : {}), accept },
    body,
  });
}
const form = (fields: Record<string, unknown>) => {
  const data = new FormData();
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) data.append(k, String(v));
  return data;
};

/** Each hostile post: the field the error must name. */
const corpus: [string, () => Request, number, string][] = [
  ['wrong content type', () => raw('kind=complaint', 'text/plain'), 415, 'request'],
  ['no content type', () => raw('{}', undefined), 415, 'request'],
  ['xml', () => raw('<complaint/>', 'application/xml'), 415, 'request'],
  ['huge JSON body', () => json(validSubmission({ description: 'x'.repeat(70_000) })), 413, 'request'],
  ['huge urlencoded body', () => raw(`description=${'a'.repeat(70_000)}`, 'application/x-www-form-urlencoded'), 413, 'request'],
  ['invalid UTF-8 in JSON', () => raw(new Uint8Array([0x7b, 0x22, 0x6b, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]), 'application/json'), 400, 'request'],
  [
    'invalid UTF-8 percent-encoded',
    () =>
      raw(new URLSearchParams(validSubmission() as Record<string, string>).toString().replace('place=', 'place=%FF%FE'), 'application/x-www-form-urlencoded'),
    400,
    'place',
  ],
  ['broken JSON', () => raw('{"kind": "complaint",', 'application/json'), 400, 'request'],
  ['JSON array', () => raw('[1,2]', 'application/json'), 400, 'request'],
  ['wrong types', () => json(validSubmission({ kind: 1, description: ['a'], when: {} })), 400, 'kind'],
  ['unknown kind', () => json(validSubmission({ kind: 'praise' })), 400, 'kind'],
  ['missing fields', () => json({}), 400, 'kind'],
  ['missing description', () => json(validSubmission({ description: undefined })), 400, 'description'],
  ['too short description', () => json(validSubmission({ description: '太差' })), 400, 'description'],
  ['too long description', () => json(validSubmission({ description: '字'.repeat(limits.descriptionMax + 1) })), 400, 'description'],
  ['script tag in description', () => json(validSubmission({ description: '他说<script>alert(1)</script>然后走了，很过分的。' })), 400, 'description'],
  ['img onerror in place', () => json(validSubmission({ place: '<img src=x onerror=alert(1)>' })), 400, 'place'],
  ['CRLF in name (header injection)', () => json(validSubmission({ name: '赵六\r\nBcc: victim@example.com' })), 400, 'name'],
  ['CRLF in email', () => json(validSubmission({ email: 'a@b.example\r\nBcc: c@d.example' })), 400, 'email'],
  ['bad email', () => json(validSubmission({ email: 'not-an-address' })), 400, 'email'],
  ['bad phone', () => json(validSubmission({ phone: 'call me maybe' })), 400, 'phone'],
  ['NUL byte', () => json(validSubmission({ place: 'a\u0000b' })), 400, 'place'],
  ['bidi override', () => json(validSubmission({ place: '人民路\u202E1号' })), 400, 'place'],
  ['future date', () => json(validSubmission({ when: '2030-01-01' })), 400, 'when'],
  ['impossible date', () => json(validSubmission({ when: '2026-13-45' })), 400, 'when'],
  ['30 February (Date.parse would say 2 March)', () => json(validSubmission({ when: '2026-02-30' })), 400, 'when'],
  ['31 April with a time', () => json(validSubmission({ when: '2026-04-31T10:00' })), 400, 'when'],
  ['29 February of a common year', () => json(validSubmission({ when: '2025-02-29' })), 400, 'when'],
  ['hour 25', () => json(validSubmission({ when: '2026-11-20T25:00' })), 400, 'when'],
  ['minute 61', () => json(validSubmission({ when: '2026-11-20T10:61' })), 400, 'when'],
  ['name as a number', () => json(validSubmission({ name: 123 })), 400, 'name'],
  ['email as a list', () => json(validSubmission({ email: ['a@b.example'] })), 400, 'email'],
  ['phone as an object', () => json(validSubmission({ phone: { n: 1 } })), 400, 'phone'],
  ['place as null', () => json(validSubmission({ place: null })), 400, 'place'],
  ['category as true', () => json(validSubmission({ category: true })), 400, 'category'],
  ['idempotency key as a number', () => json(validSubmission({ idempotencyKey: 12345678 })), 400, 'idempotencyKey'],
  ['proof of work as a list', () => json(validSubmission({ pow: [1] })), 400, 'pow'],
  ['right-to-left mark in the name', () => json(validSubmission({ name: '赵\u200F六' })), 400, 'name'],
  ['isolate in the description', () => json(validSubmission({ description: '对方单独执法\u2067并要求交罚款，没有执法人员在场。' })), 400, 'description'],
  ['C1 control in the place', () => json(validSubmission({ place: '人民路\u00851号' })), 400, 'place'],
  ['unknown certificate number', () => json(validSubmission({ certificateNo: 'NO-SUCH-9999' })), 422, 'certificateNo'],
  [
    'about a government with no superior (refused with guidance)',
    () => json(validSubmission({ about: 'agency', agencyId: 'city-gov', certificateNo: undefined, category: 'other' })),
    422,
    'agencyId',
  ],
  [
    'number on no roster, no unit and no region',
    () => json(validSubmission({ about: 'unknownNumber', certificateNo: 'FAKE-0003', kind: 'report' })),
    400,
    'region',
  ],
  [
    'number on no roster, region not in the registry',
    () => json(validSubmission({ about: 'unknownNumber', certificateNo: 'FAKE-0004', region: '火星', kind: 'report' })),
    422,
    'region',
  ],
  [
    'known number reported as fake',
    () => json(validSubmission({ about: 'unknownNumber', certificateNo: 'sl-cg-0001', region: '示例省示例市' })),
    422,
    'certificateNo',
  ],
  ['unknown agency', () => json(validSubmission({ about: 'unit', certificateNo: '', agencyId: 'no-such-agency' })), 422, 'agencyId'],
  ['category of another regulation', () => json(validSubmission({ category: 'luan-draft:15.1' })), 422, 'category'],
  ['invented category', () => json(validSubmission({ category: 'hebei-2021:999' })), 422, 'category'],
  ['complaint without name', () => json(validSubmission({ name: '' })), 400, 'name'],
  ['complaint without phone', () => json(validSubmission({ phone: undefined })), 400, 'phone'],
  ['honeypot filled', () => json(validSubmission({ website: 'http://spam.example' })), 400, 'website'],
  ['bad idempotency key', () => json(validSubmission({ idempotencyKey: '../../etc/passwd' })), 400, 'idempotencyKey'],
  [
    'file in a text field',
    () => {
      const d = form(validSubmission());
      d.append('description', new Blob(['x']), 'a.txt');
      return raw(d, undefined);
    },
    400,
    'request',
  ],
  [
    'evidence that is not an image',
    () => {
      const d = form(validSubmission());
      d.append('evidence', new Blob(['#!/bin/sh\nrm -rf /']), 'photo.jpg');
      return raw(d, undefined);
    },
    400,
    'evidence',
  ],
  [
    'HTML pretending to be a PNG',
    () => {
      const d = form(validSubmission());
      d.append('evidence', new Blob(['<html><script>x</script>'], { type: 'image/png' }), 'a.png');
      return raw(d, undefined);
    },
    400,
    'evidence',
  ],
  [
    'too many evidence files',
    () => {
      const d = form(validSubmission());
      for (let i = 0; i < 6; i++) d.append('evidence', new Blob([new Uint8Array([0xff, 0xd8, 0xff, 0xe0, i])]), `${i}.jpg`);
      return raw(d, undefined);
    },
    400,
    'evidence',
  ],
  ['broken multipart', () => raw('--x\r\nContent-Disposition: form-data; name="kind"\r\n\r\ncomplaint', 'multipart/form-data; boundary=y'), 400, 'request'],
];

describe('hostile posts', () => {
  it.each(corpus)('%s → 4xx with a field message, nothing stored', async (_name, make, status, field) => {
    const before = await count();
    const response = (await handler(make(), ctx))!;
    expect(response.status).toBe(status);
    const body = (await response.json()) as { errors: Record<string, string> };
    expect(Object.keys(body.errors)).toContain(field);
    expect(body.errors[field]).toMatch(/[\u4e00-\u9fff]/);
    expect(await count()).toBe(before);
  });

  it('refuses a replayed idempotency key with other answers (409), telling nothing of the first submission', async () => {
    const first = (await handler(json(validSubmission({ idempotencyKey: 'hostile-replay-01' })), ctx))!;
    const { reference, trackingCode } = (await first.json()) as { reference: string; trackingCode: string };
    const before = await count();
    const replay = (await handler(json(validSubmission({ idempotencyKey: 'hostile-replay-01', email: 'attacker@evil.example' })), ctx))!;
    expect(replay.status).toBe(409);
    const text = await replay.text();
    expect(JSON.parse(text).errors.idempotencyKey).toMatch(/[\u4e00-\u9fff]/);
    for (const leak of [reference, trackingCode]) expect(text).not.toContain(leak);
    expect(await count()).toBe(before);
  });

  it('answers JSON type errors in Chinese on every field, never in English', async () => {
    const wrong = {
      kind: 1,
      about: [],
      certificateNo: 5,
      agencyId: {},
      category: false,
      when: 20261120,
      place: null,
      description: ['x'],
      name: 1,
      phone: 2,
      email: 3,
      website: 4,
      idempotencyKey: 5,
      pow: 6,
    };
    const response = (await handler(json(wrong), ctx))!;
    expect(response.status).toBe(400);
    const { errors } = (await response.json()) as { errors: Record<string, string> };
    expect(Object.keys(errors).length).toBeGreaterThanOrEqual(10);
    for (const [field, message] of Object.entries(errors)) {
      expect(message, field).toMatch(/[\u4e00-\u9fff]/);
      expect(message, field).not.toMatch(/Invalid|expected|received/i);
    }
  });

  it("accepts any regulation's category for a number on no roster when no unit is named", async () => {
    const ok = (await handler(
      json(
        validSubmission({
          about: 'unknownNumber',
          certificateNo: 'FAKE-0001',
          region: '另一省另一市',
          category: 'luan-draft:15.1',
          kind: 'report',
          name: '',
          phone: '',
          email: '',
        }),
      ),
      ctx,
    ))!;
    expect(ok.status).toBe(201);
    const bad = (await handler(
      json(validSubmission({ about: 'unknownNumber', certificateNo: 'FAKE-0002', region: '另一省另一市', category: 'nowhere:1', kind: 'report' })),
      ctx,
    ))!;
    expect(bad.status).toBe(422);
  });

  it('answers a GET on the submission path and bad references with 4xx, never 500', async () => {
    expect((await handler(new Request('http://localhost/api/complaints'), ctx))!.status).toBe(405);
    expect((await handler(new Request('http://localhost/api/complaints/%E0%A4%A'), ctx))!.status).toBe(400);
    // A wrong check symbol is a typo (400); a well-formed unknown reference is 404, the same as a wrong code.
    expect((await handler(new Request('http://localhost/api/complaints/TS-0000-0001', { headers: { 'x-tracking-code': 'x' } }), ctx))!.status).toBe(400);
    expect((await handler(new Request('http://localhost/api/complaints/TS-0000-0000', { headers: { 'x-tracking-code': 'x' } }), ctx))!.status).toBe(404);
  });

  it('rate-limits one address and leaves others alone', async () => {
    const world = await testWorld(db, {
      limits: { maxBodyBytes: 65536, maxMultipartBytes: 1 << 20, rateBurst: 2, ratePerSecond: 0.001, powBits: 0, statusPerMinute: 30 },
    });
    const limited = complaintFunctions(world);
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await limited(json({}), { clientAddress: '198.51.100.1' }))!.status);
    expect(statuses).toEqual([400, 400, 429, 429]);
    expect((await limited(json({}), { clientAddress: '198.51.100.2' }))!.status).toBe(400);
  });

  it('re-renders the plain HTML form with an error summary and the input kept', async () => {
    const body = new URLSearchParams({ ...(validSubmission({ description: '<b>太短</b>' }) as Record<string, string>) });
    const response = (await handler(raw(body, 'application/x-www-form-urlencoded', 'text/html,application/xhtml+xml'), ctx))!;
    expect(response.status).toBe(400);
    const page = await response.text();
    expect(page).toContain('class="error-summary"');
    expect(page).toContain('href="#f-description"');
    expect(page).toContain('value="示例市人民路 1 号"');
    expect(page).toContain('&lt;b&gt;太短&lt;/b&gt;');
    expect(page).not.toContain('<b>太短</b>');
    // A question answered by radio buttons is linked at its first button, which exists and takes focus.
    const unanswered = (await handler(
      raw(new URLSearchParams({ description: '情况描述写得足够长了吧' }), 'application/x-www-form-urlencoded', 'text/html'),
      ctx,
    ))!;
    const again = await unanswered.text();
    for (const field of ['kind', 'about']) {
      expect(again).toContain(`href="#f-${field}-first"`);
      expect(again).toContain(`id="f-${field}-first"`);
      expect(again).not.toContain(`href="#f-${field}"`);
    }
  });

  it('never logs contents or contact details', async () => {
    await handler(json(validSubmission({ idempotencyKey: 'log-check-0001' })), ctx);
    const all = lines.join('\n');
    expect(all).toMatch(/POST \/api\/complaints 201 TS-/);
    for (const secret of ['赵六', '13800138000', 'zhao@citizen.example', '摊位', '人民路']) expect(all).not.toContain(secret);
  });
});
