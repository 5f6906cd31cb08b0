/**
 * The first file of the commonest searches, asked for while the page is still arriving. A name or a part of one
 * (`/search/?q=马涵`) is answered by one shard of the part index (parts.ts), but the page's script can only ask for it
 * once the script and its chunks have come — one more round trip in a row (2 s under slow 3G, docs/BENCHMARKS.md,
 * "Sixteenth run"). A small inline script at the top of the page's head (before the stylesheet, which would hold it
 * back until it has come) works out that shard's address from the address bar and adds
 * `<link rel="preload" as="fetch" crossorigin="anonymous">` for it, which the script's own `fetch()` (same URL, CORS
 * mode, same-origin credentials) then takes instead of asking again.
 *
 * It only acts when the answer is certain: the query is Han characters only after NFKC (no space, dot, digit,
 * Latin letter or punctuation), so that client.ts reads it as one part of a name (namePartOf) and fetches exactly
 * the part shard of its first bigram first; anything else (numbers, pasted links, labels, several parts) gets no
 * preload and is searched as before. test/portal/preload.test.ts checks the address against client.ts's own reading.
 */

/**
 * The part shard client.ts fetches first for `query` (as the address bar has it), or undefined when it is not sure.
 * Runs in the page as it is written here (firstShardPreloadScript): no imports, nothing from this module's scope.
 */
export function firstPartShardUrl(query: string, partShardCount: number): string | undefined {
  const part = query.trim().normalize('NFKC');
  if (!(partShardCount > 0) || !/^\p{Script=Han}{2,}$/u.test(part)) return undefined;
  const chars = Array.from(part);
  const bigram = chars[0]! + chars[1]!;
  // FNV-1a over UTF-16 code units, as fnv1a in core/shard.ts.
  let hash = 0x811c9dc5;
  for (let i = 0; i < bigram.length; i++) {
    hash ^= bigram.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return `/search/p/${(hash % partShardCount).toString(36)}.json`;
}

/**
 * The inline script for a part index of `partShardCount` shards (the search form's data-part-shards): classic, run as
 * the head is parsed; the CSP allows it by its hash (src/build/security-headers.ts), which the build takes afresh.
 */
export function firstShardPreloadScript(partShardCount: number): string {
  return [
    '(function(){',
    `var url=(${firstPartShardUrl.toString()})(new URLSearchParams(location.search).get('q')||'',${Number(partShardCount)});`,
    'if(!url)return;',
    "var link=document.createElement('link');",
    "link.rel='preload';link.as='fetch';link.crossOrigin='anonymous';link.href=url;",
    'document.head.appendChild(link);',
    '})();',
  ].join('');
}
