import { BlockList, isIP } from 'node:net';

/**
 * Which address a request comes from, for rate limits. `X-Forwarded-For` is written by whoever sends it, so it
 * names the client only as far as it was appended by proxies we run: the operator says which with TRUST_PROXY.
 * - unset, `false` or `0` → the socket address; the header is ignored;
 * - a hop count `n` → the proxies are the last `n` hops: the client is the `n`-th address counted from the right
 *   of `X-Forwarded-For, socket address`;
 * - addresses and ranges (`10.0.0.0/8, 127.0.0.1, ::1`, keywords `loopback`, `uniquelocal`) → walking from the
 *   socket address leftwards, the first address that is not a trusted proxy is the client.
 * The limits count what this returns by `rateKey` (functions/complaints/rate.ts): an IPv4 address (an IPv4-mapped
 * one included) as itself, an IPv6 address by its /64.
 */
export type TrustProxy = { kind: 'none' } | { kind: 'hops'; hops: number } | { kind: 'ranges'; list: BlockList; text: string };

const KEYWORDS: Record<string, string[]> = {
  loopback: ['127.0.0.0/8', '::1/128'],
  uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
};

/** Reads TRUST_PROXY; a value it cannot read is an error naming the setting (never silently "trust everyone"). */
export function parseTrustProxy(value: string | undefined): TrustProxy {
  const text = (value ?? '').trim();
  if (text === '' || text === 'false' || text === '0') return { kind: 'none' };
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    if (hops > 32) throw new Error(`TRUST_PROXY=${text}：代理层数不合理（应为 0–32 的整数，或代理的地址/网段列表）`);
    return { kind: 'hops', hops };
  }
  const list = new BlockList();
  for (const raw of text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    for (const entry of KEYWORDS[raw.toLowerCase()] ?? [raw]) {
      const [address, prefix, extra] = entry.split('/');
      const family = isIP(address ?? '');
      const bits = prefix === undefined ? (family === 6 ? 128 : 32) : Number(prefix);
      if (
        !family ||
        extra !== undefined ||
        !Number.isInteger(bits) ||
        bits < 0 ||
        bits > (family === 6 ? 128 : 32) ||
        (prefix !== undefined && !/^\d+$/.test(prefix))
      ) {
        throw new Error(
          `TRUST_PROXY 中的“${raw.slice(0, 60)}”不是 IP 地址或网段（例如 10.0.0.0/8、127.0.0.1、::1，或 loopback、uniquelocal；也可以写代理层数，例如 1）`,
        );
      }
      list.addSubnet(address!, bits, family === 6 ? 'ipv6' : 'ipv4');
    }
  }
  return { kind: 'ranges', list, text };
}

/** How client addresses are taken under this rule, for `npm start`'s log (TRUST_PROXY names addresses, no secret). */
export function trustProxyLine(trust: TrustProxy): string {
  if (trust.kind === 'none')
    return '客户端地址：取连接的来源地址，不信任 X-Forwarded-For（TRUST_PROXY 未设置或为 0）；在反向代理后面时，所有访客共用代理地址的一份限流额度，请设置 TRUST_PROXY';
  if (trust.kind === 'hops') return `客户端地址：信任 ${trust.hops} 层代理，取 X-Forwarded-For 中右起第 ${trust.hops} 个地址（TRUST_PROXY=${trust.hops}）`;
  return `客户端地址：信任来自 ${trust.text} 的代理，取 X-Forwarded-For 中从右往左第一个不属于这些地址的地址（TRUST_PROXY）`;
}

/** An address as written in a header or by the socket: brackets, ports and the IPv4-mapped prefix removed. */
function plain(address: string): string | undefined {
  let a = address.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(a);
  if (bracketed) a = bracketed[1]!;
  else if (/^\d{1,3}(\.\d{1,3}){3}:\d+$/.test(a)) a = a.slice(0, a.lastIndexOf(':'));
  if (/^::ffff:\d{1,3}(\.\d{1,3}){3}$/i.test(a)) a = a.slice(7);
  return isIP(a) ? a.toLowerCase() : undefined;
}

const trusted = (list: BlockList, address: string): boolean => {
  const family = isIP(address);
  return family !== 0 && list.check(address, family === 6 ? 'ipv6' : 'ipv4');
};

/** The client's address under the operator's TRUST_PROXY rule. */
export function clientAddress(socketAddress: string | undefined, forwardedFor: string | string[] | undefined, trust: TrustProxy): string {
  const socket = plain(socketAddress ?? '') ?? socketAddress ?? 'unknown';
  if (trust.kind === 'none' || !forwardedFor) return socket;
  const header = Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor;
  // Nearest hop first: the socket, then the header from right to left.
  const hops = [
    socket,
    ...header
      .split(',')
      .reverse()
      .map((s) => s.trim())
      .filter(Boolean),
  ];
  if (trust.kind === 'hops') {
    let client = socket;
    for (let i = 1; i <= Math.min(trust.hops, hops.length - 1); i++) {
      const address = plain(hops[i]!);
      // A hop our proxy did not write as an address: stay with the last address a trusted proxy gave us.
      if (!address) break;
      client = address;
    }
    return client;
  }
  let client = socket;
  for (let i = 0; i < hops.length - 1 && trusted(trust.list, client); i++) {
    const next = plain(hops[i + 1]!);
    if (!next) break;
    client = next;
  }
  return client;
}
