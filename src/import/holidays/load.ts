import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { Holidays } from '../../core/holidays.ts';
import { ContentError } from '../../core/friendly-errors.ts';
import { contentErrors } from '../../core/content-errors.ts';
import { withHint } from '../../core/error-data.ts';
import { parseHolidays } from '../../core/policy/calendar.ts';

export const NO_HOLIDAYS: Holidays = { years: [] };

/** Reads and checks the optional `holidays.yaml` of the content folder; absent → no dates (weekends only). */
export async function loadHolidays(contentDir: string): Promise<Holidays> {
  const path = join(contentDir, 'holidays.yaml');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return NO_HOLIDAYS;
  }
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (error) {
    throw new ContentError(path, [withHint(contentErrors.BadYaml, (error as Error).message)]);
  }
  return parseHolidays(data, path);
}
