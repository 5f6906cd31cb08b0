import { z } from 'zod';
import { issueMessage } from '../../core/issues.ts';
import { isoDate } from '../../core/dates.ts';
import { agencyId } from '../../core/registry/schema.ts';
import type { Registry } from '../registry/load.ts';
import { rosterFields } from './fields.ts';
import type { RosterProblem } from './problems.ts';
import type { RosterSource } from './types.ts';
import { withHint } from '../../core/error-data.ts';
import { rosterErrors } from './errors.ts';

const HEADER_ROW_MESSAGE = withHint(rosterErrors.MappingHeaderRow);

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
        z.string().min(1, { message: withHint(rosterErrors.MappingHeaderEmpty) }),
        z.enum(rosterFields, { message: withHint(rosterErrors.MappingFieldUnknown, rosterFields) }),
      )
      .optional(),
    /** XLSX sheet to read; default the first visible one. */
    sheet: z
      .string()
      .min(1, { message: withHint(rosterErrors.MappingSheetEmpty) })
      .optional(),
    /** 1-based header row; default the first non-empty row. */
    headerRow: z.number({ message: HEADER_ROW_MESSAGE }).int({ message: HEADER_ROW_MESSAGE }).min(1, { message: HEADER_ROW_MESSAGE }).optional(),
  })
  .strict();

export type RosterMapping = z.infer<typeof rosterMappingSchema>;

/** Headers of private columns (ID card, phone, address, birth, bank …) that a mapping file may not publish. */
export const PRIVATE_HEADER = /身份证|身份号|公民身份|电话|手机|联系方式|住址|地址|出生|户籍|籍贯|银行|卡号|社保|医保|婚姻|政治面貌|民族|学历/;

/** `a/b.csv` → `a/b.mapping.yaml`. */
export function mappingPathFor(rosterPath: string): string {
  return `${rosterPath.replace(/\.[^./\\]+$/, '')}.mapping.yaml`;
}

/** The mapping to use (empty when there is no mapping file), or null when the mapping file is wrong. */
export function readMapping(source: RosterSource, registry: Registry, problems: RosterProblem[]): RosterMapping | null {
  const mappingFile = source.mappingFile ?? '映射文件';
  if (source.mappingError !== undefined) {
    problems.push({ file: mappingFile, reason: source.mappingError });
    return null;
  }
  if (source.mapping === undefined) return {};
  const parsed = rosterMappingSchema.safeParse(source.mapping ?? {});
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issue.path.map(String).join('.');
      const keys = Object.keys(rosterMappingSchema.shape);
      const reason =
        issue.code === 'invalid_type' && path === '' ? withHint(rosterErrors.MappingNotAMap, keys) : `${path ? `${path}：` : ''}${issueMessage(issue, keys)}`;
      problems.push({ file: mappingFile, reason });
    }
    return null;
  }
  const mapping = parsed.data;
  const privateHeaders = Object.entries(mapping.columns ?? {}).filter(([header]) => PRIVATE_HEADER.test(header));
  for (const [header, field] of privateHeaders) {
    problems.push({ file: mappingFile, reason: withHint(rosterErrors.MappingPrivateColumn, header, field) });
  }
  if (privateHeaders.length) return null;
  if (mapping.agency !== undefined && !registry.byId.has(mapping.agency)) {
    problems.push({ file: mappingFile, value: mapping.agency, reason: withHint(rosterErrors.MappingAgencyUnknown) });
    return null;
  }
  return mapping;
}
