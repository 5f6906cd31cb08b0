import type { CellObject, WorkBook, WorkSheet } from '@e965/xlsx';
import type { OpenResult, RawCell, Sheet, TableRow } from './table.ts';
import { withHint } from '../../core/error-data.ts';
import { rosterErrors } from './errors.ts';
import { placed } from './problems.ts';

export type WorkbookKind = 'XLSX' | 'XLS' | 'ET';

/**
 * Reads one sheet of a workbook (the named one, else the first visible one; when none is named and several are
 * visible, every visible one is offered too, for the importer to read the one that holds the roster) with SheetJS (@e965/xlsx, the
 * maintained 0.20 line; docs/ROSTERS.md says why): XLSX from any writer, Excel 97-2003 `.xls` (BIFF8) and WPS
 * `.et`. Every cell becomes what the clerk sees, read as a person would:
 *  - merged cells: every cell of a merged range reads the range's value (a title across the sheet, a 单位 merged
 *    down many rows);
 *  - numbers: kept as numbers (so a date column can read a serial and 15+ digit numbers can be detected), except
 *    that a custom number format the clerk sees the effect of (`000000` → `001234`) is applied;
 *  - date-formatted numbers: dates;
 *  - formulas: the result the spreadsheet program stored when it saved the file, never evaluated here. A formula
 *    with no stored result, one that reads another file, and an error value become a CellIssue (refused where
 *    published).
 */
export async function openWorkbook(bytes: Uint8Array, kind: WorkbookKind, sheetName?: string): Promise<OpenResult> {
  return read(bytes, kind, sheetName);
}

/**
 * Reads an HTML table saved under .xls or .et (what many systems and Excel's "web page" export write), from its
 * text already decoded by decodeText (the bytes may be GBK: the reader would take them for UTF-8). Every cell is
 * kept as the text in the table (`raw`): the reader would otherwise guess types from the text, and `00001234`
 * would become 1234, `2021-0001` a date, `1,234` 1234, `12%` 0.12, and a date a day earlier east of UTC. The row
 * parser reads dates and numbers from text as it does for CSV.
 */
export async function openMarkupTable(text: string, kind: WorkbookKind, sheetName?: string): Promise<OpenResult> {
  // The reader decides between HTML, SpreadsheetML and CSV by what comes first: an XML declaration (XHTML) would
  // make it parse the page as SpreadsheetML, a `;` in an unquoted attribute before the first `>` as CSV. Handing
  // it the tables (comments removed) under a bare `<html><body>` makes it always read them as HTML.
  const page = withoutComments(text);
  const table = page.search(/<table[\s>]/i);
  if (table < 0) return { ok: false, reason: withHint(rosterErrors.WorkbookBroken, kind === 'ET' ? '.et' : '.xls') };
  return read(`<html><body>${characterReferences(page.slice(table))}`, kind, sheetName);
}

/** Characters that stay written as references for the reader, which decodes these (and &nbsp; &middot;) itself. */
const MARKUP: Record<string, string> = { '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' };
/** Named references beyond the reader's few that office exports use. */
const NAMED: Record<string, string> = {
  ensp: '\u2002',
  emsp: '\u2003',
  thinsp: '\u2009',
  ndash: '–',
  mdash: '—',
  hellip: '…',
  lsquo: '‘',
  rsquo: '’',
  ldquo: '“',
  rdquo: '”',
  bull: '•',
  times: '×',
  divide: '÷',
  deg: '°',
  plusmn: '±',
  yen: '¥',
  copy: '©',
  reg: '®',
};

/**
 * Numeric character references (`&#24352;`, `&#x5F20;`: exporters that escape every non-ASCII character) and the
 * named ones above, which the reader would leave as they are (a name published as `&#24352;三`), become their
 * characters; a reference to `<`, `&` and the like stays a reference, so it never becomes markup. A reference to no
 * character becomes U+FFFD, refused where published.
 */
function characterReferences(markup: string): string {
  return markup.replace(/&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-zA-Z]{2,8}));/g, (whole, dec?: string, hex?: string, name?: string) => {
    if (name !== undefined) return NAMED[name] ?? whole;
    const code = dec !== undefined ? Number(dec) : Number.parseInt(hex ?? '', 16);
    const character = code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff) ? '\uFFFD' : String.fromCodePoint(code);
    return MARKUP[character] ?? character;
  });
}

