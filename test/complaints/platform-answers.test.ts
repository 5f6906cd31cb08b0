import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { FUNCTION_PAGE_POLICY, parseHeadersFile } from '../../src/core/security-headers.ts';
import { FRESH_LINKS_PATH } from '../../functions/handling/links.ts';
import { newReference } from '../../functions/complaints/reference.ts';
import type { RunningServer } from '../../functions/server/node.ts';
import { distDir, serveSite, siteBuilt } from '../support/site.ts';
import { pgSkipReason, tempDir, TEST_DATABASE_URL } from './support.ts';

/**
 * The Netlify adapters (functions/platform/netlify) answer as `npm start` does: every answer with the function
 * headers, a path no function claims with the built 404 page and its headers, and the limits counted per client
 * network (an IPv6 client by its /64). Called the way Netlify calls them: `(Request, { ip })`.
 */
const site = 'https://gongshi.example';
const url = (path: string) => `${site}${path}`;
const builtNotFound = () => readFileSync(join(distDir, '404.html'), 'utf8');
const staticPolicy = () => parseHeadersFile(readFileSync(join(distDir, '_headers'), 'utf8'))['content-security-policy'];

function expectBaseHeaders(response: Response) {
  expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  expect(response.headers.get('x-frame-options')).toBe('DENY');
  expect(response.headers.get('referrer-policy')).toBe('no-referrer');
}

/** The built 404 page with the static pages' headers, exactly what `npm start` answers for the same path. */
async function expectBuiltNotFound(response: Response, path: string, npmStart: RunningServer) {
  expect(response.status).toBe(404);
  expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
  expectBaseHeaders(response);
  expect(response.headers.get('content-security-policy')).toBe(staticPolicy());
  const body = await response.text();
  expect(body).toBe(builtNotFound());
  const node = await fetch(`${npmStart.url}${path}`);
  expect(node.status).toBe(404);
  expect(await node.text()).toBe(body);
  for (const name of ['content-security-policy', 'x-content-type-options', 'x-frame-options', 'referrer-policy'])
    expect(response.headers.get(name), name).toBe(node.headers.get(name));
}

function useEnv(values: Record<string, string>) {
  const saved = { ...process.env };
  beforeAll(() => void Object.assign(process.env, values));
  afterAll(() => {
    process.env = saved;
  });
}

describe.skipIf(!siteBuilt())('Netlify lookup and not-configured answers carry the function headers', () => {
  let npmStart: RunningServer;
  useEnv({ OUT_DIR: distDir, SITE_URL: site, DATABASE_URL: '' });
  beforeAll(async () => {
    npmStart = await serveSite();
  });
  afterAll(() => npmStart?.close());

  it('an address under /verify/ the lookup does not answer gets the built 404 page, as under npm start', async () => {
    const { default: lookup } = await import('../../functions/platform/netlify/lookup.ts');
    await expectBuiltNotFound(await lookup(new Request(url('/verify/NOPE/qr.svg')), { ip: '192.0.2.1' }), '/verify/NOPE/qr.svg', npmStart);
    const head = await lookup(new Request(url('/verify/NOPE/qr.svg'), { method: 'HEAD' }), {});
    expect(head.status).toBe(404);
    expect(await head.text()).toBe('');
  });

  it('an instance without the built 404 page answers a Chinese page of its own under the function page policy', async () => {
    const { default: lookup } = await import('../../functions/platform/netlify/lookup.ts');
    // The lookup has read its directory file; now the build folder it would read 404.html from has none.
    await lookup(new Request(url('/verify/')), {});
    const empty = join(tempDir('gongshi-nf-'), 'dist');
    mkdirSync(empty);
    process.env.OUT_DIR = empty;
    try {
      const response = await lookup(new Request(url('/verify/NOPE/qr.svg')), {});
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expectBaseHeaders(response);
      expect(response.headers.get('content-security-policy')).toBe(FUNCTION_PAGE_POLICY);
      const body = await response.text();
      expect(body).toMatch(/^<!doctype html><html lang="zh-CN">/);
      expect(body).toContain('<h1>页面不存在</h1>');
      expect(body).toContain('action="/lookup/"');
      expect(body).not.toContain('<script');
    } finally {
      process.env.OUT_DIR = distDir;
    }
  });

  it('the complaint functions without DATABASE_URL answer 503 with the function headers', async () => {
    const { default: complaints } = await import('../../functions/platform/netlify/complaints.ts');
    const errorLog = console.error;
    console.error = () => {};
    let response: Response;
    try {
      response = await complaints(new Request(url('/api/complaints'), { method: 'POST', body: '{}' }), { ip: '192.0.2.1' });
    } finally {
      console.error = errorLog;
    }
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('300');
    expectBaseHeaders(response);
    expect(((await response.json()) as { errors: { request: string } }).errors.request).toBeTruthy();
  });
});

