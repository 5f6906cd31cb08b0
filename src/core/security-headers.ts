/**
 * The security headers of every page, static or function-rendered, in one place: the build writes the static ones
 * into `dist/_headers` (read by the Node server and by static hosts such as Netlify), and the functions add theirs
 * to every response. docs/SECURITY.md explains each.
 */

/** On every response: no MIME sniffing, no referrer (URLs carry certificate numbers and link tokens), no framing. */
export const BASE_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

export interface InlineHashes {
  /** `sha256-…` of each inline <script> the built pages contain (Astro's island loader, the search page's first-shard preload). */
  scripts: string[];
  /** `sha256-…` of each inline <style>. */
  styles: string[];
}

/**
 * The static site's policy: only our own files; the inline scripts and styles the build found, by hash;
 * 'wasm-unsafe-eval' because Pagefind's search runs as WebAssembly (it allows compiling WebAssembly, not eval()).
 */
export function sitePolicy(hashes: InlineHashes): string {
  const quoted = (list: string[]) => list.map((h) => ` '${h}'`).join('');
  return [
    "default-src 'self'",
    `script-src 'self' 'wasm-unsafe-eval'${quoted(hashes.scripts)}`,
    `style-src 'self'${quoted(hashes.styles)}`,
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "worker-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Pages the functions render: no script at all, their own inline style, forms posting back to us only. */
export const FUNCTION_PAGE_POLICY =
  "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/** The `_headers` file (Netlify / Cloudflare Pages format): one rule for every path. */
export function formatHeadersFile(headers: Record<string, string>): string {
  const title = (name: string) => name.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase());
  return [
    '# Written by the build (src/build/security-headers.ts); see docs/SECURITY.md.',
    '/*',
    ...Object.entries(headers).map(([k, v]) => `  ${title(k)}: ${v}`),
    '',
  ].join('\n');
}

/** The headers of the `/*` rule of a `_headers` file, names lower-cased. */
export function parseHeadersFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  let inAll = false;
  for (const line of text.split(/\r?\n/)) {
    if (!line.trim() || line.trim().startsWith('#')) continue;
    if (!/^\s/.test(line)) {
      inAll = line.trim() === '/*';
      continue;
    }
    const at = line.indexOf(':');
    if (inAll && at > 0) out[line.slice(0, at).trim().toLowerCase()] = line.slice(at + 1).trim();
  }
  return out;
}
