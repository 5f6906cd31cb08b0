/**
 * The Node server sends text compressed (brotli, gzip) and every static answer with a cache lifetime: a year for
 * hashed files, a minute for pages; the serverless config asks its CDN for the same lifetimes.
 */
import { type Dirent, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { request as httpRequest } from 'node:http';
import { brotliCompressSync, brotliDecompressSync, constants, gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../functions/server/node.ts';
import { cacheControlFor, chooseEncoding, IMMUTABLE, SHORT } from '../../functions/server/compress.ts';
import { distDir, siteBuilt } from '../support/site.ts';
import { tempDir } from '../complaints/support.ts';

const page = `<!doctype html><html lang="zh-CN"><body>${'<p>行政执法辅助人员公示 RQCG-2024-0001</p>'.repeat(200)}</body></html>`;
const script = `export const x = ${JSON.stringify('a'.repeat(5000))};`;

/** A raw GET (fetch would decode the body and hide the encoding). */
function get(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    httpRequest(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    })
      .on('error', reject)
      .end();
  });
}

describe('compression and cache headers (Node server)', () => {
  let server: RunningServer;
  const dist = join(tempDir('gongshi-dist-'), 'dist');

  beforeAll(async () => {
    mkdirSync(join(dist, '_astro'), { recursive: true });
    mkdirSync(join(dist, 'verify', 'RQCG-2024-0001'), { recursive: true });
    writeFileSync(join(dist, 'index.html'), page);
    writeFileSync(join(dist, 'verify', 'RQCG-2024-0001', 'index.html'), page);
    writeFileSync(join(dist, '_astro', 'client.AbC123.js'), script);
    writeFileSync(join(dist, 'site.css'), 'body{margin:0}'.repeat(200));
    writeFileSync(join(dist, 'tiny.txt'), 'ok');
    writeFileSync(join(dist, 'photo.png'), Buffer.alloc(4096, 7));
    server = await startServer({ distDir: dist, port: 0 });
  });
  afterAll(() => server?.close());

  it('sends a page brotli-compressed when the browser accepts it, gzip otherwise, and the same bytes either way', async () => {
    const br = await get(`${server.url}/`, { 'accept-encoding': 'gzip, deflate, br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toMatch(/accept-encoding/i);
    expect(Number(br.headers['content-length'])).toBe(br.body.byteLength);
    expect(br.body.byteLength).toBeLessThan(Buffer.byteLength(page) / 5);
    expect(brotliDecompressSync(br.body).toString()).toBe(page);

    const gz = await get(`${server.url}/verify/RQCG-2024-0001/`, { 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body).toString()).toBe(page);

    const plain = await get(`${server.url}/`);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.toString()).toBe(page);
  });

  it('compresses a file whose name carries its hash once, at brotli’s and gzip’s best; a page at the fast setting each time', async () => {
    // Real source text, as a bundle holds (a run of one letter compresses alike at any setting).
    const file = readFileSync(join(import.meta.dirname, '../../src/core/lookup-input.ts'));
    writeFileSync(join(dist, '_astro', 'input.Xyz789.js'), file);
    const best = brotliCompressSync(file, { params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY } });
    const fast = (body: string | Buffer) => brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 5 } });
    for (let i = 0; i < 2; i++) {
      const br = await get(`${server.url}/_astro/input.Xyz789.js`, { 'accept-encoding': 'br' });
      expect(br.body.equals(best), `request ${i + 1}`).toBe(true);
      const gz = await get(`${server.url}/_astro/input.Xyz789.js`, { 'accept-encoding': 'gzip' });
      expect(gz.body.equals(gzipSync(file, { level: 9 })), `request ${i + 1}`).toBe(true);
    }
    expect(best.byteLength).toBeLessThan(fast(file).byteLength);
    expect((await get(`${server.url}/`, { 'accept-encoding': 'br' })).body.equals(fast(page))).toBe(true);
  });

  it('leaves binary files and tiny bodies as they are', async () => {
    const png = await get(`${server.url}/photo.png`, { 'accept-encoding': 'br, gzip' });
    expect(png.headers['content-encoding']).toBeUndefined();
    expect(png.body.byteLength).toBe(4096);
    const tiny = await get(`${server.url}/tiny.txt`, { 'accept-encoding': 'br, gzip' });
    expect(tiny.headers['content-encoding']).toBeUndefined();
  });

  it('caches hashed files for a year (immutable) and pages for a minute', async () => {
    expect((await get(`${server.url}/_astro/client.AbC123.js`)).headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect((await get(`${server.url}/site.css?v=0123456789`)).headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect((await get(`${server.url}/`)).headers['cache-control']).toBe('public, max-age=60');
    expect((await get(`${server.url}/verify/RQCG-2024-0001/`)).headers['cache-control']).toBe('public, max-age=60');
    expect((await get(`${server.url}/site.css`)).headers['cache-control']).toBe('public, max-age=3600');
  });

  it("keeps a handler's own Cache-Control (no-store answers stay no-store)", async () => {
    const withFunctions = await startServer({
      distDir: dist,
      port: 0,
      functions: async (request) =>
        new URL(request.url).pathname === '/api/x'
          ? new Response('x'.repeat(4000), { headers: { 'content-type': 'text/plain', 'cache-control': 'no-store' } })
          : undefined,
    });
    try {
      const r = await get(`${withFunctions.url}/api/x`, { 'accept-encoding': 'gzip' });
      expect(r.headers['cache-control']).toBe('no-store');
      expect(gunzipSync(r.body).toString()).toBe('x'.repeat(4000));
    } finally {
      await withFunctions.close();
    }
  });

  it('reads Accept-Encoding with its weights', () => {
    expect(chooseEncoding('gzip;q=1.0, br;q=0')).toBe('gzip');
    expect(chooseEncoding('identity')).toBeUndefined();
    expect(chooseEncoding('*')).toBe('br');
    expect(chooseEncoding(null)).toBeUndefined();
  });
});

