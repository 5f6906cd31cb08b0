import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ALPHABET, hashTrackingCode, keyId, newReference, newTrackingCode, parseReference, trackingCodeMatches } from '../../functions/complaints/reference.ts';
import { backoffMs, DAY } from '../../functions/outbox/worker.ts';
import { referenceProblem } from '../../src/core/complaint/status-lookup.ts';

describe('reference numbers', () => {
  it('use only the unambiguous alphabet and carry a valid check symbol', () => {
    for (let i = 0; i < 500; i++) {
      const ref = newReference();
      expect(ref).toMatch(/^TS-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
      expect(parseReference(ref)).toBe(ref);
    }
    expect(ALPHABET).not.toMatch(/[ILOU]/);
  });

  it.each(Array.from({ length: 30 }, () => newReference()))('%s: every single wrong symbol and every swap of neighbours is caught', (ref) => {
    const body = ref.replace(/^TS-|-/g, '');
    for (let i = 0; i < body.length; i++) {
      for (const ch of ALPHABET) {
        if (ch === body[i]) continue;
        const typo = body.slice(0, i) + ch + body.slice(i + 1);
        expect(parseReference(typo), `${typo} from ${body}`).toBeUndefined();
      }
      if (i + 1 < body.length && body[i] !== body[i + 1]) {
        const swapped = body.slice(0, i) + body[i + 1] + body[i] + body.slice(i + 2);
        expect(parseReference(swapped)).toBeUndefined();
      }
    }
  });

  it('read what people type: case, spaces, missing dashes, O for 0, I or L for 1', () => {
    const ref = newReference();
    const typed = ref.toLowerCase().replace(/-/g, ' ').replace(/0/g, 'o').replace(/1/g, 'l');
    expect(parseReference(typed)).toBe(ref);
    expect(parseReference(`ｔｓ${ref.slice(2)}`)).toBe(ref);
    expect(parseReference('TS-XXXX')).toBeUndefined();
  });

  it('read what people paste: a label in front, any dash, full-width forms, invisible characters, a closing 。 — the browser and the functions alike', () => {
    const ref = newReference();
    const [, a, b] = /^TS-(\w{4})-(\w{4})$/.exec(ref)!;
    const pasted = [
      `受理编号：${ref}`,
      `受理编号: ${ref}。`,
      `您的受理编号是${ref}，请妥善保存`,
      `TS—${a}—${b}`,
      `TS－${a}－${b}`,
      `TS‐${a}‑${b}`,
      `TS\u200b-${a}\u00ad-${b}`,
      `\u00a0${ref}\n`,
      `ＴＳ－${[...`${a}${b}`].map((c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)).join('')}`,
    ];
    for (const p of pasted) {
      expect(parseReference(p), JSON.stringify(p)).toBe(ref);
      expect(referenceProblem(p), JSON.stringify(p)).toBeUndefined();
    }
    // Still refused: another number's symbols, a wrong one, a name.
    const wrong = `${ref.slice(0, -1)}${ref.endsWith('0') ? '1' : '0'}`;
    for (const p of [`受理编号：${wrong}`, '张三', '受理编号：', `${ref}${ref}`]) {
      expect(parseReference(p), p).toBeUndefined();
      expect(referenceProblem(p), p).not.toBeUndefined();
    }
    expect(referenceProblem(`受理编号：${wrong}`)).toBe('check');
  });
});

describe('tracking codes', () => {
  it('are 12 symbols, stored only as an HMAC, matched leniently and only with the right secret', () => {
    const code = newTrackingCode();
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    const hash = hashTrackingCode(code, 's1');
    expect(hash).not.toContain(code.replace(/-/g, ''));
    expect(trackingCodeMatches(code.toLowerCase().replace(/-/g, ''), hash, 's1')).toBe(true);
    expect(trackingCodeMatches(code, hash, 's2')).toBe(false);
    expect(trackingCodeMatches(newTrackingCode(), hash, 's1')).toBe(false);
    // As pasted from the confirmation: a label, other dashes, a closing 。.
    expect(trackingCodeMatches(`查询码：${code.replace(/-/g, '—')}。`, hash, 's1')).toBe(true);
    // The HMAC is still over the code's bare symbols, now with the id of the key that made it in front; hashes
    // stored before key ids (the bare HMAC) stay valid.
    const bare = createHmac('sha256', 's1')
      .update(`tracking:${code.replace(/-/g, '')}`)
      .digest('hex');
    expect(hash).toBe(`${keyId('s1')}:${bare}`);
    expect(trackingCodeMatches(code, bare, 's1')).toBe(true);
    expect(trackingCodeMatches(code, bare, 's2', ['s1'])).toBe(true);
    expect(trackingCodeMatches(code, bare, 's2')).toBe(false);
  });
});

describe('retry schedule', () => {
  it('backs off from a minute to at most six hours and keeps trying for five days', () => {
    let elapsed = 0;
    let attempts = 0;
    while (elapsed < 5 * DAY) elapsed += backoffMs(++attempts);
    expect(backoffMs(1)).toBe(60_000);
    expect(backoffMs(2)).toBe(120_000);
    expect(backoffMs(50)).toBe(6 * 3600_000);
    expect(attempts).toBeGreaterThan(20);
    expect(attempts).toBeLessThan(40);
  });
});
