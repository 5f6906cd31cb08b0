import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { FUNCTIONS_ONLY_DIR } from '../../src/core/directory.ts';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.wasm': 'application/wasm',
  '.woff2': 'font/woff2',
};

/**
 * Serves the built site from `distDir` the way a static host does: `/a/` → `/a/index.html`, unknown paths →
 * `404.html` with status 404, nothing outside `distDir` and nothing under its `_functions/`.
 */
export async function serveStatic(distDir: string, request: Request): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return new Response('405 Method Not Allowed', { status: 405, headers: { allow: 'GET, HEAD' } });
  }
  const root = normalize(distDir + sep);
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(request.url).pathname);
  } catch {
    return notFound(root, request);
  }
  const candidate = normalize(join(root, pathname));
  if (!candidate.startsWith(root)) return notFound(root, request);
  // The functions' own data is in the build output but is not part of the site.
  if (candidate === join(root, FUNCTIONS_ONLY_DIR) || candidate.startsWith(join(root, FUNCTIONS_ONLY_DIR) + sep)) return notFound(root, request);
  // The build's header rules are configuration, not a page.
  if (candidate === join(root, '_headers')) return notFound(root, request);
  const file = await resolveFile(candidate);
  if (!file) {
    // Directory without trailing slash: redirect like static hosts do.
    if (!pathname.endsWith('/') && (await resolveFile(join(candidate, 'index.html')))) {
      return new Response(null, { status: 301, headers: { location: `${pathname}/` } });
    }
    return notFound(root, request);
  }
  return fileResponse(file, 200, request);
}

async function resolveFile(path: string): Promise<string | undefined> {
  try {
    const info = await stat(path);
    if (info.isFile()) return path;
    if (info.isDirectory()) {
      const index = join(path, 'index.html');
      if ((await stat(index)).isFile()) return index;
    }
  } catch {
    /* not there */
  }
  return undefined;
}

async function notFound(root: string, request: Request): Promise<Response> {
  const page = await resolveFile(join(root, '404.html'));
  if (page) return fileResponse(page, 404, request);
  return new Response('404 Not Found', { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' } });
}

async function fileResponse(path: string, status: number, request: Request): Promise<Response> {
  const body = await readFile(path);
  const headers = {
    'content-type': TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream',
    'content-length': String(body.byteLength),
    'x-content-type-options': 'nosniff',
  };
  return new Response(request.method === 'HEAD' ? null : body, { status, headers });
}
