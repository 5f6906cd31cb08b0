import { CsvError, parse } from 'csv-parse/sync';
import type { TableResult } from './table.ts';

/**
 * Parses decoded CSV text with csv-parse: quoted fields, CRLF/LF/CR, embedded newlines, ragged rows. Tab is used
 * as the delimiter when the first line has tabs and no commas (Excel's "Unicode text" export).
 * Errors never quote the file's content: a parser message may contain a private column's value.
 */
export function parseCsv(text: string): TableResult {
  const firstLine = /^[^\r\n]*/.exec(text)?.[0] ?? '';
  const delimiter = firstLine.includes('\t') && !firstLine.includes(',') ? '\t' : ',';
  let records: string[][];
  try {
    records = parse(text, {
      delimiter,
      record_delimiter: ['\r\n', '\n', '\r'],
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: false,
    }) as string[][];
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    const row = typeof error.records === 'number' ? error.records + 1 : undefined;
    const reason =
      error.code === 'CSV_QUOTE_NOT_CLOSED'
        ? 'CSV 格式错误：从这一行开始的引号没有闭合（可能是单元格中多了一个英文双引号 "）'
        : 'CSV 格式错误：引号使用不正确（带引号的单元格应整格用英文双引号括起，格内的双引号写成两个 ""）';
    return { ok: false, reason, row };
  }
  return { ok: true, rows: records.map((cells, index) => ({ number: index + 1, cells })) };
}
