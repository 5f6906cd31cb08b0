import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type MultipartEntry, multipartBoundary, parseMultipart } from '../../functions/complaints/multipart.ts';

/**
 * The intake's multipart parser (functions/complaints/multipart.ts) against the WHATWG parser it replaces (undici's
 * `Response.formData()`, as Node ships it): the same entries for what browsers send, and never an entry where undici
 * refuses the body.
 */
const JPEG = readFileSync(new URL('../../scripts/bench/fixtures/evidence.jpg', import.meta.url));

type Plain = { name: string; value: string } | { name: string; filename: string; type: string; bytes: string };
const plain = (entries: MultipartEntry[]): Plain[] =>
  entries.map((e) =>
    'value' in e
      ? { name: e.name, value: e.value }
      : { name: e.name, filename: e.file.filename, type: e.file.type, bytes: Buffer.from(e.file.data).toString('base64') },
  );

/** What undici makes of the same bytes; undefined when it refuses them. */
async function undici(body: Uint8Array, contentType: string): Promise<Plain[] | undefined> {
  let form: FormData;
  try {
    form = await new Response(body as BodyInit, { headers: { 'content-type': contentType } }).formData();
  } catch {
    return undefined;
  }
  const out: Plain[] = [];
  for (const [name, value] of form) {
    out.push(
      typeof value === 'string'
        ? { name, value }
        : { name, filename: value.name, type: value.type, bytes: Buffer.from(await value.arrayBuffer()).toString('base64') },
    );
  }
  return out;
}

async function encoded(form: FormData): Promise<{ body: Uint8Array; type: string }> {
  const response = new Response(form);
  return { body: new Uint8Array(await response.arrayBuffer()), type: response.headers.get('content-type')! };
}

const mine = (body: Uint8Array, type: string) => {
  const entries = parseMultipart(body, type);
  return entries && plain(entries);
};

function islandForm(): FormData {
  const form = new FormData();
  const fields: Record<string, string> = {
    kind: 'complaint',
    about: 'auxiliary',
    certificateNo: 'RQCG-2024-0001',
    agencyId: '',
    category: 'other',
    when: '2026-11-20',
    place: '示例路 1 号',
    description: '对方在没有执法人员在场的情况下单独检查摊位并要求交罚款。\n第二行',
    name: '测试',
    phone: '13800000000',
    email: '',
    website: '',
    idempotencyKey: '0b0f6c6e-8d1e-4c59-a1f7-6b1f6b0e8a11',
  };
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  return form;
}

