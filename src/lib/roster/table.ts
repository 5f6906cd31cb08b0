/**
 * A cell as read from a file. CSV gives only text; XLSX also gives numbers (kept as numbers so that a date
 * column can read an Excel serial) and dates (cells Excel formats as dates).
 */
export type RawCell = string | number | Date;

/** One sheet's rows, each with its row number as Excel shows it (1-based; empty rows may be absent). */
export interface TableRow {
  number: number;
  cells: RawCell[];
}

export type TableResult = { ok: true; rows: TableRow[]; date1904?: boolean } | { ok: false; reason: string; row?: number };
