import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** The project's source files under `dir` (relative to `root`): what tests that read our own code walk. */
export function sourceFiles(root: string, dir: string, extensions = /\.(ts|tsx|astro)$/): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) out.push(...sourceFiles(root, path, extensions));
    else if (extensions.test(entry.name)) out.push(path);
  }
  return out;
}

/** Source text without its comments (block, line, HTML), so that only what the code says is read. */
export function stripComments(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:'"`\\])\/\/[^\n]*/g, '$1')
    .replace(/<!--[\s\S]*?-->/g, '');
}
