import type { Auxiliary } from '../../core/roster/schema.ts';
import { publishedFields } from '../../core/roster/schema.ts';

/** Open data columns: exactly the published fields, plus the agency's name. */
export const openDataColumns = [...publishedFields, 'agencyName'] as const;
export type OpenDataColumn = (typeof openDataColumns)[number];

export type OpenDataRow = Auxiliary & { agencyName: string };

/** What each column means, shown on /data/ (the schema of the CSV and JSON files). */
export const columnDocs: Record<OpenDataColumn, { label: string; doc: string }> = {
  certificateNo: { label: '证件编号', doc: '辅助行政执法证件统一编号（半角、大写、无空格），全站唯一；核验页地址 /verify/<证件编号>/' },
  name: { label: '姓名', doc: '持证人姓名' },
  agencyId: { label: '机关代码', doc: '所属行政执法机关在本站的代码，机关页 /agencies/<机关代码>/' },
  post: { label: '岗位', doc: '岗位或岗位类别（可空）' },
  status: { label: '状态', doc: 'active 有效 · suspended 暂停 · revoked 已收回 · cancelled 已注销 · left 已离职' },
  statusSince: { label: '状态日期', doc: '当前状态开始的日期，YYYY-MM-DD（可空）' },
  issuedOn: { label: '发证日期', doc: 'YYYY-MM-DD（可空）' },
  validUntil: { label: '有效期至', doc: 'YYYY-MM-DD（可空）' },
  employment: { label: '用工方式', doc: 'direct 直接招用 · dispatch 劳务派遣（可空）' },
  dispatcher: { label: '劳务派遣单位', doc: '劳务派遣时的派遣公司（可空）' },
  photo: { label: '照片', doc: '照片文件名；有照片时位于 /verify/<证件编号>/ 下（可空）' },
  agencyName: { label: '机关名称', doc: '所属行政执法机关名称' },
};

export function toRow(aux: Auxiliary, agencyName: string): Record<OpenDataColumn, string | undefined> {
  const row = {} as Record<OpenDataColumn, string | undefined>;
  for (const column of publishedFields) row[column] = aux[column];
  row.agencyName = agencyName;
  return row;
}

/**
 * One CSV cell. Cells starting with = + - @ (or a tab / carriage return) would be run as formulas by
 * spreadsheet programs: they get a leading apostrophe. Quoted when needed (RFC 4180).
 */
export function csvCell(value: string | undefined): string {
  let text = value ?? '';
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** UTF-8 CSV with BOM (so Excel opens it as UTF-8), CRLF line ends, header row of field names. */
export function toCsv(rows: Iterable<Record<OpenDataColumn, string | undefined>>): string {
  const lines = [openDataColumns.join(',')];
  for (const row of rows) lines.push(openDataColumns.map((c) => csvCell(row[c])).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

/** JSON: `{ asOf, fields, records }`; each record has exactly the published fields present plus agencyName. */
export function toJson(rows: Iterable<Record<OpenDataColumn, string | undefined>>, asOf: string | undefined): string {
  const records = [...rows].map((row) => Object.fromEntries(openDataColumns.filter((c) => row[c] !== undefined).map((c) => [c, row[c]])));
  return JSON.stringify({ asOf: asOf ?? null, fields: openDataColumns, records });
}
