import { categoryTargetTitle } from '../regulation/categories.ts';
import { isDraft } from '../regulation/status.ts';
import { categoriesOf, type Directory } from '../directory.ts';
import { groupByRegion } from '../registry/regions.ts';
import type { AgencyChoice, CategoryGroup } from './form-html.ts';

/**
 * Category groups for the form: per regulation in use, one group aimed at the auxiliary's conduct and one at the
 * agency's duties (a draft's groups say it has no legal force), then 其他.
 */
export function categoryGroups(directory: Directory): CategoryGroup[] {
  const ids = [...new Set(directory.agencies.map((a) => a.regulation))];
  const groups: CategoryGroup[] = [];
  for (const id of ids) {
    const regulation = directory.regulation(id);
    if (!regulation) continue;
    const options = categoriesOf(regulation);
    // A draft's title already ends in （征求意见稿）: said once, with its legal status.
    const title = isDraft(regulation) ? `${regulation.title.replace(/（征求意见稿）$/, '')}（征求意见稿，不具有法律效力）` : regulation.title;
    for (const target of ['auxiliary', 'agency'] as const) {
      groups.push({
        title: `${title} · ${categoryTargetTitle[target]}`,
        regulationId: regulation.id,
        options: options.filter((c) => c.target === target),
      });
    }
  }
  groups.push({ title: '其他', regulationId: null, options: [{ code: 'other', label: '其他' }] });
  return groups;
}

/** The agencies a person may pick, in the order the form shows them: by region, then by name. */
export function agencyChoices(directory: Directory): AgencyChoice[] {
  return groupByRegion(directory.agencies.map((a) => ({ id: a.id, name: a.name, region: a.region }))).flatMap((g) => g.agencies);
}
