import { fieldLabels, headerAliases, rosterFields, weakAliases, type RosterField } from './fields.ts';
import { headerKey } from './headers.ts';
import { mappingPathFor, PRIVATE_HEADER } from './mapping.ts';
import { cellText } from './normalize.ts';
import { columnLetter } from './problems.ts';
import { findPrivateNumber } from './private-numbers.ts';
import type { RawCell, TableRow } from './table.ts';
import { isRealIsoDate } from '../../core/dates.ts';
import { toHalfWidth } from '../../core/text.ts';

/** A header that is one of the recognized names (fields.ts) is that field: these are guessed first. */
const WHOLE_HEADERS = new Map<string, RosterField>(rosterFields.flatMap((field) => headerAliases[field].map((alias) => [headerKey(alias), field] as const)));
/** The weak ones among them (fields.ts weakAliases). */
const WEAK_HEADERS = new Set(Object.values(weakAliases).flatMap((aliases) => aliases.map(headerKey)));

/**
 * Then guesses from part of a header, tried in order, the first that matches decides (no guess when its field is
 * taken already): the more specific before the general (状态日期 before 状态, 照片公开同意 before 照片, 派遣单位 before
 * 用工方式 and 单位). A private header is never guessed; `undefined` is a header that names no published column.
 */
const PARTIAL_GUESSES: readonly (readonly [RegExp, RosterField | undefined])[] = [
  [/^(发证|颁证|核发)(机关|单位|部门)(名称)?$|^(培训|考试|考核)(日期|时间)$/, undefined],
  [/姓名|名字|人员名称/, 'name'],
  [/(照片|相片|肖像).*同意|同意.*(照片|相片|肖像|公开)/, 'photoConsent'],
  [/(状态|变动|变更|离职|离岗|调离|退出|收回|注销)(日期|时间)/, 'statusSince'],
  [/(发证|领证|颁证|取证|核发)(日期|时间)/, 'issuedOn'],
  [/有效期|有效截止|到期|失效/, 'validUntil'],
  [/证.*(号|编码)|编号/, 'certificateNo'],
  [/(用工|招用|聘用|所在|所属|工作)单位/, 'agency'],
  [/派遣(单位|公司|机构)|劳务公司/, 'dispatcher'],
  [/用工|派遣|聘用(方式|形式)/, 'employment'],
  [/单位|机关|部门/, 'agency'],
  [/状态|在岗情况|在职情况/, 'status'],
  [/岗位|职务|职位/, 'post'],
  [/照片|相片/, 'photo'],
];

/**
 * What the clerk needs when a file's header cannot be used: the rows that were looked at (with what may be someone's
 * ID, phone or bank-card number hidden, see previewCell), the header names that are recognized, and a mapping file
 * for this export to save next to it and edit.
 */
export function mappingHelp(file: string, looked: readonly TableRow[], headerRow: TableRow | undefined, found: { asOf?: string; agencyId?: string }): string[] {
  return [...lookedHelp(looked, headerRow), ...mappingFileHelp(file, headerRow, found)];
}

/** The first part of mappingHelp: the rows looked at and the recognized headers (all the workspace shows: it takes no mapping file). */
export function lookedHelp(looked: readonly TableRow[], headerRow: TableRow | undefined): string[] {
  const lines: string[] = [];
  const shown = looked.filter((r) => r.cells.some((c) => cellText(c).trim() !== ''));
  // Columns under a private header (身份证号, 出生日期, 联系电话 …): their cells below the header are not shown at all.
  const privateColumns = new Map<number, string>();
  for (const [index, cell] of (headerRow?.cells ?? []).entries()) {
    const header = cellText(cell);
    if (PRIVATE_HEADER.test(header)) privateColumns.set(index, headerKey(header));
  }
  if (shown.length) {
    const first = shown[0]!.number;
    const last = shown[shown.length - 1]!.number;
    lines.push(`查看了第 ${first}${last !== first ? `–${last}` : ''} 行：`);
    for (const row of shown) {
      const below = headerRow !== undefined && row.number > headerRow.number ? privateColumns : undefined;
      lines.push(`  第 ${row.number} 行：${describeRow(row, below)}`);
    }
  }
  lines.push('认得的表头（表头行须在前 10 行内，且同时有「姓名」和「证件编号」列）：');
  for (const field of rosterFields) lines.push(`  ${fieldLabels[field]}：${headerAliases[field].join('、')}`);
  return lines;
}

