import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join, posix } from 'node:path';

/**
 * `<link rel="modulepreload">` for the chunks a page's module scripts import. Astro writes one
 * `<script type="module" src="/_astro/…">` per page and nothing for the chunks that script imports (shared code such
 * as `shard.*.js`): the browser finds them only once the script itself has arrived and been parsed, one more round trip
 * in a row — 2 s under slow 3G (docs/BENCHMARKS.md, "Sixteenth run"). With the links the browser asks for the script
 * and its chunks at once. The names are read from the built files after the build, never written by hand, so a link
 * always names a file of this build that the page loads anyway (test/portal/preload.test.ts).
 *
 * Only module scripts: an island's component (the complaint form) is left to load after the plain form, which must be
 * usable before any JavaScript arrives.
 */

const MODULE_SCRIPT = /<script type="module" src="(\/_astro\/[^"?#]+\.js)"><\/script>/g;
/** One static import at the start of a built chunk: `import{a as e}from"./shard.X.js";` or `import"./x.js";`. */
const LEADING_IMPORT = /^\s*import\s*(?:[^"'`;()]*?\bfrom\s*)?["']([^"']+)["']\s*;?/;
const LINK = (href: string) => `<link rel="modulepreload" href="${href}">`;

/** The static imports a built chunk starts with (dynamic `import()` left out: only asked for when needed). */
export function leadingImports(code: string): string[] {
  const out: string[] = [];
  let rest = code;
  for (let m = LEADING_IMPORT.exec(rest); m; m = LEADING_IMPORT.exec(rest)) {
    out.push(m[1]!);
    rest = rest.slice(m[0].length);
  }
  return out;
}

/** Every chunk `entry` (a site path such as `/_astro/x.js`) imports, directly or not, in the order found; not the entry itself. */
export async function importedChunks(distDir: string, entry: string, read = (path: string) => readFile(path, 'utf8')): Promise<string[]> {
  const seen = new Set<string>([entry]);
  const queue = [entry];
  const out: string[] = [];
  while (queue.length) {
    const url = queue.shift()!;
    const file = join(distDir, url);
    if (!existsSync(file)) throw new Error(`modulepreload: ${url} is imported but not in the build (${file})`);
    for (const specifier of leadingImports(await read(file))) {
      // Built chunks import each other by relative path; anything else (a bare name, another origin) is not ours to preload.
      if (!specifier.startsWith('./') && !specifier.startsWith('../')) continue;
      const target = posix.join(posix.dirname(url), specifier);
      if (seen.has(target)) continue;
      seen.add(target);
      queue.push(target);
      out.push(target);
    }
  }
  return out;
}

/** The page with a modulepreload link, before `</head>`, for each chunk its module scripts import and the page does not link yet. */
export async function withModulePreloads(html: string, chunksOf: (entry: string) => Promise<string[]>): Promise<string> {
  const entries = [...html.matchAll(MODULE_SCRIPT)].map((m) => m[1]!);
  if (!entries.length) return html;
  const links: string[] = [];
  for (const entry of entries) {
    for (const chunk of await chunksOf(entry)) {
      if (entries.includes(chunk) || html.includes(`href="${chunk}"`) || links.includes(chunk)) continue;
      links.push(chunk);
    }
  }
  if (!links.length) return html;
  const at = html.indexOf('</head>');
  if (at < 0) return html;
  return html.slice(0, at) + links.map(LINK).join('') + html.slice(at);
}

/**
 * Adds the links to every built page with a module script. `verify/` (one page per certificate, no script),
 * `pagefind/` and `_astro/` are skipped, as in collectInlineHashes. Returns the pages changed and their links.
 */
export async function addModulePreloads(distDir: string): Promise<{ pages: number; links: number }> {
  const chunks = new Map<string, Promise<string[]>>();
  const chunksOf = (entry: string) => {
    const found = chunks.get(entry) ?? importedChunks(distDir, entry);
    chunks.set(entry, found);
    return found;
  };
  let pages = 0;
  let links = 0;
  const walk = async (dir: string, top: boolean): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        if (!(top && (entry.name === 'verify' || entry.name === 'pagefind' || entry.name === '_astro'))) await walk(join(dir, entry.name), false);
      } else if (entry.name.endsWith('.html')) {
        const file = join(dir, entry.name);
        const html = await readFile(file, 'utf8');
        const out = await withModulePreloads(html, chunksOf);
        if (out === html) continue;
        await writeFile(file, out);
        pages++;
        links += (out.match(/rel="modulepreload"/g)?.length ?? 0) - (html.match(/rel="modulepreload"/g)?.length ?? 0);
      }
    }
  };
  await walk(distDir, true);
  return { pages, links };
}
