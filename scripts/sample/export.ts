import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import ExcelJS from 'exceljs';
import { stringify as stringifyYaml } from 'yaml';
import type { AuxiliaryStatus } from '../../src/core/roster/schema.ts';
import type { Person, Status } from './people.ts';

/** Fields of a Person an export can carry, published or private. */
export type Column =
  | 'seq'
  | 'name'
  | 'agency'
  | 'certificateNo'
  | 'post'
  | 'status'
  | 'statusSince'
  | 'issuedOn'
  | 'validUntil'
  | 'employment'
  | 'dispatcher'
  | 'photo'
  | 'idNumber'
  | 'phone'
  | 'address'
  | 'birthDate';

/** How one agency's export looks: file format, header words, date and status wording. */
export interface ExportStyle {
  format: 'csv-gb18030' | 'csv-utf8-bom' | 'csv-utf8' | 'xlsx';
  /** Columns in order, each with the header the agency used. */
  columns: readonly (readonly [Column, string])[];
  dates: 'iso' | 'slash' | 'chinese' | 'excel';
  statusWords: Record<Status, string>;
  /** The published status a generated status becomes when written with this export's words, where they differ. */
  statusMeans?: Partial<Record<Status, AuxiliaryStatus>>;
  directWord: '直接招用' | '单位聘用';
  /** The 单位 cell: the agency's full name (usual) or its registry id. */
  agencyAs: 'name' | 'id';
  /** XLSX only: a title line above the header, which then sits on row 2. */
  title?: string;
  sheet?: string;
  lineEnd?: '\r\n' | '\n';
  /** Written next to the file as `<file>.mapping.yaml`. */
  mapping?: { agency?: string; asOf?: string; columns?: Record<string, string>; sheet?: string; headerRow?: number };
}

export const PRIVATE_COLUMNS: readonly Column[] = ['idNumber', 'phone', 'address', 'birthDate'];

/** The date of the XLSX core properties, fixed so the same seed gives the same workbook. */
const FIXED_DATE = new Date(Date.UTC(2026, 10, 1, 8, 0, 0));

function formatDate(iso: string, style: ExportStyle['dates']): string {
  const [y, m, d] = iso.split('-');
  if (style === 'slash') return `${y}/${Number(m)}/${Number(d)}`;
  if (style === 'chinese') return `${y}年${Number(m)}月${Number(d)}日`;
  return iso;
}

function cellValue(person: Person, column: Column, index: number, style: ExportStyle, agencyName: string): string | number | Date {
  switch (column) {
    case 'seq':
      return index + 1;
    case 'agency':
      return style.agencyAs === 'id' ? person.agencyId : agencyName;
    case 'status':
      return style.statusWords[person.status];
    case 'employment':
      return person.employment === 'dispatch' ? '劳务派遣' : style.directWord;
    case 'statusSince':
    case 'issuedOn':
    case 'validUntil':
    case 'birthDate': {
      const iso = person[column];
      if (style.dates === 'excel') return new Date(`${iso}T00:00:00Z`);
      return formatDate(iso, style.dates);
    }
    default:
      return person[column] ?? '';
  }
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

export function toCsv(people: readonly Person[], style: ExportStyle, agencyName: string): string {
  const end = style.lineEnd ?? '\n';
  const lines = [style.columns.map(([, header]) => csvField(header)).join(',')];
  people.forEach((person, i) => {
    lines.push(style.columns.map(([column]) => csvField(String(cellValue(person, column, i, style, agencyName)))).join(','));
  });
  return lines.join(end) + end;
}

/** GB18030 via the system's iconv (glibc): Node has no GB18030 encoder. */
export function encodeGb18030(text: string): Buffer {
  return execFileSync('iconv', ['-f', 'UTF-8', '-t', 'GB18030'], { input: text, maxBuffer: 1 << 30 });
}

async function toXlsx(people: readonly Person[], style: ExportStyle, agencyName: string): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = '公示示例生成器';
  workbook.lastModifiedBy = '公示示例生成器';
  workbook.created = FIXED_DATE;
  workbook.modified = FIXED_DATE;
  const sheet = workbook.addWorksheet(style.sheet ?? 'Sheet1');
  if (style.title) {
    sheet.addRow([style.title]);
    sheet.mergeCells(1, 1, 1, style.columns.length);
    sheet.getRow(1).font = { bold: true, size: 14 };
  }
  sheet.addRow(style.columns.map(([, header]) => header)).font = { bold: true };
  people.forEach((person, i) => {
    sheet.addRow(style.columns.map(([column]) => cellValue(person, column, i, style, agencyName)));
  });
  style.columns.forEach(([column], i) => {
    const col = sheet.getColumn(i + 1);
    col.width = column === 'address' ? 36 : column === 'idNumber' || column === 'dispatcher' ? 22 : 14;
    if (style.dates === 'excel' && ['statusSince', 'issuedOn', 'validUntil', 'birthDate'].includes(column)) col.numFmt = 'yyyy-mm-dd';
  });
  return withFixedZipTimes(Buffer.from(await workbook.xlsx.writeBuffer()), FIXED_DATE);
}

