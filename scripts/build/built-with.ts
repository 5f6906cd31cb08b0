import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEFAULT_SITE_URL } from '../../src/core/settings.ts';

/**
 * What a build was made with: the site's address and the content folder. Kept beside the directory file, under
 * `_functions/` (never served: it names a folder of the server). `npm run build` compares the live site's with its
 * own before replacing it (replacementProblem).
 */
export interface BuiltWith {
  siteUrl: string;
  contentDir: string;
}

const FILE = join('_functions', 'built-with.json');

export function builtWithOf(env: NodeJS.ProcessEnv): BuiltWith {
  return { siteUrl: (env.SITE_URL || DEFAULT_SITE_URL).replace(/\/+$/, ''), contentDir: resolve(env.CONTENT_DIR || 'content') };
}

export function writeBuiltWith(dir: string, built: BuiltWith): void {
  mkdirSync(join(dir, '_functions'), { recursive: true });
  writeFileSync(join(dir, FILE), `${JSON.stringify(built)}\n`);
}

export function readBuiltWith(dir: string): BuiltWith | undefined {
  try {
    const parsed = JSON.parse(readFileSync(join(dir, FILE), 'utf8')) as Partial<BuiltWith>;
    return typeof parsed.siteUrl === 'string' && typeof parsed.contentDir === 'string' ? { siteUrl: parsed.siteUrl, contentDir: parsed.contentDir } : undefined;
  } catch {
    return undefined;
  }
}

/** The address the build in `dir` was made for (its QR codes and absolute links point there), when it recorded one. */
export function builtSiteUrl(dir: string): string | undefined {
  return readBuiltWith(dir)?.siteUrl;
}

export const isLocalUrl = (url: string): boolean => {
  try {
    return ['localhost', '127.0.0.1', '[::1]'].includes(new URL(url).hostname);
  } catch {
    return true;
  }
};

/** Which of a run's settings were not set (its value is then the default): named so in the messages below. */
export interface Unset {
  siteUrl?: boolean;
  contentDir?: boolean;
}

/**
 * What differs between the site in `outDir` and a build with `next`, when that site was built for a public address
 * (SITE_URL) — one line per setting; undefined when nothing differs, the live site is a local one or has no record.
 */
export function replacedSettings(outDir: string, next: BuiltWith, unset: Unset = {}): { live: BuiltWith; differences: string[] } | undefined {
  const live = readBuiltWith(outDir);
  if (!live || isLocalUrl(live.siteUrl)) return undefined;
  const siteUrlUnset = unset.siteUrl ?? next.siteUrl === DEFAULT_SITE_URL;
  const differences = [
    ...(live.siteUrl !== next.siteUrl ? [`SITE_URL：现网站为 ${live.siteUrl}，本次为 ${next.siteUrl}${siteUrlUnset ? '（未设置）' : ''}`] : []),
    ...(live.contentDir !== next.contentDir
      ? [`CONTENT_DIR：现网站用 ${live.contentDir}，本次用 ${next.contentDir}${unset.contentDir ? '（未设置）' : ''}`]
      : []),
  ];
  return differences.length ? { live, differences } : undefined;
}

/**
 * Why this build must not replace the site in `outDir`: that site was built for a public address (SITE_URL) and
 * this one for another address or from another content folder — most often a scheduled rebuild run without the
 * deployment's settings, which would put the repository's sample province, with localhost QR codes, in place of
 * the real directory. Undefined when the replacement is as expected, or the live site is a local one. The override
 * (REPLACE_SITE=1) is for a deliberate move. `npm start` says the same in its own words (scripts/start.ts).
 */
export function replacementProblem(outDir: string, next: BuiltWith, unset: Unset = {}): string | undefined {
  const replaced = replacedSettings(outDir, next, unset);
  if (!replaced) return undefined;
  return (
    `${outDir} 中正在提供的网站与本次构建的设置不同（${replaced.differences.join('；')}）。` +
    '多半是定时任务或命令行没有读取部署的环境文件：请用与 npm start 相同的设置运行构建。网站保持不变，没有做任何更改。' +
    '如确要替换（网站迁到新地址或改用新的内容目录），请加上 REPLACE_SITE=1 再运行。'
  );
}
