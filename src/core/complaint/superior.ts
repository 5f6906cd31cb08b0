import type { Agency } from '../registry/schema.ts';
import type { Directory } from '../directory.ts';

/**
 * Who stands above a body in the registry, for complaints about the body itself. A body's own departments are
 * below it and can never check it, so they are never its "superior", whatever the registry's data says.
 */
const GOVERNMENT = /人民政府$/;

export function isGovernment(agency: Agency): boolean {
  return GOVERNMENT.test(agency.name);
}

/** Every body whose chain of parents reaches `id`, and `id` itself. */
export function subordinatesOf(id: string, directory: Directory): Set<string> {
  const below = new Set([id]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const a of directory.agencies) {
      if (a.parent && below.has(a.parent) && !below.has(a.id)) {
        below.add(a.id);
        grew = true;
      }
    }
  }
  return below;
}

export type Superior = { agency: Agency; rule: 'parent' | 'higher-government' } | undefined;

/**
 * The registered parent (上级行政机关); failing that, the people's government one level up: for a department the
 * government of its own region, for a government that of the nearest enclosing region (a region whose name is a
 * prefix of its own). Undefined when the registry holds none.
 */
export function superiorOf(agency: Agency, directory: Directory): Superior {
  const below = subordinatesOf(agency.id, directory);
  const parent = agency.parent ? directory.agency(agency.parent) : undefined;
  if (parent && !below.has(parent.id)) return { agency: parent, rule: 'parent' };
  const governments = directory.agencies.filter((a) => isGovernment(a) && !below.has(a.id));
  if (!isGovernment(agency)) {
    const own = governments.find((g) => g.region === agency.region);
    if (own) return { agency: own, rule: 'higher-government' };
  }
  const higher = governments
    .filter((g) => g.region !== agency.region && agency.region.startsWith(g.region))
    .sort((a, b) => b.region.length - a.region.length)[0];
  return higher ? { agency: higher, rule: 'higher-government' } : undefined;
}

/** What a complainant is told when no body on the platform stands above the one they complain about. */
export function noSuperiorGuidance(agency: Agency): string {
  return (
    `本平台没有登记${agency.name}的上级机关，无法在这里受理针对${agency.name}本身的投诉举报。` +
    `平台不会把它转给${agency.name}自己或其所属部门处理，因为下级部门无权监督本级机关。` +
    `请向${agency.name}的上一级人民政府反映，或通过当地 12345 政务服务便民热线、信访渠道反映。` +
    `如要反映的是该机关招用的辅助人员，请在“反映的是谁？”中选择辅助人员。`
  );
}

/** The registry's regions, for the complaint form's 发生地区. */
export function regionsOf(directory: Directory): string[] {
  return [...new Set(directory.agencies.map((a) => a.region))].sort((a, b) => a.localeCompare(b, 'zh-CN'));
}

/** The nearest registered region that contains `region` (its name is a prefix of it). */
export function enclosingRegion(region: string, directory: Directory): string | undefined {
  return [...new Set(directory.agencies.map((a) => a.region))].filter((r) => r !== region && region.startsWith(r)).sort((a, b) => b.length - a.length)[0];
}