describe('cache lifetimes in the serverless config', () => {
  it('asks for a year on hashed bundles and a minute on pages', () => {
    const toml = readFileSync(join(import.meta.dirname, '../../functions/platform/netlify/netlify.toml.example'), 'utf8');
    const rules = [...toml.matchAll(/\[\[headers\]\]\s+for = "([^"]+)"\s+\[headers\.values\]\s+Cache-Control = "([^"]+)"/g)].map((m) => [m[1], m[2]]);
    const rule = new Map(rules as [string, string][]);
    expect(rule.get('/_astro/*')).toBe('public, max-age=31536000, immutable');
    expect(rule.get('/verify/*')).toBe('public, max-age=60');
    expect(rule.get('/')).toBe('public, max-age=60');
    // No two rules may match the same file with different lifetimes (Netlify would join them).
    expect(rules.filter(([path]) => path === '/*')).toEqual([]);
  });
});

describe.skipIf(!siteBuilt())('the built site: what the Node server and the serverless config cache and compress', () => {
  const toml = readFileSync(join(import.meta.dirname, '../../functions/platform/netlify/netlify.toml.example'), 'utf8');
  const rules = [...toml.matchAll(/\[\[headers\]\]\s+for = "([^"]+)"\s+\[headers\.values\]\s+Cache-Control = "([^"]+)"/g)].map((m) => ({
    path: m[1]!,
    value: m[2]!,
  }));
  /** Netlify's rule for a path: `/a/*` covers everything below /a/, any other pattern only itself. */
  const netlifyRule = (path: string) => rules.find((r) => (r.path.endsWith('/*') ? path.startsWith(r.path.slice(0, -1)) : path === r.path))?.value;
  const files = (readdirSync(distDir, { recursive: true, withFileTypes: true }) as Dirent[])
    .filter((d) => d.isFile())
    .map((d) => `/${relative(distDir, join(d.parentPath, d.name)).split(sep).join('/')}`)
    .filter((p) => !p.startsWith('/_functions/'));

  it('caches every hashed file for a year on both, and no file without a hash in its name', () => {
    const hashed = files.filter((p) => p.startsWith('/_astro/') || /^\/pagefind\/(fragment|index|filter)\//.test(p));
    expect(hashed.length).toBeGreaterThan(10);
    for (const path of hashed) {
      expect(cacheControlFor(new URL(path, 'http://x'), ''), path).toBe(IMMUTABLE);
      expect(netlifyRule(path), path).toBe(IMMUTABLE);
    }
    // A year is only safe for a name that changes with the content.
    const longLived = files.filter((p) => netlifyRule(p) === IMMUTABLE || cacheControlFor(new URL(p, 'http://x'), '') === IMMUTABLE);
    expect(longLived.filter((p) => !/[._][A-Za-z0-9_-]{7,}\.[a-z_]+$/.test(p))).toEqual([]);
  });

  it('caches every page for a minute on the Node server, and no longer on Netlify', () => {
    const pages = files.filter((p) => p.endsWith('.html'));
    expect(pages.length).toBeGreaterThan(500);
    const longer: string[] = [];
    for (const path of pages) {
      const address = path.replace(/index\.html$/, '');
      expect(cacheControlFor(new URL(address, 'http://x'), 'text/html; charset=utf-8'), path).toBe(SHORT);
      const rule = netlifyRule(address);
      if (rule !== undefined && rule !== SHORT) longer.push(`${address}: ${rule}`);
    }
    expect(longer).toEqual([]);
  });

  it('serves a real verification page and bundle over HTTP compressed, with those lifetimes', async () => {
    const server = await startServer({ distDir, port: 0 });
    try {
      const no = readdirSync(join(distDir, 'verify')).sort()[0]!;
      const page = await get(`${server.url}/verify/${encodeURIComponent(no)}/`, { 'accept-encoding': 'br, gzip' });
      expect(page.status).toBe(200);
      expect(page.headers['content-encoding']).toBe('br');
      expect(page.headers['cache-control']).toBe(SHORT);
      expect(brotliDecompressSync(page.body).toString()).toBe(readFileSync(join(distDir, 'verify', no, 'index.html'), 'utf8'));
      const bundle = files.find((p) => p.startsWith('/_astro/') && p.endsWith('.js'))!;
      const js = await get(`${server.url}${bundle}`, { 'accept-encoding': 'gzip' });
      expect(js.headers['cache-control']).toBe(IMMUTABLE);
      expect(gunzipSync(js.body).toString()).toBe(readFileSync(join(distDir, bundle), 'utf8'));
    } finally {
      await server.close();
    }
  });
});
