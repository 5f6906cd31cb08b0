import { CsvError, parse } from 'csv-parse/sync';
import type { Table, TableError, TableRow } from './table.ts';
import { withHint } from '../../core/error-data.ts';
import { rosterErrors } from './errors.ts';

/**
 * Reads decoded CSV text with csv-parse: quoted fields, CRLF/LF/CR, embedded newlines, ragged rows. The delimiter
 * is comma or tab, whichever splits the first lines consistently (chooseDelimiter); text that came as UTF-16 is
 * Excel's "Unicode text" export, tab-separated unless it holds no tab at all. Errors never quote the file's
 * content: a parser message may contain a private column's value.
 */
export function csvTable(text: string, options: { utf16?: boolean } = {}): Table {
  const delimiter = chooseDelimiter(text, options.utf16 ?? false);
  return {
    date1904: false,
    eachRow(visit: (row: TableRow) => void): TableError | undefined {
      let number = 0;
      try {
        parse(text, {
          delimiter,
          record_delimiter: ['\r\n', '\n', '\r'],
          relax_column_count: true,
          relax_quotes: true,
          skip_empty_lines: false,
          // Hand each record on and keep none: the parser would otherwise collect the whole file.
          on_record: (record: string[]) => {
            number++;
            visit({ number, cells: record });
            return null;
          },
        });
      } catch (error) {
        if (!(error instanceof CsvError)) throw error;
        const reason = error.code === 'CSV_QUOTE_NOT_CLOSED' ? withHint(rosterErrors.CsvQuoteNotClosed) : withHint(rosterErrors.CsvBadQuotes);
        return { reason, row: number + 1 };
      }
      return undefined;
    },
  };
}

type Delimiter = ',' | '\t';

/** How much of the file is looked at to choose the delimiter: the first records, up to a length. */
const SAMPLE_RECORDS = 20;
const SAMPLE_CHARACTERS = 64 * 1024;

/**
 * Comma or tab, by how each splits the first records: counted outside quotes (a quoted cell may hold either, and
 * line breaks), a candidate splits the records consistently when many have the same number of it. The one that
 * does so for more records wins: a header `备注(如有,请写)` in a tab-separated file has one comma and the data
 * rows none, while every row has the same number of tabs. On a tie the one that makes more columns wins, then
 * comma. UTF-16 text is Excel's "Unicode text" (tab-separated; Excel writes no UTF-16 CSV): tab unless comma
 * splits more records consistently and tab not even half of them.
 */
export function chooseDelimiter(text: string, utf16: boolean): Delimiter {
  const comma = splitting(text, ',');
  const tab = splitting(text, '\t');
  if (utf16) return comma.records > tab.records && tab.records * 2 < tab.sampled ? ',' : '\t';
  if (tab.records !== comma.records) return tab.records > comma.records ? '\t' : ',';
  return tab.count > comma.count ? '\t' : ',';
}

/**
 * How consistently a delimiter splits the first records, read as csv-parse reads them with that delimiter (a quote
 * opens a quoted cell only at the start of a cell): `count`, the number of delimiters most records have (0 if it
 * never occurs); `records`, how many have it; `sampled`, how many records were looked at.
 */
function splitting(text: string, delimiter: Delimiter): { count: number; records: number; sampled: number } {
  const byCount = new Map<number, number>();
  let best = { count: 0, records: 0 };
  let sampled = 0;
  let inRecord = 0;
  let quoted = false;
  let cellStart = true;
  const endRecord = (): void => {
    sampled++;
    if (inRecord > 0) {
      const records = (byCount.get(inRecord) ?? 0) + 1;
      byCount.set(inRecord, records);
      if (records > best.records || (records === best.records && inRecord > best.count)) best = { count: inRecord, records };
    }
    inRecord = 0;
  };
  const end = Math.min(text.length, SAMPLE_CHARACTERS);
  for (let i = 0; i < end && sampled < SAMPLE_RECORDS; i++) {
    const ch = text[i];
    if (quoted) {
      // A doubled quote inside a quoted cell is a quote; a single one ends the quoted part.
      if (ch === '"') {
        if (text[i + 1] === '"') i++;
        else quoted = false;
      }
      continue;
    }
    if (ch === '"' && cellStart) {
      quoted = true;
      cellStart = false;
      continue;
    }
    cellStart = ch === delimiter || ch === '\n' || ch === '\r';
    if (ch === delimiter) inRecord++;
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRecord();
    }
  }
  if (inRecord > 0 && sampled < SAMPLE_RECORDS) endRecord();
  return { ...best, sampled };
}
