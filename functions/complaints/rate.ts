/**
 * What a rate limit counts as one client, from the client's address:
 * - an IPv4 address as it is (`192.0.2.1`);
 * - an IPv4-mapped IPv6 address (`::ffff:192.0.2.1`, `::ffff:c000:201`) as that IPv4 address, so a dual-stack
 *   socket does not give an IPv4 client a second budget;
 * - any other IPv6 address as its /64 prefix in one canonical spelling (`2001:db8:1:2::/64`): a subscriber is
 *   normally given a whole /64 and can use a new address in it for every request, so counting addresses would let
 *   one client rotate past every limit (and push other clients' entries out of the limiters' tables).
 * Anything else — `unknown`, a reference, an agency id — is returned unchanged, and a key is its own key
 * (`rateKey(rateKey(a)) === rateKey(a)`). Every limit keyed by a client address goes through it: the limiters below
 * apply it to their keys, on `npm start` and on the serverless adapters alike.
 */
export function rateKey(address: string): string {
  let text = address.trim();
  const bracketed = /^\[([^\]]*)\]$/.exec(text);
  if (bracketed) text = bracketed[1]!;
  const v4 = ipv4(text);
  if (v4) return v4.join('.');
  // An address with its zone (`fe80::1%eth0`), or a key this function made (`2001:db8::/64`).
  const v6 = ipv6(text.replace(/%[^%/]+$/, '').replace(/\/64$/, ''));
  if (!v6) return address;
  if (v6.slice(0, 5).every((h) => h === 0) && v6[5] === 0xffff) return [v6[6]! >> 8, v6[6]! & 255, v6[7]! >> 8, v6[7]! & 255].join('.');
  return `${ipv6Text([...v6.slice(0, 4), 0, 0, 0, 0])}/64`;
}

/** The four octets of a dotted IPv4 address (no leading zeros, as node:net reads it), or undefined. */
function ipv4(text: string): number[] | undefined {
  const m = /^(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})$/.exec(text);
  if (!m) return undefined;
  const octets = m.slice(1).map(Number);
  return octets.every((o) => o <= 255) ? octets : undefined;
}

/** The eight 16-bit groups of an IPv6 address (`::` shorthand and a dotted IPv4 tail allowed), or undefined. */
function ipv6(text: string): number[] | undefined {
  let head = text;
  let tail: number[] = [];
  const dotted = /^(.*:)(\d{1,3}(?:\.\d{1,3}){3})$/.exec(text);
  if (dotted) {
    const octets = ipv4(dotted[2]!);
    if (!octets) return undefined;
    tail = [(octets[0]! << 8) | octets[1]!, (octets[2]! << 8) | octets[3]!];
    head = dotted[1]!.endsWith('::') ? dotted[1]! : dotted[1]!.slice(0, -1);
  }
  const halves = head.split('::');
  if (halves.length > 2) return undefined;
  const groups = (part: string | undefined) => (part ? part.split(':') : []);
  const left = groups(halves[0]);
  const right = groups(halves[1]);
  if (![...left, ...right].every((g) => /^[0-9a-f]{1,4}$/i.test(g))) return undefined;
  const given = left.length + right.length + tail.length;
  // Without `::` all eight groups are written; `::` stands for at least one group of zeros.
  if (halves.length === 1 ? given !== 8 : given > 7) return undefined;
  const zeros = new Array<number>(8 - given).fill(0);
  return [...left.map((g) => parseInt(g, 16)), ...(halves.length === 2 ? zeros : []), ...right.map((g) => parseInt(g, 16)), ...tail];
}

/** RFC 5952 text: lower case, no leading zeros, the longest run of two or more zero groups (the first on a tie) as `::`. */
function ipv6Text(groups: number[]): string {
  let at = -1;
  let length = 0;
  for (let i = 0; i < groups.length; ) {
    let j = i;
    while (j < groups.length && groups[j] === 0) j++;
    if (j - i > length) [at, length] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const hex = (list: number[]) => list.map((g) => g.toString(16)).join(':');
  return length < 2 ? hex(groups) : `${hex(groups.slice(0, at))}::${hex(groups.slice(at + length))}`;
}

/**
 * Per-key token bucket in memory (per process/instance — see docs/COMPLAINTS.md). A key that is a client address
 * counts per `rateKey` (an IPv6 client per /64).
 */
export function tokenBucket(burst: number, perSecond: number, maxKeys = 50_000) {
  const bucket = tokenBucketWait(burst, perSecond, maxKeys);
  return (address: string, nowMs: number): boolean => bucket.take(address, nowMs) === undefined;
}

/**
 * tokenBucket that says, when it refuses, how long until the key has a token again (ms; undefined: allowed, and a
 * token taken), and can give a token back (`refund`: the request turned out to cost nothing, e.g. the no-JS 修改).
 */
export function tokenBucketWait(burst: number, perSecond: number, maxKeys = 50_000) {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    take(address: string, nowMs: number): number | undefined {
      const key = rateKey(address);
      const b = buckets.get(key) ?? { tokens: burst, at: nowMs };
      b.tokens = Math.min(burst, b.tokens + ((nowMs - b.at) / 1000) * perSecond);
      b.at = nowMs;
      const ok = b.tokens >= 1;
      if (ok) b.tokens -= 1;
      buckets.delete(key);
      buckets.set(key, b);
      if (buckets.size > maxKeys) buckets.delete(buckets.keys().next().value!);
      return ok ? undefined : ((1 - b.tokens) / perSecond) * 1000;
    },
    refund(address: string): void {
      const b = buckets.get(rateKey(address));
      if (b) b.tokens = Math.min(burst, b.tokens + 1);
    },
  };
}

export type RateLimiter = ReturnType<typeof tokenBucketWait>;

/**
 * At most `limit` per key in any `windowMs` (a sliding log of the key's last `limit` times): unlike a token
 * bucket, no burst on top of the steady rate. Memory: `limit` numbers per key, `maxKeys` keys (oldest dropped).
 * A key that is a client address counts per `rateKey` (an IPv6 client per /64); other keys (references, agency
 * ids) are used as they are.
 */
export function slidingWindow(limit: number, windowMs: number, maxKeys = 20_000) {
  const take = slidingWindowUntil(limit, windowMs, maxKeys);
  return (keyOrAddress: string, nowMs: number): boolean => take(keyOrAddress, nowMs) === undefined;
}

/**
 * slidingWindow that says, when it refuses, from when (ms) the key has room again: the oldest time in its log plus
 * the window. Undefined: allowed, and counted.
 */
export function slidingWindowUntil(limit: number, windowMs: number, maxKeys = 20_000) {
  const logs = new Map<string, number[]>();
  return (keyOrAddress: string, nowMs: number): number | undefined => {
    const key = rateKey(keyOrAddress);
    const log = (logs.get(key) ?? []).filter((t) => t > nowMs - windowMs);
    const ok = log.length < limit;
    if (ok) log.push(nowMs);
    logs.delete(key);
    logs.set(key, log);
    if (logs.size > maxKeys) logs.delete(logs.keys().next().value!);
    return ok ? undefined : log[0]! + windowMs;
  };
}
