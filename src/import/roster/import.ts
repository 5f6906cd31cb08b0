import type { Registry } from '../registry/load.ts';
import type { Agency } from '../../core/registry/schema.ts';
import { isRealIsoDate } from '../../core/dates.ts';
import { certificateLookupKey } from '../../core/text.ts';
import { fieldLabels, headerAliases, type RosterField } from './fields.ts';
import { headerKey, lookalikeHeader, matchHeaders, type MappedColumn } from './headers.ts';
import { mappingPathFor, readMapping, type RosterMapping } from './mapping.ts';
import { openTable } from './open.ts';
import { cellText } from './normalize.ts';
import { columnLabel, type RosterProblem } from './problems.ts';
import { agencyResolver, readRow, type RowContext } from './row.ts';
import type { Auxiliary } from '../../core/roster/schema.ts';
import type { RawCell } from './table.ts';
import type { RosterFileReport, RosterResult, RosterSource } from './types.ts';

const REQUIRED: readonly RosterField[] = ['name', 'certificateNo'];

/**
 * Reads every roster export into the published records, or collects every problem in all of them (never only
 * the first). Pure apart from being async (exceljs): the bytes come in RosterSource.
 */
export async function importRosters(sources: readonly RosterSource[], registry: Registry): Promise<RosterResult> {
  const auxiliaries: Auxiliary[] = [];
  const files: RosterFileReport[] = [];
  const problems: RosterProblem[] = [];
  const seen = new Map<string, { file: string; row: number; certificateNo: string }>();
  const resolveAgency = agencyResolver(registry);
  const asOfByAgency = new Map<string, string>();

  for (const source of sources) {
    const { report, records } = await importFile(source, registry, resolveAgency, problems);
    files.push(report);
    for (const { auxiliary, row, column } of records) {
      const key = certificateLookupKey(auxiliary.certificateNo);
      const first = seen.get(key);
      if (first) {
        const reason =
          first.certificateNo === auxiliary.certificateNo
            ? `证件编号重复：与 ${first.file} 第 ${first.row} 行相同`
            : `证件编号与 ${first.file} 第 ${first.row} 行的「${first.certificateNo}」只差分隔符，查询时无法区分`;
        problems.push({ file: source.file, row, column, value: auxiliary.certificateNo, reason });
        continue;
      }
      seen.set(key, { file: source.file, row, certificateNo: auxiliary.certificateNo });
      auxiliaries.push(auxiliary);
    }
    if (report.asOf) {
      for (const id of report.agencyIds) {
        const current = asOfByAgency.get(id);
        if (!current || current < report.asOf) asOfByAgency.set(id, report.asOf);
      }
    }
  }
  return { auxiliaries, files, problems, asOfByAgency };
}

interface ReadRecord {
  auxiliary: Auxiliary;
  row: number;
  column: string | undefined;
}

async function importFile(
  source: RosterSource,
  registry: Registry,
  resolveAgency: (value: string) => Agency | undefined,
  problems: RosterProblem[],
): Promise<{ report: RosterFileReport; records: ReadRecord[] }> {
  const { file } = source;
  const report: RosterFileReport = { file, encoding: '', asOf: '', rows: 0, agencyIds: [], droppedColumns: [], skippedRows: 0 };
  const records: ReadRecord[] = [];
  const done = { report, records };

  for (const stray of source.strayMappingFiles ?? []) {
    problems.push({ file: stray, reason: '映射文件没有同名的名单文件，不会被使用：映射文件应与名单同名，如 城管局-2026-11-01.xlsx 对应 城管局-2026-11-01.mapping.yaml' });
  }
  if (source.readError !== undefined) {
    problems.push({ file, reason: source.readError });
    return done;
  }
  const mapping = readMapping(source, registry, problems);
  if (mapping === null) return done;

  const asOf = mapping.asOf ?? asOfFromFileName(file);
  if (asOf) report.asOf = asOf;
  else {
    problems.push({
      file,
      reason: '无法确定名单日期：请在文件名中写上日期（如 城管局-2026-11-01.csv 或 城管局20261101.csv），或在映射文件中写 asOf: 2026-11-01',
    });
  }

  if (source.bytes.length === 0) {
    problems.push({ file, reason: '文件为空' });
    return done;
  }
  const opened = await openTable(source, mapping, report);
  if (!opened.ok) {
    problems.push({ file, row: opened.row, reason: opened.reason });
    return done;
  }
  const { table } = opened;

  const mappingAgency = mapping.agency === undefined ? undefined : registry.byId.get(mapping.agency);
  let header: HeaderRow | undefined;
  const unnamedWithData = new Set<number>();
  const agencyIds = new Set<string>();
  let badRows = 0;
  let ctx: RowContext | undefined;

  const readError = table.eachRow(({ number, cells }) => {
    if (!header) {
      const isHeader = mapping.headerRow ? number === mapping.headerRow : cells.some((c) => cellText(c).trim() !== '');
      if (!isHeader) return;
      header = readHeaderRow(cells, number, mapping, file, problems);
      report.droppedColumns = header.dropped;
      ctx = { file, columns: header.columns, mappingAgency, resolveAgency, date1904: table.date1904, existingFiles: source.existingFiles };
      return;
    }
    if (!header.usable || !ctx) return;
    for (const c of header.unnamed) if (c < cells.length && cellText(cells[c]!).trim() !== '') unnamedWithData.add(c);
    for (let c = header.width; c < cells.length; c++) if (cellText(cells[c]!).trim() !== '') unnamedWithData.add(c);
    const result = readRow(cells, number, ctx);
    if (result.kind === 'empty') report.skippedRows++;
    else if (result.kind === 'bad') {
      badRows++;
      problems.push(...result.problems);
    } else {
      records.push({ auxiliary: result.auxiliary, row: number, column: header.columns.get('certificateNo')?.label });
      agencyIds.add(result.auxiliary.agencyId);
    }
  });
  if (readError) problems.push({ file, row: readError.row, reason: readError.reason });

  if (!header) {
    if (!readError) {
      problems.push(
        mapping.headerRow
          ? { file, row: mapping.headerRow, reason: `映射文件指定的表头行第 ${mapping.headerRow} 行是空的` }
          : { file, reason: '文件中没有任何内容（找不到表头行）' },
      );
    }
    return done;
  }
  for (const c of [...unnamedWithData].sort((a, b) => a - b)) report.droppedColumns.push(`${columnLabel(c, '')}（无表头）`);
  report.rows = records.length;
  report.agencyIds = [...agencyIds].sort();
  if (header.usable && !readError && records.length === 0 && badRows === 0) {
    problems.push({ file, row: header.number, reason: '表头下面没有任何人员数据' });
  }
  return done;
}

