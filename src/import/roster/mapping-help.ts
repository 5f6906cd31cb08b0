import { fieldLabels, headerAliases, rosterFields, type RosterField } from './fields.ts';
import { headerKey } from './headers.ts';
import { mappingPathFor, PRIVATE_HEADER } from './mapping.ts';
import { cellText } from './normalize.ts';
import { columnLetter } from './problems.ts';
import { findPrivateNumber } from './private-numbers.ts';
import type { TableRow } from './table.ts';

/** Guesses for a ready-to-edit mapping file, tried in order; a private header is never guessed. */
const GUESSES: [RegExp, RosterField][] = [
  [/姓名|名字|人员名称/, 'name'],
  [/发证/, 'issuedOn'],
  [/有效期|有效截止/, 'validUntil'],
  [/证.*(号|编码)|编号/, 'certificateNo'],
  [/派遣/, 'dispatcher'],
  [/单位|机关|部门/, 'agency'],
  [/状态/, 'status'],
  [/岗位|职务|职位/, 'post'],
  [/用工/, 'employment'],
  [/照片|相片/, 'photo'],
];

/**
 * What the clerk needs when a file's header cannot be used: the rows that were looked at (cells with long numbers
 * hidden: they may be someone's ID or phone), the header names that are recognized, and a mapping file for this
 * export to save next to it and edit.
 */
export function mappingHelp(file: string, looked: readonly TableRow[], headerRow: TableRow | undefined, found: { asOf?: string; agencyId?: string }): string[] {
  const lines: string[] = [];
  const shown = looked.filter((r) => r.cells.some((c) => cellText(c).trim() !== ''));
  if (shown.length) {
    const first = shown[0]!.number;
    const last = shown[shown.length - 1]!.number;
    lines.push(`查看了第 ${first}${last !== first ? `–${last}` : ''} 行：`);
    for (const row of shown) lines.push(`  第 ${row.number} 行：${describeRow(row)}`);
  }
  lines.push('认得的表头（表头行须在前 10 行内，且同时有「姓名」和「证件编号」列）：');
  for (const field of rosterFields) lines.push(`  ${fieldLabels[field]}：${headerAliases[field].join('、')}`);
  const mappingName = mappingPathFor(file).split('/').pop();
  lines.push(`可以把下面几行存为 ${mappingName}（与名单放在同一文件夹），按实际情况改好后重新检查：`);
  lines.push('  # 名单映射文件：冒号左边是表中的表头原文，右边是字段名');
  if (headerRow) lines.push(`  headerRow: ${headerRow.number}`);
  else lines.push('  # headerRow: 3          # 表头在第几行（按 Excel 左侧的行号）');
  lines.push(found.asOf ? `  asOf: ${found.asOf}` : '  # asOf: 2026-11-01      # 名单日期（文件名和表内都没有日期时填写）');
  lines.push(found.agencyId ? `  agency: ${found.agencyId}` : '  # agency: 机关id        # 表中没有“单位”列时，填 agencies.yaml 中的机关 id');
  lines.push('  columns:');
  const used = new Set<RosterField>();
  const seen = new Set<string>();
  for (const cell of headerRow?.cells ?? []) {
    const header = cellText(cell)
      .replace(/[\s\u3000]+/g, ' ')
      .trim();
    if (!header || seen.has(headerKey(header))) continue;
    seen.add(headerKey(header));
    const key = JSON.stringify(header);
    if (PRIVATE_HEADER.test(header)) {
      lines.push(`    # ${key}: 个人隐私，不能公开，不要填写`);
      continue;
    }
    const guess = GUESSES.find(([pattern, field]) => pattern.test(header) && !used.has(field))?.[1];
    if (guess) {
      used.add(guess);
      lines.push(`    ${key}: ${guess}          # ${fieldLabels[guess]}？请核对`);
    } else lines.push(`    # ${key}:               # 不公开；要公开时写上字段名`);
  }
  if (!headerRow) {
    lines.push('    "（表中的姓名表头）": name');
    lines.push('    "（表中的证件编号表头）": certificateNo');
  }
  lines.push(`  # 字段名：${rosterFields.map((f) => `${f}（${fieldLabels[f]}）`).join('、')}`);
  return lines;
}

function describeRow(row: TableRow): string {
  const parts: string[] = [];
  let previous = '';
  row.cells.forEach((cell, index) => {
    const text = cellText(cell)
      .replace(/[\s\u3000]+/g, ' ')
      .trim();
    // A merged cell repeats its text across the row: show it once.
    if (!text || text === previous) return;
    previous = text;
    const safe =
      findPrivateNumber(text) || /\d{6,}/.test(text.replace(/[\s-]/g, '')) ? '（含长数字，已隐藏）' : text.length > 30 ? `${text.slice(0, 30)}…` : text;
    parts.push(`${columnLetter(index)}「${safe}」`);
  });
  return parts.join(' ') || '（空）';
}
