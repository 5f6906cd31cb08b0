import { csvTable } from './csv.ts';
import { decodeText } from './decode.ts';
import type { RosterMapping } from './mapping.ts';
import type { OpenResult } from './table.ts';
import type { RosterFileReport, RosterSource } from './types.ts';
import { openMarkupTable, openWorkbook, type WorkbookKind } from './workbook.ts';
import { checkZipLimits } from './zip-limits.ts';
import { withHint } from '../../core/error-data.ts';
import { rosterErrors } from './errors.ts';
import { placed } from './problems.ts';

/**
 * Opens a roster by its extension, after checking that the content is what the extension says. `beforeRead` is
 * called right before a workbook (not a CSV or a web-page table) goes to the spreadsheet reader.
 */
export async function openTable(source: RosterSource, mapping: RosterMapping, report: RosterFileReport, beforeRead?: () => void): Promise<OpenResult> {
  const extension = /\.([^./\\]+)$/.exec(source.file)?.[1]?.toLowerCase();
  const kind = signature(source.bytes);
  if (extension === 'xlsx') {
    report.encoding = 'XLSX';
    if (kind === 'ole') {
      // An old .xls renamed to .xlsx is read as what it is; an encrypted workbook is refused by the reader.
      report.encoding = 'XLSX（内容为 .xls）';
      if (source.bytes.length < 512) return { ok: false, reason: withHint(rosterErrors.XlsxTruncated) };
      return workbook(source.bytes, 'XLS', mapping.sheet, beforeRead);
    }
    if (kind !== 'zip') return { ok: false, reason: withHint(rosterErrors.NotXlsx) };
    return workbook(source.bytes, 'XLSX', mapping.sheet, beforeRead);
  }
  if (extension === 'xls' || extension === 'et') {
    const name: WorkbookKind = extension === 'xls' ? 'XLS' : 'ET';
    report.encoding = kind === 'zip' ? `${name}（内容为 XLSX）` : kind === 'xml' ? `${name}（内容为 XML 表格）` : name;
    // Some systems save an XLSX, an HTML table or an Excel 2003 XML workbook under .xls; those are read too.
    if (kind === undefined) return { ok: false, reason: withHint(rosterErrors.NotWorkbook, extension) };
    if (kind === 'ole' && source.bytes.length < 512) return { ok: false, reason: withHint(rosterErrors.WorkbookTruncated, extension) };
    if (kind === 'html') {
      // Decoded here as a CSV is (BOM, UTF-8, else GB18030 for GBK/GB2312 pages), then read as text.
      const decoded = decodeText(source.bytes);
      report.encoding = `${name}（内容为网页表格${decoded.ok ? `，${decoded.encoding}` : ''}）`;
      if (!decoded.ok) return decoded;
      return openMarkupTable(decoded.text, name, mapping.sheet);
    }
    return workbook(source.bytes, name, mapping.sheet, beforeRead);
  }
  if (extension === 'csv') {
    if (kind === 'zip') return { ok: false, reason: withHint(rosterErrors.XlsxNamedCsv) };
    if (kind === 'ole') return { ok: false, reason: withHint(rosterErrors.XlsNamedCsv) };
    if (mapping.sheet !== undefined) return { ok: false, reason: withHint(rosterErrors.SheetOnCsv) };
    const decoded = decodeText(source.bytes);
    if (!decoded.ok) return decoded;
    report.encoding = decoded.encoding;
    return { ok: true, table: csvTable(decoded.text, { utf16: decoded.encoding.startsWith('UTF-16') }) };
  }
  // Excel's 另存为 → Unicode 文本 is a .txt file: said what to do with it (rename it to .csv), not only that it is refused.
  if (extension === 'txt') return { ok: false, ...placed(rosterErrors.TextExport) };
  return { ok: false, reason: withHint(rosterErrors.UnsupportedType) };
}

async function workbook(bytes: Uint8Array, kind: WorkbookKind, sheet: string | undefined, beforeRead: (() => void) | undefined): Promise<OpenResult> {
  if (signature(bytes) === 'zip') {
    const refused = await checkZipLimits(bytes);
    if (refused) return { ok: false, reason: refused };
  }
  beforeRead?.();
  return openWorkbook(bytes, kind, sheet);
}

/**
 * Zip (XLSX) and OLE compound file (old .xls, WPS .et, password-protected workbooks) by their first bytes; `html`
 * for a markup table saved as .xls (a page may start with any of its usual tags, or with an XML declaration when it
 * is XHTML); `xml` for an Excel 2003 XML workbook (SpreadsheetML) and any other XML, left to the workbook reader.
 */
function signature(bytes: Uint8Array): 'zip' | 'ole' | 'html' | 'xml' | undefined {
  if (bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) return 'zip';
  if (bytes[0] === 0xd0 && bytes[1] === 0xcf && bytes[2] === 0x11 && bytes[3] === 0xe0) return 'ole';
  const start = markupStart(bytes);
  if (start.startsWith('<?xml')) {
    if (SPREADSHEET_ML.test(start)) return 'xml';
    return /<(?:!doctype html|html|table)[\s>]/.test(start) ? 'html' : 'xml';
  }
  if (/^<(?:!doctype html|html|head|meta|body|style|table)[\s>/]/.test(start)) return 'html';
  return undefined;
}

/** An Excel 2003 XML workbook: `<Workbook` (or `<ss:Workbook`) in Microsoft's spreadsheet namespace. */
const SPREADSHEET_ML = /<(?:\w+:)?Workbook[\s>][\s\S]*urn:schemas-microsoft-com:office:spreadsheet/i;

/**
 * The beginning of a text file, lower-cased, BOM, leading white space and comments (`<!-- saved from url… -->`)
 * removed. ASCII tags read the same in UTF-8, GBK and GB18030; UTF-16 is known by its BOM.
 */
function markupStart(bytes: Uint8Array): string {
  const utf16 = bytes[0] === 0xff && bytes[1] === 0xfe ? 'utf-16le' : bytes[0] === 0xfe && bytes[1] === 0xff ? 'utf-16be' : 'utf-8';
  return new TextDecoder(utf16)
    .decode(bytes.subarray(0, 4096))
    .replace(/^\uFEFF/, '')
    .replace(/^(?:\s|<!--[\s\S]*?-->)+/, '')
    .toLowerCase();
}
