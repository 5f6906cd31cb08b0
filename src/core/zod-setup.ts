import { z } from 'zod';

/**
 * Process-wide zod settings, imported for its effect by every module that checks user input (browser and server):
 * - `jitless`: zod otherwise probes `new Function` once, which the site's Content-Security-Policy (no
 *   'unsafe-eval') reports as a violation in the browser; the interpreted path gives the same results.
 * - A Chinese message for a value of the wrong JSON type (a number, list or object where text is expected), which
 *   schemas without their own message would otherwise answer in English. The field is named by the error's key.
 */
const typeWords: Record<string, string> = {
  string: '文字',
  number: '数字',
  boolean: '是/否',
  array: '列表',
  object: '对象',
  null: '空值（null）',
  undefined: '空',
};
const typeOf = (value: unknown): string => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);

z.config({
  jitless: true,
  customError: (issue) => {
    if (issue.code === 'invalid_type') {
      const got = typeOf(issue.input);
      if (got === 'undefined') return '必须填写';
      return `应为${typeWords[issue.expected] ?? issue.expected}，收到的是${typeWords[got] ?? got}`;
    }
    if (issue.code === 'invalid_value' || issue.code === 'invalid_format') return '格式或取值不对';
    if (issue.code === 'too_big') return '太长';
    if (issue.code === 'too_small') return '太短';
    if (issue.code === 'unrecognized_keys') return '含有不认识的字段';
    return undefined;
  },
});
