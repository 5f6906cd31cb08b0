import { STATUS_WORDS_HINT } from '../../src/import/roster/status.ts';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { AGENCIES, contentDir, csv, removeDir } from './support.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CHECK = join(ROOT, 'scripts/roster-check.ts');

let dir: string;
beforeAll(async () => {
  dir = await contentDir({
    'agencies.yaml': stringify(AGENCIES),
    // roster:check needs only the regulation ids, which are the file names.
    'regulations/hebei-2021.yaml': 'id: hebei-2021\n',
    'rosters/cgj/cgj-2026-11-01.csv': csv([
      ['序号', '姓名', '单位', '证件编号', '身份证号', '联系电话'],
      ['1', '张三', '任丘市城市管理综合行政执法局', 'RQ-CG-0001', '130982199001011234', '13800138000'],
      ['2', '李四', 'rq-cgj', 'RQ-CG-0002', '130982198502023456', '13900139000'],
    ]),
    'rosters/scjg/scjg-2026-10-01.csv': csv([
      ['姓名', '单位', '证件编号', '状态'],
      ['王五', 'rq-scjg', 'RQ-SJ-0001', '暂停'],
    ]),
    'incoming/bad.csv': csv([
      ['姓名', '单位', '证件编号', '状态', '身份证号'],
      ['', 'rq-cgj', 'RQ-CG-0009', '在岗', '130982199203034567'],
      ['赵六', 'rq-cgj', 'RQ-CG-0001', '在岗', '130982199304045678'],
      ['钱七', '城管', 'RQ-CG-0010', '休假', '130982199405056789'],
    ]),
  });
});
afterAll(() => removeDir(dir));

function check(...args: string[]) {
  const run = spawnSync(process.execPath, [CHECK, ...args], { cwd: dir, env: { ...process.env, CONTENT_DIR: dir }, encoding: 'utf8' });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('npm run roster:check', () => {
  it('checks all of rosters/ when given no files, prints what it read, exits 0', () => {
    const run = check();
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(
      [
        `名单检查 · 内容目录 ${dir} · 2 个文件`,
        '',
        'rosters/cgj/cgj-2026-11-01.csv',
        '  格式 UTF-8 · 表头在第 1 行 · 2 人',
        '  名单日期：2026-11-01（取自文件名）',
        '  单位：任丘市城市管理综合行政执法局（rq-cgj）',
        '  状态写法的理解：（空）→在岗 2 人',
        '  已丢弃、不会公开的列：序号、身份证号、联系电话',
        '',
        'rosters/scjg/scjg-2026-10-01.csv',
        '  格式 UTF-8 · 表头在第 1 行 · 1 人',
        '  名单日期：2026-10-01（取自文件名）',
        '  单位：任丘市市场监督管理局（rq-scjg）',
        '  状态写法的理解：「暂停」→暂停 1 人',
        '  已丢弃、不会公开的列：无',
        '',
        '✔ 检查通过：2 个文件，共 3 人，可以发布。',
        '',
      ].join('\n'),
    );
  });

  it('lists every problem of a bad file, never its private columns, and exits 1', () => {
    const run = check('incoming/bad.csv', 'rosters/cgj/cgj-2026-11-01.csv');
    expect(run.status).toBe(1);
    const problems = run.stdout.slice(run.stdout.indexOf('发现'));
    expect(problems).toBe(
      [
        '发现 5 处问题：',
        '  1. incoming/bad.csv 第 2 行，A 列「姓名」：姓名为空：请填上姓名；不是人员的行（如说明文字）请删去',
        '  2. incoming/bad.csv 第 4 行，B 列「单位」，值「城管」：在 agencies.yaml 中找不到这个单位（应与机关的 id 或完整名称一致）',
        `  3. incoming/bad.csv 第 4 行，D 列「状态」，值「休假」：无法识别的状态。可用：${STATUS_WORDS_HINT}`,
        '  4. incoming/bad.csv：无法确定名单日期：请在表头上方写明“填报日期：2026年11月1日”，或在文件名中写上日期（如 城管局-2026-11-01.csv），或在映射文件中写 asOf: 2026-11-01',
        '  5. rosters/cgj/cgj-2026-11-01.csv 第 2 行，D 列「证件编号」，值「RQ-CG-0001」：证件编号重复：与 incoming/bad.csv 第 3 行相同：同一人只保留一行；不是同一人的，请核对证件编号',
        '',
        '✘ 检查未通过：请改正以上全部问题后重新检查。有问题时网站不会生成。',
        '',
      ].join('\n'),
    );
    expect(run.stdout).toContain(
      'incoming/bad.csv\n  格式 UTF-8 · 表头在第 1 行 · 1 人\n  名单日期：（未知）\n  单位：任丘市城市管理综合行政执法局（rq-cgj）\n',
    );
    expect(run.stdout).not.toMatch(/1309821992|1309821993|1309821994/);
  });

  it('explains itself with --help', () => {
    const run = check('--help');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^用法：npm run roster:check -- \[--stats\] \[名单文件或文件夹…\]\n/);
  });

  it('reports its own time and peak memory with --stats', () => {
    const run = check('--stats', 'rosters');
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(/^stats files=2 rows=3 wall_ms=\d+ cpu_ms=\d+ max_rss_kb=\d+\n$/);
  });

  it('exits 2 when a named file does not exist or the registry is broken', () => {
    const missing = check('rosters/none.csv');
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe('✘ 找不到文件：rosters/none.csv\n');
    const broken = spawnSync(process.execPath, [CHECK], { cwd: dir, env: { ...process.env, CONTENT_DIR: join(dir, 'rosters') }, encoding: 'utf8' });
    expect(broken.status).toBe(2);
    expect(broken.stderr).toMatch(/^✘ 机关名录有误，无法检查名单：/);
  });
});
