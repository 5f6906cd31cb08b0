import { copyFile, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify as stringifyYaml } from 'yaml';
import { SAMPLE_AGENCIES, shareOut, type RosterAgencyPlan } from './agencies.ts';
import { extensionOf, writeExport, type ExportStyle } from './export.ts';
import { generatePeople, ROSTER_DATE, type Kind } from './people.ts';
import { readAgencyNames } from './sample.ts';
import { DEFAULT_SEED, rngFor } from './seed.ts';
import { BULK_GB_STYLE, BULK_STYLE, BULK_XLSX_STYLE } from './styles.ts';

const CONTENT_DIR = fileURLToPath(new URL('../../content/', import.meta.url));
/** Each agency gets about this many auxiliaries; more than that and fictional counties are added. */
const PER_AGENCY = 3000;

const COUNTY_BUREAUS: readonly (readonly [Kind, string, string])[] = [
  ['cgj', '城市管理综合行政执法局', 'CG'],
  ['scjg', '市场监督管理局', 'SJ'],
  ['jtzf', '交通运输综合行政执法大队', 'JT'],
  ['sthj', '生态环境分局', 'HB'],
  ['yjgl', '应急管理局', 'YJ'],
  ['zrzy', '自然资源和规划局', 'ZR'],
  ['nync', '农业农村局', 'NY'],
];

interface CountyAgency {
  id: string;
  name: string;
  region: string;
  regulation: string;
  parent?: string;
  oversight?: string;
  complaints: { email: string };
  phone: string;
  address: string;
}

/** A fictional county (示例第NN县) with a government, a justice bureau and seven enforcement agencies. */
function fictionalCounty(n: number): { registry: CountyAgency[]; plans: RosterAgencyPlan[] } {
  const nn = String(n).padStart(2, '0');
  const place = `示例第${nn}县`;
  const region = `河北省示例市${place}`;
  const domain = `county${nn}.gov.cn.example`;
  const base = (id: string, name: string, code: string): CountyAgency => ({
    id,
    name,
    region,
    regulation: 'hebei-2021',
    complaints: { email: `${code}@${domain}` },
    phone: `0310-0${nn}00${code.length}${String(id.length).padStart(2, '0')}`,
    address: `${region}示例路 ${id.length} 号`,
  });
  const gov = base(`county${nn}-gov`, `${place}人民政府`, 'zfbgs');
  const sfj = { ...base(`county${nn}-sfj`, `${place}司法局`, 'sfj'), parent: gov.id };
  const registry: CountyAgency[] = [gov, sfj];
  const plans: RosterAgencyPlan[] = [];
  for (const [kind, bureau, code] of COUNTY_BUREAUS) {
    const id = `county${nn}-${kind}`;
    registry.push({ ...base(id, place + bureau, kind), parent: gov.id, oversight: sfj.id });
    plans.push({
      id,
      kind,
      prefix: `X${nn}${code}`,
      numbering: 'year',
      weight: 1,
      area: `county${nn}`,
      divisionCode: `1399${nn}`,
      place: `河北省示例市${place}`,
      dispatcher: `${place}示例劳务派遣有限公司`,
    });
  }
  return { registry, plans };
}

/**
 * Writes a province-sized content folder for benchmarks (never committed): agencies.yaml (the sample registry,
 * plus fictional counties when needed so each agency has ~1,000–5,000 auxiliaries), regulations/ (copies) and
 * rosters/ — mostly UTF-8 CSV, plus one GB18030 CSV and one XLSX.
 */
export async function writeProvince(outDir: string, opts: { auxiliaries: number; seed?: number }): Promise<void> {
  const seed = opts.seed ?? DEFAULT_SEED;
  const total = Math.max(0, Math.floor(opts.auxiliaries));
  await mkdir(outDir, { recursive: true });
  await rm(join(outDir, 'rosters'), { recursive: true, force: true });
  await mkdir(join(outDir, 'regulations'), { recursive: true });
  for (const name of await readdir(join(CONTENT_DIR, 'regulations'))) {
    if (name.endsWith('.yaml')) await copyFile(join(CONTENT_DIR, 'regulations', name), join(outDir, 'regulations', name));
  }

  const names = await readAgencyNames(CONTENT_DIR);
  const plans: RosterAgencyPlan[] = [...SAMPLE_AGENCIES];
  let registryText = await readFile(join(CONTENT_DIR, 'agencies.yaml'), 'utf8');
  const counties = Math.max(0, Math.ceil((total / PER_AGENCY - plans.length) / COUNTY_BUREAUS.length));
  const extra: CountyAgency[] = [];
  for (let n = 1; n <= counties; n++) {
    const county = fictionalCounty(n);
    extra.push(...county.registry);
    plans.push(...county.plans);
    for (const a of county.registry) names.set(a.id, a.name);
  }
  if (extra.length) registryText += `\n# ───── 基准测试用虚构县（${counties} 个）─────\n${stringifyYaml(extra)}`;
  await writeFile(join(outDir, 'agencies.yaml'), registryText);

  // Equal shares: the sample's weights would push its big bureaus past 5,000 in a province.
  const counts = shareOut(
    total,
    plans.map(() => 1),
  );
  for (const [i, plan] of plans.entries()) {
    const name = names.get(plan.id)!;
    const style: ExportStyle = i === 0 ? BULK_GB_STYLE : i === 1 ? BULK_XLSX_STYLE : BULK_STYLE;
    const people = generatePeople(rngFor(seed, plan.id), { ...plan, name }, counts[i]!);
    await writeExport(join(outDir, 'rosters', plan.area, `${plan.id}-${ROSTER_DATE}.${extensionOf(style)}`), people, style, name);
  }
}
