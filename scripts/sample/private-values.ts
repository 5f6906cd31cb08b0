import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { parse as parseYaml } from 'yaml';

/** The private values present in a content folder's roster exports: none of them may ever reach `dist/`. */
export interface SamplePrivateValues {
  /** 18-digit ID-card numbers (身份证号). */
  idNumbers: string[];
  /** 11-digit mobile numbers (联系电话). */
  phones: string[];
  /** Home addresses (住址). */
  addresses: string[];
  /** Every private header seen (身份证号, 联系电话, 住址, 出生日期), sorted. */
  droppedHeaders: string[];
}

const PRIVATE_HEADERS: Record<string, 'idNumbers' | 'phones' | 'addresses' | null> = {
  身份证号: 'idNumbers',
  联系电话: 'phones',
  住址: 'addresses',
  出生日期: null,
};

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await walk(path)));
    else if (/\.(csv|xlsx)$/i.test(entry.name)) files.push(path);
  }
  return files;
}

/** UTF-8 (with or without BOM) when it decodes cleanly, GB18030 otherwise. */
function decode(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return new TextDecoder('gb18030').decode(bytes);
  }
}

async function readRows(path: string): Promise<string[][]> {
  let mapping: { sheet?: string; headerRow?: number } = {};
  const mappingText = await readFile(path.replace(/\.(csv|xlsx)$/i, '.mapping.yaml'), 'utf8').catch(() => undefined);
  if (mappingText) mapping = parseYaml(mappingText) ?? {};
  let rows: string[][];
  if (/\.csv$/i.test(path)) {
    rows = parseCsv(decode(await readFile(path)), { relax_column_count: true }) as string[][];
  } else {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(path);
    const sheet = mapping.sheet ? workbook.getWorksheet(mapping.sheet) : workbook.worksheets[0];
    rows = [];
    sheet?.eachRow({ includeEmpty: true }, (row) => {
      const values = row.values as unknown[];
      rows.push(values.slice(1).map((v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v == null ? '' : String(v))));
    });
  }
  return rows.slice((mapping.headerRow ?? 1) - 1);
}

/**
 * Re-reads the roster exports under `<contentDir>/rosters/` on its own (not through the roster importer, so a
 * bug there cannot hide a leak) and returns the private values they contain.
 */
export async function readSamplePrivateValues(contentDir: string): Promise<SamplePrivateValues> {
  const found = { idNumbers: new Set<string>(), phones: new Set<string>(), addresses: new Set<string>() };
  const headers = new Set<string>();
  for (const file of await walk(join(contentDir, 'rosters'))) {
    const [header = [], ...body] = await readRows(file);
    header.forEach((cell, index) => {
      const name = cell.trim();
      if (!(name in PRIVATE_HEADERS)) return;
      headers.add(name);
      const kind = PRIVATE_HEADERS[name];
      if (!kind) return;
      for (const row of body) {
        const value = row[index]?.trim();
        if (value) found[kind].add(value);
      }
    });
  }
  return {
    idNumbers: [...found.idNumbers].sort(),
    phones: [...found.phones].sort(),
    addresses: [...found.addresses].sort(),
    droppedHeaders: [...headers].sort(),
  };
}