/** The second part of mappingHelp: a mapping file for this export, to save next to it and edit. */
export function mappingFileHelp(file: string, headerRow: TableRow | undefined, found: { asOf?: string; agencyId?: string }): string[] {
  const lines: string[] = [];
  const mappingName = mappingPathFor(file).split('/').pop();
  lines.push(`可以把下面几行存为 ${mappingName}（与名单放在同一文件夹），按实际情况改好后重新检查：`);
  lines.push('  # 名单映射文件：冒号左边是表中的表头原文，右边是字段名');
  if (headerRow) lines.push(`  headerRow: ${headerRow.number}`);
  else lines.push('  # headerRow: 3          # 表头在第几行（按 Excel 左侧的行号）');
  lines.push(found.asOf ? `  asOf: ${found.asOf}` : '  # asOf: 2026-11-01      # 名单日期（文件名和表内都没有日期时填写）');
  lines.push(found.agencyId ? `  agency: ${found.agencyId}` : '  # agency: 机关id        # 表中没有“单位”列时，填 agencies.yaml 中的机关 id');
  lines.push('  columns:');
  lines.push(...columnLines(headerRow));
  if (!headerRow) {
    lines.push('    "（表中的姓名表头）": name');
    lines.push('    "（表中的证件编号表头）": certificateNo');
  }
  lines.push(`  # 字段名：${rosterFields.map((f) => `${f}（${fieldLabels[f]}）`).join('、')}`);
  return lines;
}

/**
 * The column a clerk most likely meant for `field`, by the same guesses as the mapping file's `columns:` (a private
 * header is never one): `B 列表头「证件号码」`, for a fix to make in the file itself.
 */
export function guessedColumn(headerCells: readonly RawCell[], field: RosterField): string | undefined {
  const { headers, guesses } = guessFields(headerCells);
  const found = headers.find(({ header }) => guesses.get(header)?.field === field);
  return found ? `${columnLetter(found.index)} 列表头「${found.header}」` : undefined;
}

/** The `columns:` entries of the mapping file to edit: one per distinct header, with the field guessed for it. */
function columnLines(headerRow: TableRow | undefined): string[] {
  const { headers, guesses } = guessFields(headerRow?.cells ?? []);
  return headers.map(({ index, header }) => {
    const key = JSON.stringify(header);
    const guess = guesses.get(header);
    if (PRIVATE_HEADER.test(header)) return `    # ${key}: 个人隐私，不能公开，不要填写`;
    // A header cell with a private number in it (a person's row taken for the header) is not printed either.
    const preview = previewCell(header);
    if (hidden(preview)) return `    # （${columnLetter(index)} 列：${preview}）`;
    if (guess?.whole) return `    ${key}: ${guess.field}          # ${fieldLabels[guess.field]}（认得的表头）`;
    if (guess) return `    ${key}: ${guess.field}          # ${fieldLabels[guess.field]}？请核对`;
    return `    # ${key}:               # 不公开；要公开时写上字段名`;
  });
}

/** Each distinct header of a header row, and the field guessed for each (whole headers first, then partial guesses). */
function guessFields(headerCells: readonly RawCell[]): {
  headers: { index: number; header: string }[];
  guesses: Map<string, { field: RosterField; whole: boolean }>;
} {
  const headers: { index: number; header: string }[] = [];
  const seen = new Set<string>();
  for (const [index, cell] of headerCells.entries()) {
    const header = cellText(cell)
      .replace(/[\s\u3000]+/g, ' ')
      .trim();
    if (!header || seen.has(headerKey(header))) continue;
    seen.add(headerKey(header));
    headers.push({ index, header });
  }
  // Whole headers first, over every column: 状态日期 left of 状态 is not 状态 for its part 状态.
  const guesses = new Map<string, { field: RosterField; whole: boolean }>();
  const used = new Set<RosterField>();
  const guessable = headers.filter(({ header }) => !PRIVATE_HEADER.test(header) && !hidden(previewCell(header)));
  // A weak one (编号, often a staff number) only after the guesses: 执法证号 is the certificate number before 编号 is.
  const weak = (header: string) => WEAK_HEADERS.has(headerKey(header));
  for (const { header } of guessable) {
    const field = WHOLE_HEADERS.get(headerKey(header));
    if (field && !weak(header) && !used.has(field)) {
      guesses.set(header, { field, whole: true });
      used.add(field);
    }
  }
  for (const { header } of guessable) {
    if (guesses.has(header) || weak(header)) continue;
    const field = PARTIAL_GUESSES.find(([pattern]) => pattern.test(headerKey(header)))?.[1];
    if (field && !used.has(field)) {
      guesses.set(header, { field, whole: false });
      used.add(field);
    }
  }
  for (const { header } of guessable) {
    const field = weak(header) ? WHOLE_HEADERS.get(headerKey(header)) : undefined;
    if (field && !used.has(field)) {
      guesses.set(header, { field, whole: true });
      used.add(field);
    }
  }
  return { headers, guesses };
}

function describeRow(row: TableRow, privateColumns?: ReadonlyMap<number, string>): string {
  const parts: string[] = [];
  let previous = '';
  row.cells.forEach((cell, index) => {
    const text = cellText(cell)
      .replace(/[\s\u3000]+/g, ' ')
      .trim();
    // A merged cell repeats its text across the row: show it once.
    if (!text || text === previous) return;
    previous = text;
    const preview = previewCell(text);
    const privateHeader = privateColumns?.get(index);
    // Under a private header, whatever else it is (a birth date too); the header itself repeated is shown.
    const safe = !hidden(preview) && privateHeader !== undefined && headerKey(text) !== privateHeader ? PRIVATE_COLUMN_HIDDEN : preview;
    parts.push(`${columnLetter(index)}「${safe}」`);
  });
  return parts.join(' ') || '（空）';
}

