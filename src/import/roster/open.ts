import { csvTable } from './csv.ts';
import { decodeText } from './decode.ts';
import type { RosterMapping } from './mapping.ts';
import type { OpenResult } from './table.ts';
import type { RosterFileReport, RosterSource } from './types.ts';
import { openWorkbook, type WorkbookKind } from './workbook.ts';
import { checkZipLimits } from './zip-limits.ts';
import { withHint } from '../../core/error-data.ts';
import { rosterErrors } from './errors.ts';

/** Opens a roster by its extension, after checking that the content is what the extension says. */
export async function openTable(source: RosterSource, mapping: RosterMapping, report: RosterFileReport): Promise<OpenResult> {
  const extension = /\.([^./\\]+)$/.exec(source.file)?.[1]?.toLowerCase();
  const kind = signature(source.bytes);
  if (extension === 'xlsx') {
    report.encoding = 'XLSX';
    if (kind === 'ole') {
      // An old .xls renamed to .xlsx is read as what it is; an encrypted workbook is refused by the reader.
      report.encoding = 'XLSX（内容为 .xls）';
      if (source.bytes.length < 512) return { ok: false, reason: withHint(rosterErrors.XlsxTruncated) };
      return workbook(source.bytes, 'XLS', mapping.sheet);
    }
    if (kind !== 'zip') return { ok: false, reason: withHint(rosterErrors.NotXlsx) };
    return workbook(source.bytes, 'XLSX', mapping.sheet);
  }
  if (extension === 'xls' || extension === 'et') {
    const name: WorkbookKind = extension === 'xls' ? 'XLS' : 'ET';
    report.encoding = kind === 'zip' ? `${name}（内容为 XLSX）` : kind === 'html' ? `${name}（内容为网页表格）` : name;
    // Some systems save an XLSX or an HTML table under .xls; the reader recognizes those contents too.
    if (kind === undefined) return { ok: false, reason: withHint(rosterErrors.NotWorkbook, extension) };
    if (kind === 'ole' && source.bytes.length < 512) return { ok: false, reason: withHint(rosterErrors.WorkbookTruncated, extension) };
    return workbook(source.bytes, name, mapping.sheet);
  }
  if (extension === 'csv') {
    if (kind === 'zip') return { ok: false, reason: withHint(rosterErrors.XlsxNamedCsv) };
    if (kind === 'ole') return { ok: false, reason: withHint(rosterErrors.XlsNamedCsv) };
    if (mapping.sheet !== undefined) return { ok: false, reason: withHint(rosterErrors.SheetOnCsv) };
    const decoded = decodeText(source.bytes);
    if (!decoded.ok) return decoded;
    report.encoding = decoded.encoding;
    return { ok: true, table: csvTable(decoded.text) };
  }
  return { ok: false, reason: withHint(rosterErrors.UnsupportedType) };
}

async function workbook(bytes: Uint8Array, kind: WorkbookKind, sheet: string | undefined): Promise<OpenResult> {
  if (signature(bytes) === 'zip') {
    const refused = await checkZipLimits(bytes);
    if (refused) return { ok: false, reason: refused };
  }
  return openWorkbook(bytes, kind, sheet);
}

/**
 * Zip (XLSX) and OLE compound file (old .xls, WPS .et, password-protected workbooks) by their first bytes; `html`
 * for a markup table saved as .xls.
 */
function signature(bytes: Uint8Array): 'zip' | 'ole' | 'html' | undefined {
  if (bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) return 'zip';
  if (bytes[0] === 0xd0 && bytes[1] === 0xcf && bytes[2] === 0x11 && bytes[3] === 0xe0) return 'ole';
  const start = new TextDecoder()
    .decode(bytes.subarray(0, 512))
    .replace(/^\uFEFF/, '')
    .trimStart()
    .toLowerCase();
  if (/^<(?:!doctype html|html|table|\?xml)/.test(start)) return 'html';
  return undefined;
}
