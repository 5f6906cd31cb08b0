import { formatDateTime } from '../../src/core/dates.ts';
import { escapeHtml } from '../../src/core/text.ts';
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
    dimension,
    row.key,
    row.label,
    row.received,
    row.accepted,
    row.rejected,
    row.resolved,
    row.medianDaysToAccept,
    row.medianDaysToResolve,
    row.overdueShare,
  ]
    .map(csvCell)
    .join(',');
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
 * A horizontal bar chart as inline SVG, one bar pair (received, resolved) per row, the row's name above its bars so
 * that it reads at phone width. Suppressed counts get no bar, only their label ("少于 5" / "不公布"), so the drawing
 * reveals no more than the table.
 */
export function barChartSvg(rows: readonly StatsRow[], title: string): string {
  const barHeight = 14;
  const rowHeight = 56;
  const width = 400;
  const plot = width - 50;
  const max = Math.max(1, ...rows.flatMap((r) => [r.received, r.resolved]).map((n) => (typeof n === 'number' ? n : 0)));
  const height = rows.length * rowHeight + 24;
  const bar = (value: Count, y: number, cls: string, name: string): string => {
    if (typeof value !== 'number') return `<text x="0" y="${y + 11}" class="note">${name} ${escapeHtml(countText(value))}</text>`;
    const w = Math.round((value / max) * plot);
    return (
      `<rect x="0" y="${y}" width="${w}" height="${barHeight}" class="${cls}"><title>${name} ${value}</title></rect>` +
      `<text x="${w + 4}" y="${y + 11}" class="note">${value}</text>`
    );
  };
  const body = rows
    .map((r, i) => {
      const y = 24 + i * rowHeight;
      const label = r.label.length > 24 ? `${r.label.slice(0, 24)}…` : r.label;
      return (
        `<text x="0" y="${y + 14}" class="label">${escapeHtml(label)}</text>` +
        bar(r.received, y + 20, 'received', '收到') +
        bar(r.resolved, y + 20 + barHeight + 2, 'resolved', '办结')
      );
    })
    .join('');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-label="${escapeHtml(title)}">` +
    `<title>${escapeHtml(title)}</title>` +
    `<style>.label{font-size:15px}.note{font-size:13px}.received{fill:#4a6fa5}.resolved{fill:#6aa84f}</style>` +
    `<rect x="0" y="4" width="12" height="10" class="received"/><text x="16" y="13" class="note">收到</text>` +
    `<rect x="60" y="4" width="12" height="10" class="resolved"/><text x="76" y="13" class="note">办结</text>` +
    body +
    '</svg>'
  );
}

/** Whether most of the counts a chart would draw (received and resolved of every row) are suppressed or withheld. */
export function mostlyHidden(rows: readonly StatsRow[]): boolean {
  const counts = rows.flatMap((r) => [r.received, r.resolved]);
  return counts.filter((n) => typeof n !== 'number').length * 2 > counts.length;
}

/** The chart, or in words why there is none: a chart of mostly hidden counts would be empty bars. */
function chartHtml(rows: readonly StatsRow[], title: string, unit: string, suppressBelow: number): string {
  if (!rows.length) return '';
  if (mostlyHidden(rows)) {
    const hidden = rows.filter((r) => typeof r.received !== 'number').length;
    return (
      `<p class="chart-withheld">共 ${rows.length} 个${unit}，多数件数少于 ${suppressBelow} 件或不公布（其中 ${hidden} 个${unit}的收到件数不公布），` +
      '为保护投诉人，这里不画图表；已公布的数字见下表。</p>'
    );
  }
  return `<figure class="stats-chart">${barChartSvg(rows, `${title}：收到与办结件数`)}</figure>`;
}

/** The CSV of an empty store: the header only. */
export const emptyCsv = (timeLimit?: string): string => `\uFEFF${csvHeader(timeLimit)}\r\n`;

