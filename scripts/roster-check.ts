/**
 * `npm run roster:check -- [--stats] [files or folders…]`: checks roster exports the way the build reads them and
 * prints, per file, what was read (encoding, roster date, rows, units, dropped columns), then every problem.
 * No arguments: all of `<CONTENT_DIR>/rosters/`. Exit 0 only when there is no problem; 1 with problems;
 * 2 when the check itself cannot run (registry broken, file missing).
 */
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { ContentError } from '../src/core/friendly-errors.ts';
import { loadRegistry, type Registry } from '../src/import/registry/load.ts';
import { findRosterFiles, findRosterFilesIn, importRosters, readRosterSources } from '../src/import/roster/index.ts';
import { describeFile, problemLines } from '../src/import/roster/report.ts';
import { readSettings } from '../src/core/settings.ts';
import { chinaToday, shownStatus } from '../src/build/portal/public-view.ts';

// Keep V8's young generation from doubling as rows stream through: reading 100k rows allocates a lot of
// short-lived strings, and the grown semi-spaces alone pushed peak RSS past the budget (figures in
// docs/BENCHMARKS.md). This flag is read at each scavenge, so setting it at run time takes effect.
setFlagsFromString('--semi-space-growth-factor=1');

const started = performance.now();
const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  console.log(`用法：npm run roster:check -- [--stats] [名单文件或文件夹…]

按生成网站时的同一套规则检查辅助人员名单（.csv / .xlsx / .xls / .et），列出每个文件读到的内容和全部问题。
不指定文件时检查 CONTENT_DIR（默认 content/）下 rosters/ 里的全部名单；机关名录取自 CONTENT_DIR/agencies.yaml。
  --stats   在标准错误输出中报告用时和内存峰值
退出码：0 全部通过；1 有问题；2 无法检查。说明见 docs/ROSTERS.md。`);
  process.exit(0);
}
const wantStats = args.includes('--stats');
const targets = args.filter((a) => a !== '--stats');
const { contentDir } = readSettings();
// `npm run` starts scripts in the package folder; file names given on the command line are relative to where
// the clerk typed the command.
const invokedFrom = process.env.npm_lifecycle_event === 'roster:check' && process.env.INIT_CWD ? process.env.INIT_CWD : process.cwd();

function fail(message: string): never {
  console.error(`✘ ${message}`);
  process.exit(2);
}

/** Regulation ids are the file names in regulations/ (the regulation loader enforces that they match). */
async function regulationIds(): Promise<Set<string>> {
  try {
    const names = await readdir(join(contentDir, 'regulations'));
    return new Set(names.filter((n) => n.endsWith('.yaml') && n !== 'readings.yaml').map((n) => n.replace(/\.yaml$/, '')));
  } catch {
    return new Set();
  }
}

async function rosterPaths(): Promise<string[]> {
  if (!targets.length) return findRosterFiles(contentDir);
  const paths: string[] = [];
  for (const target of targets) {
    const path = resolve(invokedFrom, target);
    const info = await stat(path).catch(() => undefined);
    if (!info) fail(`找不到文件：${target}`);
    if (info.isDirectory()) paths.push(...(await findRosterFilesIn(path)));
    else paths.push(path);
  }
  return paths;
}

let registry: Registry;
try {
  registry = await loadRegistry(contentDir, await regulationIds());
} catch (error) {
  if (error instanceof ContentError) fail(`机关名录有误，无法检查名单：\n${error.message}`);
  throw error;
}
const paths = await rosterPaths();
if (!paths.length) fail(`没有找到名单文件（.csv / .xlsx / .xls / .et）：${targets.length ? targets.join(' ') : join(contentDir, 'rosters')}`);

const result = await importRosters(await readRosterSources(paths, contentDir), registry);
const out: string[] = [`名单检查 · 内容目录 ${contentDir} · ${paths.length} 个文件`, ''];
for (const report of result.files) out.push(...describeFile(report, registry), '');
const total = result.files.reduce((sum, f) => sum + f.rows, 0);
if (result.problems.length) {
  out.push(...problemLines(result));
  out.push('', `✘ 检查未通过：请改正以上全部问题后重新检查。有问题时网站不会生成。`);
} else {
  out.push(`✔ 检查通过：${result.files.length} 个文件，共 ${total} 人，可以发布。`);
}
// Not errors (the roster may be right), but a certificate past 有效期至 is shown as expired, never as valid.
const today = chinaToday();
const expired = result.auxiliaries.filter((a) => shownStatus(a, today) === 'expired');
if (expired.length) {
  out.push(
    '',
    `⚠ 注意：${expired.length} 个在岗人员的证件已过有效期（网站显示为“已过有效期”）：${expired
      .slice(0, 10)
      .map((a) => `${a.certificateNo}（有效期至 ${a.validUntil}）`)
      .join('、')}${expired.length > 10 ? ' 等' : ''}。请换发证件或更新名单。`,
  );
}
process.stdout.write(`${out.join('\n')}\n`);
if (wantStats) {
  const wallMs = Math.round(performance.now() - started);
  const usage = process.resourceUsage();
  const cpuMs = Math.round((usage.userCPUTime + usage.systemCPUTime) / 1000);
  console.error(`stats files=${paths.length} rows=${total} wall_ms=${wallMs} cpu_ms=${cpuMs} max_rss_kb=${usage.maxRSS}`);
}
process.exitCode = result.problems.length ? 1 : 0;
