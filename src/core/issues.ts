import type { z } from 'zod';

/**
 * The one way a zod issue is put into words for the person who must fix it: where (the path) and what (the message,
 * with the allowed keys named when a key is unknown). Content files, mapping files, forms and action links all use it.
 */
export function issuePath(issue: z.core.$ZodIssue): string {
  return issue.path.length ? issue.path.map(String).join('.') : '(根)';
}

export function issueMessage(issue: z.core.$ZodIssue, knownKeys?: readonly string[]): string {
  if (issue.code !== 'unrecognized_keys') return issue.message;
  return `未知字段 ${issue.keys.join('、')}${knownKeys?.length ? `（可用字段：${knownKeys.join('、')}）` : ''}`;
}

/** `path: message`, the form every content-file problem takes. */
export function formatIssue(issue: z.core.$ZodIssue, knownKeys?: readonly string[]): string {
  return `${issuePath(issue)}: ${issueMessage(issue, knownKeys)}`;
}

/** The first message for each top-level field (`form` for the whole input), for a form's error summary. */
export function messagesByField(issues: readonly z.core.$ZodIssue[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of issues) out[String(issue.path[0] ?? 'form')] ??= issue.message;
  return out;
}
