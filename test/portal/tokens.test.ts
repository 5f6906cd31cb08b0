import { describe, expect, it } from 'vitest';
import { encodeChars, nameTokens, numberTokens, queryTokens } from '../../src/lib/search/tokens.ts';
import { fnv1a, shardCountFor, shardOf } from '../../src/lib/portal/shard.ts';
import { certificateLookupKey } from '../../src/lib/text.ts';

describe('search tokens', () => {
  it('encodes characters as letters only, keeping prefixes as prefixes', () => {
    expect(encodeChars('张三丰')).toMatch(/^[a-p]+$/);
    expect(encodeChars('张三丰').startsWith(encodeChars('张三'))).toBe(true);
    expect(encodeChars('𠀀')).toHaveLength(5);
  });

  it('makes every 2+ character part of a name a prefix of one of its tokens', () => {
    const name = '欧阳晓春';
    const tokens = nameTokens(name);
    for (let i = 0; i < 4; i++) {
      for (let j = i + 2; j <= 4; j++) {
        const q = queryTokens(name.slice(i, j), '').partialName!;
        expect(tokens.some((t) => t.startsWith(q)), name.slice(i, j)).toBe(true);
      }
    }
  });

  it('exact-name tokens match only the exact name', () => {
    const exact = queryTokens('张伟', '').exactName!;
    expect(nameTokens('张伟')).toContain(exact);
    expect(nameTokens('张伟华').some((t) => t.startsWith(exact))).toBe(false);
  });

  it('minority names: each part is searchable; dots are unified', () => {
    const tokens = nameTokens('阿卜杜拉·买买提');
    expect(tokens.some((t) => t.startsWith(queryTokens('买买', '').partialName!))).toBe(true);
    expect(tokens).toContain(queryTokens('阿卜杜拉•买买提', '').exactName!);
  });

  it('a number and its tails become number tokens; the query of a tail is a prefix of one', () => {
    const key = certificateLookupKey('RQCG-2024-0001');
    const tokens = numberTokens(key);
    expect(tokens).toContain(queryTokens('rqcg 2024 0001', key).number);
    expect(tokens).toContain(queryTokens('0001', '0001').number);
    expect(queryTokens('张伟', '张伟').number).toBeUndefined();
  });
});

describe('lookup shards', () => {
  it('hashes like FNV-1a and spreads keys over a power-of-two shard count', () => {
    expect(fnv1a('')).toBe(0x811c9dc5);
    expect(fnv1a('a')).toBe(0xe40c292c);
    expect(shardCountFor(1000)).toBe(4);
    expect(shardCountFor(100_000)).toBe(256);
    const used = new Set(Array.from({ length: 2000 }, (_, i) => shardOf(`RQCG2024${i}`, 16)));
    expect(used.size).toBe(16);
  });
});
