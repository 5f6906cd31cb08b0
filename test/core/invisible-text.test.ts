/**
 * Text a reader cannot see does not count: a complaint field made only of zero-width characters, soft hyphens,
 * word joiners or blank-looking letters is empty, a description needs 10 visible characters, and a certificate
 * number with such characters in it is the number without them — so a number on the roster cannot be reported as
 * "not on any roster" by slipping a U+200B into it. A zero-width joiner inside an emoji sequence stays in the text.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { complaintFunctions } from '../../functions/complaints/handler.ts';
import type { Db } from '../../functions/store/index.ts';
import { complaintInputSchema, limits, toFieldErrors } from '../../src/core/complaint/schema.ts';
import type { Directory } from '../../src/core/directory.ts';
import { normalizeCertificateNo, visibleText } from '../../src/core/text.ts';
import { freshDb, testDirectory, testWorld, validSubmission } from '../complaints/support.ts';

/** Format characters (\p{Cf}) and the letters that render blank (the BOM, U+FEFF, is whitespace to trim() already). */
const INVISIBLE = {
  'zero-width space U+200B': '\u200b',
  'zero-width non-joiner U+200C': '\u200c',
  'zero-width joiner U+200D': '\u200d',
  'word joiner U+2060': '\u2060',
  'soft hyphen U+00AD': '\u00ad',
  'Mongolian vowel separator U+180E': '\u180e',
  'Hangul filler U+3164': '\u3164',
  'Hangul choseong filler U+115F': '\u115f',
  'Hangul jungseong filler U+1160': '\u1160',
  'half-width Hangul filler U+FFA0': '\uffa0',
  'braille blank U+2800': '\u2800',
} as const;
const cases = Object.entries(INVISIBLE);

/** The field errors of a submission, or undefined when the schema accepts it. */
function errorsOf(over: Record<string, unknown>): Record<string, string> | undefined {
  const parsed = complaintInputSchema.safeParse(validSubmission(over));
  return parsed.success ? undefined : toFieldErrors(parsed.error.issues);
}

describe('the complaint schema counts only visible text', () => {
  it.each(cases)('a name, place, unit, region or number of nothing but %s is empty', (_label, ch) => {
    expect(errorsOf({ name: ch })?.name).toBe('投诉需要填写您的姓名（举报可以匿名）');
    expect(errorsOf({ name: `${ch} ${ch}\u3000` })?.name).toBe('投诉需要填写您的姓名（举报可以匿名）');
    expect(errorsOf({ place: ch })?.place).toBe('请填写发生地点');
    expect(errorsOf({ place: `${ch}${ch} ${ch}` })?.place).toBe('请填写发生地点');
    expect(errorsOf({ certificateNo: ch })?.certificateNo).toBe('请填写对方证件上的编号');
    expect(errorsOf({ about: 'unit', certificateNo: '', agencyId: ch })?.agencyId).toBe('请选择单位');
    expect(errorsOf({ about: 'unknownNumber', certificateNo: 'FAKE-0001', region: ch })?.region).toMatch(/^请选择事情发生的地区/);
    // A report may be anonymous: an invisible name is no name, not a name.
    const report = complaintInputSchema.safeParse(validSubmission({ kind: 'report', name: ch }));
    expect(report.success && report.data.name).toBeUndefined();
  });

  it.each(cases)('a description needs 10 visible characters: ten of %s are none', (_label, ch) => {
    const message = toFieldErrors(complaintInputSchema.safeParse(validSubmission({ description: ch.repeat(10) })).error!.issues).description;
    expect(message).toMatch(new RegExp(`^请至少用 ${limits.descriptionMin} 个字`));
    // Nine visible characters padded with invisible ones (and spaces) to well over ten are still too few.
    const nine = '对方单独检查我摊位';
    expect([...nine]).toHaveLength(limits.descriptionMin - 1);
    expect(errorsOf({ description: [...nine].join(`${ch} `) })?.description).toBe(message);
    expect(errorsOf({ description: `${nine}${ch.repeat(20)}` })?.description).toBe(message);
    expect(errorsOf({ description: `${nine}了` })).toBeUndefined();
  });

  it('keeps a zero-width joiner of an emoji sequence in the stored text, without counting it', () => {
    const family = '\u{1F468}\u200d\u{1F469}\u200d\u{1F467}';
    const description = `${family} 对方单独检查我的摊位并要求罚款`;
    const parsed = complaintInputSchema.parse(validSubmission({ description }));
    expect(parsed.description).toBe(description);
    expect(visibleText(description)).toBe(`\u{1F468}\u{1F469}\u{1F467}对方单独检查我的摊位并要求罚款`);
    // Joiners around two characters are two characters, however many there are.
    expect(errorsOf({ description: `${'\u200d'.repeat(12)}对方${family}` })?.description).toMatch(/^请至少用/);
  });
});

describe('a certificate number with invisible characters in it is the number without them', () => {
  let directory: Directory;
  beforeAll(async () => {
    directory = await testDirectory();
  });

  it.each(cases.filter(([, ch]) => /\p{Cf}/u.test(ch)))('%s inside, before or after a listed number', (_label, ch) => {
    for (const typed of [`SL-CG-${ch}0001`, `${ch}SL-CG-0001${ch}`, `S${ch}L-C${ch}G-00${ch}01`]) {
      expect(normalizeCertificateNo(typed), typed).toBe('SL-CG-0001');
      expect(directory.auxiliary(typed)?.certificateNo, typed).toBe('SL-CG-0001');
    }
  });
});

describe('the intake, with the same posts', () => {
  let db: Db;
  let handler: ReturnType<typeof complaintFunctions>;
  const ctx = { clientAddress: '203.0.113.10' };
  const post = async (over: Record<string, unknown>) => {
    const response = (await handler(
      new Request('http://localhost/api/complaints', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(validSubmission(over)),
      }),
      ctx,
    ))!;
    return { status: response.status, errors: ((await response.json()) as { errors?: Record<string, string> }).errors ?? {} };
  };
  const count = async () => (await db.query<{ n: number }>('SELECT COUNT(*) AS n FROM complaints'))[0]!.n;

  beforeAll(async () => {
    db = await freshDb('sqlite');
    handler = complaintFunctions(await testWorld(db));
  });
  afterAll(() => db.close());

  it('refuses a complaint whose name, place and description are only zero-width spaces, and stores nothing', async () => {
    const before = await count();
    const { status, errors } = await post({ name: '\u200b', place: '\u200b', description: '\u200b'.repeat(10) });
    expect(status).toBe(400);
    expect(Object.keys(errors)).toEqual(['place', 'description', 'name']);
    expect(await count()).toBe(before);
  });

  it.each(['\u200b', '\u00ad', '\u2060'])('refuses a listed number reported as on no roster with %j inside it (422), as the plain number', async (ch) => {
    const before = await count();
    const plain = await post({ about: 'unknownNumber', certificateNo: 'SL-CG-0001', region: '示例省示例市', kind: 'report' });
    expect(plain.status).toBe(422);
    const hidden = await post({ about: 'unknownNumber', certificateNo: `SL-CG-${ch}0001`, region: '示例省示例市', kind: 'report' });
    expect(hidden.status).toBe(422);
    expect(hidden.errors.certificateNo).toContain('在公示名单中（张三）');
    expect(await count()).toBe(before);
  });
});
