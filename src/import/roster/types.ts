import type { RosterProblem } from './problems.ts';
import type { Auxiliary } from '../../core/roster/schema.ts';

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
  /** Auxiliaries read from the file. */
  rows: number;
  agencyIds: string[];
  /** Headers of the columns that were not kept (never published). */
  droppedColumns: string[];
  /** Rows with nothing in any kept column (blank lines, footers such as 制表人), skipped. */
  skippedRows: number;
}

export interface RosterResult {
  auxiliaries: Auxiliary[];
  files: RosterFileReport[];
  problems: RosterProblem[];
  /** Roster date per agency: the latest asOf of the files it appears in. */
  asOfByAgency: ReadonlyMap<string, string>;
}
