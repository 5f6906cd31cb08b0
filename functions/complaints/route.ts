import type { Agency } from '../../src/core/registry/schema.ts';
import type { Target } from '../store/records/shapes.ts';
import type { Directory } from '../../src/core/directory.ts';
import { enclosingRegion, noSuperiorGuidance, superiorOf } from '../../src/core/complaint/superior.ts';
import { mayReceive } from './accused.ts';

export { isGovernment, regionsOf, subordinatesOf } from '../../src/core/complaint/superior.ts';

export type RouteRule = 'employer' | 'unit' | 'parent' | 'higher-government' | 'oversight-of-agency' | 'oversight-of-region';

export interface Route {
  agencyId: string;
  rule: RouteRule;
  /** Why, in Chinese: recorded as the reason of the first `routed` event. */
  reason: string;
}

/** No body on the platform may handle it: the complainant is told why and where to turn instead. */
export interface Refusal {
  refused: true;
  /** Why, and where to turn, in Chinese, for the complainant. */
  guidance: string;
}

export function isRefusal(route: Route | Refusal): route is Refusal {
  return 'refused' in route;
}

/**
 * Where a complaint goes. Pure: the same target and directory always give the same route.
 * - about a named auxiliary → the agency that employs them (谁使用、谁管理、谁负责);
 * - about a unit, person unknown → that unit;
 * - about an agency itself → its parent (上级行政机关); with no parent registered, the people's government of
 *   its region (for a department) or of the enclosing region (for a government); with none, refused with
 *   guidance. Never the accused body nor any body below it: a government's own departments cannot check it.
 * - a number on no roster → the justice bureau of the unit it was claimed for, else of the region where it
 *   happened (or the nearest enclosing region); never a bureau of another region.
 */
export function routeComplaint(target: Target, directory: Directory): Route | Refusal {
  const concerned = target.agencyId ? directory.agency(target.agencyId) : undefined;
  switch (target.about) {
    case 'auxiliary':
      if (!concerned) return unresolved();
      return {
        agencyId: concerned.id,
        rule: 'employer',
        reason: `被投诉人 ${target.name}（证件编号 ${target.certificateNo}）由${concerned.name}招用和管理，按“谁使用、谁管理、谁负责”转该机关办理`,
      };
    case 'unit':
      if (!concerned) return unresolved();
      return { agencyId: concerned.id, rule: 'unit', reason: `反映对象为${concerned.name}招用的辅助人员（身份不明），转该机关办理` };
    case 'agency':
      if (!concerned) return unresolved();
      return aboutAgency(concerned, directory);
    case 'unknownNumber':
      return unknownNumber(target, concerned, directory);
  }
}

function unresolved(): Refusal {
  return { refused: true, guidance: '无法确定被反映的单位，请从列表中选择单位后重新提交' };
}

function aboutAgency(concerned: Agency, directory: Directory): Route | Refusal {
  const superior = superiorOf(concerned, directory);
  if (!superior || !mayReceive(directory, { about: 'agency', agencyId: concerned.id }, superior.agency.id)) {
    return { refused: true, guidance: noSuperiorGuidance(concerned) };
  }
  const { agency, rule } = superior;
  return rule === 'parent'
    ? { agencyId: agency.id, rule, reason: `反映对象为${concerned.name}本身，转其上级行政机关${agency.name}办理（不交被反映机关自己处理）` }
    : {
        agencyId: agency.id,
        rule,
        reason: `反映对象为${concerned.name}本身，平台未登记其上级行政机关，转${agency.region}的${agency.name}办理（不交被反映机关或其下属部门处理）`,
      };
}

function unknownNumber(target: Extract<Target, { about: 'unknownNumber' }>, concerned: Agency | undefined, directory: Directory): Route | Refusal {
  const why = `编号 ${target.certificateNo} 不在公示名单中，可能是冒用或伪造证件`;
  const own = concerned?.oversight ? directory.agency(concerned.oversight) : undefined;
  if (concerned && own && own.id !== concerned.id) {
    return { agencyId: own.id, rule: 'oversight-of-agency', reason: `${why}，转${concerned.name}的司法行政监督部门${own.name}处理` };
  }
  const region = concerned?.region ?? target.region;
  if (!region) return { refused: true, guidance: '请选择事情发生的地区，以便转当地司法行政部门处理' };
  for (let r: string | undefined = region; r; r = enclosingRegion(r, directory)) {
    const bureau = oversightOfRegion(r, directory, concerned?.id);
    if (bureau) {
      const where = r === region ? `发生在${region}` : `发生在${region}，该地区未登记司法行政部门`;
      return { agencyId: bureau.id, rule: 'oversight-of-region', reason: `${why}，${where}，转${r}的司法行政部门${bureau.name}处理` };
    }
  }
  return {
    refused: true,
    guidance: `本平台没有登记${region}的司法行政部门，无法在这里转交。对方如正在冒充执法人员，请立即拨打 110；也可向当地司法局或通过 12345 政务服务便民热线反映。`,
  };
}

/** The justice bureau most agencies of the region answer to. */
function oversightOfRegion(region: string, directory: Directory, exclude: string | undefined): Agency | undefined {
  const counts = new Map<string, number>();
  for (const a of directory.agencies) {
    if (a.region === region && a.oversight && a.oversight !== exclude) counts.set(a.oversight, (counts.get(a.oversight) ?? 0) + 1);
  }
  const best = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0];
  return best ? directory.agency(best[0]) : undefined;
}
