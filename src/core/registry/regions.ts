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

/** How many leading characters two region names share (河北省沧州市任丘市 and 河北省沧州市: 6). */
function sharedPrefix(a: string, b: string): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
}

/**
 * The groups of groupByRegion with `home` first, then the regions nearest it (the longest shared name: its own
 * city and province before another province), ties in Chinese collation. For a list where picking an agency of
 * another province by mistake is easy and costly (a transfer), while every agency stays selectable.
 */
export function groupByRegionFrom<T extends { region: string; name: string }>(agencies: readonly T[], home: string): RegionGroup<T>[] {
  const groups = groupByRegion(agencies);
  const rank = (region: string) => (region === home ? Number.MAX_SAFE_INTEGER : sharedPrefix(region, home));
  return groups
    .map((g, i) => ({ g, i, r: rank(g.region) }))
    .sort((a, b) => b.r - a.r || a.i - b.i)
    .map(({ g }) => g);
}
