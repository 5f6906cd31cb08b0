import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sourceFiles, stripComments } from '../support/source-text.ts';

/**
 * Each user-facing text has one home (a field table, a message catalogue): the same Chinese sentence written in
 * two source files drifts apart. Finds every literal run of Chinese text (in quotes, template literals or markup)
 * of 8 characters or more, outside comments, and reports those that stand in more than one file.
 */
const root = resolve(new URL('../..', import.meta.url).pathname);
const sources = (dir: string) => sourceFiles(root, dir);
const MIN = 8;

/** Runs of text with at least MIN Chinese characters, split at interpolations, tags and quotes. */
export function messagesIn(text: string): string[] {
  const found: string[] = [];
  for (const piece of stripComments(text).split(/\$\{[^}]*\}|[{}<>'"`\n]/)) {
    const run = piece.trim();
    if ((run.match(/[\u4e00-\u9fff]/g) ?? []).length >= MIN) found.push(run);
  }
  return found;
}

/**
 * Areas whose errors live in a catalogue (`errors.ts`, `*-errors.ts`): the roster import and content loaders, the
 * handling loop, the intake. Outside the catalogues, an error is never written as a Chinese literal where it is
 * raised: not thrown, not put in a failed result, not pushed as a problem. UI labels, schema field messages and a
 * programmer's guard (RangeError, TypeError: a bug, not something a person fixes) are not matched.
 */
const CATALOGUED = ['src/import', 'src/core/policy', 'functions/handling', 'functions/complaints'];
const HAN = '[^\'"`\\n]*[\\u4e00-\\u9fff]';
const INLINE_ERRORS: readonly RegExp[] = [
  new RegExp(`new (?!RangeError|TypeError)\\w*(?:Error|Refusal)\\((?:\\s*\\d+,)?\\s*['"\`]${HAN}`),
  new RegExp(`ok: false,[^}]*?(?:reason|message|error): ['"\`]${HAN}`),
  new RegExp(`status: \\d+, (?:error|message): ['"\`]${HAN}`),
  new RegExp(`\\b(?:readError|mappingError): ['"\`]${HAN}`),
  new RegExp(`\\{ file[^}]*?reason: ['"\`]${HAN}`),
  new RegExp(`(?:problems\\.push|problems\\.unshift|conflicts\\.push|withhold|problem)\\((?:\\s*'\\w+',)?\\s*['"\`]${HAN}`),
  new RegExp(`(?:problemHtml|problem)\\(\\d+, ['"\`]${HAN}`),
  new RegExp(`ContentError\\([^,]+, \\[\\s*['"\`]${HAN}`),
];

export function inlineErrors(text: string): string[] {
  const code = stripComments(text);
  const found = new Map<number, string>();
  for (const pattern of INLINE_ERRORS) for (const m of code.matchAll(new RegExp(pattern, 'g'))) found.set(m.index + m[0].length, m[0]);
  return [...found.values()];
}

describe('one home for each message', () => {
  it('finds a sentence written in two files (the check itself works)', () => {
    expect(messagesIn("const a = '受理编号格式不对，应像 TS-7K3M-9QX2'; // 注释里的说明文字不算在内的")).toEqual(['受理编号格式不对，应像 TS-7K3M-9QX2']);
    expect(messagesIn('<p>办理机关须为您的身份保密，不得透露给被反映的人。</p>')).toEqual(['办理机关须为您的身份保密，不得透露给被反映的人。']);
  });

  it('finds an error written inline (the check itself works)', () => {
    expect(inlineErrors("throw new Refusal(410, '此链接已经使用过，每个链接只能使用一次。');")).toHaveLength(1);
    expect(inlineErrors("return { ok: false, reason: '证件编号为空' };")).toHaveLength(1);
    expect(inlineErrors("problem('name', '姓名为空');")).toHaveLength(1);
    expect(inlineErrors("throw new ContentError(path, ['文件不存在，请检查路径']);")).toHaveLength(1);
    expect(inlineErrors("return { status: 400, error: '请填写查询码。' };")).toHaveLength(1);
    expect(inlineErrors("z.string({ error: '请选择转办机关' }).min(1, { message: '请选择转办机关' })")).toEqual([]);
    expect(inlineErrors("throw new RangeError('工作日数应为非负整数，不能是负数');")).toEqual([]);
    expect(inlineErrors("const labels = { accept: '受理此件' }; throw new Refusal(410, withHint(handlingErrors.LinkUsed));")).toEqual([]);
  });

  it('errors in catalogued areas come from their catalogue, not inline Chinese literals', () => {
    const inline = CATALOGUED.flatMap(sources)
      .filter((file) => !/(^|[/-])errors\.ts$/.test(file))
      .flatMap((file) => inlineErrors(readFileSync(join(root, file), 'utf8')).map((m) => `${file}: ${m}`));
    expect(inline).toEqual([]);
  });

  it('no message text stands in two source files', () => {
    const homes = new Map<string, Set<string>>();
    for (const file of [...sources('src'), ...sources('functions')]) {
      for (const message of messagesIn(readFileSync(join(root, file), 'utf8'))) {
        if (!homes.has(message)) homes.set(message, new Set());
        homes.get(message)!.add(file);
      }
    }
    const twice = [...homes].filter(([, files]) => files.size > 1).map(([m, files]) => `${m}  ←  ${[...files].join(', ')}`);
    expect(twice).toEqual([]);
  });
});
