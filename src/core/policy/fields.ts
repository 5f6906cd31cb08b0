import { z } from 'zod';

/** Shared field builders of the policy sections. */
export function positiveInt(field: string, unit: string) {
  const message = `${field} 应为正整数（${unit}）`;
  return z.number({ error: message }).int({ message }).positive({ message });
}

/**
 * The document by which the deployment adopted a section's rules (e.g. a justice bureau's notice with its number
 * and date). Absent: the rules are the platform's own and are labelled so wherever they are shown.
 */
export const citation = z
  .string({ error: 'citation 应是文字：采纳这些规则的文件名称、文号和日期' })
  .trim()
  .min(1, { message: 'citation 不能为空（没有采纳文件就删去这一行）' })
  .optional();

/** zod names unknown keys in English; the person fixing the file reads Chinese. */
export function unknownKeysInChinese<T extends { code: string; message: string }>(issue: T): T {
  return issue.code === 'unrecognized_keys' ? { ...issue, message: `未知字段 ${(issue as unknown as { keys: string[] }).keys.join('、')}（拼写错误，或不属于这一节）` } : issue;
}
