import type { Cell, CellValue, Workbook } from 'exceljs';
import type { OpenResult, RawCell, TableRow } from './table.ts';

// exceljs's ValueType enum values (a `const enum`-like runtime object we avoid importing eagerly).
const T = { Null: 0, Merge: 1, Number: 2, String: 3, Date: 4, Hyperlink: 5, Formula: 6, SharedString: 7, RichText: 8, Boolean: 9, Error: 10 };

/**
 * Reads one sheet of an XLSX workbook (the named one, else the first) with exceljs. Every cell becomes text
 * as written, except numbers and dates; a formula is kept as its literal text (`=…`) and never evaluated.
 */
export async function openXlsx(bytes: Uint8Array, sheetName?: string): Promise<OpenResult> {
  // Loaded on demand: exceljs is large and a content folder may hold only CSV files.
  const { default: ExcelJS } = await import('exceljs');
  const workbook: Workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  } catch {
    return { ok: false, reason: '无法读取 XLSX 文件：文件已损坏或不是 Excel 2007 及以后的 .xlsx 格式' };
  }
  const sheets = workbook.worksheets;
  // By default the first sheet a clerk sees: hidden sheets (lookup lists, macros' scratch) are passed over.
  const sheet = sheetName === undefined ? (sheets.find((s) => s.state === 'visible' || !s.state) ?? sheets[0]) : workbook.getWorksheet(sheetName);
  if (!sheet) {
    if (sheetName === undefined) return { ok: false, reason: 'XLSX 文件中没有工作表' };
    return { ok: false, reason: `XLSX 文件中没有名为「${sheetName}」的工作表（已有：${sheets.map((s) => s.name).join('、')}）` };
  }
  return {
    ok: true,
    table: {
      date1904: Boolean(workbook.properties?.date1904),
      eachRow(visit: (row: TableRow) => void) {
        sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
          const cells: RawCell[] = [];
          row.eachCell({ includeEmpty: false }, (cell, colNumber) => {
            cells[colNumber - 1] = cellToRaw(cell);
          });
          for (let i = 0; i < cells.length; i++) if (cells[i] === undefined) cells[i] = '';
          visit({ number: rowNumber, cells });
        });
        return undefined;
      },
    },
  };
}

function cellToRaw(cell: Cell): RawCell {
  switch (cell.type) {
    case T.Merge:
      return cell.master === cell ? '' : cellToRaw(cell.master);
    case T.Number:
      return cell.value as number;
    case T.Date:
      return cell.value as Date;
    case T.Formula:
      return `=${cell.formula}`;
    case T.Boolean:
      return cell.value ? 'TRUE' : 'FALSE';
    default:
      return valueText(cell.value);
  }
}

function valueText(value: CellValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return value.toISOString();
  if ('richText' in value) return value.richText.map((r) => r.text).join('');
  if ('text' in value) return valueText(value.text as CellValue);
  if ('error' in value) return String(value.error);
  if ('formula' in value && typeof value.formula === 'string') return `=${value.formula}`;
  if ('sharedFormula' in value) return `=${value.formula ?? value.sharedFormula}`;
  return '';
}
