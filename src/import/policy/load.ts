import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ContentError, parseWithFriendlyErrors } from '../../core/friendly-errors.ts';
import { makeCalendar, type WorkCalendar } from '../../core/policy/calendar.ts';
import { DEFAULT_POLICY, policySchema, type Policy } from '../../core/policy/schema.ts';
import { contentErrors } from '../../core/content-errors.ts';
import { withHint } from '../../core/error-data.ts';
import { loadHolidays } from '../holidays/load.ts';

export const POLICY_FILE = 'policy.yaml';

/** Checks a policy file's data against the one policy schema; the error names `where` and every wrong field. */
export function parsePolicy(data: unknown, where: string): Policy {
  return parseWithFriendlyErrors(policySchema, data ?? {}, where);
}

/** Reads `<contentDir>/policy.yaml`, the only reader of that file; absent → the defaults. */
export async function loadPolicy(contentDir: string): Promise<Policy> {
  const path = join(contentDir, POLICY_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return DEFAULT_POLICY;
    throw new ContentError(path, [withHint(contentErrors.Unreadable, (error as Error).message)]);
  }
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (error) {
    throw new ContentError(path, [withHint(contentErrors.BadYaml, (error as Error).message)]);
  }
  return parsePolicy(data, path);
}

/** The holiday calendar of the content folder (holidays.yaml); absent → weekends only (not covered). */
export async function loadCalendar(contentDir: string): Promise<WorkCalendar> {
  return makeCalendar(await loadHolidays(contentDir));
}