describe('multipart/form-data parsing', () => {
  it('reads what a browser sends exactly as undici does: fields, files (views, not copies), escapes, duplicates, empty parts', async () => {
    const forms: FormData[] = [];
    forms.push(islandForm());
    const withPhoto = islandForm();
    withPhoto.append('evidence', new Blob([JPEG], { type: 'image/jpeg' }), 'IMG_0001.jpg');
    forms.push(withPhoto);
    const odd = new FormData();
    odd.append('quote"d\r\nname', 'value with "quotes" and \r\n a line break');
    odd.append('dup', 'first');
    odd.append('dup', 'second');
    odd.append('empty', '');
    odd.append('bom', '\uFEFFtext after a BOM');
    odd.append('evidence', new File([], ''));
    odd.append('evidence', new Blob([new Uint8Array([0x0d, 0x0a, 0x2d, 0x2d, 0x0d, 0x0a, 0x0d, 0x0a])]), '证据 "一".jpg');
    odd.append('evidence', new Blob(['no type']), 'plain.bin');
    forms.push(odd);
    const random = new FormData();
    for (let i = 0; i < 5; i++) random.append('evidence', new Blob([crypto.getRandomValues(new Uint8Array(1000 + i * 7919))]), `r${i}.bin`);
    forms.push(random);
    for (const form of forms) {
      const { body, type } = await encoded(form);
      const expected = await undici(body, type);
      expect(expected).toBeDefined();
      expect(mine(body, type)).toEqual(expected);
    }
    // A file's bytes are a view of the body.
    const { body, type } = await encoded(withPhoto);
    const photo = parseMultipart(body, type)!.find((e) => e.name === 'evidence') as { file: { data: Uint8Array } };
    expect(photo.file.data.buffer).toBe(body.buffer);
    expect(Buffer.from(photo.file.data).equals(JPEG)).toBe(true);
  });

  it('refuses what undici refuses, and a little more (a foreign transfer encoding, an invalid boundary)', async () => {
    const b = 'XyZ-boundary';
    const type = `multipart/form-data; boundary=${b}`;
    const part = (headers: string, content: string) => `--${b}\r\n${headers}\r\n\r\n${content}\r\n`;
    const good = `${part('Content-Disposition: form-data; name="kind"', 'complaint')}--${b}--`;
    const cases: [string, string, string?][] = [
      ['well-formed', good],
      ['CR LF before the first delimiter and after the last', `\r\n\r\n${good}\r\n\r\n`],
      ['a preamble and an epilogue', `preamble\r\n${good}\r\nepilogue`],
      ['a backslash in a quoted name', good.replace('name="kind"', 'name="ki\\"nd"')],
      ['filename*', good.replace('name="kind"', 'name="kind"; filename*=utf-8\'\'%E8%AF%81.jpg')],
      ['quoted boundary', good, `multipart/form-data; boundary="${b}"`],
      ['an unquoted name', good.replace('name="kind"', 'name=kind')],
      ['upper-case header, no space after the colon', good.replace('Content-Disposition: form-data', 'CONTENT-DISPOSITION:FORM-DATA')],
      ['another parameter, filename before name', good.replace('name="kind"', 'filename="a.jpg"; foo="bar"; name="kind"')],
      ['an empty filename', good.replace('name="kind"', 'name="kind"; filename=""')],
      ['no closing delimiter', part('Content-Disposition: form-data; name="kind"', 'complaint')],
      ['other boundary', good, 'multipart/form-data; boundary=other'],
      ['no boundary', good, 'multipart/form-data'],
      ['text after the closing delimiter', `${good}\r\nepilogue`],
      ['no Content-Disposition', `${part('Content-Type: text/plain', 'x')}--${b}--`],
      ['not form-data', `${part('Content-Disposition: attachment; name="kind"', 'x')}--${b}--`],
      ['no name', `${part('Content-Disposition: form-data; filename="a.jpg"', 'x')}--${b}--`],
      ['headers without the blank line', `--${b}\r\nContent-Disposition: form-data; name="kind"\r\ncomplaint\r\n--${b}--`],
      ['bare LF line ends', good.replaceAll('\r\n', '\n')],
      ['a header line without a colon', `${part('Content-Disposition: form-data; name="kind"\r\nnonsense', 'x')}--${b}--`],
      ['unterminated quote', `${part('Content-Disposition: form-data; name="kind', 'x')}--${b}--`],
      ['base64 transfer encoding', `${part('Content-Disposition: form-data; name="kind"\r\nContent-Transfer-Encoding: base64', 'Y29tcGxhaW50')}--${b}--`],
      ['8bit transfer encoding', `${part('Content-Disposition: form-data; name="kind"\r\nContent-Transfer-Encoding: 8bit', 'complaint')}--${b}--`],
      ['boundary of 71 characters', good.replaceAll(b, 'b'.repeat(71)), `multipart/form-data; boundary=${'b'.repeat(71)}`],
      ['empty body', ''],
    ];
    const stricter = ['base64 transfer encoding', 'boundary of 71 characters'];
    for (const [name, text, contentType = type] of cases) {
      const body = new TextEncoder().encode(text);
      const theirs = await undici(body, contentType);
      const ours = mine(body, contentType);
      if (stricter.includes(name)) expect(ours, name).toBeUndefined();
      else expect(ours, name).toEqual(theirs);
    }
    expect(mine(new TextEncoder().encode(good), type)).toEqual([{ name: 'kind', value: 'complaint' }]);
    expect(multipartBoundary('multipart/form-data; charset=utf-8; boundary="a b"')).toBe('a b');
    expect(multipartBoundary('multipart/form-data; boundary=a b')).toBeUndefined();
  });

  it('never accepts a damaged body that undici refuses, nor reads one differently (2,000 random cuts and flips)', async () => {
    const form = islandForm();
    form.append('evidence', new Blob([JPEG.subarray(0, 3000)], { type: 'image/jpeg' }), 'a.jpg');
    const { body, type } = await encoded(form);
    let seed = 15;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    let accepted = 0;
    for (let i = 0; i < 2000; i++) {
      const damaged = new Uint8Array(random(4) === 0 ? body.subarray(0, random(body.length)) : body);
      // Flip bytes near the structure (delimiters and headers are in the first 2 KB and the last 100 bytes).
      for (let k = random(3); k > 0; k--) {
        const at = random(2) ? random(Math.min(2000, damaged.length)) : damaged.length - 1 - random(Math.min(100, damaged.length));
        if (at >= 0 && at < damaged.length) damaged[at] = [0x0d, 0x0a, 0x2d, 0x22, 0x3b, 0x41][random(6)]!;
      }
      const ours = mine(damaged, type);
      if (ours) {
        accepted++;
        expect(ours).toEqual(await undici(damaged, type));
      }
    }
    // Some damage leaves a valid body (a flipped byte in a value): those were compared too.
    expect(accepted).toBeGreaterThan(0);
  });
});
