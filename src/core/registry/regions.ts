/** Agencies grouped by region, regions and names in Chinese collation: every list where a person picks an agency. */
export interface RegionGroup<T> {
  region: string;
  agencies: T[];
}

const collator = new Intl.Collator('zh-CN');

export function groupByRegion<T extends { region: string; name: string }>(agencies: readonly T[]): RegionGroup<T>[] {
  const byRegion = new Map<string, T[]>();
  for (const agency of agencies) {
    const list = byRegion.get(agency.region);
    if (list) list.push(agency);
    else byRegion.set(agency.region, [agency]);
  }
  return [...byRegion]
    .sort(([a], [b]) => collator.compare(a, b))
    .map(([region, list]) => ({ region, agencies: list.sort((a, b) => collator.compare(a.name, b.name)) }));
}
