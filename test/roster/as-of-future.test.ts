import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { AS_OF_MAX_DAYS_AHEAD, formatProblem, importRosters, type RosterResult, type RosterSource } from '../../src/import/roster/index.ts';
import { describeFile } from '../../src/import/roster/report.ts';
import { chinaToday } from '../../src/build/portal/public-view.ts';
import { AGENCIES, contentDir, csv, removeDir, testRegistry } from './support.ts';
import { csv as exportCsv, publishWorld, signedIn } from '../publish/support.ts';
import { describeEachStore, freshStore, smtpServer } from '../support/stores.ts';

/**
 * A roster date after today (docs/ROSTERS.md 第一节): up to AS_OF_MAX_DAYS_AHEAD days ahead it is accepted with a
 * warning (a roster prepared a day or a weekend early); further ahead it is refused (a typo: 2062 for 2026).
 */

const TODAY = '2026-12-01';
const ROWS = csv([
  ['姓名', '单位', '证件编号'],
  ['张伟', 'rq-cgj', 'RQ-CG-0001'],
]);
const messages = (r: RosterResult) => r.problems.map(formatProblem);
const registry = testRegistry();

function read(file: string, text = ROWS, mapping?: unknown, today = TODAY): Promise<RosterResult> {
  const source: RosterSource = { file, bytes: new TextEncoder().encode(text) };
  if (mapping !== undefined) {
    source.mapping = mapping;
    source.mappingFile = file.replace(/\.csv$/, '.mapping.yaml');
  }
  return importRosters([source], registry, { today });
}

const future = (date: string, where: string, days: number) =>
  `名单日期 ${date}（取自${where}）比今天（${TODAY}）晚 ${days} 天；名单日期最多只能比今天晚 3 天（本平台的数据检查规则，不是法规的要求）：多半是年份或月份写错了（如把 2026 写成了 2062），请改正；提前准备好的名单，请等到离名单日期不超过这个天数时再放入或上传`;

describe('a roster date in the future', () => {
  it('is allowed three days ahead', () => {
    expect(AS_OF_MAX_DAYS_AHEAD).toBe(3);
  });

  it('today, or earlier: no warning', async () => {
    for (const file of ['rosters/cgj-2026-12-01.csv', 'rosters/cgj-2026-11-30.csv']) {
      const r = await read(file);
      expect(messages(r)).toEqual([]);
      expect(r.files[0]!.asOfAhead).toBeUndefined();
      expect(describeFile(r.files[0]!, registry).join('\n')).not.toContain('⚠');
    }
  });

  it('the next day (a roster prepared a day early): accepted, with a warning in the report', async () => {
    const r = await read('rosters/cgj-2026-12-02.csv');
    expect(messages(r)).toEqual([]);
    expect(r.auxiliaries).toHaveLength(1);
    expect(r.files[0]!.asOfAhead).toEqual({ today: TODAY, days: 1 });
    expect([...r.asOfByAgency]).toEqual([['rq-cgj', '2026-12-02']]);
    const lines = describeFile(r.files[0]!, registry);
    expect(lines.slice(2, 4)).toEqual([
      '  名单日期：2026-12-02（取自文件名）',
      '  ⚠ 名单日期比今天（2026-12-01）晚 1 天：提前准备的名单可以这样放入，网站上显示的就是这个日期；如果是写错了，请改正',
    ]);
  });

  it('three days ahead (prepared on Friday for Monday) is accepted; four is refused', async () => {
    const friday = await read('rosters/cgj-20261207.csv', ROWS, undefined, '2026-12-04');
    expect(messages(friday)).toEqual([]);
    expect(friday.files[0]!.asOfAhead).toEqual({ today: '2026-12-04', days: 3 });
    const r = await read('rosters/cgj-2026-12-05.csv');
    expect(messages(r)).toEqual([`rosters/cgj-2026-12-05.csv：${future('2026-12-05', '文件名', 4)}`]);
  });

  it('a typo year in the file name, in the sheet, in the mapping file', async () => {
    expect(messages(await read('rosters/cgj-2062-12-01.csv'))).toEqual([`rosters/cgj-2062-12-01.csv：${future('2062-12-01', '文件名', 13149)}`]);
    const sheet = await read('rosters/城管局花名册.csv', `城管局辅助人员花名册\r\n填报日期：2062年11月1日\r\n${ROWS}`);
    expect(messages(sheet)).toEqual([`rosters/城管局花名册.csv 第 2 行：${future('2062-11-01', '表内第 2 行「填报日期：2062年11月1日」', 13119)}`]);
    const mapped = await read('rosters/cgj.csv', ROWS, { asOf: '2026-12-31' });
    expect(messages(mapped)).toEqual([`rosters/cgj.csv：${future('2026-12-31', '映射文件 asOf', 30)}`]);
  });

  it('only the date used counts: a future date in the file name under a sheet date of today is only listed', async () => {
    const r = await read('rosters/cgj-2062-12-01.csv', `填报日期：2026年12月1日\r\n${ROWS}`);
    expect(messages(r)).toEqual([]);
    expect(describeFile(r.files[0]!, registry)[2]).toBe(
      '  名单日期：2026-12-01（取自表内第 1 行「填报日期：2026年12月1日」；文件名中是 2062-12-01，与此不同，未采用）',
    );
  });
});

describe('npm run roster:check reads today from the clock (China time)', () => {
  const ROOT = fileURLToPath(new URL('../../', import.meta.url));
  const day = 86_400_000;
  const today = chinaToday();
  const plus = (days: number) => new Date(Date.parse(`${today}T00:00:00Z`) + days * day).toISOString().slice(0, 10);
  let dir: string;
  beforeAll(async () => {
    dir = await contentDir({
      'agencies.yaml': stringify(AGENCIES),
      'regulations/hebei-2021.yaml': 'id: hebei-2021\n',
      [`incoming/tomorrow-${plus(1)}.csv`]: ROWS,
      [`incoming/typo-${Number(today.slice(0, 4)) + 36}${today.slice(4)}.csv`]: ROWS,
    });
  });
  afterAll(() => removeDir(dir));
  const check = (file: string) =>
    spawnSync(process.execPath, [join(ROOT, 'scripts/roster-check.ts'), file], { cwd: dir, env: { ...process.env, CONTENT_DIR: dir }, encoding: 'utf8' });

  it('tomorrow: passes with the warning', () => {
    const run = check(`incoming/tomorrow-${plus(1)}.csv`);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`  ⚠ 名单日期比今天（${today}）晚 1 天`);
  });

  it('a typo year: fails', () => {
    const run = check(`incoming/typo-${Number(today.slice(0, 4)) + 36}${today.slice(4)}.csv`);
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(new RegExp(`比今天（${today}）晚 \\d+ 天；名单日期最多只能比今天晚 3 天（本平台的数据检查规则，不是法规的要求）`));
  });
});

describeEachStore('the publishing workspace upload', (kind) => {
  const db = freshStore(kind);
  const smtp = smtpServer();

  it('refuses an export whose date is a typo year', async () => {
    const world = await publishWorld(db);
    const clerk = await signedIn(db, world, smtp, 'city-cgj', 'roster@cgj.city.example');
    const response = await clerk.upload(
      'cgj-2062-11-20.csv',
      exportCsv([
        ['姓名', '单位', '证件编号'],
        ['刘洋', '', 'CG-0104'],
      ]),
    );
    expect(response.status).toBe(422);
    expect(response.text).toContain('名单日期 2062-11-20（取自文件名）比今天');
  });
});