export const LONG_NUMBER_HIDDEN = '（含长数字，已隐藏）';
export const PRIVATE_COLUMN_HIDDEN = '（个人信息，已隐藏）';

/** Whether previewCell showed what stands in for a value. */
const hidden = (preview: string): boolean => preview === LONG_NUMBER_HIDDEN || preview === PRIVATE_COLUMN_HIDDEN;

/** A time of day after a date (`2021-12-01 00:00:00`): taken out first, it is no part of a number. */
const TIME_OF_DAY = /\d{1,2}:\d\d(?::\d\d(?:\.\d+)?)?/g;

/**
 * Digits written as one number: groups of digits joined by spaces, dashes, dots or brackets (`6222 0212 3456 7890`,
 * `0317-2222222`, `（0317）2222222`). The joins are captured: `2021-12-01` is a date only with one kind of join.
 */
const NUMBER_IN_TEXT = /\d+(?:[\s.\-‐‑‒–—―−·()（）]{1,3}\d+)*/g;
const JOIN = /([\s.\-‐‑‒–—―−·()（）]{1,3})/;

/**
 * More digits than this in one number (dates not counted) are hidden: bank cards (16–19 digits), landlines with their
 * area code (10–12), QQ numbers, IDs whose birth date is mistyped, in whatever groups they are written.
 */
export const PREVIEW_MAX_DIGITS = 8;

/**
 * A code's number, right after Latin letters and without spaces in it (`HBFZ-130982-0019`, `XXCG-2024-001`): a
 * certificate number, whose region code and serial may have more digits together; up to this many are shown, so a
 * bank card (16 or more) is not, even written after letters.
 */
export const PREVIEW_MAX_CODE_DIGITS = 15;

/** A private label (身份证, 电话, 出生 …) with this many digits or more in the same cell is hidden too. */
const PRIVATE_LABEL_DIGITS = 5;

/**
 * A cell as shown in the rows looked at, or what is shown instead (docs/ROSTERS.md 第五节). Hidden: a resident ID or
 * mobile number in any of the disguises private-numbers.ts sees through; a number of more than PREVIEW_MAX_DIGITS
 * digits (PREVIEW_MAX_CODE_DIGITS after Latin letters), counting digit groups joined by spaces, dashes, dots or
 * brackets as one number and leaving out the dates in it (`2021-12-01`, `2021.12.1`, `20211201`) and times of day; a
 * private label with PRIVATE_LABEL_DIGITS digits or more (`联系电话：2222222`, `出生日期：1990年1月1日`). Shown:
 * everything else, so dates and certificate numbers such as `XXCG-2024-001` or `HBFZ-130982-0019`. Long texts are
 * cut after 30 characters.
 */
export function previewCell(text: string): string {
  if (findPrivateNumber(text)) return LONG_NUMBER_HIDDEN;
  const half = toHalfWidth(text).replace(TIME_OF_DAY, '|');
  for (const m of half.matchAll(NUMBER_IN_TEXT)) {
    const code = /[A-Za-z][-_.]?$/.test(half.slice(0, m.index)) && !/\s/.test(m[0]);
    if (longestNumber(m[0]) > (code ? PREVIEW_MAX_CODE_DIGITS : PREVIEW_MAX_DIGITS)) return LONG_NUMBER_HIDDEN;
  }
  if (PRIVATE_HEADER.test(text) && (half.match(/\d/g)?.length ?? 0) >= PRIVATE_LABEL_DIGITS) return PRIVATE_COLUMN_HIDDEN;
  return text.length > 30 ? `${text.slice(0, 30)}…` : text;
}

/**
 * The most digits in one number of a run of joined digit groups, dates left out: a date (year, month, day joined
 * twice the same way, or eight digits) ends the number before it and starts a new one after it.
 */
function longestNumber(run: string): number {
  const parts = run.split(JOIN);
  const groups = parts.filter((_, i) => i % 2 === 0);
  const joins = parts.filter((_, i) => i % 2 === 1);
  let longest = 0;
  let current = 0;
  for (let i = 0; i < groups.length; i++) {
    const [year, month, day] = [groups[i]!, groups[i + 1], groups[i + 2]];
    if (month !== undefined && day !== undefined && joins[i] === joins[i + 1] && isDate(year, month, day)) {
      current = 0;
      i += 2;
      continue;
    }
    if (year.length === 8 && isDate(year.slice(0, 4), year.slice(4, 6), year.slice(6))) {
      current = 0;
      continue;
    }
    current += year.length;
    longest = Math.max(longest, current);
  }
  return longest;
}

function isDate(year: string, month: string, day: string): boolean {
  return (
    /^(19|20)\d\d$/.test(year) && /^\d{1,2}$/.test(month) && /^\d{1,2}$/.test(day) && isRealIsoDate(`${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`)
  );
}