/** The text without `<!-- … -->` comments (an unclosed one runs to the end), in one pass. */
function withoutComments(text: string): string {
  let out = '';
  let at = 0;
  for (;;) {
    const open = text.indexOf('<!--', at);
    if (open < 0) return out + text.slice(at);
    out += text.slice(at, open);
    const close = text.indexOf('-->', open + 4);
    if (close < 0) return out;
    at = close + 3;
  }
}

async function read(input: Uint8Array | string, kind: WorkbookKind, sheetName: string | undefined): Promise<OpenResult> {
  // Loaded on demand: the reader is large and a content folder may hold only CSV files.
  const XLSX = await import('@e965/xlsx');
  const label = kind === 'XLSX' ? '.xlsx' : kind === 'XLS' ? '.xls' : '.et';
  const broken = withHint(rosterErrors.WorkbookBroken, label);
  const bytes = typeof input === 'string' ? undefined : input;
  if (bytes && bytes[0] === 0xd0 && bytes[1] === 0xcf) {
    // A compound file must hold a workbook stream: otherwise the reader would fall back to reading its bytes as text.
    let streams: string[];
    try {
      streams = XLSX.CFB.read(bytes, { type: 'array' }).FullPaths.map((p: string) => p.split('/').filter(Boolean).pop() ?? '');
    } catch {
      return { ok: false, reason: broken };
    }
    if (streams.includes('EncryptionInfo') || streams.includes('EncryptedPackage')) {
      return { ok: false, ...placed(rosterErrors.WorkbookPassword) };
    }
    if (!streams.some((name) => /^(Workbook|Book)$/i.test(name))) return { ok: false, reason: broken };
  }
  let workbook: WorkBook;
  try {
    workbook = XLSX.read(input, {
      ...(typeof input === 'string' ? { type: 'string', raw: true } : { type: 'array' }),
      dense: true,
      cellFormula: true,
      cellNF: true,
      cellText: false,
      cellDates: false,
      cellHTML: false,
      cellStyles: false,
      bookVBA: false,
      // Keeps a formula cell that has no stored result (otherwise dropped as if empty), so it can be refused by name.
      sheetStubs: true,
    });
  } catch (error) {
    const message = String((error as Error)?.message ?? '');
    if (/password|encrypt/i.test(message)) return { ok: false, ...placed(rosterErrors.WorkbookPassword) };
    return { ok: false, reason: broken };
  }
  const names = workbook.SheetNames;
  const visible = names.filter((_, i) => !workbook.Workbook?.Sheets?.[i]?.Hidden);
  // By default the first sheet a clerk sees: hidden sheets (lookup lists, macros' scratch) are passed over.
  const name = sheetName ?? visible[0] ?? names[0];
  const sheet = name === undefined ? undefined : workbook.Sheets[name];
  if (!sheet || name === undefined) {
    if (sheetName === undefined) return { ok: false, reason: withHint(rosterErrors.NoSheets) };
    return { ok: false, reason: withHint(rosterErrors.SheetMissing, sheetName, names) };
  }
  const date1904 = Boolean(workbook.Workbook?.WBProps?.date1904);
  const format = XLSX.SSF;
  const sheetOf = (title: string, ws: WorkSheet): Sheet => ({
    name: title,
    table: { date1904, eachRow: (visit) => eachRow(ws, date1904, format, Number.POSITIVE_INFINITY, visit) },
    head(limit) {
      const rows: TableRow[] = [];
      eachRow(ws, date1904, format, limit, (row) => rows.push(row));
      return rows;
    },
  });
  // A markup table's one "sheet" is named by the reader (Sheet1), not by the clerk: no name to report.
  const named = typeof input !== 'string';
  const others = sheetName === undefined && visible.length > 1 ? visible.map((title) => sheetOf(title, workbook.Sheets[title] ?? {})) : undefined;
  return {
    ok: true,
    table: sheetOf(name, sheet).table,
    ...(named ? { sheet: name } : {}),
    ...(others ? { sheets: others } : {}),
  };
}

/** Hands out the sheet's rows up to row `limit` (1-based), merged cells filled, empty rows left out. */
function eachRow(sheet: WorkSheet, date1904: boolean, format: Ssf, limit: number, visit: (row: TableRow) => void): undefined {
  const rows = denseRows(sheet);
  fillMerges(sheet, rows);
  const last = Math.min(rows.length, limit);
  for (let r = 0; r < last; r++) {
    const row = rows[r];
    if (!row) continue;
    const cells: RawCell[] = [];
    let any = false;
    for (let c = 0; c < row.length; c++) {
      const cell = row[c];
      const raw = cell ? cellToRaw(cell, r, c, date1904, format) : '';
      cells.push(raw);
      if (raw !== '') any = true;
    }
    if (any) visit({ number: r + 1, cells });
  }
  return undefined;
}

