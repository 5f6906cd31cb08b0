import type { DisclosurePolicy, OptionalField } from '../../core/policy/disclosure.ts';
import { optionalFields } from '../../core/policy/disclosure.ts';
import type { PublicAuxiliary } from '../portal/public-view.ts';

/** Columns every open-data file has: the name, unit and number Lu'an art. 18 names, and status with its dates (platform policy). */
export const baseColumns = ['certificateNo', 'name', 'agencyId', 'agencyName', 'status', 'statusSince', 'issuedOn', 'validUntil'] as const;
export type OpenDataColumn = (typeof baseColumns)[number] | OptionalField;

/** The columns of this deployment's files: the base ones, then each optional field the policy switches on. */
export function openDataColumnsFor(policy: DisclosurePolicy): OpenDataColumn[] {
  return [...baseColumns, ...optionalFields.filter((f) => policy.published.has(f))];
}

/** The terms every open-data file and the /data/ page state (the platform's, not a regulation's). */
export const OPEN_DATA_TERMS =
  '本数据只含证件当前有效、持证人在岗的辅助人员（离职、证件收回、注销、暂停或过期的不在其中），供核验证件和社会监督使用。' +
  '可以下载、转载，请注明来源和名单日期；不得用于与核验、监督无关的目的（如营销、骚扰），不得与其他数据关联去识别持证人的其他个人信息。' +
  '这是本站的使用条件，不是办法条文。';

/** What each column means, shown on /data/ (the schema of the CSV and JSON files). */
export const columnDocs: Record<OpenDataColumn, { label: string; doc: string }> = {
  certificateNo: { label: '证件编号', doc: '辅助行政执法证件统一编号（半角、大写、无空格），全站唯一；核验页地址 /verify/<证件编号>/' },
  name: { label: '姓名', doc: '持证人姓名' },
  agencyId: { label: '机关代码', doc: '所属行政执法机关在本站的代码，机关页 /agencies/<机关代码>/' },
  agencyName: { label: '机关名称', doc: '所属行政执法机关名称' },
  status: { label: '状态', doc: '开放数据中只有 active（有效、在岗）' },
  statusSince: { label: '状态日期', doc: '当前状态开始的日期，YYYY-MM-DD（可空）' },
  issuedOn: { label: '发证日期', doc: 'YYYY-MM-DD（可空）' },
  validUntil: { label: '有效期至', doc: 'YYYY-MM-DD（可空）' },
  post: { label: '岗位', doc: '岗位或岗位类别（可空）' },
  employment: { label: '用工方式', doc: 'direct 直接招用 · dispatch 劳务派遣（可空）' },
  dispatcher: { label: '劳务派遣单位', doc: '劳务派遣时的派遣公司（可空）' },
  photo: { label: '照片', doc: '照片文件名；有照片时位于 /verify/<证件编号>/ 下（可空）' },
};

export type OpenDataRow = Partial<Record<OpenDataColumn, string>>;

/** Only people who hold a valid certificate now go into the bulk files. */
export function inOpenData(aux: PublicAuxiliary): boolean {
  return aux.status === 'active' && aux.name !== undefined;
}

export function toRow(aux: PublicAuxiliary, agencyName: string, columns: readonly OpenDataColumn[]): OpenDataRow {
  const row: OpenDataRow = {};
  for (const column of columns) row[column] = column === 'agencyName' ? agencyName : aux[column];
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
export function toCsv(rows: Iterable<OpenDataRow>, columns: readonly OpenDataColumn[]): string {
  const lines = [columns.join(',')];
  for (const row of rows) lines.push(columns.map((c) => csvCell(row[c])).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

/** JSON: `{ asOf, terms, fields, records }`; each record has the file's fields that have a value. */
export function toJson(rows: Iterable<OpenDataRow>, columns: readonly OpenDataColumn[], asOf: string | undefined): string {
  const records = [...rows].map((row) => Object.fromEntries(columns.filter((c) => row[c] !== undefined).map((c) => [c, row[c]])));
  return JSON.stringify({ asOf: asOf ?? null, terms: OPEN_DATA_TERMS, fields: columns, records });
}
