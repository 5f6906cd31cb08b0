import { z } from 'zod';
import '../zod-setup.ts';
import { isRealIsoDate } from '../dates.ts';
import { messagesByField } from '../issues.ts';
import { CONTROL_CHARACTERS, controlCharacterMessage, visibleText } from '../text.ts';

/**
 * The one schema of a complaint submission, shared by the React island (client-side checks) and the
 * handler (the checks that count). Field names are the form's `name`s, so the plain HTML form post, the
 * JSON post and the island all use the same words. Must stay importable in the browser: no Node imports.
 */
export const kinds = ['complaint', 'report'] as const;
/** auxiliary: a named person by certificate number · unit: a unit, person unknown · agency: the agency itself ·
 * unknownNumber: someone showed a number that is not on any roster (possible fake). */
export const abouts = ['auxiliary', 'unit', 'agency', 'unknownNumber'] as const;
export const OTHER_CATEGORY = 'other';

export const limits = {
  /** The number itself, once read from what was put in the field (certificate-no.ts): a pasted link may be longer. */
  certificateNoMax: 40,
  descriptionMin: 10,
  descriptionMax: 3000,
  placeMax: 200,
  nameMax: 50,
  emailMax: 254,
  evidenceFiles: 5,
  evidenceFileBytes: 5 * 1024 * 1024,
  evidenceTotalBytes: 15 * 1024 * 1024,
} as const;

/** Characters no field may hold: src/core/text.ts CONTROL_CHARACTERS (tab/newline only where noted). */
const LINE_BREAK = /[\r\n\u2028\u2029]/;
const MARKUP = /<\s*\/?\s*[a-z!?][^>]*>/i;

const line = (label: string, max: number) =>
  z
    .string({ error: `请填写${label}` })
    .trim()
    .max(max, { message: `${label}不能超过 ${max} 个字` })
    .refine((v) => !LINE_BREAK.test(v), { message: `${label}只能是一行，不能含换行` })
    .refine((v) => !CONTROL_CHARACTERS.test(v), { message: controlCharacterMessage(label) })
    .refine((v) => !MARKUP.test(v), { message: `${label}不能包含 HTML 标记（如 <script>）` });

/**
 * Required-ness and minimum lengths count only what a reader sees (visibleText): a field of nothing but spaces,
 * zero-width characters or blank-looking letters (U+3164 …) is empty. The text itself is kept as typed (a
 * zero-width joiner inside an emoji sequence stays), it just does not count.
 */
const hasVisible = (v: string, min = 1) => visibleText(v).length >= min;
/** What the description's minimum counts: letters (Han characters included) and digits, not punctuation or symbols. */
const WORD_CHARACTER = /[\p{L}\p{N}]/gu;

const optionalLine = (label: string, max: number) =>
  z
    .string()
    .optional()
    .transform((v) => (v === undefined || !hasVisible(v) ? undefined : v))
    .pipe(line(label, max).optional());

