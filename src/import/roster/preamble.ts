import { agencyNameKey, type Registry } from '../registry/load.ts';
import type { Agency } from '../../core/registry/schema.ts';
import { cellText, parseDate } from './normalize.ts';
import type { TableRow } from './table.ts';

/** What the title and fill-in rows above the header say about the whole file. */
export interface Preamble {
  /** 填报日期：2022年11月1日, 截至2022年11月1日, 统计时间 … */
  asOf?: { date: string; text: string; row: number };
  /** 填报单位（盖章）：…, or a title that starts with an agency's full name. */
  agency?: { text: string; row: number; agency?: Agency };
}

const DATE_LABEL =
  /(填报日期|填表日期|制表日期|报送日期|统计日期|统计时间|统计截止日期|截止日期|截至日期|截止时间|截至时间|数据日期|名单日期|截至|截止|日期)\s*[:：]?\s*(?:到|至)?\s*/g;
const DATE_TEXT = /^(\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?|\d{8}(?!\d))/;
const AGENCY_LABEL = /(填报单位|填表单位|报送单位|单位名称|单位)\s*(?:[(（]\s*(?:盖章|公章|章|签章)\s*[)）])?\s*[:：]\s*/;
/** Where an agency name written after its label ends: a wide gap or the next label on the same line. */
const AGENCY_END = /\s{2,}|[\u3000]|填报日期|填表日期|填报人|制表|日期|联系|电话|[（(]?盖章/;

/**
 * Reads the rows above the header as a person would: the first labelled date is the roster date, the first
 * labelled unit (or else a title beginning with an agency's full name) is the file's agency. Merged cells repeat
 * their text across the row, so each row's distinct cells are read once.
 */
export function readPreamble(rows: readonly TableRow[], registry: Registry, resolveAgency: (value: string) => Agency | undefined): Preamble {
  const preamble: Preamble = {};
  for (const { number, cells } of rows) {
    const distinct: (string | Date)[] = [];
    for (const cell of cells) {
      const value = cell instanceof Date ? cell : cellText(cell).trim();
      if (value === '' || distinct.some((d) => d === value || (d instanceof Date && value instanceof Date && d.getTime() === value.getTime()))) continue;
      distinct.push(value);
    }
    distinct.forEach((cell, i) => {
      if (typeof cell !== 'string') return;
      const next = distinct[i + 1];
      if (!preamble.asOf) preamble.asOf = labelledDate(cell, next, number);
      if (!preamble.agency) {
        const m = AGENCY_LABEL.exec(cell);
        if (m) {
          let text = cell.slice(m.index + m[0].length);
          if (!text.trim() && typeof next === 'string') text = next;
          const end = AGENCY_END.exec(text);
          text = (end ? text.slice(0, end.index) : text).trim();
          if (text && !/^[_＿\s]+$/.test(text)) preamble.agency = { text, row: number, agency: resolveAgency(text) };
        }
      }
    });
  }
  if (!preamble.agency) {
    for (const { number, cells } of rows) {
      const title = cells.map((c) => cellText(c)).find((t) => t.trim() !== '');
      const agency = title === undefined ? undefined : agencyAtStart(title, registry);
      if (agency) {
        preamble.agency = { text: agency.name, row: number, agency };
        break;
      }
    }
  }
  return preamble;
}

function labelledDate(cell: string, next: string | Date | undefined, row: number): Preamble['asOf'] {
  for (const m of cell.matchAll(DATE_LABEL)) {
    const rest = cell.slice(m.index + m[0].length);
    if (!rest.trim() && next instanceof Date) {
      const parsed = parseDate(next);
      if (parsed.ok && parsed.value) return { date: parsed.value, text: `${m[1]}：${parsed.value}`, row };
    }
    const source = rest.trim() ? rest : typeof next === 'string' ? next : '';
    const d = DATE_TEXT.exec(source.trim());
    if (!d) continue;
    const parsed = parseDate(d[1]!);
    if (parsed.ok && parsed.value) return { date: parsed.value, text: `${m[1]}：${d[1]!.trim()}`, row };
  }
  return undefined;
}

/** The agency whose full name the title starts with (the longest such name). */
function agencyAtStart(title: string, registry: Registry): Agency | undefined {
  const key = agencyNameKey(title);
  let best: Agency | undefined;
  for (const agency of registry.agencies) {
    const name = agencyNameKey(agency.name);
    if (key.startsWith(name) && (!best || name.length > agencyNameKey(best.name).length)) best = agency;
  }
  return best;
}
