import { escapeHtml } from '../../core/text.ts';
import { SUPPRESSED, type Count, type Stats, type StatsRow } from './aggregate.ts';

/** How a count reads on the page and in the chart. */
export function countText(n: Count): string {
  return n === SUPPRESSED ? '少于 5' : typeof n === 'number' ? String(n) : '不公布';
}

/** The header; the overdue column says which time limits "overdue" is measured against. */
export function csvHeader(timeLimit?: string): string {
  const overdue = timeLimit ? `超期比例（${timeLimit}）` : '超期比例';
  return ['维度', '代码', '名称', '收到', '受理', '不予受理', '办结', '受理用时中位数（天）', '办结用时中位数（天）', overdue].map(csvCell).join(',');
}

function csvCell(value: string | number | null): string {
  const text = value === null ? '' : String(value);
  // Formula-looking cells are prefixed so spreadsheets do not evaluate them.
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function csvRow(dimension: string, row: StatsRow): string {
  return [
    dimension, row.key, row.label, row.received, row.accepted, row.rejected, row.resolved,
    row.medianDaysToAccept, row.medianDaysToResolve, row.overdueShare,
  ].map(csvCell).join(',');
}

/** One CSV (UTF-8 with BOM so Excel reads the Chinese) with the total, per-agency and per-category rows. */
export function toCsv(stats: Stats, timeLimit?: string): string {
  const lines = [
    csvHeader(timeLimit),
    csvRow('合计', stats.total),
    ...stats.byAgency.map((r) => csvRow('机关', r)),
    ...stats.byCategory.map((r) => csvRow('类别', r)),
  ];
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

/**
 * A horizontal bar chart as inline SVG, one bar pair (received, resolved) per row. Suppressed counts get
 * no bar, only their label ("少于 5" / "不公布"), so the drawing reveals no more than the table.
 */
export function barChartSvg(rows: readonly StatsRow[], title: string): string {
  const barHeight = 14;
  const rowHeight = 40;
  const labelWidth = 260;
  const width = 720;
  const plot = width - labelWidth - 60;
  const max = Math.max(1, ...rows.flatMap((r) => [r.received, r.resolved]).map((n) => (typeof n === 'number' ? n : 0)));
  const height = rows.length * rowHeight + 30;
  const bar = (value: Count, y: number, cls: string, name: string): string => {
    if (typeof value !== 'number') return `<text x="${labelWidth}" y="${y + 11}" class="note">${name} ${escapeHtml(countText(value))}</text>`;
    const w = Math.round((value / max) * plot);
    return `<rect x="${labelWidth}" y="${y}" width="${w}" height="${barHeight}" class="${cls}"><title>${name} ${value}</title></rect>` +
      `<text x="${labelWidth + w + 4}" y="${y + 11}" class="note">${value}</text>`;
  };
  const body = rows
    .map((r, i) => {
      const y = 24 + i * rowHeight;
      const label = r.label.length > 18 ? `${r.label.slice(0, 18)}…` : r.label;
      return `<text x="0" y="${y + 18}" class="label">${escapeHtml(label)}</text>` +
        bar(r.received, y, 'received', '收到') + bar(r.resolved, y + barHeight + 2, 'resolved', '办结');
    })
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-label="${escapeHtml(title)}">` +
    `<title>${escapeHtml(title)}</title>` +
    `<style>.label{font-size:13px}.note{font-size:11px}.received{fill:#4a6fa5}.resolved{fill:#6aa84f}</style>` +
    `<rect x="${labelWidth}" y="4" width="12" height="10" class="received"/><text x="${labelWidth + 16}" y="13" class="note">收到</text>` +
    `<rect x="${labelWidth + 60}" y="4" width="12" height="10" class="resolved"/><text x="${labelWidth + 76}" y="13" class="note">办结</text>` +
    body + '</svg>';
}
