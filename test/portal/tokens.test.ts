import { describe, expect, it } from 'vitest';
import { encodeChars, MAX_TOKEN_CHARS, nameTokens, partTokens, queryTokens, searchName } from '../../src/core/search/tokens.ts';
import { nameMatches, nameShardOf, type NameEntry } from '../../src/build/search/names.ts';
import { decodeMembers, encodeMembers, memberMatch, type Member } from '../../src/build/search/match.ts';
import { fnv1a, numberMatches, shardCountFor, shardOf, type NumberEntry } from '../../src/core/shard.ts';
import { certificateLookupKey } from '../../src/core/text.ts';

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
        expect(
          tokens.some((t) => t.startsWith(q)),
          name.slice(i, j),
        ).toBe(true);
      }
    }
  });

  it('tokens grow linearly with the text: a 200-character unit name and a 10,000-character text stay small', () => {
    const size = (text: string) => partTokens(text).reduce((n, t) => n + t.length, 0);
    const perChar = 1 + 5 * MAX_TOKEN_CHARS;
    for (const n of [200, 10_000]) {
      const text = '城'.repeat(n / 2) + '管'.repeat(n / 2);
      expect(size(text)).toBeLessThanOrEqual(n * perChar);
    }
    // Doubling the text doubles the tokens (quadratic growth would quadruple them).
    expect(size('执'.repeat(4000)) / size('执'.repeat(2000))).toBeLessThan(2.1);
    // A part longer than the cut is still found, by its first MAX_TOKEN_CHARS characters.
    const unit = '任丘市城市管理综合行政执法局市容环境卫生管理处';
    const q = queryTokens(unit.slice(3), '').partialName!;
    expect(partTokens(unit).some((t) => t.startsWith(q))).toBe(true);
  });

  it('a whole name is looked up in the name index: only the exact name, typed with spaces or full-width letters, finds it', () => {
    const entries: NameEntry[] = ['张伟', '张伟华', '李张伟', 'Ａｌｉ 张'].map((name, i) => [searchName(name), `A-${i}`, name, 'active', 'x']);
    const found = (query: string) => nameMatches(entries, queryTokens(query, '').exactName!).map((e) => e[2]);
    expect(found('张伟')).toEqual(['张伟']);
    expect(found(' 张 伟 ')).toEqual(['张伟']);
    expect(found('Ali张')).toEqual(['Ａｌｉ 张']);
    expect(found('张')).toEqual([]);
    // The same name always lands in the same shard, spaces or not; shards spread the names.
    expect(nameShardOf(queryTokens('张 伟', '').exactName!, 64)).toBe(nameShardOf(searchName('张伟'), 64));
    expect(new Set(entries.map((e) => nameShardOf(e[0], 64))).size).toBeGreaterThan(1);
    // Exact names are not in the Pagefind tokens any more: a name's tokens are its parts only.
    expect(nameTokens('张伟')).toEqual(partTokens('张伟'));
  });

  it('minority names: each part is searchable; dots are unified', () => {
    const tokens = nameTokens('阿卜杜拉·买买提');
    expect(tokens.some((t) => t.startsWith(queryTokens('买买', '').partialName!))).toBe(true);
    expect(queryTokens('阿卜杜拉•买买提', '').exactName).toBe(searchName('阿卜杜拉·买买提'));
  });

  it('a query with a digit and 3+ characters is looked up as a number key', () => {
    expect(queryTokens('rqcg 2024 0001', certificateLookupKey('rqcg 2024 0001')).numberKey).toBe('RQCG20240001');
    expect(queryTokens('01', '01').numberKey).toBeUndefined();
    expect(queryTokens('张伟', '张伟').numberKey).toBeUndefined();
  });
});

describe('picking people out of a search group', () => {
  const bucket = { agency: '任丘市城市管理综合行政执法局', agencyId: 'renqiu-cgj', region: '河北省沧州市任丘市', status: '有效' };
  it('tells an exact name from a partial one, and matches posts and units', () => {
    expect(memberMatch('张伟', ['A-1', '张伟'], bucket)).toBe('exact');
    expect(memberMatch('张伟', ['A-2', '张伟华'], bucket)).toBe('match');
    expect(memberMatch('伟华', ['A-2', '张伟华'], bucket)).toBe('match');
    expect(memberMatch('张华', ['A-2', '张伟华'], bucket)).toBeUndefined();
    expect(memberMatch('巡查', ['A-3', '李四', '巡查员'], bucket)).toBe('match');
    expect(memberMatch('城市管理', ['A-3', '李四'], bucket)).toBe('match');
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
    // A tail of 3+ characters is in the same shard as the whole key.
    expect(shardOf('0001', 64)).toBe(shardOf('RQCG20240001', 64));
  });

  it('finds a whole key first, and keys ending with a typed tail', () => {
    const entries: NumberEntry[] = [
      ['RQCG20240001', 'RQCG-2024-0001', '张三', 'active', 'a'],
      ['X0001', 'X-0001', '李四', 'left', 'b'],
      ['RQCG20240002', 'RQCG-2024-0002', '王五', 'active', 'a'],
    ];
    expect(numberMatches(entries, 'X0001').map((e) => e[1])).toEqual(['X-0001']);
    expect(
      numberMatches(entries, '0001')
        .map((e) => e[1])
        .sort(),
    ).toEqual(['RQCG-2024-0001', 'X-0001']);
    expect(numberMatches(entries, '01')).toEqual([]);
  });
});

describe('search groups', () => {
  it("store their people's numbers without the start they share, and give them back whole", () => {
    const members: Member[] = [
      ['RQ-CG-2024-0001', '张三', '协管员'],
      ['RQ-CG-2024-0010', '李四'],
      ['RQ-CG-2023-0002', '王五'],
    ];
    const stored = encodeMembers(members);
    expect(stored.prefix).toBe('RQ-CG-202');
    expect(stored.members).not.toContain('RQ-CG');
    expect(decodeMembers(stored)).toEqual(members);
    // Nothing shared, one person, nobody: still whole.
    const apart: Member[] = [
      ['A1', '甲'],
      ['B2', '乙'],
    ];
    expect(decodeMembers(encodeMembers(apart))).toEqual(apart);
    expect(decodeMembers(encodeMembers([['X-9', '丙']]))).toEqual([['X-9', '丙']]);
    expect(decodeMembers(encodeMembers([]))).toEqual([]);
  });
});
