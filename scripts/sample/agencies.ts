import type { Kind, RosterAgency } from './people.ts';

/** Generator facts about each agency that has a roster in the sample (names come from agencies.yaml). */
export interface RosterAgencyPlan extends Omit<RosterAgency, 'name'> {
  /** Folder under content/rosters/. */
  area: string;
  /** Relative share of the sample's auxiliaries. */
  weight: number;
}

const RQ = { divisionCode: '130982', place: '河北省任丘市', dispatcher: '任丘市示例人力资源服务有限公司', area: 'renqiu', numbering: 'year' } as const;
const LA = { divisionCode: '341500', place: '安徽省六安市', dispatcher: '六安市皖西示例劳务派遣有限公司', area: 'luan', numbering: 'serial' } as const;
const JA = { ...LA, divisionCode: '341502', place: '安徽省六安市金安区', area: 'luan-jinan' } as const;
const YA = { ...LA, divisionCode: '341503', place: '安徽省六安市裕安区', area: 'luan-yuan' } as const;

function plan(id: string, kind: Kind, prefix: string, weight: number, base: typeof RQ | typeof LA | typeof JA | typeof YA): RosterAgencyPlan {
  return { id, kind, prefix, weight, ...base };
}

export const SAMPLE_AGENCIES: readonly RosterAgencyPlan[] = [
  plan('renqiu-cgj', 'cgj', 'RQCG', 3, RQ),
  plan('renqiu-scjg', 'scjg', 'RQSJ', 2, RQ),
  plan('renqiu-jtzf', 'jtzf', 'RQJT', 1.5, RQ),
  plan('renqiu-sthj', 'sthj', 'RQHB', 0.8, RQ),
  plan('renqiu-yjgl', 'yjgl', 'RQYJ', 0.8, RQ),
  plan('renqiu-zrzy', 'zrzy', 'RQZR', 0.7, RQ),
  plan('renqiu-nync', 'nync', 'RQNY', 0.6, RQ),
  plan('luan-cgj', 'cgj', 'LA-CG', 2.5, LA),
  plan('luan-scjg', 'scjg', 'LA-SJ', 1.5, LA),
  plan('luan-jtzf', 'jtzf', 'LA-JT', 1.2, LA),
  plan('luan-sthj', 'sthj', 'LA-HB', 0.7, LA),
  plan('luan-jinan-cgj', 'cgj', 'LAJA-CG', 1.6, JA),
  plan('luan-jinan-scjg', 'scjg', 'LAJA-SJ', 1, JA),
  plan('luan-jinan-yjgl', 'yjgl', 'LAJA-YJ', 0.6, JA),
  plan('luan-yuan-cgj', 'cgj', 'LAYA-CG', 1.4, YA),
  plan('luan-yuan-nync', 'nync', 'LAYA-NY', 0.6, YA),
];

/** Splits `total` over the plans by weight (largest remainders), so the counts add up exactly. */
export function shareOut(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (total * w) / sum);
  const counts = exact.map(Math.floor);
  let left = total - counts.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) {
    if (left-- <= 0) break;
    counts[i]!++;
  }
  return counts;
}
