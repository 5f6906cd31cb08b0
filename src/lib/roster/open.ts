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
    if (kind === 'ole') return { ok: false, reason: '这是设置了打开密码的工作簿，或是改了扩展名的旧版 .xls 文件：请取消密码（或把扩展名改回 .xls）后再放入' };
    if (kind !== 'zip') return { ok: false, reason: '文件内容不是 XLSX 工作簿（可能是改了扩展名的 CSV 或其他文件）' };
    return workbook(source.bytes, 'XLSX', mapping.sheet);
  }
  if (extension === 'xls' || extension === 'et') {
    const name: WorkbookKind = extension === 'xls' ? 'XLS' : 'ET';
    report.encoding = kind === 'zip' ? `${name}（内容为 XLSX）` : name;
    // Some systems save an XLSX, an HTML table or a text file under .xls; the reader recognizes those contents too.
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

/** Zip (XLSX) and OLE compound file (old .xls, WPS .et, password-protected workbooks) by their first bytes. */
function signature(bytes: Uint8Array): 'zip' | 'ole' | undefined {
  if (bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) return 'zip';
  if (bytes[0] === 0xd0 && bytes[1] === 0xcf && bytes[2] === 0x11 && bytes[3] === 0xe0) return 'ole';
  return undefined;
}
