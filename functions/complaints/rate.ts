/** Per-key token bucket in memory (per process/instance — see docs/COMPLAINTS.md). */
export function tokenBucket(burst: number, perSecond: number, maxKeys = 50_000) {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return (key: string, nowMs: number): boolean => {
    const b = buckets.get(key) ?? { tokens: burst, at: nowMs };
    b.tokens = Math.min(burst, b.tokens + ((nowMs - b.at) / 1000) * perSecond);
    b.at = nowMs;
    const ok = b.tokens >= 1;
    if (ok) b.tokens -= 1;
    buckets.delete(key);
    buckets.set(key, b);
    if (buckets.size > maxKeys) buckets.delete(buckets.keys().next().value!);
    return ok;
  };
}

/**
 * At most `limit` per key in any `windowMs` (a sliding log of the key's last `limit` times): unlike a token
 * bucket, no burst on top of the steady rate. Memory: `limit` numbers per key, `maxKeys` keys (oldest dropped).
 */
export function slidingWindow(limit: number, windowMs: number, maxKeys = 20_000) {
  const logs = new Map<string, number[]>();
  return (key: string, nowMs: number): boolean => {
    const log = (logs.get(key) ?? []).filter((t) => t > nowMs - windowMs);
    const ok = log.length < limit;
    if (ok) log.push(nowMs);
    logs.delete(key);
    logs.set(key, log);
    if (logs.size > maxKeys) logs.delete(logs.keys().next().value!);
    return ok;
  };
}