/**
 * exceljs stamps every zip entry with the current time; set them all to `date` (in the central directory and
 * in each local header) so that the same seed gives byte-identical workbooks.
 */
export function withFixedZipTimes(zip: Buffer, date: Date): Buffer {
  const time = (date.getUTCHours() << 11) | (date.getUTCMinutes() << 5) | (date.getUTCSeconds() >> 1);
  const day = ((date.getUTCFullYear() - 1980) << 9) | ((date.getUTCMonth() + 1) << 5) | date.getUTCDate();
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0) throw new Error('不是 zip 文件：找不到中央目录结尾');
  const entries = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  for (let i = 0; i < entries; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error(`zip 中央目录第 ${i + 1} 项损坏`);
    zip.writeUInt16LE(time, at + 12);
    zip.writeUInt16LE(day, at + 14);
    const local = zip.readUInt32LE(at + 42);
    if (zip.readUInt32LE(local) !== 0x04034b50) throw new Error(`zip 第 ${i + 1} 个文件头损坏`);
    zip.writeUInt16LE(time, local + 10);
    zip.writeUInt16LE(day, local + 12);
    at += 46 + zip.readUInt16LE(at + 28) + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  return zip;
}

/** Writes one roster export (and its mapping file, if the style has one). */
export async function writeExport(path: string, people: readonly Person[], style: ExportStyle, agencyName: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  let bytes: Buffer;
  if (style.format === 'xlsx') bytes = await toXlsx(people, style, agencyName);
  else {
    const text = toCsv(people, style, agencyName);
    if (style.format === 'csv-gb18030') bytes = encodeGb18030(text);
    else if (style.format === 'csv-utf8-bom') bytes = Buffer.from(`\uFEFF${text}`, 'utf8');
    else bytes = Buffer.from(text, 'utf8');
  }
  await writeFile(path, bytes);
  if (style.mapping) {
    const mappingPath = path.replace(/\.(csv|xlsx)$/, '.mapping.yaml');
    await writeFile(mappingPath, `# 本文件说明同名名单文件的读取方式，格式见 docs/CONTENT.md\n${stringifyYaml(style.mapping)}`);
  }
}

/** The published fields one person's row carries in this export (what an import of it should give back). */
export function publishedRecord(person: Person, style: ExportStyle): Record<string, string> {
  const has = new Set(style.columns.map(([column]) => column));
  const record: Record<string, string> = { certificateNo: person.certificateNo, name: person.name, agencyId: person.agencyId };
  for (const field of ['post', 'status', 'statusSince', 'issuedOn', 'validUntil', 'employment', 'dispatcher', 'photo'] as const) {
    const value = field === 'status' ? (style.statusMeans?.[person.status] ?? person.status) : person[field];
    if (has.has(field) && value) record[field] = value;
  }
  return record;
}

export function extensionOf(style: ExportStyle): 'csv' | 'xlsx' {
  return style.format === 'xlsx' ? 'xlsx' : 'csv';
}
