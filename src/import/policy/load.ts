import { readYamlFile } from '../yaml-file.ts';
import { join } from 'node:path';
import { parseWithFriendlyErrors } from '../../core/friendly-errors.ts';
import { makeCalendar, type WorkCalendar } from '../../core/policy/calendar.ts';
import { DEFAULT_POLICY, policySchema, type Policy } from '../../core/policy/schema.ts';
import { loadHolidays } from '../holidays/load.ts';

export const POLICY_FILE = 'policy.yaml';

/** Checks a policy file's data against the one policy schema; the error names `where` and every wrong field. */
export function parsePolicy(data: unknown, where: string): Policy {
  return parseWithFriendlyErrors(policySchema, data ?? {}, where);
}

/** Reads `<contentDir>/policy.yaml`, the only reader of that file; absent → the defaults. */
export async function loadPolicy(contentDir: string): Promise<Policy> {
  const path = join(contentDir, POLICY_FILE);
  const data = await readYamlFile(path, { optional: true });
  return data === undefined ? DEFAULT_POLICY : parsePolicy(data, path);
}

/** The holiday calendar of the content folder (holidays.yaml); absent → weekends only (not covered). */
export async function loadCalendar(contentDir: string): Promise<WorkCalendar> {
  return makeCalendar(await loadHolidays(contentDir));
}
