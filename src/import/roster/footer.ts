import { cellText } from './normalize.ts';
import type { RawCell } from './table.ts';

/**
 * Totals (合计, 总计, 小计), signature lines (制表人, 审核人, 负责人, 联系电话 …) and notes under the table. A row is one
 * when its first filled cell starts with such a word: a person's row starts with a 序号 or a name, and a person
 * whose 岗位 is 负责人 still has something before it.
 */
const FOOTER_START =
  /^(?:合计|总计|小计|共计|总人数|制表|填表|填报人|填报日期|审核|审批|负责人|单位负责人|主要负责人|分管领导|经办人|联系人|联系电话|说明[:：]|备注[:：]|注[:：])/;

export function isFooterRow(cells: readonly RawCell[]): boolean {
  for (const cell of cells) {
    const text = cellText(cell).replace(/[\s\u3000]+/g, '');
    if (text) return FOOTER_START.test(text);
  }
  return false;
}