type DenseRows = (CellObject | undefined)[][];

function denseRows(sheet: WorkSheet): DenseRows {
  return ((sheet as { '!data'?: DenseRows })['!data'] ?? []) as DenseRows;
}

/**
 * Copies each merged range's value into the range's other cells, within the rows and columns that hold data: a
 * range written as the whole sheet (A1:XFD1048576) must not make a million rows appear. A covered cell may be
 * absent (xlwt, openpyxl) or stored as an empty cell (LibreOffice always, Excel when the range has borders), which
 * the reader gives as a stub `{ t: 'z' }`: both are filled. A covered cell that holds a value or a formula of its
 * own is left as it is.
 */
function fillMerges(sheet: WorkSheet, rows: DenseRows): void {
  const merges = sheet['!merges'] ?? [];
  let width = 0;
  for (const row of rows) if (row && row.length > width) width = row.length;
  for (const { s, e } of merges) {
    const master = rows[s.r]?.[s.c];
    if (!master) continue;
    const lastRow = Math.min(e.r, rows.length - 1);
    const lastCol = Math.min(e.c, width - 1);
    for (let r = s.r; r <= lastRow; r++) {
      let row = rows[r];
      if (!row) {
        row = [];
        rows[r] = row;
      }
      for (let c = s.c; c <= lastCol; c++) if ((r !== s.r || c !== s.c) && isBlank(row[c])) row[c] = master;
    }
  }
}

/** An absent cell, or an empty one stored only for its formatting (a stub without a formula). */
function isBlank(cell: CellObject | undefined): boolean {
  return !cell || (cell.t === 'z' && cell.f === undefined);
}

type Ssf = { format: (fmt: string | number, value: unknown) => string; is_date: (fmt: string | number) => boolean };

const EXTERNAL_REFERENCE = /\[\d+\]|\[[^\]]*\.(?:xl\w*|et|csv|ods)\]|'[^']*[\\/][^']*'!|\b[a-z]:\\|\\\\|file:/i;
const EXCEL_EPOCH_1900 = Date.UTC(1899, 11, 30);
const DAY = 86_400_000;

function cellToRaw(cell: CellObject, r: number, c: number, date1904: boolean, ssf: Ssf): RawCell {
  if (cell.f !== undefined && EXTERNAL_REFERENCE.test(cell.f)) return { issue: 'external-link', ref: ref(r, c) };
  if (cell.t === 'e') return { issue: 'error-value', ref: ref(r, c) };
  if (cell.v === undefined || cell.v === null || cell.t === 'z') return cell.f !== undefined ? { issue: 'no-cached-value', ref: ref(r, c) } : '';
  switch (cell.t) {
    case 's':
      return String(cell.v);
    case 'b':
      return cell.v ? 'TRUE' : 'FALSE';
    case 'd':
      return cell.v instanceof Date ? cell.v : String(cell.v);
    case 'n':
      return numberCell(cell.v as number, cell.z, date1904, ssf);
    default:
      return String(cell.v);
  }
}

function numberCell(value: number, numberFormat: string | number | undefined, date1904: boolean, ssf: Ssf): RawCell {
  const fmt = numberFormat ?? 'General';
  if (fmt !== 'General' && safe(() => ssf.is_date(fmt))) {
    const days = value + (date1904 ? 1462 : 0);
    return new Date(EXCEL_EPOCH_1900 + Math.round(days * DAY));
  }
  if (fmt === 'General' || fmt === 0 || fmt === '0' || fmt === '@' || fmt === 49) {
    // Integers as their exact digits (String(130982000019), never `1.30982E+11`); fractions as shown.
    return Number.isInteger(value) ? value : (safe(() => ssf.format('General', value)) ?? String(value));
  }
  const shown = safe(() => ssf.format(fmt, value));
  // A format whose effect the clerk sees (leading zeros, a prefix); never a rounded scientific form.
  if (shown === undefined || /E[+-]?\d/i.test(shown)) return value;
  return shown;
}

function safe<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}

function ref(r: number, c: number): string {
  let n = c + 1;
  let letters = '';
  while (n > 0) {
    letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
    n = Math.floor((n - 1) / 26);
  }
  return `${letters}${r + 1}`;
}
