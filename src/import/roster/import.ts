import type { Registry } from '../registry/load.ts';
import type { Agency } from '../../core/registry/schema.ts';
import { isRealIsoDate } from '../../core/dates.ts';
import { certificateLookupKey, toHalfWidth } from '../../core/text.ts';
import { CERTIFICATE_LIKE_HEADER, fieldLabels, headerAliases, type RosterField } from './fields.ts';
import { headerKey, lookalikeHeader, matchHeaders, twoRowHeader, type MappedColumn } from './headers.ts';
import { PRIVATE_HEADER, readMapping, type RosterMapping } from './mapping.ts';
import { openTable } from './open.ts';
import { cellText } from './normalize.ts';
import { columnLabel, columnLetter, placed, type RosterProblem } from './problems.ts';
import { agencyResolver, readRow, type RowContext } from './row.ts';
import type { Auxiliary } from '../../core/roster/schema.ts';
import { isFooterRow } from './footer.ts';
import { guessedColumn, lookedHelp, mappingFileHelp } from './mapping-help.ts';
import { readPreamble, type Preamble } from './preamble.ts';
import type { AuxiliaryStatus } from '../../core/roster/schema.ts';
import type { RawCell, Sheet, TableRow } from './table.ts';
import type { AsOfSource, RosterFileReport, RosterLocation, RosterResult, RosterSource } from './types.ts';
import { withHint } from '../../core/error-data.ts';
import { rosterErrors } from './errors.ts';
import { shanghaiDate } from './status-history.ts';

const REQUIRED: readonly RosterField[] = ['name', 'certificateNo'];

/**
 * How many days after today a roster date may lie: a clerk may put in a roster prepared a day or a weekend early
 * (shown with a warning), but a date further ahead is a typo (2062 for 2026, 12 for 11) and is refused: it would be
 * published as the roster's date and keep the roster from ever counting as out of date.
 */
export const AS_OF_MAX_DAYS_AHEAD = 3;

export interface ImportOptions {
  /** Today in China (YYYY-MM-DD), for roster dates in the future; default: the clock's. */
  today?: string;
  /**
   * Called right before a workbook is handed to the spreadsheet reader (after the zip limits passed), which then
   * reads it synchronously: the publishing workspace's reading thread reports it (functions/publish/roster-parser.ts).
   */
  onWorkbookRead?: (file: string) => void;
  /** Keep where each person was read (RosterResult.locations). */
  locations?: boolean;
}

/**
 * Reads every roster export into the published records, or collects every problem in all of them (never only
 * the first). Pure apart from being async (exceljs) and, unless `today` is given, reading the clock: the bytes come
 * in RosterSource.
 */
export async function importRosters(sources: readonly RosterSource[], registry: Registry, options: ImportOptions = {}): Promise<RosterResult> {
  const today = options.today ?? shanghaiDate(new Date().toISOString());
  const auxiliaries: Auxiliary[] = [];
  const files: RosterFileReport[] = [];
  const problems: RosterProblem[] = [];
  const seen = new Map<string, { file: string; row: number; column: string | undefined; certificateNo: string }>();
  const resolveAgency = agencyResolver(registry);
  const asOfByAgency = new Map<string, string>();

  for (const source of sources) {
    const { report, records } = await importFile(source, registry, resolveAgency, problems, today, options.onWorkbookRead);
    files.push(report);
    // Every row whose certificate number could be read takes part, also a row with other problems: one run lists
    // a number used twice together with the rest, not only once the other problems are fixed.
    for (const { auxiliary, certificateNo, row, column } of records) {
      const key = certificateLookupKey(certificateNo);
      const first = seen.get(key);
      if (first) {
        const reason =
          first.certificateNo === certificateNo
            ? withHint(rosterErrors.DuplicateCertificate, first.file, first.row)
            : withHint(rosterErrors.CertificateOnlySeparators, first.file, first.row, first.certificateNo);
        problems.push({ file: source.file, row, column, value: certificateNo, reason });
        continue;
      }
      seen.set(key, { file: source.file, row, column, certificateNo });
      if (auxiliary) auxiliaries.push(auxiliary);
    }
    if (report.asOf) {
      for (const id of report.agencyIds) {
        const current = asOfByAgency.get(id);
        if (!current || current < report.asOf) asOfByAgency.set(id, report.asOf);
      }
    }
  }
  if (!options.locations) return { auxiliaries, files, problems, asOfByAgency };
  const locations = new Map<string, RosterLocation>();
  for (const { file, row, column, certificateNo } of seen.values()) locations.set(certificateNo, { file, row, column });
  return { auxiliaries, files, problems, asOfByAgency, locations };
}

