import { CsvError, parse } from 'csv-parse/sync';
import type { Table, TableError, TableRow } from './table.ts';
import { withHint } from '../../core/error-data.ts';
import { rosterErrors } from './errors.ts';

/**
 * Reads decoded CSV text with csv-parse: quoted fields, CRLF/LF/CR, embedded newlines, ragged rows. Tab is the
 * delimiter when the first line has tabs and no commas (Excel's "Unicode text" export). Errors never quote the
 * file's content: a parser message may contain a private column's value.
 */
export function csvTable(text: string): Table {
  const firstLine = /^[^\r\n]*/.exec(text)?.[0] ?? '';
  const delimiter = firstLine.includes('\t') && !firstLine.includes(',') ? '\t' : ',';
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