describe.skipIf(pgSkipReason || !siteBuilt())('Netlify complaint functions: 404 page, and limits per client network (PostgreSQL)', () => {
  const schema = `test_${randomBytes(6).toString('hex')}`;
  let npmStart: RunningServer;
  let complaints: (request: Request, context: { ip?: string }) => Promise<Response>;
  useEnv({
    DATABASE_URL: `${TEST_DATABASE_URL}${TEST_DATABASE_URL.includes('?') ? '&' : '?'}options=-c%20search_path%3D${schema}`,
    // Never reached: nothing here sends mail.
    SMTP_URL: 'smtp://127.0.0.1:1/',
    OUT_DIR: distDir,
    SITE_URL: site,
    SECRET: randomBytes(32).toString('base64url'),
    VAR_DIR: join(tempDir('gongshi-nf-'), 'var'),
    // The default burst of 10 and no refill while the test runs.
    RATE_BURST: '10',
    RATE_PER_MINUTE: '0',
    STATUS_PER_MINUTE: '30',
  });
  beforeAll(async () => {
    const client = new pg.Client(TEST_DATABASE_URL);
    await client.connect();
    await client.query(`CREATE SCHEMA ${schema}`);
    await client.end();
    complaints = (await import('../../functions/platform/netlify/complaints.ts')).default;
    npmStart = await serveSite();
  });
  afterAll(async () => {
    await npmStart?.close();
    const { getApp } = await import('../../functions/platform/netlify/shared.ts');
    await (await getApp().catch(() => undefined))?.close();
    const client = new pg.Client(TEST_DATABASE_URL);
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  });

  const submission = JSON.stringify({
    kind: 'report',
    about: 'agency',
    agencyId: 'renqiu-cgj',
    category: 'other',
    when: '2026-11-01',
    place: '示例',
    description: '该局长期不公示辅助人员名单，群众无法核验。',
  });
  const post = (ip: string) =>
    complaints(
      new Request(url('/api/complaints'), { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: submission }),
      {
        ip,
      },
    );
  const each = async (ips: string[], send: (ip: string) => Promise<Response>) => {
    const statuses: number[] = [];
    for (const ip of ips) statuses.push((await send(ip)).status);
    return statuses;
  };
  /** 2001:db8:<net>::2, ::3, … — a fresh address of one /64 for every request. */
  const rotating = (net: string, count: number) => Array.from({ length: count }, (_, i) => `2001:db8:${net}::${(i + 2).toString(16)}`);

  it('a path no function claims gets the built 404 page with the static headers, as under npm start', async () => {
    await expectBuiltNotFound(await complaints(new Request(url('/api/complaints/x/y')), { ip: '192.0.2.1' }), '/api/complaints/x/y', npmStart);
    await expectBuiltNotFound(await complaints(new Request(url('/api/nothing')), {}), '/api/nothing', npmStart);
  });

  it('the answers of the functions themselves keep the function headers', async () => {
    const refused = await complaints(new Request(url('/api/complaints'), { method: 'GET' }), { ip: '192.0.2.1' });
    expect(refused.status).toBe(405);
    expectBaseHeaders(refused);
    const form = await complaints(new Request(url(FRESH_LINKS_PATH)), { ip: '192.0.2.1' });
    expect(form.status).toBe(200);
    expectBaseHeaders(form);
    expect(form.headers.get('content-security-policy')).toBe(FUNCTION_PAGE_POLICY);
  });

  it('submissions: a new address of the same /64 for each is refused after the burst; another /64 is not', async () => {
    expect(await each(rotating('1:2', 12), post)).toEqual([...Array(10).fill(201), 429, 429]);
    expect((await post('2001:db8:1:3::1')).status).toBe(201);
  });

  it('submissions: an IPv4 client and its IPv4-mapped IPv6 address share one budget', async () => {
    expect(await each(Array(10).fill('198.51.100.7'), post)).toEqual(Array(10).fill(201));
    expect((await post('::ffff:198.51.100.7')).status).toBe(429);
    expect((await post('198.51.100.8')).status).toBe(201);
  });

  it('status lookups and fresh-link requests: refused after their limit from one /64, whatever the address', async () => {
    const { reference, trackingCode } = (await (await post('192.0.2.77')).json()) as { reference: string; trackingCode: string };
    const lookup = (ip: string) => complaints(new Request(url(`/api/complaints/${reference}`), { headers: { 'x-tracking-code': trackingCode } }), { ip });
    expect(await each(rotating('2:2', 31), lookup)).toEqual([...Array(30).fill(200), 429]);
    expect((await lookup('2001:db8:2:3::1')).status).toBe(200);
    const freshLinks = (ip: string) =>
      complaints(
        new Request(url(FRESH_LINKS_PATH), {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ reference: newReference(), mailbox: 'clerk@agency.example' }).toString(),
        }),
        { ip },
      );
    expect(await each(rotating('3:2', 11), freshLinks)).toEqual([...Array(10).fill(200), 429]);
    expect((await freshLinks('2001:db8:3:3::1')).status).toBe(200);
  });
});
