/**
 * `npm run build`: builds the site into a fresh folder and swaps it in as OUT_DIR (default dist/) only when the
 * build is complete (scripts/build/atomic.ts). A failed build leaves the published folder untouched. The build reads
 * the content folder and, read-only, the roster versions agencies published through the workspace — from
 * ROSTER_STORE_URL, else DATABASE_URL, else <VAR_DIR>/gongshi.sqlite (src/import/workspace-rosters.ts), and says
 * which in its output; it never reads complaints (statistics are served by a function).
 */
import { existsSync } from 'node:fs';
import { constants } from 'node:os';
import { buildSite } from './build/atomic.ts';
import { builtWithOf, replacementProblem } from './build/built-with.ts';
import { contentDirProblem } from './build/content-dir.ts';
import { siteUrlProblem } from '../src/core/settings.ts';

const outDir = process.env.OUT_DIR || 'dist';
// Said here, naming the setting: Astro's own words for it are "Invalid URL".
const siteUrlWrong = process.env.SITE_URL ? siteUrlProblem(process.env.SITE_URL.replace(/\/+$/, '')) : undefined;
if (siteUrlWrong) {
  console.error(`[build] ${siteUrlWrong}`);
  process.exit(1);
}
const next = builtWithOf(process.env);
const contentMissing = contentDirProblem(next.contentDir, !!process.env.CONTENT_DIR);
if (contentMissing) {
  console.error(`[build] ${contentMissing}`);
  process.exit(1);
}
// A scheduled rebuild run without the deployment's settings would replace the real directory with the sample one.
const replacing =
  process.env.REPLACE_SITE === '1' ? undefined : replacementProblem(outDir, next, { siteUrl: !process.env.SITE_URL, contentDir: !process.env.CONTENT_DIR });
if (replacing) {
  console.error(`[build] ${replacing}`);
  process.exit(1);
}
// Interrupted while it waits or builds: the lock it holds is removed on the way out (scripts/build/lock.ts), and the
// build, in a process group of its own (it does not get the terminal's signals), is stopped (scripts/build/atomic.ts).
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, () => process.exit(128 + constants.signals[signal]));
const hadSite = existsSync(outDir);
const result = await buildSite({ outDir });
if (!result.ok) {
  console.error(
    hadSite
      ? `[build] 构建失败，${outDir} 保持不变（仍是上一次成功构建的网站）。请按上面的提示修改后重试。`
      : `[build] 构建失败，还没有构建出网站（${outDir} 不存在）。请按上面的提示修改后重试。`,
  );
  process.exit(1);
}
console.log(`[build] 已切换 ${outDir} → ${result.builtDir}`);