/** A row read in a file, in row order: a person, or a row with problems whose certificate number could be read. */
interface ReadRecord {
  /** Absent for a row with problems: it only takes part in the duplicate check. */
  auxiliary?: Auxiliary;
  certificateNo: string;
  row: number;
  column: string | undefined;
}

/** The header is looked for in the first rows only: below that, a row with 姓名 and 证件编号 is data. */
export const HEADER_SEARCH_ROWS = 10;

async function importFile(
  source: RosterSource,
  registry: Registry,
  resolveAgency: (value: string) => Agency | undefined,
  problems: RosterProblem[],
  today: string,
  onWorkbookRead?: (file: string) => void,
): Promise<{ report: RosterFileReport; records: ReadRecord[] }> {
  const { file } = source;
  const report: RosterFileReport = {
    file,
    encoding: '',
    asOf: '',
    asOfSources: [],
    headerRow: 0,
    rows: 0,
    agencyIds: [],
    droppedColumns: [],
    skippedRows: 0,
    footerRows: 0,
    statusWords: [],
  };
  const records: ReadRecord[] = [];
  const done = { report, records };

  for (const stray of source.strayMappingFiles ?? []) {
    problems.push({
      file: stray,
      reason: withHint(rosterErrors.MappingWithoutRoster),
    });
  }
  if (source.readError !== undefined) {
    problems.push({ file, reason: source.readError });
    return done;
  }
  const mapping = readMapping(source, registry, problems);
  if (mapping === null) return done;

  if (source.bytes.length === 0) {
    problems.push({ file, reason: withHint(rosterErrors.EmptyFile) });
    return done;
  }
  const opened = await openTable(source, mapping, report, onWorkbookRead && (() => onWorkbookRead(file)));
  if (!opened.ok) {
    problems.push({ file, row: opened.row, reason: opened.reason, workspaceReason: opened.workspaceReason });
    return done;
  }
  // A workbook with several visible sheets: the roster is the sheet with a header (an instruction sheet before it is
  // passed over); several sheets with one would each hold people, and reading only one would leave the others out.
  let { table } = opened;
  report.sheet = opened.sheet;
  /** Visible sheets other than the one read, all without a header: named when no header is found. */
  let otherSheets: string[] = [];
  if (opened.sheets) {
    const withHeader = opened.sheets.filter((sheet) => sheetHasHeader(sheet, mapping));
    if (withHeader.length > 1) {
      report.sheet = undefined;
      problems.push({
        file,
        ...placed(
          rosterErrors.SeveralRosterSheets,
          withHeader.map((sheet) => sheet.name),
        ),
      });
      return done;
    }
    const chosen = withHeader[0] ?? opened.sheets[0]!;
    const at = opened.sheets.indexOf(chosen);
    if (at > 0) report.passedOverSheets = opened.sheets.slice(0, at).map((sheet) => sheet.name);
    table = chosen.table;
    report.sheet = chosen.name;
    otherSheets = opened.sheets.filter((sheet) => sheet !== chosen).map((sheet) => sheet.name);
  }

  const mappingAgency = mapping.agency === undefined ? undefined : registry.byId.get(mapping.agency);
  let header: HeaderRow | undefined;
  let headerCells: TableRow | undefined;
  /** The header row found, held until the next row says whether the header goes on over a second row. */
  let pendingHeader: TableRow | undefined;
  /** The header's rows as written (two for a header written over two rows; headerCells then combines them). */
  let headerRaw: TableRow[] = [];
  let preamble: Preamble = {};
  /** Rows above the header (or, when none is found, the rows the header was looked for in). */
  const looked: TableRow[] = [];
  let stoppedLooking = false;
  const unnamedWithData = new Set<number>();
  const agencyIds = new Set<string>();
  const statusWords = new Map<string, { status: AuxiliaryStatus; rows: number }>();
  let badRows = 0;
  let people = 0;
  let ctx: RowContext | undefined;

  const startHeader = (row: TableRow, below?: TableRow): void => {
    const texts =
      below && row.number + 1 === below.number
        ? twoRowHeader(
            row.cells.map((c) => cellText(c)),
            below.cells.map((c) => cellText(c)),
            mapping.columns,
          )
        : undefined;
    const second = texts ? below : undefined;
    headerCells = texts ? { number: row.number, cells: texts } : row;
    headerRaw = second ? [row, second] : [row];
    preamble = readPreamble(looked, registry, resolveAgency);
    const sheetAgency = preamble.agency;
    header = readHeaderRow(headerCells.cells, row.number, mapping, file, problems, sheetAgency, second ? [row.cells, second.cells] : undefined);
    report.headerRow = row.number;
    if (second) report.headerEndRow = second.number;
    report.droppedColumns = header.dropped;
    if (sheetAgency) report.sheetAgency = { text: sheetAgency.text, row: sheetAgency.row, agencyId: sheetAgency.agency?.id };
    ctx = { file, columns: header.columns, mappingAgency, sheetAgency, resolveAgency, date1904: table.date1904, existingFiles: source.existingFiles };
  };

  const readError = table.eachRow((row) => {
    const { number, cells } = row;
    if (pendingHeader) {
      // The row right below the header: the header's second row, or the first data row.
      startHeader(pendingHeader, row);
      pendingHeader = undefined;
      if (report.headerEndRow === number) return;
    }
    if (!header) {
      if (stoppedLooking) return;
      const limit = mapping.headerRow ?? HEADER_SEARCH_ROWS;
      if (number > limit) {
        stoppedLooking = true;
        return;
      }
      if (mapping.headerRow ? number === mapping.headerRow : isHeaderCandidate(cells, mapping)) pendingHeader = row;
      else looked.push(row);
      return;
    }
    if (!header.usable || !ctx) return;
    // Totals and signature lines are not people: dropped before any check, so nothing in them is read.
    if (isFooterRow(cells)) {
      report.footerRows++;
      return;
    }
    if (header.repeats(cells)) {
      report.skippedRows++;
      return;
    }
    for (const c of header.unnamed) if (c < cells.length && cellText(cells[c]!).trim() !== '') unnamedWithData.add(c);
    for (let c = header.width; c < cells.length; c++) if (cellText(cells[c]!).trim() !== '') unnamedWithData.add(c);
    const result = readRow(cells, number, ctx);
    if (result.kind === 'empty') {
      report.skippedRows++;
      return;
    }
    if (result.statusWord !== undefined) {
      const status = result.kind === 'ok' ? result.auxiliary.status : undefined;
      if (status) {
        const entry = statusWords.get(result.statusWord);
        if (entry) entry.rows++;
        else statusWords.set(result.statusWord, { status, rows: 1 });
      }
    }
    const column = header.columns.get('certificateNo')?.label;
    if (result.kind === 'bad') {
      badRows++;
      problems.push(...result.problems);
      if (result.certificateNo !== undefined) records.push({ certificateNo: result.certificateNo, row: number, column });
    } else {
      records.push({ auxiliary: result.auxiliary, certificateNo: result.auxiliary.certificateNo, row: number, column });
      people++;
      agencyIds.add(result.auxiliary.agencyId);
    }
  });
  // A header on the last row (or the last row read) has nothing below it.
  if (pendingHeader) startHeader(pendingHeader);
  if (readError) problems.push({ file, row: readError.row, reason: readError.reason, workspaceReason: readError.workspaceReason });
  report.statusWords = [...statusWords].map(([word, v]) => ({ word, ...v }));

  resolveAsOf(file, mapping, preamble, report, problems, !readError, today);

  if (!header) {
    if (readError) return done;
    if (mapping.headerRow) {
      problems.push({ file, row: mapping.headerRow, reason: withHint(rosterErrors.MappingHeaderRowEmpty, mapping.headerRow) });
      return done;
    }
    const candidate = bestCandidate(looked, mapping);
    if (!candidate) {
      problems.push({ file, ...placed(rosterErrors.NoContent) });
      return done;
    }
    if (candidate.score === 0) {
      problems.push({ file, ...placed(rosterErrors.NoHeaderRow, HEADER_SEARCH_ROWS, report.sheet, otherSheets) });
    } else readHeaderRow(candidate.row.cells, candidate.row.number, mapping, file, problems, readPreamble(looked, registry, resolveAgency).agency);
    setMappingHelp(report, file, looked, candidate.score ? candidate.row : likelyHeader(looked), {
      asOf: report.asOf || undefined,
      agencyId: mapping.agency,
    });
    return done;
  }
  if (!header.usable && headerCells) {
    setMappingHelp(report, file, [...looked, ...headerRaw], headerCells, {
      asOf: report.asOf || undefined,
      agencyId: mapping.agency ?? preamble.agency?.agency?.id,
    });
  }
  for (const c of [...unnamedWithData].sort((a, b) => a - b)) report.droppedColumns.push(`${columnLabel(c, '')}（无表头）`);
  report.rows = people;
  report.agencyIds = [...agencyIds].sort();
  if (header.usable && !readError && people === 0 && badRows === 0) {
    problems.push({ file, row: header.number, reason: withHint(rosterErrors.NoDataRows) });
  }
  return done;
}

