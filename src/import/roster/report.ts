import type { Registry } from '../registry/load.ts';
import { problemTexts, type RosterPlace } from './problems.ts';
import { STATUS_NAMES } from './status.ts';
import type { RosterFileReport, RosterResult } from './types.ts';
import { withHint } from '../../core/error-data.ts';
import { rosterErrors } from './errors.ts';

/**
 * The roster check's report in words, as `npm run roster:check` prints it and the publishing workspace shows it:
 * per file what was read, then every problem.
 */

export function describeFile(report: RosterFileReport, registry: Registry, place: RosterPlace = 'folder'): string[] {
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
  lines.push(`  ${droppedColumns(report)}`);
  if (report.footerRows) lines.push(`  表尾的合计、签字等 ${report.footerRows} 行不是人员，已跳过（不检查、不公开）`);
  if (report.skippedRows) lines.push(`  跳过 ${report.skippedRows} 个没有内容的行`);
  if (report.mappingHelp) {
    // The workspace takes one file and no mapping file: the rows looked at and the headers it knows, then the fix in the file.
    const help =
      place === 'workspace' && report.mappingFileFrom !== undefined
        ? [...report.mappingHelp.slice(0, report.mappingFileFrom), FIX_HEADER_IN_FILE]
        : report.mappingHelp;
    lines.push(...help.map((l) => `  ${l}`));
  }
  return lines;
}

const FIX_HEADER_IN_FILE = '请在 Excel 或 WPS 中把表头改成上面认得的写法（表头行须在前 10 行内，且同时有「姓名」和「证件编号」列），保存后重新上传。';

/** `已丢弃、不会公开的列：序号、性别、身份证号` — the columns read and never published, as the check and the build say it. */
export function droppedColumns(report: Pick<RosterFileReport, 'droppedColumns'>): string {
  return `已丢弃、不会公开的列：${report.droppedColumns.length ? report.droppedColumns.join('、') : '无'}`;
}

/** `2022-11-01（取自表内第 2 行「填报日期：2022年11月1日」；文件名中是 2022-10-31，未采用）`. */
export function describeAsOf(report: RosterFileReport): string {
  const [used, ...others] = report.asOfSources;
  if (!used) return '（未知）';
  const notes = others.map((o) => (o.date === used.date ? `${o.where}中的日期相同` : `${o.where}中是 ${o.date}，与此不同，未采用`));
  return `${used.date}（取自${used.where}${notes.length ? `；${notes.join('；')}` : ''}）`;
}

/**
 * The numbered problem lines, or none; many problems with the same file, column and reason are one line
 * (problems.ts problemTexts), and the heading then says into how many lines they were gathered.
 */
export function problemLines(result: Pick<RosterResult, 'problems'>, place: RosterPlace = 'folder'): string[] {
  if (!result.problems.length) return [];
  const texts = problemTexts(result.problems, place);
  const heading =
    texts.length < result.problems.length
      ? withHint(rosterErrors.ProblemsFoundGrouped, result.problems.length, texts.length)
      : withHint(rosterErrors.ProblemsFound, result.problems.length);
  return [heading, ...texts.map((line, i) => `  ${i + 1}. ${line}`)];
}
