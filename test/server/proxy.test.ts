import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { clientAddress, parseTrustProxy } from '../../functions/server/proxy.ts';
import type { RunningServer } from '../../functions/server/node.ts';
import type { Db } from '../../functions/store/index.ts';
import { defaultLimits } from '../../functions/complaints/world.ts';
import { freshDb, pgSkipReason, tempDir, testWorld } from '../complaints/support.ts';
import { serveFunctions, submitOne } from './support.ts';

describe('TRUST_PROXY: when X-Forwarded-For names the client', () => {
  it('unset: the socket address, whatever the header says', () => {
    expect(clientAddress('127.0.0.1', '203.0.113.9', parseTrustProxy(undefined))).toBe('127.0.0.1');
    expect(clientAddress('::ffff:198.51.100.7', '203.0.113.9', parseTrustProxy('false'))).toBe('198.51.100.7');
    expect(clientAddress('198.51.100.7', '203.0.113.9', parseTrustProxy('0'))).toBe('198.51.100.7');
  });

  it('a hop count: the n-th address from the right; a client-supplied prefix is ignored', () => {
    const one = parseTrustProxy('1');
    expect(clientAddress('10.0.0.2', '203.0.113.9', one)).toBe('203.0.113.9');
    // The client wrote "1.1.1.1" itself; the proxy appended the real address.
    expect(clientAddress('10.0.0.2', '1.1.1.1, 203.0.113.9', one)).toBe('203.0.113.9');
    expect(clientAddress('10.0.0.2', '1.1.1.1, 203.0.113.9, 10.0.0.3', parseTrustProxy('2'))).toBe('203.0.113.9');
    // Fewer hops than trusted: the leftmost there is.
    expect(clientAddress('10.0.0.2', '203.0.113.9', parseTrustProxy('3'))).toBe('203.0.113.9');
    // No header: the socket.
    expect(clientAddress('10.0.0.2', undefined, one)).toBe('10.0.0.2');
    // Garbage where our proxy should have written an address: not believed.
    expect(clientAddress('10.0.0.2', 'evil', one)).toBe('10.0.0.2');
    expect(clientAddress('10.0.0.2', ['1.1.1.1', '[2001:db8::1]:4711'], one)).toBe('2001:db8::1');
  });

  it('address ranges: walk left from the socket while the hop is a trusted proxy', () => {
    const ranges = parseTrustProxy('10.0.0.0/8, loopback');
    expect(clientAddress('10.1.2.3', '1.1.1.1, 203.0.113.9, 10.9.9.9', ranges)).toBe('203.0.113.9');
    expect(clientAddress('127.0.0.1', '203.0.113.9:5123', ranges)).toBe('203.0.113.9');
    // A socket that is not a trusted proxy: the header is ignored.
    expect(clientAddress('198.51.100.7', '203.0.113.9', ranges)).toBe('198.51.100.7');
    expect(clientAddress('::1', '2001:db8::5', ranges)).toBe('2001:db8::5');
    // All hops trusted: the leftmost.
    expect(clientAddress('10.1.2.3', '10.0.0.4', ranges)).toBe('10.0.0.4');
  });

  it('npm start refuses to start with a TRUST_PROXY it cannot read, and says which setting', () => {
    const root = resolve(import.meta.dirname, '../..');
    const run = spawnSync(process.execPath, [join(root, 'scripts/start.ts')], {
      cwd: root,
      env: { ...process.env, NO_BUILD: '1', PORT: '0', TRUST_PROXY: 'everyone', VAR_DIR: join(tempDir('gongshi-tp-'), 'var'), DATABASE_URL: '' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('TRUST_PROXY 中的“everyone”不是 IP 地址或网段');
  });

  it('a value it cannot read is refused, naming the setting and the entry', () => {
    expect(() => parseTrustProxy('10.0.0.0/33')).toThrow(/TRUST_PROXY.*10\.0\.0\.0\/33/);
    expect(() => parseTrustProxy('proxy.example.com')).toThrow(/TRUST_PROXY.*proxy\.example\.com.*不是 IP 地址或网段/);
    expect(() => parseTrustProxy('true')).toThrow(/TRUST_PROXY/);
    expect(() => parseTrustProxy('99')).toThrow(/TRUST_PROXY=99/);
  });
});

for (const kind of ['sqlite', 'postgres'] as const) {
  describe.skipIf(kind === 'postgres' && pgSkipReason)(`status lookups: at most 30 per address per minute, behind a proxy (${kind})`, () => {
    let db: Db;
    let behindProxy: RunningServer;
    let direct: RunningServer;
    let clock: { now: () => Date; advance: (ms: number) => void };
    let ref: { reference: string; trackingCode: string };
    beforeAll(async () => {
      db = await freshDb(kind);
      let now = Date.parse('2026-11-23T02:00:00.000Z');
      clock = {
        now: () => new Date(now),
        advance: (ms) => {
          now += ms;
        },
      };
      const limits = { ...defaultLimits, rateBurst: 1000, ratePerSecond: 1000 };
      // Two servers on one store, as two instances would be; each keeps its own budget.
      behindProxy = await serveFunctions(await testWorld(db, { clock, limits }), { trustProxy: parseTrustProxy('loopback') });
      direct = await serveFunctions(await testWorld(db, { clock, limits }));
      ref = await submitOne(behindProxy.url);
    });
    afterAll(async () => {
      await behindProxy?.close();
      await direct?.close();
      await db?.close();
    });

    const lookup = (url: string, forwardedFor?: string, code = ref.trackingCode) =>
      fetch(`${url}/api/complaints/${ref.reference}`, { headers: { 'x-tracking-code': code, ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}) } });
    const form = (url: string, forwardedFor: string) =>
      fetch(`${url}/api/status`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': forwardedFor },
        body: new URLSearchParams({ reference: ref.reference, code: 'WRONGCODE' }).toString(),
      });

    it('the 31st lookup in a minute from one client is refused with 429 and a Chinese message; JSON and form share the budget', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++) statuses.push((await lookup(behindProxy.url, '203.0.113.9', i % 2 ? 'WRONGCODE' : ref.trackingCode)).status);
      for (let i = 0; i < 10; i++) statuses.push((await form(behindProxy.url, '203.0.113.9')).status);
      expect(new Set(statuses)).toEqual(new Set([200, 404]));
      const refused = await lookup(behindProxy.url, '203.0.113.9');
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toBe('60');
      expect(((await refused.json()) as { errors: { request: string } }).errors.request).toContain('查询太频繁');
      const refusedForm = await form(behindProxy.url, '203.0.113.9');
      expect(refusedForm.status).toBe(429);
      expect(await refusedForm.text()).toContain('查询太频繁');
      // Another client behind the same proxy is not affected.
      expect((await lookup(behindProxy.url, '203.0.113.10')).status).toBe(200);
      // A minute later the client may look again.
      clock.advance(60_001);
      expect((await lookup(behindProxy.url, '203.0.113.9')).status).toBe(200);
    });

    it('without TRUST_PROXY a forged X-Forwarded-For does not buy more lookups', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 31; i++) statuses.push((await lookup(direct.url, `198.51.100.${i}`)).status);
      expect(statuses.slice(0, 30).every((s) => s === 200)).toBe(true);
      expect(statuses[30]).toBe(429);
    });
  });
}