/** Whether a sheet has a header row (姓名 and 证件编号, or the mapping file's columns) where one is looked for. */
function sheetHasHeader(sheet: Sheet, mapping: RosterMapping): boolean {
  return sheet.head(Math.max(mapping.headerRow ?? 0, HEADER_SEARCH_ROWS)).some((row) => isHeaderCandidate(row.cells, mapping));
}

function setMappingHelp(
  report: RosterFileReport,
  file: string,
  looked: readonly TableRow[],
  headerRow: TableRow | undefined,
  found: { asOf?: string; agencyId?: string },
): void {
  const rows = lookedHelp(looked, headerRow);
  report.mappingHelp = [...rows, ...mappingFileHelp(file, headerRow, found)];
  report.mappingFileFrom = rows.length;
}

function isHeaderCandidate(cells: readonly RawCell[], mapping: RosterMapping): boolean {
  if (!cells.some((c) => cellText(c).trim() !== '')) return false;
  const { columns } = matchHeaders(
    cells.map((c) => cellText(c)),
    mapping.columns,
  );
  return columns.has('name') && columns.has('certificateNo');
}

/** The row that looks most like a header (most recognized columns), if any row has content. */
function bestCandidate(rows: readonly TableRow[], mapping: RosterMapping): { row: TableRow; score: number } | undefined {
  let best: { row: TableRow; score: number } | undefined;
  for (const row of rows) {
    if (!row.cells.some((c) => cellText(c).trim() !== '')) continue;
    const score = matchHeaders(
      row.cells.map((c) => cellText(c)),
      mapping.columns,
    ).columns.size;
    if (!best || score > best.score) best = { row, score };
  }
  return best;
}

