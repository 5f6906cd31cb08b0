import { promisify } from 'node:util';
import { brotliCompress, gzip, constants } from 'node:zlib';

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/**
 * What the Node server adds to every response before sending it, as a CDN would: a cache lifetime where the
 * handler set none, and gzip or brotli for text bodies the browser accepts. The serverless deployment gets the
 * same from its config (netlify.toml.example: [[headers]]; Netlify compresses by itself).
 */

/** One year, never revalidated: files whose name or address changes with their content. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Pages and data: a minute, so that a revoked certificate shows as revoked soon after a rebuild. */
export const SHORT = 'public, max-age=60';
/** Other files (favicon, photos, QR codes, the search index loader): an hour. */
export const MEDIUM = 'public, max-age=3600';

/** The Cache-Control a static response gets by its address. */
export function cacheControlFor(url: URL, contentType: string): string {
  const path = url.pathname;
  // Astro's bundles carry a content hash in their names; the stylesheet link carries one in ?v=.
  if (path.startsWith('/_astro/')) return IMMUTABLE;
  if (path === '/site.css' && url.searchParams.has('v')) return IMMUTABLE;
  // Pagefind's fragment and index files are named by their content hash; its entry files are not.
  if (path.startsWith('/pagefind/') && /\/pagefind\/(fragment|index|filter)\//.test(path)) return IMMUTABLE;
  if (/^text\/html|^application\/json|^text\/csv/.test(contentType)) return SHORT;
  return MEDIUM;
}

const COMPRESSIBLE = /^(text\/|application\/(json|javascript|xml|manifest\+json)|image\/svg\+xml)/;
/** Below this, the encoding's own overhead is about what it saves. */
const MIN_BYTES = 1024;

/** Compressed bodies of IMMUTABLE files by encoding and path, up to MAX_ENCODED_BYTES in all (then compressed each time). */
const encodedOnce = new Map<string, Buffer>();
let encodedBytes = 0;
const MAX_ENCODED_BYTES = 64 * 1024 * 1024;

function encode(body: Buffer, encoding: 'br' | 'gzip', effort: 'best' | 'fast'): Promise<Buffer> {
  if (encoding === 'gzip') return gzipAsync(body, { level: effort === 'best' ? 9 : 6 });
  const quality = effort === 'best' ? constants.BROTLI_MAX_QUALITY : 5;
  return brotli(body, { params: { [constants.BROTLI_PARAM_QUALITY]: quality, [constants.BROTLI_PARAM_SIZE_HINT]: body.byteLength } });
}

/** The encoding to use from an Accept-Encoding header: br before gzip; none when q=0 or not offered. */
export function chooseEncoding(acceptEncoding: string | null): 'br' | 'gzip' | undefined {
  const offered = new Map<string, number>();
  for (const part of (acceptEncoding ?? '').split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find(Boolean);
    offered.set(name, q === undefined ? 1 : Number(q));
  }
  const ok = (name: string) => (offered.get(name) ?? offered.get('*') ?? 0) > 0;
  if (ok('br')) return 'br';
  if (ok('gzip')) return 'gzip';
  return undefined;
}

/**
 * Headers and body as they go on the wire: Cache-Control added to static GET answers that have none, the body
 * compressed when it is text, large enough and the client accepts it (Vary: Accept-Encoding either way).
 */
export async function prepareForWire(
  request: Request,
  response: Response,
  body: Buffer | undefined,
): Promise<{ headers: Record<string, string>; body: Buffer | undefined }> {
  const headers = Object.fromEntries(response.headers) as Record<string, string>;
  const contentType = headers['content-type'] ?? '';
  if (!headers['cache-control'] && (request.method === 'GET' || request.method === 'HEAD') && response.status === 200) {
    headers['cache-control'] = cacheControlFor(new URL(request.url), contentType);
  }
  if (!COMPRESSIBLE.test(contentType) || headers['content-encoding']) return { headers, body };
  headers.vary = headers.vary ? `${headers.vary}, Accept-Encoding` : 'Accept-Encoding';
  const encoding = chooseEncoding(request.headers.get('accept-encoding'));
  if (!body || body.byteLength < MIN_BYTES || !encoding) return { headers, body };
  // A file whose address names its content (IMMUTABLE: scripts, Pagefind's chunks) is compressed once, at the
  // encodings' best (brotli 11 takes ~20 times quality 5's time, once); everything else at quality 5 on every request:
  // most of the gain at a small share of the time.
  const once = headers['cache-control'] === IMMUTABLE && response.status === 200 ? `${encoding} ${new URL(request.url).pathname}` : undefined;
  const encoded = (once && encodedOnce.get(once)) || (await encode(body, encoding, once ? 'best' : 'fast'));
  if (once && !encodedOnce.has(once) && encodedBytes + encoded.byteLength <= MAX_ENCODED_BYTES) {
    encodedOnce.set(once, encoded);
    encodedBytes += encoded.byteLength;
  }
  headers['content-encoding'] = encoding;
  headers['content-length'] = String(encoded.byteLength);
  return { headers, body: encoded };
}
