import { statSync } from 'node:fs';

/**
 * Why the content folder cannot be built from, naming CONTENT_DIR (`set`: whether the setting was given): checked
 * before Astro starts, which would otherwise bundle for ~10 s and then report an unreadable 办法目录 under it.
 */
export function contentDirProblem(contentDir: string, set: boolean): string | undefined {
  let what: string;
  try {
    if (statSync(contentDir).isDirectory()) return undefined;
    what = '不是目录';
  } catch {
    what = '不存在';
  }
  const named = set ? `CONTENT_DIR（${contentDir}）` : `CONTENT_DIR 没有设置，默认的内容目录 ${contentDir}`;
  return `${named}${what}。请把 CONTENT_DIR 设为本单位的内容目录（其中有 agencies.yaml、regulations/ 和 rosters/）；没有做任何更改。`;
}
