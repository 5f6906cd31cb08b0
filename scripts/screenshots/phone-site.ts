/**
 * A small site for the phone test (test/portal/verify-phone.test.ts) and the screenshots: the sample registry and
 * regulations, and one roster of a unit under the Lu'an draft (so every page carries the draft notice) with one
 * person per shown status, the active one with a photo and a validity date, every optional field switched on (the
 * longest first screen a deployment can have).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ShownStatus } from '../../src/core/roster/schema.ts';
import { addYears, chinaToday } from '../../src/build/portal/public-view.ts';

const root = resolve(import.meta.dirname, '../..');
const today = chinaToday();
const daysAgo = (n: number) => new Date(Date.parse(`${today}T00:00:00Z`) - n * 86_400_000).toISOString().slice(0, 10);

export const AGENCY = 'luan-cgj';

/** One person per shown status: [number, name, roster status word, status date, valid until]. */
export const PHONE_PEOPLE: Record<ShownStatus, { no: string; name: string; word: string; since: string; until: string }> = {
  active: { no: 'LA-CG-00001', name: '欧阳思远', word: '在岗', since: daysAgo(300), until: addYears(today, 2) },
  expired: { no: 'LA-CG-00002', name: '迪丽努尔·艾散', word: '在岗', since: daysAgo(900), until: daysAgo(12) },
  suspended: { no: 'LA-CG-00003', name: '司马晓彤', word: '暂停', since: daysAgo(6), until: addYears(today, 1) },
  revoked: { no: 'LA-CG-00004', name: '诸葛明轩', word: '收回', since: daysAgo(20), until: addYears(today, 1) },
  cancelled: { no: 'LA-CG-00005', name: '上官婉清', word: '注销', since: daysAgo(9), until: addYears(today, 1) },
  left: { no: 'LA-CG-00006', name: '慕容子豪', word: '离职', since: daysAgo(30), until: addYears(today, 1) },
};

const POLICY = `disclosure:
  publish:
    post: { enabled: true, basis: 测试依据第1号 }
    employment: { enabled: true, basis: 测试依据第1号 }
    dispatcher: { enabled: true, basis: 测试依据第1号 }
    photo: { enabled: true, basis: 测试依据第1号 }
`;

/** Writes the content folder and builds it; returns the build folder and a cleanup. */
export function buildPhoneSite(): { dist: string; remove(): void } {
  const content = mkdtempSync(join(tmpdir(), 'gongshi-phone-'));
  copyFileSync(join(root, 'content', 'agencies.yaml'), join(content, 'agencies.yaml'));
  cpSync(join(root, 'content', 'regulations'), join(content, 'regulations'), { recursive: true });
  writeFileSync(join(content, 'policy.yaml'), POLICY);
  const folder = join(content, 'rosters', 'luan');
  mkdirSync(join(folder, 'photos'), { recursive: true });
  const header = '姓名,单位,证件编号,岗位,状态,状态日期,发证日期,有效期至,用工方式,劳务派遣单位,照片,照片公开同意';
  const rows = Object.values(PHONE_PEOPLE).map((p) => {
    copyFileSync(join(root, 'content/rosters/renqiu/photos/RQCG-2024-0001.png'), join(folder, 'photos', `${p.no}.png`));
    return [
      p.name,
      AGENCY,
      p.no,
      '市容巡查辅助员',
      p.word,
      p.since,
      '2022-01-01',
      p.until,
      '劳务派遣',
      '六安市皖西示例劳务派遣有限公司',
      `photos/${p.no}.png`,
      '是',
    ].join(',');
  });
  writeFileSync(join(folder, `${AGENCY}-2026-11-01.csv`), `${header}\n${rows.join('\n')}\n`);
  const dist = `${content}-dist`;
  const env: NodeJS.ProcessEnv = { ...process.env, CONTENT_DIR: content, OUT_DIR: dist, ASTRO_TELEMETRY_DISABLED: '1' };
  const result = spawnSync(process.execPath, [join(root, 'node_modules/astro/bin/astro.mjs'), 'build'], { cwd: root, env, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`build failed:\n${result.stdout}\n${result.stderr}`);
  return {
    dist,
    remove() {
      for (const dir of [content, dist, `${dist}-cache`]) rmSync(dir, { recursive: true, force: true });
    },
  };
}