const days = (n: number | null) => (n === null ? '—' : `${n} 天`);
const share = (n: number | null) => (n === null ? '—' : `${Math.round(n * 1000) / 10}%`);
const COLUMNS = ['收到', '受理', '不予受理', '办结', '受理用时中位数', '办结用时中位数', '超期比例'] as const;
// data-label: on a phone each row is shown as a card, every cell with its column's name (site.css).
const cells = (r: StatsRow) =>
  [
    countText(r.received),
    countText(r.accepted),
    countText(r.rejected),
    countText(r.resolved),
    days(r.medianDaysToAccept),
    days(r.medianDaysToResolve),
    share(r.overdueShare),
  ]
    .map((text, i) => `<td data-label="${COLUMNS[i]}">${text}</td>`)
    .join('');
const heads = COLUMNS.map((c) => `<th scope="col">${c}</th>`).join('');

/** Why a table has no rows: fewer than 5 complaints in all, or its numbers would give a hidden count away. */
function noTable(stats: Stats, unit: string): string {
  const n = stats.suppressBelow;
  return stats.total.received === SUPPRESSED
    ? `合计少于 ${n} 件，不按${unit}分列。`
    : `为保护投诉人，这里不按${unit}分列：分列的件数与上面的数字合起来可以推算出被隐藏的件数。`;
}

/** The main part of /stats/ (the page frame is added by the caller). */
export function statsMainHtml(stats: Stats | null, cacheMinutes: number, timeLimits = ''): string {
  if (!stats) {
    return '<h1>投诉办理统计</h1><p id="no-data">暂无数据：目前还没有可统计的投诉举报。有投诉举报后，本页数据会自动更新。</p>';
  }
  const n = stats.suppressBelow;
  const tables = [
    { id: 'by-agency', title: '按办理机关', rows: stats.byAgency, first: '机关' },
    { id: 'by-category', title: '按投诉类别', rows: stats.byCategory, first: '类别' },
  ];
  const row = (r: StatsRow) =>
    `<tr data-key="${escapeHtml(r.key)}" data-received="${escapeHtml(String(r.received))}" data-accepted="${escapeHtml(String(r.accepted))}" data-resolved="${escapeHtml(String(r.resolved))}">` +
    `<th scope="row">${escapeHtml(r.label)}</th>${cells(r)}</tr>`;
  return (
    '<h1>投诉办理统计</h1>' +
    `<p>统计截至 <time datetime="${escapeHtml(stats.generatedAt)}">${escapeHtml(formatDateTime(stats.generatedAt))}</time>，数据每 ${cacheMinutes} 分钟内更新。` +
    `为保护投诉人，少于 ${n} 件的数量只显示“少于 ${n}”，不足 ${n} 件的组不计算用时中位数和超期比例；` +
    `一列中有“少于 ${n}”时，同列已公布的最小件数也不公布（标为“不公布”，其数不少于 ${n}），` +
    '若由合计、另一张表或同一行的其他数字仍能推算出任何一个被隐藏的件数，就再隐藏更多，必要时合计或整张表也不公布；' +
    `合计少于 ${n} 的一列不按机关、类别分列（各行标为“不公布”，其数为 0 至 ${n - 1}）。` +
    '受理、办结用时均自提交之日起计算；件数归入当前办理机关（转办后归入接收机关）。</p>' +
    (timeLimits ? `<p id="time-limits">“超期”按以下办理时限计算：${escapeHtml(timeLimits)}</p>` : '') +
    '<p>下载：<a href="/stats/stats.csv">CSV</a> · <a href="/stats/stats.json">JSON</a></p>' +
    `<table id="stats-total" class="stats-table"><caption>合计</caption><thead><tr>${heads}</tr></thead><tbody>` +
    `<tr data-key="total" data-received="${escapeHtml(String(stats.total.received))}">${cells(stats.total)}</tr></tbody></table>` +
    tables
      .map(
        (t) =>
          `<section aria-labelledby="${t.id}-title"><h2 id="${t.id}-title">${t.title}</h2>` +
          (t.rows.length
            ? chartHtml(t.rows, t.title, t.first, n) +
              `<table id="${t.id}" class="stats-table"><thead><tr><th scope="col">${t.first}</th>${heads}</tr></thead><tbody>${t.rows.map(row).join('')}</tbody></table>`
            : `<p id="${t.id}" class="table-withheld">${noTable(stats, t.first)}</p>`) +
          '</section>',
      )
      .join('')
  );
}
