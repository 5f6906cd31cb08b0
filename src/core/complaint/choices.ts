import { categoriesOf, type Directory } from '../directory.ts';
import type { CategoryGroup } from './form-html.ts';

/** Category groups for the form: one per regulation in use, then 其他. */
export function categoryGroups(directory: Directory): CategoryGroup[] {
  const ids = [...new Set(directory.agencies.map((a) => a.regulation))];
  const groups: CategoryGroup[] = [];
  for (const id of ids) {
    const regulation = directory.regulation(id);
    if (!regulation) continue;
    groups.push({ title: regulation.title, regulationId: regulation.id, options: categoriesOf(regulation).filter((c) => c.regulationId) });
  }
  groups.push({ title: '其他', regulationId: null, options: [{ code: 'other', label: '其他' }] });
  return groups;
}

export function agencyChoices(directory: Directory): { id: string; name: string }[] {
  return [...directory.agencies].map((a) => ({ id: a.id, name: a.name })).sort((a, b) => a.name.localeCompare(b.name, 'zh-CN'));
}
