import { readYamlFile } from '../yaml-file.ts';
import { join } from 'node:path';
import type { Holidays } from '../../core/holidays.ts';
import { parseHolidays } from '../../core/policy/calendar.ts';

export const NO_HOLIDAYS: Holidays = { years: [] };

/** Reads and checks the optional `holidays.yaml` of the content folder; absent → no dates (weekends only). */
export async function loadHolidays(contentDir: string): Promise<Holidays> {
  const path = join(contentDir, 'holidays.yaml');
  const data = await readYamlFile(path, { optional: true });
  return data === undefined ? NO_HOLIDAYS : parseHolidays(data, path);
}
