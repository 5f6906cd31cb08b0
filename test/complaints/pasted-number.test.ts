/**
 * The complaint form's number field reads what the lookup box reads (src/core/complaint/certificate-no.ts, through
 * the handler): a badge's QR link of this site, percent-encoded, full-width or inside a chat message, and a labelled
 * number stand for the number they carry; another site's link is a field error; garbage is the usual not-found answer;
 * overlong or hostile text is a 4xx field error, never a 500. Handler in-process, on SQLite.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { complaintFunctions } from '../../functions/complaints/handler.ts';
import type { Db } from '../../functions/store/index.ts';
import { verifyUrl } from '../../src/build/qr/index.ts';
import { readCertificateNo } from '../../src/core/complaint/certificate-no.ts';
import { MAX_PASTED_LENGTH } from '../../src/core/lookup-input.ts';
import { freshDb, testWorld, validSubmission } from './support.ts';

const SITE = 'https://gongshi.example';
const NO = 'SL-CG-0001';
const OTHER_SITE = '您粘贴的链接不是本站地址';
const fullWidth = (s: string) => s.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));

let db: Db;
let handler: ReturnType<typeof complaintFunctions>;
beforeAll(async () => {
  db = await freshDb('sqlite');
  handler = complaintFunctions(await testWorld(db));
});
afterAll(() => db.close());

const count = async () => (await db.query<{ n: number }>('SELECT COUNT(*) AS n FROM complaints'))[0]!.n;
const targetOf = async (reference: string) =>
  JSON.parse((await db.query<{ target: string }>('SELECT target FROM complaints WHERE reference = ?', [reference]))[0]!.target);

async function postJson(fields: Record<string, unknown>, key?: string) {
  const response = (await handler(
    new Request('http://localhost/api/complaints', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...(key ? { 'idempotency-key': key } : {}) },
      body: JSON.stringify(fields),
    }),
    { clientAddress: '203.0.113.7' },
  ))!;
  return { status: response.status, body: (await response.json()) as { reference?: string; trackingCode?: string; errors?: Record<string, string> } };
}

async function postForm(fields: Record<string, string>) {
  const data = new FormData();
  for (const [k, v] of Object.entries(fields)) data.append(k, v);
  const response = (await handler(new Request('http://localhost/api/complaints', { method: 'POST', headers: { accept: 'text/html' }, body: data }), {
    clientAddress: '203.0.113.7',
  }))!;
  return { status: response.status, html: await response.text() };
}

describe('what the number field accepts', () => {
  const pastes: [string, string][] = [
    ['a labelled number', `证件编号：${NO}`],
    ['an OCR label with spaces', `辅助行政执法证件编号 ： ${NO}`],
    ['the badge’s QR link', verifyUrl(SITE, NO)],
    ['the QR link in a chat message', `请核验 ${SITE}/verify/${NO}/?from=singlemessage&isappinstalled=0 谢谢`],
    ['a percent-encoded link', `${SITE}/verify/${[...NO].map((c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).join('')}/`],
    ['a full-width link', fullWidth(`${SITE}/verify/${NO}/`)],
    ['a full-width labelled number in lower case', `证件编号：${fullWidth(NO.toLowerCase())}`],
    ['a link to the host the request reached', `http://localhost/verify/${NO}/`],
    ['a bare path', `/verify/${NO.toLowerCase()}/`],
  ];
  for (const [what, pasted] of pastes) {
    it(`${what} → the complaint about that auxiliary`, async () => {
      const { status, body } = await postJson(validSubmission({ certificateNo: pasted }));
      expect(status, JSON.stringify(body)).toBe(201);
      expect(await targetOf(body.reference!)).toMatchObject({ about: 'auxiliary', certificateNo: NO, name: '张三', agencyId: 'city-cgj' });
    });
  }

  it('a number shown on no roster, pasted with its label, is stored without the label', async () => {
    const { status, body } = await postJson(
      validSubmission({ kind: 'report', about: 'unknownNumber', certificateNo: '证件编号：FAKE-2024-0001', agencyId: 'city-cgj' }),
    );
    expect(status, JSON.stringify(body)).toBe(201);
    expect(await targetOf(body.reference!)).toMatchObject({ about: 'unknownNumber', certificateNo: 'FAKE-2024-0001' });
  });

  it('a listed number that begins like a label is kept as typed, as the lookup does', () => {
    const listed = (no: string) => no.trim().toUpperCase() === 'NO.2024-0099';
    expect(readCertificateNo('NO.2024-0099', [], listed)).toEqual({ certificateNo: 'NO.2024-0099' });
    expect(readCertificateNo('NO.2024-0099', [])).toEqual({ certificateNo: '2024-0099' });
    expect(readCertificateNo(`编号：${NO}`, [], (no) => no === NO)).toEqual({ certificateNo: NO });
  });
});

describe('what it refuses, at the field', () => {
  const foreign = [
    `https://gongshi-example.com/verify/${NO}/`,
    `https://gongshi.example.evil.example/verify/${NO}/`,
    `https://gongshi.example@evil.example/verify/${NO}/`,
    fullWidth(`https://evil.example/verify/${NO}/`),
    `请核验 evil.example/verify/${NO}/ 谢谢`,
    `javascript:alert(1)//verify/${NO}/`,
  ];
  for (const pasted of foreign) {
    it(`another site’s link (${pasted.slice(0, 40)}) → 400 at the number, nothing stored`, async () => {
      const before = await count();
      const { status, body } = await postJson(validSubmission({ certificateNo: pasted }));
      expect(status).toBe(400);
      expect(Object.keys(body.errors!)).toEqual(['certificateNo']);
      expect(body.errors!.certificateNo).toContain(OTHER_SITE);
      expect(await count()).toBe(before);
    });
  }

  it('names the other host in the message, also for a reported number', async () => {
    const { status, body } = await postJson(
      validSubmission({ kind: 'report', about: 'unknownNumber', certificateNo: `https://gongshi-example.com/verify/${NO}/`, agencyId: 'city-cgj' }),
    );
    expect(status).toBe(400);
    expect(body.errors!.certificateNo).toContain('「gongshi-example.com」');
  });

  it('garbage, and this site’s link to an unlisted number → the usual not-found answer, with the number read', async () => {
    for (const [pasted, shown] of [
      ['hello', 'hello'],
      [`${SITE}/verify/NOPE-0000/`, 'NOPE-0000'],
      [`证件编号：NOPE-0001`, 'NOPE-0001'],
    ]) {
      const { status, body } = await postJson(validSubmission({ certificateNo: pasted }));
      expect(status, pasted).toBe(422);
      expect(body.errors!.certificateNo).toContain(`证件编号“${shown}”不在公示名单中`);
    }
  });

  it('overlong or hostile text → 4xx with a message at the number, never a 500', async () => {
    const before = await count();
    const cases: [string, string][] = [
      ['x'.repeat(MAX_PASTED_LENGTH + 1), `不能超过 ${MAX_PASTED_LENGTH} 个字`],
      [`${SITE}/verify/${NO}/?${'a'.repeat(MAX_PASTED_LENGTH)}`, `不能超过 ${MAX_PASTED_LENGTH} 个字`],
      [`${SITE}/verify/${'A'.repeat(41)}/`, '证件编号不能超过 40 个字'],
      ['y'.repeat(41), '证件编号不能超过 40 个字'],
      [`${'/verify/'.repeat(120)}X`, '不在公示名单中'],
      [`${'证'.repeat(990)}：1`, '不能超过 40 个字'],
      [`${' '.repeat(990)}/verify/1`, '不在公示名单中'],
      [`${'http://'.repeat(140)}x/verify/1/`, '不在公示名单中'],
      [`${SITE}/verify/%3Cscript%3Ealert(1)%3C%2Fscript%3E/`, 'HTML 标记'],
      [`${SITE}/verify/%E0%A4%A/`, '不在公示名单中'],
      [`${SITE}/verify/${encodeURIComponent('A\u202eB')}/`, '不在公示名单中'],
      [`${SITE}/verify/${encodeURIComponent('A\nB')}/`, '只能是一行'],
    ];
    for (const [pasted, message] of cases) {
      const started = performance.now();
      const { status, body } = await postJson(validSubmission({ certificateNo: pasted }));
      expect(performance.now() - started, pasted.slice(0, 30)).toBeLessThan(1000);
      expect([400, 422], pasted.slice(0, 30)).toContain(status);
      expect(body.errors!.certificateNo, pasted.slice(0, 30)).toContain(message);
    }
    expect(await count()).toBe(before);
  });

  it('the plain form gets its page again: the refused link kept at the field with the message, a read number shown', async () => {
    const link = `https://evil.example/verify/${NO}/?a="<b>`;
    const refused = await postForm({ ...(validSubmission({ certificateNo: link }) as Record<string, string>) });
    expect(refused.status).toBe(400);
    expect(refused.html).toContain(OTHER_SITE);
    expect(refused.html).toContain('value="https://evil.example/verify/SL-CG-0001/?a=&quot;&lt;b&gt;"');
    expect(refused.html).toMatch(/<a href="#f-certificateNo">[^<]*不是本站地址/);
    // Another field wrong: the form comes back with the number read from the paste, which is what will be sent.
    const other = await postForm({ ...(validSubmission({ certificateNo: verifyUrl(SITE, NO), description: '太短' }) as Record<string, string>) });
    expect(other.status).toBe(400);
    expect(other.html).toContain(`name="certificateNo" value="${NO}"`);
    expect(other.html).toContain('maxlength="1000"');
  });
});

describe('the idempotency key stands for the number read', () => {
  it('a retried paste, the bare number and the labelled number are one submission; another number is not', async () => {
    const key = 'pasted-number-key-1';
    const first = await postJson(validSubmission({ certificateNo: `请核验 ${verifyUrl(SITE, NO)} 谢谢` }), key);
    expect(first.status).toBe(201);
    const before = await count();
    for (const again of [`请核验 ${verifyUrl(SITE, NO)} 谢谢`, NO, `证件编号：${NO}`, fullWidth(`${SITE}/verify/${NO}/`)]) {
      const repeat = await postJson(validSubmission({ certificateNo: again }), key);
      expect(repeat.status, again).toBe(200);
      expect(repeat.body).toMatchObject({ reference: first.body.reference, trackingCode: first.body.trackingCode });
    }
    expect((await postJson(validSubmission({ certificateNo: verifyUrl(SITE, 'SL-SC-0002') }), key)).status).toBe(409);
    expect(await count()).toBe(before);
  });
});
