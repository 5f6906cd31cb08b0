import { describe, expect, it } from 'vitest';
import { buildPortal } from '../../src/build/portal/data.ts';
import { partIndexShards, partShardCount } from '../../src/build/search/part-index.ts';
import {
  bigramsOf,
  namePartOf,
  partComplete,
  partMatches,
  partRank,
  partShardCountFor,
  partShardOf,
  type PartEntry,
  type PartShard,
} from '../../src/core/search/parts.ts';
import { searchName } from '../../src/core/search/tokens.ts';
import { getSite } from '../../src/import/site.ts';

describe('part-of-name index: pure parts', () => {
  it('files a name under each pair of adjacent characters, once each, none across the middle dot', () => {
    expect(bigramsOf('欧阳晓春')).toEqual(['欧阳', '阳晓', '晓春']);
    expect(bigramsOf('王王王')).toEqual(['王王']);
    expect(bigramsOf('阿卜·买买提')).toEqual(['阿卜', '买买', '买提']);
    expect(bigramsOf('张')).toEqual([]);
    // Characters outside the BMP are one character, not two halves.
    expect(bigramsOf('𠀀林')).toEqual(['𠀀林']);
  });

  it('asks the part index only for one part of 2+ characters with Han and no digit', () => {
    expect(namePartOf(' 莉建 ')).toBe('莉建');
    expect(namePartOf('王小明')).toBe('王小明');
    expect(namePartOf('Ａｌｉ张')).toBe('Ali张');
    expect(namePartOf('王')).toBeUndefined();
    expect(namePartOf('王 明')).toBeUndefined();
    expect(namePartOf('阿卜·买买提')).toBeUndefined();
    expect(namePartOf('ab')).toBeUndefined();
    expect(namePartOf('城管2024')).toBeUndefined();
  });

  it('spreads bigrams over shards; the same bigram always lands in the same shard', () => {
    expect(partShardOf('莉建', 64)).toBe(partShardOf('莉建', 64));
    const used = new Set(['王伟', '李娜', '张敏', '刘洋', '陈静', '杨帆', '黄磊', '赵强'].map((b) => partShardOf(b, 64)));
    expect(used.size).toBeGreaterThan(4);
    expect(partShardCountFor(505_381)).toBe(2048);
  });

  it('ranks the whole name, then names starting with the part, then the rest; active holders first within each', () => {
    expect(partRank('王小明', '王小明')).toBe(0);
    expect(partRank('王小明', '王小')).toBe(1);
    expect(partRank('王小明', '小明')).toBe(2);
    expect(partRank('王小明', '王明')).toBeUndefined();
    const entries: PartEntry[] = [
      ['李小明', 'A-1', 'active', 'x'],
      ['小明', 'A-2', 'left', 'x'],
      ['小明辉', 'A-3', 'suspended', 'x'],
      ['王 小明', 'A-4', 'active', 'x', '巡查员'],
      ['小明', 'A-5', 'active', 'y'],
      ['小明远', 'A-6', 'active', 'x'],
      ['张小', 'A-7', 'active', 'x'],
    ];
    expect(partMatches(entries, '小明').map((e) => e[1])).toEqual(['A-5', 'A-2', 'A-6', 'A-3', 'A-1', 'A-4']);
    expect(partMatches(entries, '明辉').map((e) => e[1])).toEqual(['A-3']);
    expect(partMatches(entries, '小红')).toEqual([]);
  });

  it('tells a shard whose first bigram of the part was cut to a page', () => {
    const shard: PartShard = { p: [], more: { 王浩: 2500 } };
    expect(partComplete(shard, '王浩宇')).toBe(false);
    expect(partComplete(shard, '浩宇')).toBe(true);
    expect(partComplete({ p: [] }, '王浩')).toBe(true);
  });
});

describe('part-of-name index of the sample roster', async () => {
  const portal = buildPortal(await getSite());
  const named = portal.auxiliaries.filter((a) => a.name !== undefined);
  const shards = [...partIndexShards(portal)];

  it("holds every person in the shard of each of their name's bigrams, once a shard, nobody withheld", () => {
    expect(shards.length).toBe(partShardCount(portal));
    const failures: string[] = [];
    for (const aux of named) {
      for (const bigram of bigramsOf(searchName(aux.name!))) {
        const shard = shards[parseInt(partShardOf(bigram, shards.length), 36)]!;
        if (!partMatches(shard.p, bigram).some((e) => e[1] === aux.certificateNo)) failures.push(`${aux.name} ${bigram}`);
      }
    }
    expect(failures).toEqual([]);
    for (const shard of shards) expect(new Set(shard.p.map((e) => e[1])).size).toBe(shard.p.length);
    const withheld = new Set(portal.auxiliaries.filter((a) => a.name === undefined).map((a) => a.certificateNo));
    expect(shards.flatMap((s) => s.p).filter((e) => withheld.has(e[1]))).toEqual([]);
    expect(shards.every((s) => s.more === undefined)).toBe(true);
  });

  it('keeps only the first page of a common bigram, in the order a search for it shows, with its count', () => {
    const count = new Map<string, number>();
    for (const aux of named) for (const b of bigramsOf(searchName(aux.name!))) count.set(b, (count.get(b) ?? 0) + 1);
    const [bigram, total] = [...count].sort((a, b) => b[1] - a[1])[0]!;
    expect(total).toBeGreaterThan(3);
    // In roster order, as the index files them.
    const all: PartEntry[] = named.filter((a) => searchName(a.name!).includes(bigram)).map((a) => [a.name!, a.certificateNo, a.status, a.agencyId]);
    const cut = [...partIndexShards(portal, 3)];
    const shard = cut[parseInt(partShardOf(bigram, cut.length), 36)]!;
    expect(shard.more?.[bigram]).toBe(total);
    expect(partComplete(shard, bigram)).toBe(false);
    const kept = partMatches(shard.p, bigram).map((e) => e[1]);
    // The best 3 are there; the others only if another bigram of theirs, not cut, is filed in the same shard.
    expect(kept).toEqual(
      expect.arrayContaining(
        partMatches(all, bigram)
          .slice(0, 3)
          .map((e) => e[1]),
      ),
    );
    expect(kept.length).toBeLessThan(total);
  });
});
