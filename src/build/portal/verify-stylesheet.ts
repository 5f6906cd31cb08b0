/**
 * The stylesheet a verification page carries inline (docs/PORTAL.md, "One stylesheet, inline on verification pages"):
 * the rules of public/site.css that the page's templates can produce, in site.css's order, without comments and
 * indentation. Derived at build time, never a second copy. The same text on every verification page, so the CSP
 * allows it by one hash (src/build/security-headers.ts).
 *
 * Which rules: PurgeCSS keeps a rule when the words of its selector occur in the source of the templates that write
 * the page (verify-html.ts and every module of ours it imports, found by following their relative imports) or in
 * /expiry.js, which restyles the page in the browser. Matching the templates' source rather than built pages keeps
 * the states a given roster happens not to show (a photo, an expired certificate, a filing number).
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { PurgeCSS } from 'purgecss';

const STYLESHEET_FILE = join(process.cwd(), 'public', 'site.css');
const TEMPLATE = join(import.meta.dirname, 'verify-html.ts');
/** Scripts the page loads that change its classes or attributes. */
const PAGE_SCRIPTS = [join(process.cwd(), 'public', 'expiry.js')];
/** Classes built from a value (`status-${aux.status}`), so not written out in the source. */
const BUILT_CLASSES = [/^status-/];

const RELATIVE_IMPORT = /\bfrom\s+'(\.{1,2}\/[^']+\.ts)'/g;

/** verify-html.ts and every module of ours it imports, directly or not. */
export function templateFiles(entry: string = TEMPLATE): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const m of readFileSync(file, 'utf8').matchAll(RELATIVE_IMPORT)) visit(resolve(dirname(file), m[1]!));
  };
  visit(entry);
  return [...seen];
}

async function subset(): Promise<string> {
  let css: string;
  try {
    css = readFileSync(STYLESHEET_FILE, 'utf8');
  } catch (error) {
    throw new Error(`核验页要内联的样式表 ${STYLESHEET_FILE} 读不到（${(error as Error).message}）：请在项目根目录运行构建。`);
  }
  const content = [...templateFiles(), ...PAGE_SCRIPTS].map((file) => ({ raw: readFileSync(file, 'utf8'), extension: 'ts' }));
  const [result] = await new PurgeCSS().purge({ css: [{ raw: css }], content, safelist: { standard: BUILT_CLASSES } });
  const kept = result!.css
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\s*\n\s*/g, '\n')
    .trim();
  // site.css has no string holding a comment marker, so the comments can be dropped by pattern.
  if (/<\/style/i.test(kept)) throw new Error(`${STYLESHEET_FILE} 含有「</style」，不能内联到页面里：请删去它。`);
  return kept;
}

/** Read once per process, before the first page is written. */
export const verifyStylesheet: string = await subset();