/** For a mapping file to edit: the first row with three or more distinct texts and no long numbers in it. */
function likelyHeader(rows: readonly TableRow[]): TableRow | undefined {
  return rows.find((r) => {
    const texts = new Set(r.cells.map((c) => cellText(c).trim()).filter(Boolean));
    return texts.size >= 3 && ![...texts].some((t) => /\d{4,}/.test(t));
  });
}

/**
 * Mapping file `asOf`, then the date inside the sheet, then the file name; every source found is reported. The date
 * used may lie at most AS_OF_MAX_DAYS_AHEAD days after today (then with a warning in the report); further ahead is a
 * problem.
 */
function resolveAsOf(
  file: string,
  mapping: RosterMapping,
  preamble: Preamble,
  report: RosterFileReport,
  problems: RosterProblem[],
  complain: boolean,
  today: string,
): void {
  const sources: AsOfSource[] = [];
  if (mapping.asOf) sources.push({ kind: 'mapping', date: mapping.asOf, where: '映射文件 asOf' });
  if (preamble.asOf) sources.push({ kind: 'sheet', date: preamble.asOf.date, where: `表内第 ${preamble.asOf.row} 行「${preamble.asOf.text}」` });
  const fromName = fileNameDate(file);
  if (fromName?.date) sources.push({ kind: 'fileName', date: fromName.date, where: '文件名' });
  report.asOfSources = sources;
  const used = sources[0];
  if (used) {
    report.asOf = used.date;
    const ahead = daysBetween(today, used.date);
    if (ahead > AS_OF_MAX_DAYS_AHEAD) {
      problems.push({
        file,
        row: used.kind === 'sheet' ? preamble.asOf?.row : undefined,
        reason: withHint(rosterErrors.AsOfInFuture, used.date, used.where, today, ahead, AS_OF_MAX_DAYS_AHEAD),
      });
    } else if (ahead > 0) report.asOfAhead = { today, days: ahead };
  } else if (complain) {
    // The clerk did write a date in the file name, only not a real one (2026年2月30日): said so, not "no date".
    if (fromName?.notReal) problems.push({ file, ...placed(rosterErrors.FileNameDateNotReal, fromName.notReal) });
    else problems.push({ file, ...placed(rosterErrors.NoAsOf) });
  }
}

