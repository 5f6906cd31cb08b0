/**
 * A small content folder for the legal tests: the sample registry and regulations, and two rosters written here
 * with one person per case (active with and without photo consent, expired, left recently and long ago, revoked,
 * cancelled, suspended) and a marker in every optional field, so a test can tell exactly which fields reached dist/.
 */
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { addYears, chinaToday } from '../../src/build/portal/public-view.ts';

export const root = resolve(import.meta.dirname, '../..');

export const MARK = {
  post: '岗位标记甲乙',
  dispatcher: '派遣标记丙丁有限公司',
  photoConsentNo: 'RQT-0001',
  photoNoConsentNo: 'RQT-0002',
} as const;

const today = chinaToday();
const daysAgo = (n: number) => new Date(Date.parse(`${today}T00:00:00Z`) - n * 86_400_000).toISOString().slice(0, 10);

/** One row per case: [number, name, status word, status date, valid until, consent]. */
export const PEOPLE = {
  activeConsent: { no: 'RQT-0001', name: '甲同意', status: '在岗', since: daysAgo(400), until: addYears(today, 3), consent: '是' },
  activeNoConsent: { no: 'RQT-0002', name: '乙未同', status: '在岗', since: daysAgo(400), until: addYears(today, 3), consent: '' },
  expired: { no: 'RQT-0003', name: '丙过期', status: '在岗', since: daysAgo(900), until: daysAgo(10), consent: '是' },
  leftRecently: { no: 'RQT-0004', name: '丁新离', status: '离职', since: daysAgo(30), until: addYears(today, 1), consent: '是' },
  leftLongAgo: { no: 'RQT-0005', name: '戊早离', status: '离职', since: addYears(daysAgo(1), -2), until: addYears(today, 1), consent: '是' },
  revokedLongAgo: { no: 'RQT-0006', name: '己收回', status: '收回', since: '2020-03-01', until: '2022-03-01', consent: '' },
  cancelled: { no: 'RQT-0007', name: '庚注销', status: '注销', since: daysAgo(5), until: addYears(today, 2), consent: '' },
  suspended: { no: 'RQT-0008', name: '辛暂停', status: '暂停', since: daysAgo(5), until: addYears(today, 2), consent: '' },
} as const;

export const LUAN_LEFT = { no: 'LAT-0001', name: '壬六安', since: daysAgo(20) };

/** Writes the content folder; `policy` is the text of policy.yaml (none when undefined). */
export function makeContent(policy?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'gongshi-legal-'));
  copyFileSync(join(root, 'content', 'agencies.yaml'), join(dir, 'agencies.yaml'));
  cpSync(join(root, 'content', 'regulations'), join(dir, 'regulations'), { recursive: true });
  const renqiu = join(dir, 'rosters', 'renqiu');
  mkdirSync(join(renqiu, 'photos'), { recursive: true });
  for (const p of Object.values(PEOPLE)) copyFileSync(join(root, 'content/rosters/renqiu/photos/RQCG-2024-0001.png'), join(renqiu, 'photos', `${p.no}.png`));
  const header = '姓名,单位,证件编号,岗位,状态,状态日期,发证日期,有效期至,用工方式,劳务派遣单位,照片,照片公开同意';
  const rows = Object.values(PEOPLE).map((p) =>
    [p.name, 'renqiu-cgj', p.no, MARK.post, p.status, p.since, '2019-01-01', p.until, '劳务派遣', MARK.dispatcher, `photos/${p.no}.png`, p.consent].join(','),
  );
  writeFileSync(join(renqiu, 'renqiu-cgj-2026-11-01.csv'), `${header}\n${rows.join('\n')}\n`);
  const luan = join(dir, 'rosters', 'luan');
  mkdirSync(luan, { recursive: true });
  writeFileSync(
    join(luan, 'luan-cgj-2026-11-01.csv'),
    `姓名,单位,证件编号,状态,状态日期\n${LUAN_LEFT.name},luan-cgj,${LUAN_LEFT.no},离职,${LUAN_LEFT.since}\n`,
  );
  if (policy !== undefined) writeFileSync(join(dir, 'policy.yaml'), policy);
  return dir;
}

/** policy.yaml with the given optional fields switched on, each with a basis. */
export function policyWith(fields: readonly string[], extra = ''): string {
  const lines = ['disclosure:', '  publish:'];
  for (const f of fields) lines.push(`    ${f}: { enabled: true, basis: 测试依据第1号 }`);
  if (!fields.length) lines.push('    post: { enabled: false }');
  return `${lines.join('\n')}\n${extra}`;
}
