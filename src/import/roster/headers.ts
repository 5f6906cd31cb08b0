import { toHalfWidth } from '../../core/text.ts';
import { fieldLabels, headerAliases, rosterFields, weakAliases, type RosterField } from './fields.ts';
import { columnLabel, placed } from './problems.ts';
import { rosterErrors } from './errors.ts';

/** Headers compare after full-width → half-width and with all whitespace (also line breaks in a cell) removed. */
export function headerKey(text: string): string {
  return toHalfWidth(text).replace(/[\s\u3000]+/g, '');
}

const aliasIndex = new Map<string, RosterField>();
for (const field of rosterFields) for (const alias of headerAliases[field]) aliasIndex.set(headerKey(alias), field);
/** Header keys that name their field only weakly (fields.ts weakAliases). */
const weakKeys = new Set(Object.values(weakAliases).flatMap((aliases) => aliases.map(headerKey)));

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
  problems: { column: string; reason: string; workspaceReason?: string }[];
  /**
   * Fields whose column was recognised only by a weak alias (编号 → certificateNo): neither the mapping file nor a
   * full alias names another column for them.
   */
  weak: Set<RosterField>;
}

/**
 * Maps a header row to fields: the mapping file's `columns` first, then the known aliases. Every other column
 * is dropped: this is the PII allow-list.
 */
export function matchHeaders(headerCells: readonly string[], mappingColumns: Readonly<Record<string, RosterField>> = {}): HeaderMatch {
  const mapped = mappedHeaders(mappingColumns);
  const columns = new Map<RosterField, MappedColumn>();
  const dropped: string[] = [];
  const droppedIndexes = new Set<number>();
  const problems: HeaderMatch['problems'] = [];
  const weak = new Set<RosterField>();
  const fieldOf = (key: string): { field: RosterField; weak: boolean } | undefined => {
    if (!key) return undefined;
    const byMapping = mapped.get(key);
    if (byMapping) return { field: byMapping, weak: false };
    const byAlias = aliasIndex.get(key);
    return byAlias ? { field: byAlias, weak: weakKeys.has(key) } : undefined;
  };
  // Fields some column names firmly: a column under a weak alias for one of them is not that field (编号 next to 证件编号).
  const firm = new Set<RosterField>();
  for (const cell of headerCells) {
    const found = fieldOf(headerKey(cell));
    if (found && !found.weak) firm.add(found.field);
  }
  headerCells.forEach((cell, index) => {
    const header = cell.replace(/[\s\u3000]+/g, ' ').trim();
    const key = headerKey(header);
    const found = fieldOf(key);
    const field = found && !(found.weak && firm.has(found.field)) ? found.field : undefined;
    if (field && found?.weak) weak.add(field);
    if (!field) {
      droppedIndexes.add(index);
      if (header) dropped.push(header);
      return;
    }
    const label = columnLabel(index, header);
    const earlier = columns.get(field);
    if (earlier) {
      droppedIndexes.add(index);
      problems.push({ column: label, ...placed(rosterErrors.DuplicateColumn, earlier.label, fieldLabels[field]) });
      return;
    }
    columns.set(field, { index, label });
  });
  return { columns, dropped, droppedIndexes, problems, weak };
}

function mappedHeaders(mappingColumns: Readonly<Record<string, RosterField>>): Map<string, RosterField> {
  const mapped = new Map<string, RosterField>();
  for (const [header, field] of Object.entries(mappingColumns)) mapped.set(headerKey(header), field);
  return mapped;
}

/**
 * The header of a table whose header is written over two rows, column by column, when `lower` (the row right below
 * the header row `upper`) is a header row too; otherwise undefined and `lower` is data. Offices write, e.g., 证件有效期
 * merged across two columns with 发证日期 and 有效期至 under it, and the other headers merged down both rows (which
 * then read the same in both rows, see workbook.ts fillMerges), or in CSV 证件有效期 once followed by an empty cell.
 *
 * `lower` is a header row when `upper` names a column and `lower` names one `upper` does not (a recognised header, as
 * the mapping file or the aliases name it), and either names 姓名 and 证件编号 itself, as a header merged down both
 * rows does, or names every such column under a cell of `upper` that names no column or spans several columns (the
 * same text in a neighbouring cell). A row whose cells under 姓名 or 证件编号 hold anything but that header (a
 * person's values) is data, never a header. Each column then takes the lower row's recognised name, else the upper
 * row's if it names a column and spans only this one, else the lower row's text if any (it names a dropped column
 * better than a 证件有效期 over two), else the upper row's.
 */
export function twoRowHeader(
  upper: readonly string[],
  lower: readonly string[],
  mappingColumns: Readonly<Record<string, RosterField>> = {},
): string[] | undefined {
  const mapped = mappedHeaders(mappingColumns);
  const fieldOf = (text: string): RosterField | undefined => {
    const key = headerKey(text);
    return key ? (mapped.get(key) ?? aliasIndex.get(key)) : undefined;
  };
  const width = Math.max(upper.length, lower.length);
  const up = (c: number) => upper[c] ?? '';
  const low = (c: number) => lower[c] ?? '';
  const spans = (c: number) => headerKey(up(c)) !== '' && (headerKey(up(c - 1)) === headerKey(up(c)) || headerKey(up(c + 1)) === headerKey(up(c)));
  // The upper row names columns of its own: an empty row or a title above the header is not the header's first row.
  if (!upper.some((text) => fieldOf(text))) return undefined;
  const lowerFields = new Set(lower.map(fieldOf));
  const lowerNamesRequired = lowerFields.has('name') && lowerFields.has('certificateNo');
  let adds = false;
  for (let c = 0; c < width; c++) {
    if (!fieldOf(low(c)) || headerKey(low(c)) === headerKey(up(c))) continue;
    if (fieldOf(up(c)) && !spans(c) && !lowerNamesRequired) return undefined;
    adds = true;
  }
  if (!adds) return undefined;
  const combined: string[] = [];
  for (let c = 0; c < width; c++) {
    if (fieldOf(low(c))) combined.push(low(c));
    else if (fieldOf(up(c)) && !spans(c)) combined.push(up(c));
    else combined.push(headerKey(low(c)) ? low(c) : up(c));
  }
  for (const field of ['name', 'certificateNo'] as const) {
    const c = combined.findIndex((text) => fieldOf(text) === field);
    if (c >= 0 && headerKey(low(c)) !== '' && headerKey(low(c)) !== headerKey(up(c)) && fieldOf(low(c)) !== field) return undefined;
  }
  return combined;
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
