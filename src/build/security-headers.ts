import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BASE_HEADERS, formatHeadersFile, sitePolicy, type InlineHashes } from '../core/security-headers.ts';

const INLINE_SCRIPT = /<script(?![^>]*\bsrc\s*=)[^>]*>([\s\S]*?)<\/script>/gi;
const INLINE_STYLE = /<style[^>]*>([\s\S]*?)<\/style>/gi;

const sha256 = (text: string) => `sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}`;

/**
 * The hashes of every inline script and style in the built pages. `verify/` (one page per certificate, written by
 * the portal integration without any inline script or style) is skipped so that large rosters do not slow the
 * build; the browser test of the CSP covers those pages.
 */
export async function collectInlineHashes(distDir: string): Promise<InlineHashes> {
  const scripts = new Set<string>();
  const styles = new Set<string>();
  const walk = async (dir: string, top: boolean): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        if (!(top && (entry.name === 'verify' || entry.name === 'pagefind' || entry.name === '_astro'))) await walk(join(dir, entry.name), false);
      } else if (entry.name.endsWith('.html')) {
        const html = await readFile(join(dir, entry.name), 'utf8');
        for (const m of html.matchAll(INLINE_SCRIPT)) if (m[1]!.trim()) scripts.add(sha256(m[1]!));
        for (const m of html.matchAll(INLINE_STYLE)) styles.add(sha256(m[1]!));
      }
    }
  };
  await walk(distDir, true);
  return { scripts: [...scripts].sort(), styles: [...styles].sort() };
}

/** Writes `dist/_headers`: the headers every static file is served with (Node server, Netlify, Cloudflare Pages). */
export async function writeSecurityHeaders(distDir: string): Promise<Record<string, string>> {
  const headers = { ...BASE_HEADERS, 'content-security-policy': sitePolicy(await collectInlineHashes(distDir)) };
  await writeFile(join(distDir, '_headers'), formatHeadersFile(headers));
  return headers;
}
