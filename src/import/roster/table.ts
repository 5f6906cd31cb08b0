/**
 * A cell as read from a file. CSV gives only text; workbooks also give numbers (kept as numbers so that a date
 * column can read an Excel serial) and dates (cells formatted as dates), and a CellIssue for a cell whose value
 * must not be published (its text is never read).
 */
export type RawCell = string | number | Date | CellIssue;

/**
 * A formula cell with no stored result, one that reads another file, or an error value (#N/A …): refused
 * wherever it would be published, and never read as text.
 */
export interface CellIssue {
  issue: 'no-cached-value' | 'external-link' | 'error-value';
  /** The cell as the spreadsheet names it, e.g. `C5`. */
  ref: string;
}

/** One row with its number as Excel shows it (1-based; workbooks skip empty rows, CSV gives them as `['']`). */
export interface TableRow {
  number: number;
  cells: RawCell[];
}

export interface TableError {
  reason: string;
  /** The reason as the publishing workspace says it, when the fix differs there (problems.ts placed). */
  workspaceReason?: string;
  row?: number;
}

/**
 * An opened sheet. Rows are handed out one at a time rather than returned as an array, so that a 100k-row
 * CSV never exists as a whole in memory (keeps roster:check's peak memory low).
 */
export interface Table {
  /** The workbook uses the 1904 date system (old Mac Excel): serial numbers count from 1904-01-01. */
  date1904: boolean;
  /** Calls visit for each row in order; returns the error that stopped reading, if any. */
  eachRow(visit: (row: TableRow) => void): TableError | undefined;
}

/** One visible sheet of a workbook, to tell which sheets hold a roster. */
export interface Sheet {
  name: string;
  table: Table;
  /** The sheet's first rows up to row `limit` (as eachRow gives them), without reading the rest. */
  head(limit: number): TableRow[];
}

/**
 * `table` is the sheet to read: the one the mapping file names, else the first visible one. For a workbook, `sheet`
 * is its name and, when no sheet was named and several are visible, `sheets` lists every visible one in order (the
 * importer reads the one that holds the roster, or refuses when several do).
 */
export type OpenResult = { ok: true; table: Table; sheet?: string; sheets?: readonly Sheet[] } | ({ ok: false } & TableError);
