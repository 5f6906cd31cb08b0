import type { Registry } from '../registry/load.ts';
import { formatProblem } from './problems.ts';
import { STATUS_NAMES } from './status.ts';
import type { RosterFileReport, RosterResult } from './types.ts';
import { withHint } from '../../core/error-data.ts';
import { rosterErrors } from './errors.ts';

/**
 * The roster check's report in words, as `npm run roster:check` prints it and the publishing workspace shows it:
 * per file what was read, then every problem.
 */

export function describeFile(report: RosterFileReport, registry: Registry): string[] {
  const lines = [report.file];
  lines.push(
    `  格式 ${report.encoding || '（无法读取）'} · 表头在第 ${report.headerRow || '？'}${report.headerEndRow ? `–${report.headerEndRow}` : ''} 行 · ${report.rows} 人`,
  );
  if (report.sheet !== undefined) {
    const passed = report.passedOverSheets?.map((s) => `「${s}」`).join('');
    lines.push(`  读取的工作表：「${report.sheet}」${passed ? `（前面的工作表${passed}中没有表头，已跳过）` : ''}`);
  }
  lines.push(`  名单日期：${describeAsOf(report)}`);
  if (report.asOfAhead) {
    const { today, days } = report.asOfAhead;
    lines.push(`  ⚠ 名单日期比今天（${today}）晚 ${days} 天：提前准备的名单可以这样放入，网站上显示的就是这个日期；如果是写错了，请改正`);
  }
  if (report.sheetAgency) {
    const { text, row, agencyId } = report.sheetAgency;
    lines.push(`  表头上方第 ${row} 行写的单位：${text}${agencyId ? `（${agencyId}，单位为空的行归它）` : '（在机关名录中找不到）'}`);
  }
  const units = report.agencyIds.map((id) => `${registry.byId.get(id)?.name ?? id}（${id}）`);
  if (units.length) lines.push(`  单位：${units.length > 5 ? `${units.slice(0, 5).join('、')} 等 ${units.length} 个` : units.join('、')}`);
  if (report.statusWords.length) {
    const words = report.statusWords.map((w) => `${w.word ? `「${w.word}」` : '（空）'}→${STATUS_NAMES[w.status]} ${w.rows} 人`);
    lines.push(`  状态写法的理解：${words.join('；')}`);
  }
  lines.push(`  已丢弃、不会公开的列：${report.droppedColumns.length ? report.droppedColumns.join('、') : '无'}`);
  if (report.footerRows) lines.push(`  表尾的合计、签字等 ${report.footerRows} 行不是人员，已跳过（不检查、不公开）`);
  if (report.skippedRows) lines.push(`  跳过 ${report.skippedRows} 个没有内容的行`);
  if (report.mappingHelp) lines.push(...report.mappingHelp.map((l) => `  ${l}`));
  return lines;
}

/** `2022-11-01（取自表内第 2 行「填报日期：2022年11月1日」；文件名中是 2022-10-31，未采用）`. */
export function describeAsOf(report: RosterFileReport): string {
  const [used, ...others] = report.asOfSources;
  if (!used) return '（未知）';
  const notes = others.map((o) => (o.date === used.date ? `${o.where}中的日期相同` : `${o.where}中是 ${o.date}，与此不同，未采用`));
  return `${used.date}（取自${used.where}${notes.length ? `；${notes.join('；')}` : ''}）`;
}

/** The numbered problem lines, or none. */
export function problemLines(result: Pick<RosterResult, 'problems'>): string[] {
  if (!result.problems.length) return [];
  return [withHint(rosterErrors.ProblemsFound, result.problems.length), ...result.problems.map((p, i) => `  ${i + 1}. ${formatProblem(p)}`)];
}
