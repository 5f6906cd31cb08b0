import { toHalfWidth } from '../../core/text.ts';
import { fieldLabels, headerAliases, rosterFields, type RosterField } from './fields.ts';
import { columnLabel } from './problems.ts';
import { withHint } from '../../core/error-data.ts';
import { rosterErrors } from './errors.ts';

/** Headers compare after full-width → half-width and with all whitespace (also line breaks in a cell) removed. */
export function headerKey(text: string): string {
  return toHalfWidth(text).replace(/[\s\u3000]+/g, '');
}

const aliasIndex = new Map<string, RosterField>();
for (const field of rosterFields) for (const alias of headerAliases[field]) aliasIndex.set(headerKey(alias), field);

export interface MappedColumn {
  index: number;
  /** `C 列「证件编号」`, for messages. */
  label: string;
}

export interface HeaderMatch {
  columns: Map<RosterField, MappedColumn>;
  /** Headers of the columns that are not kept (as written in the file, trimmed). */
  dropped: string[];
  /** Column indexes that are dropped (also those without a header). */
  droppedIndexes: Set<number>;
  problems: { column: string; reason: string }[];
}

/**
 * Maps a header row to fields: the mapping file's `columns` first, then the known aliases. Every other column
 * is dropped: this is the PII allow-list.
 */
export function matchHeaders(headerCells: readonly string[], mappingColumns: Readonly<Record<string, RosterField>> = {}): HeaderMatch {
  const mapped = new Map<string, RosterField>();
  for (const [header, field] of Object.entries(mappingColumns)) mapped.set(headerKey(header), field);
  const columns = new Map<RosterField, MappedColumn>();
  const dropped: string[] = [];
  const droppedIndexes = new Set<number>();
  const problems: HeaderMatch['problems'] = [];
  headerCells.forEach((cell, index) => {
    const header = cell.replace(/[\s\u3000]+/g, ' ').trim();
    const key = headerKey(header);
    const field = key ? (mapped.get(key) ?? aliasIndex.get(key)) : undefined;
    if (!field) {
      droppedIndexes.add(index);
      if (header) dropped.push(header);
      return;
    }
    const label = columnLabel(index, header);
    const earlier = columns.get(field);
    if (earlier) {
      droppedIndexes.add(index);
      problems.push({ column: label, reason: withHint(rosterErrors.DuplicateColumn, earlier.label, fieldLabels[field]) });
      return;
    }
    columns.set(field, { index, label });
  });
  return { columns, dropped, droppedIndexes, problems };
}

/**
 * A dropped header that is an alias of `field` plus decoration (`*姓名`, `姓名（必填）`, `证件编号：`), for a hint
 * when a required column is missing. Headers are still matched exactly: a guess is only ever suggested.
 */
export function lookalikeHeader(headerCells: readonly string[], field: RosterField): { index: number; header: string } | undefined {
  const aliases = new Set(headerAliases[field].map(headerKey));
  for (const [index, cell] of headerCells.entries()) {
    const key = headerKey(cell);
    const bare = key.replace(/[(（【[][^)）】\]]*[)）】\]]/g, '').replace(/[*＊:：#＃]/g, '');
    if (bare !== key && aliases.has(bare)) return { index, header: cell.replace(/[\s\u3000]+/g, ' ').trim() };
  }
  return undefined;
}
