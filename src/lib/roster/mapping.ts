import { z } from 'zod';
import { isoDate } from '../dates.ts';
import { agencyId } from '../registry/schema.ts';
import { rosterFields } from './fields.ts';

/** `<roster>.mapping.yaml` next to a roster export: how to read an export that the aliases alone do not cover. */
export const rosterMappingSchema = z
  .object({
    /** Agency id every row belongs to (for exports without a 单位 column). */
    agency: agencyId.optional(),
    /** Roster date, YYYY-MM-DD; otherwise taken from the file name. */
    asOf: isoDate.optional(),
    /** Extra header text → field. */
    columns: z
      .record(
        z.string().min(1, { message: '表头不能为空' }),
        z.enum(rosterFields, { message: `字段名应为以下之一：${rosterFields.join(', ')}` }),
      )
      .optional(),
    /** XLSX sheet to read; default the first. */
    sheet: z.string().min(1, { message: '工作表名不能为空' }).optional(),
    /** 1-based header row; default the first non-empty row. */
    headerRow: z.number({ message: 'headerRow 应为正整数（表头所在的行号）' }).int({ message: 'headerRow 应为正整数（表头所在的行号）' }).min(1, { message: 'headerRow 应为正整数（表头所在的行号）' }).optional(),
  })
  .strict();

export type RosterMapping = z.infer<typeof rosterMappingSchema>;

/** `a/b.csv` → `a/b.mapping.yaml`. */
export function mappingPathFor(rosterPath: string): string {
  return rosterPath.replace(/\.[^./\\]+$/, '') + '.mapping.yaml';
}
