import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as createTcpServer, connect, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { signEvidenceToken } from '../../functions/complaints/evidence-links.ts';
import { issueActionToken } from '../../functions/handling/links.ts';
import { createApp, type App } from '../../functions/server/app.ts';
import { loggablePath } from '../../functions/server/headers.ts';
import { startServer, type RunningServer } from '../../functions/server/node.ts';
import { writeSecurityHeaders } from '../../src/build/security-headers.ts';
import { readSettings } from '../../src/core/settings.ts';
import { pgSkipReason, tempDir, TEST_DATABASE_URL, validSubmission } from '../complaints/support.ts';

/** A small built site: two pages with an inline script and style, and the _headers the build writes. */
async function tinySite(): Promise<string> {
  const dist = tempDir('gongshi-dist-');
  mkdirSync(join(dist, 'complaint'), { recursive: true });
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>首页</title><style>a{color:red}</style><script>window.x=1</script>');
  writeFileSync(join(dist, '404.html'), '<!doctype html><title>404</title>');
  writeFileSync(join(dist, 'complaint/index.html'), '<!doctype html><title>投诉</title>');
  writeFileSync(join(dist, 'site.css'), 'body{}');
  await writeSecurityHeaders(dist);
  return dist;
}

/** A TCP proxy in front of PostgreSQL that can be cut: the database "goes down" for the app behind it. */
async function cuttableProxy(target: URL): Promise<{ port: number; cut(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createTcpServer((client) => {
    const upstream = connect(Number(target.port || 5432), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    cut: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}

/** Raw HTTP/1.1, so that the Host header can be anything. */
function rawRequest(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(text));
    let out = '';
    socket.on('data', (d) => (out += d.toString('utf8')));
    socket.on('end', () => resolve(out));
    socket.on('close', () => resolve(out));
    socket.on('error', reject);
  });
}

it('keeps tokens, references and tracking codes out of logged routes', () => {
  expect(loggablePath('/api/actions/abc.def?x=1')).toBe('/api/actions/…');
  expect(loggablePath('/api/evidence/tok.sig/')).toBe('/api/evidence/…/');
  expect(loggablePath('/api/complaints/TS-AAAA-BBBB?code=XXXX-YYYY-ZZZZ')).toBe('/api/complaints/…');
  expect(loggablePath('/publish/sign-in/abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG')).toBe('/publish/sign-in/…');
  expect(loggablePath('/verify/ABC/')).toBe('/verify/ABC/');
  // An absolute-form request target is logged from its path on, with the same cuts.
  expect(loggablePath('http://a:99999/api/actions/abc.def')).toBe('/api/actions/…');
  expect(loggablePath('https://example.com/api/evidence/tok.sig/?x')).toBe('/api/evidence/…/');
});

for (const kind of ['sqlite', 'postgres'] as const)
  describe.skipIf(kind === 'postgres' && pgSkipReason)(`HTTP edges of npm start (${kind})`, () => {
    let app: App;
    let server: RunningServer;
    let dist: string;
    let proxy: Awaited<ReturnType<typeof cuttableProxy>> | undefined;
    const schema = `test_${randomBytes(6).toString('hex')}`;
    const lines: string[] = [];
    const consoleLines: string[] = [];
    const saved = { log: console.log, error: console.error };

    beforeAll(async () => {
      dist = await tinySite();
      let databaseUrl = '';
      if (kind === 'postgres') {
        const client = new pg.Client(TEST_DATABASE_URL);
        await client.connect();
        await client.query(`CREATE SCHEMA ${schema}`);
        await client.end();
        const target = new URL(TEST_DATABASE_URL);
        proxy = await cuttableProxy(target);
        const url = new URL(TEST_DATABASE_URL);
        url.host = `127.0.0.1:${proxy.port}`;
        url.searchParams.set('options', `-c search_path=${schema}`);
        databaseUrl = url.toString();
      }
      const settings = { ...readSettings({ VAR_DIR: tempDir(), DATABASE_URL: databaseUrl }), siteUrl: 'https://gongshi.example' };
      app = await createApp(settings, { env: {}, log: (line) => lines.push(line) });
      server = await startServer({ distDir: dist, port: 0, functions: app.functions });
      console.log = (...a: unknown[]) => void consoleLines.push(a.join(' '));
      console.error = (...a: unknown[]) => void consoleLines.push(a.join(' '));
    });
    afterAll(async () => {
      Object.assign(console, saved);
      await server?.close();
      await app?.close().catch(() => undefined);
      if (kind === 'postgres') {
        const client = new pg.Client(TEST_DATABASE_URL);
        await client.connect();
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await client.end();
      }
    });

    it("serves static files with the build's headers, and never the _headers file itself", async () => {
      const page = await fetch(`${server.url}/`);
      expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self' 'wasm-unsafe-eval' 'sha256-[^']+'/);
      expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(page.headers.get('content-security-policy')).toMatch(/style-src 'self' 'sha256-/);
      expect(page.headers.get('referrer-policy')).toBe('no-referrer');
      expect(page.headers.get('x-content-type-options')).toBe('nosniff');
      expect((await fetch(`${server.url}/site.css`)).headers.get('x-content-type-options')).toBe('nosniff');
      expect((await fetch(`${server.url}/_headers`)).status).toBe(404);
      expect(readFileSync(join(dist, '_headers'), 'utf8')).toContain("frame-ancestors 'none'");
    });

    it('answers unknown methods with 405 and a malformed Host with 400, never 500', async () => {
      const cases: [string, string][] = [
        ['PUT', '/'],
        ['DELETE', '/complaint/'],
        ['PATCH', '/site.css'],
        ['OPTIONS', '/'],
        ['PUT', '/api/complaints'],
        ['DELETE', '/api/complaints/TS-0000-0000'],
        ['PUT', '/api/actions/x.y'],
        ['DELETE', '/api/status'],
        ['PATCH', '/api/evidence/x.y'],
      ];
      for (const [method, path] of cases) {
        const response = await fetch(`${server.url}${path}`, { method });
        expect(response.status, `${method} ${path}`).toBe(405);
        expect(response.headers.get('x-content-type-options'), `${method} ${path}`).toBe('nosniff');
      }
      // The last five pass a plain pattern but no URL parser: a port above 65535, an IPv4 literal in brackets, a
      // malformed IPv6 literal, five numeric parts, parts above 255.
      const hosts = ['bad host', 'evil.example:99999999', 'a/b', '[::1', 'ex ample.com', `${'a'.repeat(300)}.example`];
      for (const host of [...hosts, 'example.com:99999', '[1.2.3.4]', '[:::::]', '1.2.3.4.5', '999.999.999.999']) {
        for (const path of ['/', '/api/complaints/TS-0000-0000']) {
          const answer = await rawRequest(Number(new URL(server.url).port), `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
          expect(answer, `${host} ${path}`).toMatch(/^HTTP\/1\.1 400 /);
        }
      }
      // Methods a web Request cannot hold: 405 with Allow, never 500.
      for (const method of ['TRACE']) {
        for (const path of ['/', '/api/complaints', '/stats/']) {
          const answer = await rawRequest(Number(new URL(server.url).port), `${method} ${path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`);
          expect(answer, `${method} ${path}`).toMatch(/^HTTP\/1\.1 405 /);
          expect(answer.toLowerCase(), `${method} ${path}`).toContain('allow: get, head, post');
          expect(answer.toLowerCase(), `${method} ${path}`).toContain('x-content-type-options: nosniff');
        }
      }
      // An absolute-form target the URL parser refuses: 400, and the token in it never reaches the log.
      const token = `T${randomBytes(12).toString('hex')}.sig`;
      for (const target of [`http://a:99999/api/actions/${token}`, 'http://', 'http://[zz]/']) {
        const answer = await rawRequest(Number(new URL(server.url).port), `GET ${target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`);
        expect(answer, target).toMatch(/^HTTP\/1\.1 400 /);
      }
      expect(consoleLines.join('\n')).not.toContain(token.slice(0, 13));
      expect(lines.join('\n')).not.toContain(token.slice(0, 13));
      const ok = await rawRequest(Number(new URL(server.url).port), 'GET / HTTP/1.1\r\nHost: localhost:4321\r\nConnection: close\r\n\r\n');
      expect(ok).toMatch(/^HTTP\/1\.1 200 /);
    });

    it('answers 503 on every endpoint when the store is down, keeps serving static pages, and never logs a token or a code', async () => {
      // Before the outage: one complaint, and valid links for it.
      // A complaint about an agency with a registered parent: the parent handles it.
      const accused = app.world.directory.agencies.find((a) => a.parent)!;
      const submission = () => validSubmission({ about: 'agency', certificateNo: '', agencyId: accused.id, category: 'other' }) as Record<string, string>;
      const filed = await fetch(`${server.url}/api/complaints`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(submission()),
      });
      expect(filed.status).toBe(201);
      const { reference, trackingCode } = (await filed.json()) as { reference: string; trackingCode: string };
      const { secret } = app.world.settings;
      const action = issueActionToken({ reference, action: 'accept', agencyId: accused.parent!, period: 1 }, secret, new Date());
      const evidence = signEvidenceToken({ evidenceId: 'e1', complaintId: 'c1', agencyId: 'a1' }, secret);
      expect((await fetch(`${server.url}/api/complaints/${reference}?code=${trackingCode}`)).status).toBe(200);

      if (proxy) await proxy.cut();
      else await app.world.store.close();

      const form = (fields: Record<string, string>) => ({
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(fields).toString(),
      });
      const endpoints: [string, string, RequestInit][] = [
        [
          'file a complaint (JSON)',
          '/api/complaints',
          { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(submission()) },
        ],
        [
          'file a complaint (form)',
          '/api/complaints',
          { ...form({ ...submission(), confirm: '1' }), headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' } },
        ],
        ['status (API)', `/api/complaints/${reference}?code=${trackingCode}`, {}],
        ['status (API, header)', `/api/complaints/${reference}`, { headers: { 'x-tracking-code': trackingCode } }],
        ['status (no-JS form)', '/api/status', form({ reference, code: trackingCode })],
        ['action page', `/api/actions/${action}`, {}],
        ['action', `/api/actions/${action}`, form({ note: '' })],
        ['evidence download', `/api/evidence/${evidence}`, {}],
      ];
      for (const [what, path, init] of endpoints) {
        const response = await fetch(`${server.url}${path}`, init);
        expect(response.status, what).toBe(503);
        expect(response.headers.get('retry-after'), what).toBeTruthy();
        expect(response.headers.get('x-content-type-options'), what).toBe('nosniff');
        expect(await response.text(), what).toMatch(/稍后再试/);
      }
      expect((await fetch(`${server.url}/`)).status).toBe(200);

      const logged = [...lines, ...consoleLines].join('\n');
      expect(logged).toMatch(/failed|store error/);
      for (const secretPart of [action, action.split('.')[0]!, evidence, trackingCode, trackingCode.replace(/-/g, '')])
        expect(logged).not.toContain(secretPart);
      expect(logged).not.toContain(`${reference}?`);
    });
  });
