import type { z } from 'zod';
import { formatIssue } from './issues.ts';

/**
 * Parse with a schema and, on failure, throw one error listing every issue, each prefixed with where it is
 * (file and path), in the way withastro/starlight's parseWithFriendlyErrors does — so the person fixing
 * the file sees all problems at once and where each one lives.
 */
export function parseWithFriendlyErrors<S extends z.ZodType>(schema: S, input: unknown, where: string): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new ContentError(where, formatIssues(result.error.issues));
}

export function formatIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => formatIssue(issue));
}

/** A problem in a content file (agencies.yaml, a regulation, a roster): names the file and lists each problem. */
export class ContentError extends Error {
  readonly where: string;
  readonly problems: string[];
  constructor(where: string, problems: string[]) {
    super(`${where} 有 ${problems.length} 处错误：\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ContentError';
    this.where = where;
    this.problems = problems;
  }
}