interface HeaderRow {
  number: number;
  width: number;
  columns: ReadonlyMap<RosterField, MappedColumn>;
  dropped: string[];
  /** Columns without a header: data found in them is reported as dropped. */
  unnamed: number[];
  /** False when a required column is missing or ambiguous: the rows are then not read. */
  usable: boolean;
  /** Whether a row is the header again (exports printed over several pages repeat it). */
  repeats: (cells: readonly RawCell[]) => boolean;
}

function readHeaderRow(
  cells: readonly RawCell[],
  number: number,
  mapping: RosterMapping,
  file: string,
  problems: RosterProblem[],
  sheetAgency: Preamble['agency'],
  /** For a header written over two rows (`cells` then combines them): both rows as written. */
  rows?: readonly (readonly RawCell[])[],
): HeaderRow {
  const problemsBefore = problems.length;
  const filled = cells.filter((c) => cellText(c).trim() !== '').length;
  const unusable = { number, width: 0, columns: new Map(), dropped: [], unnamed: [], usable: false, repeats: () => false };
  if (filled === 0) {
    problems.push({ file, row: number, reason: withHint(rosterErrors.MappingHeaderRowEmpty, number) });
    return unusable;
  }
  const headerTexts = cells.map((c) => cellText(c));
  const match = matchHeaders(headerTexts, mapping.columns);
  for (const p of match.problems) problems.push({ file, row: number, ...p });
  // A mapped header that is not there would silently lose a column (e.g. every status read as 在岗).
  const present = new Set((rows ?? [cells]).flatMap((r) => r.map((c) => headerKey(cellText(c)))));
  for (const mapped of Object.keys(mapping.columns ?? {})) {
    if (!present.has(headerKey(mapped))) problems.push({ file, row: number, reason: withHint(rosterErrors.MappingHeaderMissing, mapped) });
  }
  // 编号 was taken for the certificate number while a dropped column reads like one (执法证号 next to a staff number
  // headed 编号): which is meant cannot be told, and publishing staff numbers as certificate numbers is wrong data.
  const weakCertificate = match.weak.has('certificateNo') ? match.columns.get('certificateNo') : undefined;
  if (weakCertificate) {
    const other = [...match.droppedIndexes].find((i) => {
      const text = headerTexts[i] ?? '';
      return CERTIFICATE_LIKE_HEADER.test(headerKey(text)) && !PRIVATE_HEADER.test(text);
    });
    if (other !== undefined) {
      const otherLabel = columnLabel(other, headerTexts[other]!.replace(/[\s\u3000]+/g, ' ').trim());
      problems.push({ file, row: number, column: weakCertificate.label, ...placed(rosterErrors.WeakCertificateColumn, otherLabel) });
    }
  }
  const required = mapping.agency === undefined && !sheetAgency ? [...REQUIRED, 'agency' as const] : REQUIRED;
  const missing = required.filter((f) => !match.columns.has(f));
  for (const field of missing) {
    const lookalike = lookalikeHeader(headerTexts, field);
    const hint = lookalike ? withHint(rosterErrors.LookalikeColumn, columnLabel(lookalike.index, lookalike.header)) : '';
    // In the workspace the header itself is changed: the column meant, by its decoration or by the mapping help's guess.
    const meant = lookalike ? `${columnLetter(lookalike.index)} 列表头「${lookalike.header}」` : guessedColumn(cells, field);
    problems.push({
      file,
      row: number,
      reason: missingColumnReason(field) + hint,
      workspaceReason: withHint(rosterErrors.MissingColumnInFile, fieldLabels[field], aliasList(field), meant),
    });
  }
  if (!match.columns.has('agency') && mapping.agency === undefined && sheetAgency && !sheetAgency.agency) {
    problems.push({
      file,
      row: sheetAgency.row,
      value: sheetAgency.text,
      reason: withHint(rosterErrors.SheetAgencyUnknown),
    });
  }
  const nameKey = headerKey(headerTexts[match.columns.get('name')?.index ?? -1] ?? '');
  const certificateKey = headerKey(headerTexts[match.columns.get('certificateNo')?.index ?? -1] ?? '');
  const nameIndex = match.columns.get('name')?.index ?? -1;
  const certificateIndex = match.columns.get('certificateNo')?.index ?? -1;
  // A header written over two rows and repeated on every printed page: its second row (whose 姓名 and 证件编号
  // cells may be blank) is not a person either.
  const second = rows?.[1]?.map((c) => headerKey(cellText(c)));
  const repeatsSecond = (row: readonly RawCell[]) =>
    second !== undefined &&
    Array.from({ length: Math.max(row.length, second.length) }, (_, c) => c).every((c) => headerKey(cellText(row[c] ?? '')) === (second[c] ?? ''));
  return {
    number,
    width: cells.length,
    columns: match.columns,
    dropped: match.dropped,
    unnamed: [...match.droppedIndexes].filter((i) => cellText(cells[i] ?? '').trim() === ''),
    usable: !missing.length && !match.problems.length && problems.length === problemsBefore,
    repeats: (row) =>
      (nameKey !== '' && headerKey(cellText(row[nameIndex] ?? '')) === nameKey && headerKey(cellText(row[certificateIndex] ?? '')) === certificateKey) ||
      repeatsSecond(row),
  };
}

