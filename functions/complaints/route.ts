import type { Agency } from '../../src/core/registry/schema.ts';
import type { Target } from '../store/records/shapes.ts';
import type { Directory } from '../../src/core/directory.ts';
import { mayReceive } from './accused.ts';

/** Whom a complaint is about, after the number has been looked up. */

export type RouteRule = 'employer' | 'unit' | 'parent' | 'oversight-of-agency' | 'oversight-of-region' | 'oversight-fallback';

export interface Route {
  agencyId: string;
  rule: RouteRule;
  /** Why, in Chinese: recorded as the reason of the first `routed` event. */
  reason: string;
}

/**
 * Where a complaint goes. Pure: the same target and directory always give the same route.
 * - about a named auxiliary → the agency that employs them (谁使用、谁管理、谁负责);
 * - about a unit, person unknown → that unit;
 * - about an agency itself → its parent (上级行政机关), never the accused agency;
 * - anything else (no parent, a number not on any roster, an unknown agency) → the justice bureau
 *   (oversight) of the agency concerned, else of its region, else the bureau most agencies answer to.
 * A complaint about an agency never goes to that agency nor to any agency below it (see accused.ts).
 */
export function routeComplaint(target: Target, directory: Directory): Route {
  const concerned = target.agencyId ? directory.agency(target.agencyId) : undefined;
  switch (target.about) {
    case 'auxiliary':
      if (concerned) {
        return {
          agencyId: concerned.id,
          rule: 'employer',
          reason: `被投诉人 ${target.name}（证件编号 ${target.certificateNo}）由${concerned.name}使用和管理，按“谁使用、谁管理、谁负责”转该机关办理`,
        };
      }
      break;
    case 'unit':
      if (concerned) {
        return { agencyId: concerned.id, rule: 'unit', reason: `反映对象为${concerned.name}的辅助人员（身份不明），转该单位办理` };
      }
      break;
    case 'agency':
      if (concerned?.parent && directory.agency(concerned.parent) && mayReceive(directory, target, concerned.parent)) {
        const parent = directory.agency(concerned.parent)!;
        return {
          agencyId: parent.id,
          rule: 'parent',
          reason: `反映对象为${concerned.name}本身，转其上级行政机关${parent.name}办理（不交被反映机关自己处理）`,
        };
      }
      break;
    case 'unknownNumber':
      break;
  }
  return toOversight(target, concerned, directory);
}

function toOversight(target: Target, concerned: Agency | undefined, directory: Directory): Route {
  const why =
    target.about === 'unknownNumber'
      ? `编号 ${target.certificateNo} 不在公示名单中，可能是冒用或伪造证件`
      : target.about === 'agency' && concerned
        ? `${concerned.name}没有登记上级行政机关`
        : `无法确定${target.agencyId ? `单位“${target.agencyId}”` : '被反映单位'}`;
  // Never the accused agency nor a body below it (a city's justice bureau is below the city government).
  const allowed = (id: string) => id !== concerned?.id && mayReceive(directory, target, id);
  const own = concerned?.oversight ? directory.agency(concerned.oversight) : undefined;
  if (own && allowed(own.id)) {
    return { agencyId: own.id, rule: 'oversight-of-agency', reason: `${why}，转${concerned!.name}的司法行政监督部门${own.name}处理` };
  }
  const regional = concerned ? oversightOfRegion(concerned.region, directory, allowed) : undefined;
  if (regional) {
    return { agencyId: regional.id, rule: 'oversight-of-region', reason: `${why}，转${concerned!.region}的司法行政部门${regional.name}处理` };
  }
  const fallback = mostCommonOversight(directory, allowed);
  if (!fallback) throw new Error('agencies.yaml 中没有任何机关登记 oversight（司法行政部门），无法兜底分派投诉');
  return { agencyId: fallback.id, rule: 'oversight-fallback', reason: `${why}，转司法行政部门${fallback.name}处理` };
}

function oversightOfRegion(region: string, directory: Directory, allowed: (id: string) => boolean): Agency | undefined {
  const counts = new Map<string, number>();
  for (const a of directory.agencies) {
    if (a.region === region && a.oversight && allowed(a.oversight)) counts.set(a.oversight, (counts.get(a.oversight) ?? 0) + 1);
  }
  return pickMost(counts, directory);
}

function mostCommonOversight(directory: Directory, allowed: (id: string) => boolean): Agency | undefined {
  const counts = new Map<string, number>();
  for (const a of directory.agencies) {
    if (a.oversight && allowed(a.oversight)) counts.set(a.oversight, (counts.get(a.oversight) ?? 0) + 1);
  }
  return pickMost(counts, directory);
}

function pickMost(counts: Map<string, number>, directory: Directory): Agency | undefined {
  const best = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0];
  return best ? directory.agency(best[0]) : undefined;
}
