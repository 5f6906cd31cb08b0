import { createHash } from 'node:crypto';
import { opendir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BASE_HEADERS, formatHeadersFile, sitePolicy, type InlineHashes } from '../core/security-headers.ts';

const INLINE_SCRIPT = /<script(?![^>]*\bsrc\s*=)[^>]*>([\s\S]*?)<\/script>/gi;
const INLINE_STYLE = /<style[^>]*>([\s\S]*?)<\/style>/gi;

const sha256 = (text: string) => `sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}`;

/**
 * The hashes of every inline script and style in the built pages. `verify/` (one page per certificate, written by
 * the portal integration from one frame) is not walked, so that large rosters do not slow the build: one of its pages
 * is read instead, whose inline stylesheet (the same text on every verification page, src/build/portal/verify-stylesheet.ts)
 * stands for all of them; test/portal/verify-paint.test.ts checks every page's against the policy.
 */
export async function collectInlineHashes(distDir: string): Promise<InlineHashes> {
  const scripts = new Set<string>();
  const styles = new Set<string>();
  const read = async (file: string) => {
    const html = await readFile(file, 'utf8');
    for (const m of html.matchAll(INLINE_SCRIPT)) if (m[1]!.trim()) scripts.add(sha256(m[1]!));
    for (const m of html.matchAll(INLINE_STYLE)) styles.add(sha256(m[1]!));
  };
  const walk = async (dir: string, top: boolean): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        if (top && entry.name === 'verify') await readOneVerifyPage(join(dir, entry.name), read);
        else if (!(top && (entry.name === 'pagefind' || entry.name === '_astro'))) await walk(join(dir, entry.name), false);
      } else if (entry.name.endsWith('.html')) {
        await read(join(dir, entry.name));
      }
    }
  };
  await walk(distDir, true);
  return { scripts: [...scripts].sort(), styles: [...styles].sort() };
}

/** The page of the first certificate folder under `verify/` the directory lists (none when the roster is empty); not the whole listing, which at 300,000 folders is slow. */
async function readOneVerifyPage(verifyDir: string, read: (file: string) => Promise<void>): Promise<void> {
  for await (const entry of await opendir(verifyDir)) {
    if (!entry.isDirectory()) continue;
    try {
      return await read(join(verifyDir, entry.name, 'index.html'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}

/** Writes `dist/_headers`: the headers every static file is served with (Node server, Netlify, Cloudflare Pages). */
export async function writeSecurityHeaders(distDir: string): Promise<Record<string, string>> {
  const headers = { ...BASE_HEADERS, 'content-security-policy': sitePolicy(await collectInlineHashes(distDir)) };
  await writeFile(join(distDir, '_headers'), formatHeadersFile(headers));
  return headers;
}
