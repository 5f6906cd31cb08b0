import { csvTable } from './csv.ts';
import { decodeText } from './decode.ts';
import type { RosterMapping } from './mapping.ts';
import type { OpenResult } from './table.ts';
import type { RosterFileReport, RosterSource } from './types.ts';
import { openWorkbook, type WorkbookKind } from './workbook.ts';
import { checkZipLimits } from './zip-limits.ts';

/** Opens a roster by its extension, after checking that the content is what the extension says. */
export async function openTable(source: RosterSource, mapping: RosterMapping, report: RosterFileReport): Promise<OpenResult> {
  const extension = /\.([^./\\]+)$/.exec(source.file)?.[1]?.toLowerCase();
  const kind = signature(source.bytes);
  if (extension === 'xlsx') {
    report.encoding = 'XLSX';
    if (kind === 'ole') {
      // An old .xls renamed to .xlsx is read as what it is; an encrypted workbook is refused by the reader.
      report.encoding = 'XLSX（内容为 .xls）';
      if (source.bytes.length < 512) return { ok: false, reason: '无法读取 .xlsx 文件：文件不完整或已损坏' };
      return workbook(source.bytes, 'XLS', mapping.sheet);
    }
    if (kind !== 'zip') return { ok: false, reason: '文件内容不是 XLSX 工作簿（可能是改了扩展名的 CSV 或其他文件）' };
    return workbook(source.bytes, 'XLSX', mapping.sheet);
  }
  if (extension === 'xls' || extension === 'et') {
    const name: WorkbookKind = extension === 'xls' ? 'XLS' : 'ET';
    report.encoding = kind === 'zip' ? `${name}（内容为 XLSX）` : kind === 'html' ? `${name}（内容为网页表格）` : name;
    // Some systems save an XLSX or an HTML table under .xls; the reader recognizes those contents too.
    if (kind === undefined)
      return { ok: false, reason: `文件内容不是 .${extension} 工作簿（可能是改了扩展名的 CSV 或文本文件）：请在 Excel 或 WPS 中打开后另存为 .xlsx` };
    if (kind === 'ole' && source.bytes.length < 512) return { ok: false, reason: `无法读取 .${extension} 文件：文件不完整或已损坏` };
    return workbook(source.bytes, name, mapping.sheet);
  }
  if (extension === 'csv') {
    if (kind === 'zip') return { ok: false, reason: '这是 XLSX 工作簿，扩展名却是 .csv：请把扩展名改为 .xlsx' };
    if (kind === 'ole') return { ok: false, reason: '这是 Excel 二进制工作簿（.xls 或加密文件），扩展名却是 .csv：请把扩展名改为 .xls' };
    if (mapping.sheet !== undefined) return { ok: false, reason: '映射文件中的 sheet 只适用于工作簿（.xlsx、.xls、.et）' };
    const decoded = decodeText(source.bytes);
    if (!decoded.ok) return decoded;
    report.encoding = decoded.encoding;
    return { ok: true, table: csvTable(decoded.text) };
  }
  return { ok: false, reason: '不支持的文件类型：名单应为 .csv、.xlsx、.xls 或 .et 文件' };
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
