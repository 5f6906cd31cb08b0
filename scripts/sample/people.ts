import { chineseName } from './names.ts';
import type { Rng } from './prng.ts';

export type Status = 'active' | 'suspended' | 'revoked' | 'left';

/** One generated person: the published fields plus the private ones an agency export really carries. */
export interface Person {
  certificateNo: string;
  name: string;
  agencyId: string;
  post: string;
  status: Status;
  statusSince: string;
  issuedOn: string;
  validUntil: string;
  employment: 'direct' | 'dispatch';
  dispatcher?: string;
  photo?: string;
  // Private: written to exports as agencies do, and must be dropped at import.
  idNumber: string;
  phone: string;
  address: string;
  birthDate: string;
}

/** What the generator needs to know about an agency that has a roster. */
export interface RosterAgency {
  id: string;
  name: string;
  /** Kind of agency (城管, 市场监管 …), chooses the posts. */
  kind: Kind;
  /** Certificate number prefix, unique per agency, e.g. `RQCG` or `LAJA-SJ`. */
  prefix: string;
  /** `year` → `RQCG-2023-0042`; `serial` → `LAJA-SJ-00017`. */
  numbering: 'year' | 'serial';
  /** 6-digit administrative division code used in the (fictional) ID-card numbers. */
  divisionCode: string;
  /** Place name for fictional home addresses. */
  place: string;
  dispatcher: string;
}

export type Kind = 'cgj' | 'scjg' | 'jtzf' | 'sthj' | 'yjgl' | 'zrzy' | 'nync';

const COMMON_POSTS = ['文书辅助', '信息录入员', '执法记录仪管理员', '宣传引导员'];
const POSTS: Record<Kind, string[]> = {
  cgj: ['协管员', '巡查员', '市容协管员', '违建巡查员', '渣土车巡查员'],
  scjg: ['市场巡查员', '食品安全协管员', '协管员', '抽样辅助员'],
  jtzf: ['交通协管员', '路政巡查员', '治超辅助员', '运政稽查辅助员'],
  sthj: ['环境巡查员', '环境监测辅助员', '协管员'],
  yjgl: ['安全检查辅助员', '巡查员', '协管员'],
  zrzy: ['国土巡查员', '违法用地巡查员', '协管员'],
  nync: ['农资市场巡查员', '动物卫生监督协管员', '渔政协管员'],
};

export const ROSTER_DATE = '2026-11-01';
const ROSTER_DAY = dayNumber(ROSTER_DATE);
const FIRST_ISSUE_DAY = dayNumber('2021-12-01');

const MOBILE_PREFIXES = [
  '130',
  '131',
  '132',
  '135',
  '136',
  '137',
  '138',
  '139',
  '150',
  '151',
  '152',
  '155',
  '157',
  '158',
  '159',
  '176',
  '177',
  '180',
  '182',
  '183',
  '185',
  '186',
  '187',
  '188',
  '189',
  '199',
];
const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

export function dayNumber(iso: string): number {
  return Math.floor(Date.parse(`${iso}T00:00:00Z`) / 86_400_000);
}

export function isoFromDay(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

function addYears(iso: string, years: number): string {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y + years, m - 1, d));
  if (date.getUTCDate() !== d) date.setUTCDate(0); // 29 Feb → 28 Feb
  return isoFromDay(Math.floor(date.getTime() / 86_400_000) - 1);
}

/** An 18-digit ID-card number with a correct check digit (GB 11643), for a person who does not exist. */
function idNumber(rng: Rng, divisionCode: string, birthDate: string): string {
  const body = divisionCode + birthDate.replaceAll('-', '') + String(rng.int(0, 999)).padStart(3, '0');
  const sum = [...body].reduce((acc, ch, i) => acc + Number(ch) * ID_WEIGHTS[i]!, 0);
  return body + ID_CHECK[sum % 11];
}

/** Generates `count` people for one agency; `serialStart` continues the agency's numbering. */
export function generatePeople(rng: Rng, agency: RosterAgency, count: number): Person[] {
  const people: Person[] = [];
  for (let i = 0; i < count; i++) {
    const issuedDay = rng.int(FIRST_ISSUE_DAY, ROSTER_DAY - 20);
    const issuedOn = isoFromDay(issuedDay);
    const birthDate = isoFromDay(dayNumber(`${rng.int(1966, 2002)}-01-01`) + rng.int(0, 364));
    const status = rng.weighted<Status>([
      ['active', 84],
      ['suspended', 4],
      ['revoked', 4],
      ['left', 8],
    ]);
    const statusSince = status === 'active' ? issuedOn : isoFromDay(rng.int(issuedDay + 10, ROSTER_DAY - 1));
    const seq = i + 1;
    const certificateNo =
      agency.numbering === 'year'
        ? `${agency.prefix}-${issuedOn.slice(0, 4)}-${String(seq).padStart(4, '0')}`
        : `${agency.prefix}-${String(seq).padStart(5, '0')}`;
    const employment = rng.chance(0.35) ? 'dispatch' : 'direct';
    const person: Person = {
      certificateNo,
      name: chineseName(rng),
      agencyId: agency.id,
      post: rng.chance(0.8) ? rng.pick(POSTS[agency.kind]) : rng.pick(COMMON_POSTS),
      status,
      statusSince,
      issuedOn,
      validUntil: addYears(issuedOn, 5),
      employment,
      idNumber: idNumber(rng, agency.divisionCode, birthDate),
      phone: rng.pick(MOBILE_PREFIXES) + String(rng.int(0, 99_999_999)).padStart(8, '0'),
      address: `${agency.place}示例小区${rng.int(1, 40)}栋${rng.int(1, 6)}单元${rng.int(1, 18)}0${rng.int(1, 4)}室`,
      birthDate,
    };
    if (employment === 'dispatch') person.dispatcher = agency.dispatcher;
    people.push(person);
  }
  return people;
}
