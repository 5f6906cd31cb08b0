import { isIP } from 'node:net';
import { describe, expect, it } from 'vitest';
import { rateKey, slidingWindow, tokenBucket } from '../../functions/complaints/rate.ts';

/** 2001:db8:1:2::2, ::3, … — a client using a fresh address of its /64 for every request. */
const rotating = (count: number, prefix = '2001:db8:1:2') => Array.from({ length: count }, (_, i) => `${prefix}::${(i + 2).toString(16)}`);

describe('rateKey: what a limit counts as one client', () => {
  it('IPv4 as it is; IPv4-mapped IPv6 as its IPv4 address, in every spelling', () => {
    expect(rateKey('192.0.2.1')).toBe('192.0.2.1');
    expect(rateKey('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(rateKey('::FFFF:192.0.2.1')).toBe('192.0.2.1');
    expect(rateKey('::ffff:c000:201')).toBe('192.0.2.1');
    expect(rateKey('0:0:0:0:0:ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(rateKey('[::ffff:192.0.2.1]')).toBe('192.0.2.1');
  });

  it('other IPv6 addresses as their /64 prefix, spelled one way (RFC 5952)', () => {
    const key = '2001:db8:1:2::/64';
    for (const a of ['2001:db8:1:2::1', '2001:db8:1:2::d', '2001:DB8:1:2:aaaa:bbbb:cccc:dddd', '2001:0db8:0001:0002:0000:0000:0000:0001', '[2001:db8:1:2::1]'])
      expect(rateKey(a), a).toBe(key);
    expect(rateKey('2001:db8:1:3::1')).toBe('2001:db8:1:3::/64');
    expect(rateKey('2001:db8::1')).toBe('2001:db8::/64');
    expect(rateKey('2001:0:0:1::5')).toBe('2001:0:0:1::/64');
    expect(rateKey('2001:db8:1:2:3:4:192.0.2.1')).toBe(key);
    expect(rateKey('fe80::1%eth0')).toBe('fe80::/64');
    expect(rateKey('::1')).toBe('::/64');
  });

  it('is its own key, and leaves what is not an address alone', () => {
    for (const a of ['192.0.2.1', '::ffff:c000:201', '2001:db8:1:2::1', 'fe80::1%eth0']) expect(rateKey(rateKey(a))).toBe(rateKey(a));
    for (const other of [
      'unknown',
      'TS-7K3M-9QX2',
      'renqiu-cgj',
      'oversight:renqiu-sfj',
      'cafe',
      'face:bead',
      '256.1.1.1',
      '1::2::3',
      '12345::1',
      ':1::2',
      '1:2:3:4:5:6:7:8:9',
      '1:2:3:4:5:6:7:8::',
      '',
    ])
      expect(rateKey(other), other).toBe(other);
  });

  it('takes as an address exactly what node:net does', () => {
    const samples = [
      '1.2.3.4',
      '01.2.3.4',
      '1.2.3',
      '::',
      '::1',
      '1::',
      '1:2:3:4:5:6:7::',
      '::2:3:4:5:6:7:8',
      '1:2:3:4:5:6:7:8',
      '1:2:3:4:5:6:7:8:9',
      '1:2:3:4:5:6::1.2.3.4',
      '1:2:3:4:5:6:7:1.2.3.4',
      '::1.2.3.4',
      '::ffff:1.2.3.400',
      '::ffff:01.2.3.4',
      '::ffff:0.0.0.0',
      '1:::2',
      'g::1',
      '12345::',
      ':1:2:3:4:5:6:7',
      '1:2:3:4:5:6:7:',
    ];
    for (const s of samples) expect(rateKey(s) !== s || isIP(s) === 4, s).toBe(isIP(s) !== 0);
  });
});

describe('the limiters count per rateKey', () => {
  it('a token bucket: rotating addresses in one /64 is refused after the burst; another /64 is not', () => {
    const allow = tokenBucket(10, 0);
    expect(rotating(12).map((a) => allow(a, 0))).toEqual([...Array(10).fill(true), false, false]);
    expect(allow('2001:db8:1:3::1', 0)).toBe(true);
  });

  it('a token bucket: an IPv4 address and its IPv4-mapped form share one budget', () => {
    const allow = tokenBucket(2, 0);
    expect(allow('198.51.100.7', 0)).toBe(true);
    expect(allow('::ffff:198.51.100.7', 0)).toBe(true);
    expect(allow('::ffff:c633:6407', 0)).toBe(false);
    expect(allow('198.51.100.8', 0)).toBe(true);
  });

  it('a sliding window: the same, and keys that are not addresses are kept apart as they are', () => {
    const allow = slidingWindow(30, 60_000);
    expect(rotating(31).map((a) => allow(a, 0))).toEqual([...Array(30).fill(true), false]);
    expect(allow('2001:db8:1:3::1', 0)).toBe(true);
    const perReference = slidingWindow(1, 60_000);
    expect(perReference('TS-7K3M-9QX2', 0)).toBe(true);
    expect(perReference('TS-7K3M-9QX3', 0)).toBe(true);
    expect(perReference('TS-7K3M-9QX2', 0)).toBe(false);
  });

  it('rotating addresses within a /64 does not push other clients out of the table', () => {
    const allow = tokenBucket(1, 0, 3);
    expect(allow('203.0.113.9', 0)).toBe(true);
    expect(allow('203.0.113.9', 0)).toBe(false);
    for (const a of rotating(50)) allow(a, 0);
    // Had the 50 addresses been 50 keys, the client's empty bucket would have been dropped and refilled.
    expect(allow('203.0.113.9', 0)).toBe(false);
  });
});