interface HeaderRow {
  number: number;
  width: number;
  columns: ReadonlyMap<RosterField, MappedColumn>;
  dropped: string[];
  /** Columns without a header: data found in them is reported as dropped. */
  unnamed: number[];
  /** False when a required column is missing or ambiguous: the rows are then not read. */
  usable: boolean;
}

function readHeaderRow(cells: readonly RawCell[], number: number, mapping: RosterMapping, file: string, problems: RosterProblem[]): HeaderRow {
  const problemsBefore = problems.length;
  const filled = cells.filter((c) => cellText(c).trim() !== '').length;
  if (filled === 0) {
    problems.push({ file, row: number, reason: `映射文件指定的表头行第 ${number} 行是空的` });
    return { number, width: 0, columns: new Map(), dropped: [], unnamed: [], usable: false };
  }
  const headerTexts = cells.map((c) => cellText(c));
  const match = matchHeaders(headerTexts, mapping.columns);
  for (const p of match.problems) problems.push({ file, row: number, column: p.column, reason: p.reason });
  // A mapped header that is not there would silently lose a column (e.g. every status read as 在岗).
  const present = new Set(headerTexts.map(headerKey));
  for (const mapped of Object.keys(mapping.columns ?? {})) {
    if (!present.has(headerKey(mapped))) problems.push({ file, row: number, reason: `映射文件 columns 中的表头「${mapped}」在这一行中找不到` });
  }
  const required = mapping.agency === undefined ? [...REQUIRED, 'agency' as const] : REQUIRED;
  const missing = required.filter((f) => !match.columns.has(f));
  for (const field of missing) {
    const lookalike = lookalikeHeader(headerTexts, field);
    const hint = lookalike ? `（${columnLabel(lookalike.index, lookalike.header)}像是这一列，但表头须与上述写法完全一致）` : '';
    problems.push({ file, row: number, reason: missingColumnReason(field) + hint });
  }
  if (missing.length && !mapping.headerRow && filled === 1) {
    const mappingName = mappingPathFor(file).split('/').pop();
    problems.push({ file, row: number, reason: `这一行只有一个单元格有内容，像是标题：表头不在这一行时，请在映射文件 ${mappingName} 中用 headerRow 写明表头在第几行` });
  }
  return {
    number,
    width: cells.length,
    columns: match.columns,
    dropped: match.dropped,
    unnamed: [...match.droppedIndexes].filter((i) => cellText(cells[i] ?? '').trim() === ''),
    usable: !missing.length && !match.problems.length && problems.length === problemsBefore,
  };
}

function missingColumnReason(field: RosterField): string {
  const aliases = headerAliases[field].map((a) => `「${a}」`).join('、');
  const extra = field === 'agency' ? '；或在映射文件中用 agency 指定全部人员所属的单位' : '';
  return `缺少必需的「${fieldLabels[field]}」列：表头应为${aliases}之一，或在映射文件 columns 中指定${extra}`;
}

/** A date in the file name: `…2026-11-01…` or `…20261101…`. */
export function asOfFromFileName(file: string): string | undefined {
  const base = file.split(/[/\\]/).pop() ?? file;
  for (const m of base.matchAll(/(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)|(?<!\d)(\d{4})(\d{2})(\d{2})(?!\d)/g)) {
    const iso = m[1] ? `${m[1]}-${m[2]}-${m[3]}` : `${m[4]}-${m[5]}-${m[6]}`;
    if (isRealIsoDate(iso)) return iso;
  }
  return undefined;
}