function missingColumnReason(field: RosterField): string {
  return withHint(rosterErrors.MissingColumn, fieldLabels[field], aliasList(field), field === 'agency');
}

function aliasList(field: RosterField): string {
  return headerAliases[field].map((a) => `「${a}」`).join('、');
}

/** Days from one YYYY-MM-DD date to another (negative when `to` is earlier). */
function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** A date in the file name (see fileNameDate), as YYYY-MM-DD. */
export function asOfFromFileName(file: string): string | undefined {
  return fileNameDate(file)?.date;
}

/**
 * The ways a date is written in a file name: `2026-11-01`, `2026.11.01`, `2026_11_01`, `2026/…` never (a folder),
 * each with or without leading zeros (`2026.1.5`), `2026年11月1日` (日 may be left out), and `20261101`. Digits on
 * either side of it mean it is part of a longer number (`130982202611010019`), not a date.
 */
/** No roster this platform reads predates the regulations it publishes under (from 2000 on, and far later in fact). */
const FIRST_ROSTER_YEAR = 2000;

const FILE_NAME_DATE = /(?<!\d)(\d{4})年(\d{1,2})月(\d{1,2})(?:日|(?!\d))|(?<!\d)(\d{4})([-._])(\d{1,2})\5(\d{1,2})(?!\d)|(?<!\d)(\d{4})(\d{2})(\d{2})(?!\d)/g;

/**
 * The first real date in the file name's last part (full-width digits read as half-width). When there is none but a
 * date was written with separators or 年月日 that does not exist (`2026-02-30`, `2026年13月1日`), `notReal` is that
 * text: the clerk meant a date, and is told it is wrong. Eight digits in a row that are no real date are not a date
 * (`12345678`), and are passed over silently.
 */
export function fileNameDate(file: string): { date: string; notReal?: undefined } | { date?: undefined; notReal: string } | undefined {
  const base = toHalfWidth(file.split(/[/\\]/).pop() ?? file);
  let notReal: string | undefined;
  for (const m of base.matchAll(FILE_NAME_DATE)) {
    const [year, month, day] = m[1] ? [m[1], m[2]!, m[3]!] : m[4] ? [m[4], m[6]!, m[7]!] : [m[8]!, m[9]!, m[10]!];
    // A version number (`名单v2026.1.2`) or a year no roster has (`名单_1234_5_6`) is not the roster's date.
    if (/[vV]$/.test(base.slice(0, m.index)) || Number(year) < FIRST_ROSTER_YEAR) continue;
    const iso = `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
    if (isRealIsoDate(iso)) return { date: iso };
    if (!m[8]) notReal ??= m[0];
  }
  return notReal === undefined ? undefined : { notReal };
}
