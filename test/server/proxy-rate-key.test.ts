import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newReference } from '../../functions/complaints/reference.ts';
import { defaultLimits } from '../../functions/complaints/world.ts';
import { FRESH_LINKS_PATH } from '../../functions/handling/links.ts';
import type { RunningServer } from '../../functions/server/node.ts';
import { parseTrustProxy } from '../../functions/server/proxy.ts';
import type { Db } from '../../functions/store/index.ts';
import { freshDb, testWorld, validSubmission } from '../complaints/support.ts';
import { serveFunctions, submitOne } from './support.ts';

/**
 * `npm start` behind a proxy (TRUST_PROXY=loopback, the client in X-Forwarded-For): every limit counts an IPv6 client
 * by its /64 and an IPv4-mapped address as its IPv4 address (rateKey), so a client with a /64 cannot take a new
 * address for each request to get past them.
 */
describe('limits per client network over HTTP (npm start, SQLite)', () => {
  let db: Db;
  let server: RunningServer;
  let ref: { reference: string; trackingCode: string };
  /** 2001:db8:<net>::2, ::3, … — a fresh address of one /64 for every request. */
  const rotating = (net: string, count: number) => Array.from({ length: count }, (_, i) => `2001:db8:${net}::${(i + 2).toString(16)}`);
  beforeAll(async () => {
    db = await freshDb('sqlite');
    server = await serveFunctions(await testWorld(db, { limits: { ...defaultLimits, acksPerAddressPerDay: 1000 } }), {
      trustProxy: parseTrustProxy('loopback'),
    });
    ref = await submitOne(server.url, { 'x-forwarded-for': '192.0.2.200' });
  });
  afterAll(async () => {
    await server?.close();
    await db?.close();
  });

  const post = (forwardedFor: string) =>
    fetch(`${server.url}/api/complaints`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', 'x-forwarded-for': forwardedFor },
      body: JSON.stringify(validSubmission()),
    }).then((r) => r.status);
  const lookup = (forwardedFor: string) =>
    fetch(`${server.url}/api/complaints/${ref.reference}`, { headers: { 'x-tracking-code': ref.trackingCode, 'x-forwarded-for': forwardedFor } }).then(
      (r) => r.status,
    );
  const freshLinks = (forwardedFor: string) =>
    fetch(`${server.url}${FRESH_LINKS_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': forwardedFor },
      body: new URLSearchParams({ reference: newReference(), mailbox: 'clerk@agency.example' }).toString(),
    }).then((r) => r.status);
  const each = async (addresses: string[], send: (a: string) => Promise<number>) => {
    const statuses: number[] = [];
    for (const a of addresses) statuses.push(await send(a));
    return statuses;
  };

  it('submissions: a new address of the same /64 for each is refused after the burst; another /64 is not', async () => {
    expect(defaultLimits.rateBurst).toBe(10);
    expect(await each(rotating('1:2', 12), post)).toEqual([...Array(10).fill(201), 429, 429]);
    expect(await post('2001:db8:1:3::1')).toBe(201);
  });

  it('submissions: an IPv4 client and its IPv4-mapped IPv6 address share one budget', async () => {
    expect(await each(Array(10).fill('203.0.113.9'), post)).toEqual(Array(10).fill(201));
    // ::ffff:cb00:7109 is 203.0.113.9.
    expect(await post('::ffff:cb00:7109')).toBe(429);
    expect(await post('203.0.113.10')).toBe(201);
  });

  it('status lookups: the 31st from one /64 is refused whatever the address; another /64 is not', async () => {
    expect(await each(rotating('2:2', 31), lookup)).toEqual([...Array(30).fill(200), 429]);
    expect(await lookup('2001:db8:2:3::1')).toBe(200);
  });

  it('fresh action links: the 11th request in an hour from one /64 is refused whatever the address', async () => {
    expect(await each(rotating('3:2', 11), freshLinks)).toEqual([...Array(10).fill(200), 429]);
    expect(await freshLinks('2001:db8:3:3::1')).toBe(200);
  });
});
