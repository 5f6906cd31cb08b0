import type { RosterProblem } from './problems.ts';
import type { Auxiliary, AuxiliaryStatus } from '../../core/roster/schema.ts';

export interface RosterSource {
  /** Path relative to the content folder, used in messages. */
  file: string;
  bytes: Uint8Array;
  /** Parsed `<name>.mapping.yaml`, if present. */
  mapping?: unknown;
  mappingFile?: string;
  /** Set when the mapping file exists but could not be read or parsed as YAML. */
  mappingError?: string;
  /** Files in the roster's folder (relative to it, `/`-separated), to check photo names. */
  existingFiles?: ReadonlySet<string>;
  /** Set when the file itself could not be read (bytes are then empty). */
  readError?: string;
  /** Mapping files in this roster's folder that belong to no roster (reported once per folder). */
  strayMappingFiles?: readonly string[];
}

export interface RosterFileReport {
  file: string;
  /** `UTF-8`, `UTF-8 (BOM)`, `GB18030`, `XLSX` …; empty when the file could not be read. */
  encoding: string;
  /** Roster date (YYYY-MM-DD); empty when it could not be determined. */
  asOf: string;
  /** Every place a roster date was found, the one used first (mapping file, then the sheet, then the file name). */
  asOfSources: AsOfSource[];
  /**
   * Set when the roster date lies after today, but by no more than the days allowed (import.ts AS_OF_MAX_DAYS_AHEAD):
   * accepted, with a warning to check it.
   */
  asOfAhead?: { today: string; days: number };
  /** Workbooks: the sheet read (absent for CSV and for a web-page table saved as .xls). */
  sheet?: string;
  /**
   * The visible sheets before the one read, passed over because none has a header row (an instruction sheet such as
   * 填表说明 first); absent when the first visible sheet was read.
   */
  passedOverSheets?: string[];
  /** Row number of the header, as Excel shows it; 0 when no usable header was found. */
  headerRow: number;
  /**
   * For a header written over two rows (证件有效期 over 发证日期 and 有效期至): the second row, right below headerRow;
   * the data starts under it. Absent for a one-row header.
   */
  headerEndRow?: number;
  /** The agency named above the header (填报单位：…, or the title), if any. */
  sheetAgency?: { text: string; row: number; agencyId?: string };
  /** Each distinct status word as written (trimmed; '' for blank), what it was read as, and on how many rows. */
  statusWords: { word: string; status: AuxiliaryStatus; rows: number }[];
  /** Totals and signature rows under (or inside) the table, dropped unread. */
  footerRows: number;
  /** Shown when the header could not be used: rows looked at, recognized headers, a mapping file to edit. */
  mappingHelp?: string[];
  /**
   * Where in mappingHelp the mapping file to edit begins: the publishing workspace, which takes no mapping file,
   * shows only the lines before it and says how to fix the file itself.
   */
  mappingFileFrom?: number;
  /** Auxiliaries read from the file. */
  rows: number;
  agencyIds: string[];
  /** Headers of the columns that were not kept (never published). */
  droppedColumns: string[];
  /** Rows with nothing in any kept column (blank lines, a repeated header row), skipped. */
  skippedRows: number;
}

export interface AsOfSource {
  kind: 'mapping' | 'sheet' | 'fileName';
  date: string;
  /** Where, for the clerk: `映射文件 asOf`, `表内第 2 行「填报日期：2022年11月1日」`, `文件名`. */
  where: string;
}

export interface RosterResult {
  auxiliaries: Auxiliary[];
  files: RosterFileReport[];
  problems: RosterProblem[];
  /** Roster date per agency: the latest asOf of the files it appears in. */
  asOfByAgency: ReadonlyMap<string, string>;
  /**
   * Where each person was read (by certificate number as published), for problems found after the import (the
   * workspace: a number another agency publishes). Only when asked for (ImportOptions.locations).
   */
  locations?: ReadonlyMap<string, RosterLocation>;
}

export interface RosterLocation {
  file: string;
  row: number;
  /** The certificate number's column, e.g. `C 列「证件编号」`. */
  column?: string;
}