export const complaintInputSchema = z
  .object({
    kind: z.enum(kinds, { error: '请选择是投诉还是举报' }),
    about: z.enum(abouts, { error: '请选择反映的对象' }),
    certificateNo: optionalLine('证件编号', limits.certificateNoMax),
    agencyId: optionalLine('单位', 80),
    /** Where it happened, for a number on no roster when no unit is named: routes to that region's bureau. */
    region: optionalLine('发生地区', 80),
    category: z
      .string({ error: '请选择问题类别' })
      .trim()
      .refine((v) => hasVisible(v), { message: '请选择问题类别' })
      .max(120),
    when: z
      .string({ error: '请填写发生时间' })
      .trim()
      .min(1, { message: '请填写发生时间' })
      .regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2})?$/, { message: '发生时间格式应为 年-月-日，如 2026-05-01' })
      // Checked against the calendar: Date.parse would take 2026-02-30 as 3 March.
      .refine((v) => isRealIsoDate(v.slice(0, 10)) && (v.length === 10 || (Number(v.slice(11, 13)) <= 23 && Number(v.slice(14, 16)) <= 59)), {
        message: '发生时间不是日历上存在的日期或时间，请核对（如 2 月没有 30 日）',
      }),
    place: line('发生地点', limits.placeMax).pipe(z.string().refine((v) => hasVisible(v), { message: '请填写发生地点' })),
    description: z
      .string({ error: '请描述发生了什么' })
      .trim()
      .refine((v) => (visibleText(v).match(WORD_CHARACTER)?.length ?? 0) >= limits.descriptionMin, {
        message: `请至少用 ${limits.descriptionMin} 个字描述发生了什么（标点、空格不计）`,
      })
      .max(limits.descriptionMax, { message: `情况描述不能超过 ${limits.descriptionMax} 个字` })
      .refine((v) => !CONTROL_CHARACTERS.test(v), { message: controlCharacterMessage('情况描述') })
      .refine((v) => !MARKUP.test(v), { message: '情况描述不能包含 HTML 标记（如 <script>）' }),
    name: optionalLine('姓名', limits.nameMax),
    phone: optionalLine('联系电话', 30).refine((v) => v === undefined || /^[0-9+\-() ]{5,30}$/.test(toAsciiDigits(v)), {
      message: '联系电话只能包含数字、空格和 + - ( )，如 13800138000',
    }),
    email: optionalLine('电子邮箱', limits.emailMax).refine((v) => v === undefined || z.email().safeParse(v).success, {
      message: '电子邮箱格式不对，应像 name@example.com',
    }),
    /** Honeypot: hidden from people; a filled value means a bot. */
    website: z.string().optional(),
    idempotencyKey: z
      .string()
      .optional()
      .refine((v) => v === undefined || v === '' || /^[A-Za-z0-9_-]{8,80}$/.test(v), { message: '提交标识无效，请刷新页面重试' }),
    /** Optional proof-of-work nonce (see docs/COMPLAINTS.md). */
    pow: z.string().max(200).optional(),
  })
  .superRefine((input, ctx) => {
    if ((input.about === 'auxiliary' || input.about === 'unknownNumber') && !input.certificateNo) {
      ctx.addIssue({ code: 'custom', path: ['certificateNo'], message: '请填写对方证件上的编号' });
    }
    if (input.about === 'unknownNumber' && !input.agencyId && !input.region) {
      ctx.addIssue({ code: 'custom', path: ['region'], message: '请选择事情发生的地区（或对方自称的单位），以便转当地司法行政部门处理' });
    }
    if ((input.about === 'unit' || input.about === 'agency') && !input.agencyId) {
      ctx.addIssue({ code: 'custom', path: ['agencyId'], message: '请选择单位' });
    }
    if (input.kind === 'complaint') {
      if (!input.name) ctx.addIssue({ code: 'custom', path: ['name'], message: '投诉需要填写您的姓名（举报可以匿名）' });
      if (!input.phone) ctx.addIssue({ code: 'custom', path: ['phone'], message: '投诉需要填写联系电话，以便办理机关联系您' });
    }
  });

export type ComplaintInput = z.output<typeof complaintInputSchema>;
export type FieldErrors = Record<string, string>;

/** The form's fields in page order: the error summary lists problems in this order. */
export const fieldOrder = [
  'kind',
  'about',
  'certificateNo',
  'agencyId',
  'region',
  'category',
  'when',
  'place',
  'description',
  'evidence',
  'name',
  'phone',
  'email',
] as const;

/** First message per field, in page order. */
export function toFieldErrors(issues: readonly z.core.$ZodIssue[]): FieldErrors {
  return sortErrors(messagesByField(issues));
}

export function sortErrors(errors: FieldErrors): FieldErrors {
  const order = fieldOrder as readonly string[];
  const rank = (f: string) => (order.includes(f) ? order.indexOf(f) : order.length);
  return Object.fromEntries(Object.entries(errors).sort(([a], [b]) => rank(a) - rank(b)));
}

function toAsciiDigits(v: string): string {
  return v.replace(/[\uFF01-\uFF5E]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0));
}

/** One category choice as the form shows it. */
export interface CategoryOption {
  code: string;
  label: string;
  regulationId: string | null;
  /** Aimed at the auxiliary's own conduct or at the agency's duties; absent for 其他. */
  target?: 'auxiliary' | 'agency';
}

export const kindLabels: Record<(typeof kinds)[number], string> = { complaint: '投诉', report: '举报' };
