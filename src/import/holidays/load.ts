import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { holidaysSchema, type Holidays } from '../../core/holidays.ts';
import { ContentError, parseWithFriendlyErrors } from '../../core/friendly-errors.ts';

export const NO_HOLIDAYS: Holidays = { holidays: [], workdays: [] };

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
    throw new ContentError(path, [`YAML 格式错误：${(error as Error).message}`]);
  }
  return parseWithFriendlyErrors(holidaysSchema, data ?? {}, path);
}
