import { csvTable } from './csv.ts';
import { decodeText } from './decode.ts';
import type { RosterMapping } from './mapping.ts';
import type { OpenResult } from './table.ts';
import type { RosterFileReport, RosterSource } from './types.ts';
import { openXlsx } from './xlsx.ts';

/** Opens a roster by its extension, after checking that the content is what the extension says. */
export async function openTable(source: RosterSource, mapping: RosterMapping, report: RosterFileReport): Promise<OpenResult> {
  const extension = /\.([^./\\]+)$/.exec(source.file)?.[1]?.toLowerCase();
  const kind = signature(source.bytes);
  if (extension === 'xlsx') {
    report.encoding = 'XLSX';
    if (kind === 'ole') return { ok: false, reason: '这是设置了打开密码的工作簿，或是改了扩展名的旧版 .xls 文件：请取消密码（或另存为 .xlsx）后再放入' };
    if (kind !== 'zip') return { ok: false, reason: '文件内容不是 XLSX 工作簿（可能是改了扩展名的 CSV 或其他文件）' };
    return openXlsx(source.bytes, mapping.sheet);
  }
  if (extension === 'csv') {
    if (kind === 'zip') return { ok: false, reason: '这是 XLSX 工作簿，扩展名却是 .csv：请把扩展名改为 .xlsx' };
    if (kind === 'ole') return { ok: false, reason: '这是 Excel 二进制工作簿（.xls 或加密文件），扩展名却是 .csv：请在 Excel 中另存为 CSV 或 .xlsx' };
    if (mapping.sheet !== undefined) return { ok: false, reason: '映射文件中的 sheet 只适用于 XLSX 文件' };
    const decoded = decodeText(source.bytes);
    if (!decoded.ok) return decoded;
    report.encoding = decoded.encoding;
    return { ok: true, table: csvTable(decoded.text) };
  }
  if (extension === 'xls') return { ok: false, reason: '不支持旧版 .xls 格式：请在 Excel 中另存为 .xlsx 或 CSV' };
  return { ok: false, reason: '不支持的文件类型：名单应为 .csv 或 .xlsx 文件' };
}

/** Zip (XLSX) and OLE compound file (old .xls, password-protected workbooks) by their first bytes. */
function signature(bytes: Uint8Array): 'zip' | 'ole' | undefined {
  if (bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) return 'zip';
  if (bytes[0] === 0xd0 && bytes[1] === 0xcf && bytes[2] === 0x11 && bytes[3] === 0xe0) return 'ole';
  return undefined;
}
