import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ContentError, formatIssues } from '../../core/friendly-errors.ts';
import { makeCalendar, type WorkCalendar } from '../../core/policy/calendar.ts';
import { loadHolidays } from '../holidays/load.ts';
import { DEFAULT_POLICY, policySchema, type Policy } from '../../core/policy/schema.ts';

/** Reads `<contentDir>/policy.yaml`; absent → the defaults. A broken file names the file and each field. */
export async function loadPolicy(contentDir: string): Promise<Policy> {
  const path = join(contentDir, 'policy.yaml');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return DEFAULT_POLICY;
    throw new ContentError(path, [`无法读取：${(error as Error).message}`]);
  }
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (error) {
    throw new ContentError(path, [`YAML 格式错误：${(error as Error).message}`]);
  }
  const parsed = policySchema.safeParse(data ?? {});
  if (parsed.success) return parsed.data;
  throw new ContentError(path, formatIssues(parsed.error.issues));
}

/** The holiday calendar of the content folder (holidays.yaml); absent → weekends only (not covered). */
export async function loadCalendar(contentDir: string): Promise<WorkCalendar> {
  return makeCalendar(await loadHolidays(contentDir));
}
