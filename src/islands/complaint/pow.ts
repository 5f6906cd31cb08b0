/** Finds a nonce such that sha256(`${key}:${nonce}`) starts with `bits` zero bits (optional proof of work). */
export async function solvePow(key: string, bits: number): Promise<string> {
  const encoder = new TextEncoder();
  for (let nonce = 0; ; nonce++) {
    const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(`${key}:${nonce}`)));
    let ok = true;
    for (let i = 0; i < bits && ok; i++) if ((hash[i >> 3]! >> (7 - (i & 7))) & 1) ok = false;
    if (ok) return String(nonce);
  }
}
