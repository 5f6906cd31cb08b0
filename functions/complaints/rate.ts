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
