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
