import { describe, expect, it } from 'vitest';
import { buildPortal } from '../../src/build/portal/data.ts';
import { partIndexShards } from '../../src/build/search/part-index.ts';
import { bigramsOf, partComplete, partMatches, partShardOf, type PartEntry } from '../../src/build/search/parts.ts';
import { closeNameKeys, closeNameQuery, closeNames, isSlipKey, oneCharOff, slipKeysOf } from '../../src/build/search/close-names.ts';
import { searchName } from '../../src/build/search/tokens.ts';
import { getSite } from '../../src/import/site.ts';

describe('names one character off: pure parts', () => {
  it('finds the one position where two names of the same length differ, and nothing else', () => {
    expect(oneCharOff('丁娜蓝', '丁娜兰')).toBe(2);
    expect(oneCharOff('孙语兰', '孙雨兰')).toBe(1);
    expect(oneCharOff('叶蓝', '夜蓝')).toBe(0);
    expect(oneCharOff('慕容春风', '慕容春峰')).toBe(3);
    expect(oneCharOff('丁娜兰', '丁娜兰')).toBeUndefined();
    expect(oneCharOff('丁娜蓝', '丁哪兰')).toBeUndefined();
    expect(oneCharOff('丁娜', '丁娜兰')).toBeUndefined();
    expect(oneCharOff('丁娜兰', '娜兰')).toBeUndefined();
    // A character outside the BMP is one character, not two halves.
    expect(oneCharOff('𠀀林', '𠀁林')).toBe(0);
  });

  it('looks only at whole names of 2–4 Han characters: never at numbers, single characters or longer text', () => {
    expect(closeNameQuery(' 丁娜蓝 ')).toBe('丁娜蓝');
    expect(closeNameQuery('叶蓝')).toBe('叶蓝');
    expect(closeNameQuery('慕容春风')).toBe('慕容春风');
    expect(closeNameQuery('丁 娜蓝')).toBe('丁娜蓝');
    for (const query of [
      '丁',
      '城市管理综合行政执法局',
      'LAJA-CG-00001',
      'LAJA-CG-0000l',
      '00001',
      '２０２４',
      '丁娜1',
      '证件编号：LA-1',
      '古丽·买提',
      'Ali',
      '',
    ]) {
      expect(closeNameQuery(query), query).toBeUndefined();
    }
  });

  it('files 2- and 3-character names under slip keys that are never bigrams; 4 characters need none', () => {
    expect(slipKeysOf('叶兰')).toEqual(['叶＊', '＊兰']);
    expect(slipKeysOf('丁娜兰')).toEqual(['丁＊兰']);
    expect(slipKeysOf('慕容春峰')).toEqual([]);
    expect(slipKeysOf('古丽·买提')).toEqual([]);
    expect(slipKeysOf('张')).toEqual([]);
    for (const key of ['叶＊', '＊兰', '丁＊兰']) expect(isSlipKey(key)).toBe(true);
    expect(isSlipKey('叶兰')).toBe(false);
    // What a typed name looks up: for each position, a key of it that does not touch that position.
    expect(closeNameKeys('叶蓝')).toEqual(['叶＊', '＊蓝']);
    expect(closeNameKeys('丁娜蓝')).toEqual(['丁娜', '娜蓝', '丁＊蓝']);
    expect(closeNameKeys('慕容春风')).toEqual(['慕容', '春风']);
  });

  it('ranks names that keep the surname first, then active holders, then by name; each person once', () => {
    const entries: PartEntry[] = [
      ['陈娜蓝', 'A-1', 'active', 'x'],
      ['丁娜花', 'A-2', 'left', 'x'],
      ['丁娜兰', 'A-3', 'suspended', 'y'],
      ['丁娜兰', 'A-4', 'active', 'x', '巡查员'],
      ['丁 娜 兰', 'A-5', 'active', 'y'],
      ['丁娜兰', 'A-4', 'active', 'x', '巡查员'],
      ['丁雅蓝', 'A-6', 'active', 'x'],
      ['丁娜蓝', 'A-7', 'active', 'x'],
      ['丁雅兰', 'A-8', 'active', 'x'],
      ['丁娜兰兰', 'A-9', 'active', 'x'],
      ['丁娜', 'A-10', 'active', 'x'],
      ['丁·娜兰', 'A-11', 'active', 'x'],
      ['蓝娜丁', 'A-12', 'active', 'x'],
    ];
    // Keeping 丁 and active: 丁娜兰 (A-4, A-5: by number) before 丁雅蓝 (by name: nà before yǎ); then the
    // same-surname holders who are not active, by name (丁娜花 huā before 丁娜兰 lán); then another surname.
    // Not offered: the name itself, two characters off (丁雅兰), another length, a dotted name, the same characters reordered.
    expect(closeNames(entries, '丁娜蓝').map((e) => e[1])).toEqual(['A-4', 'A-5', 'A-6', 'A-2', 'A-3', 'A-1']);
    expect(closeNames(entries, '丁娜兰').map((e) => e[1])).toEqual(['A-7', 'A-8', 'A-2']);
    expect(closeNames(entries, '李四光')).toEqual([]);
  });
});

describe('names one character off in the sample roster’s part index', async () => {
  const portal = buildPortal(await getSite());
  const shards = [...partIndexShards(portal)];
  const everyone = shards.flatMap((s) => s.p);
  const names = [...new Set(portal.auxiliaries.map((a) => a.name && searchName(a.name)).filter((n): n is string => !!n && !!closeNameQuery(n)))];
  const fromKeys = (typed: string) =>
    closeNames(
      closeNameKeys(typed).flatMap((key) => shards[parseInt(partShardOf(key, shards.length), 36)]!.p),
      typed,
    );

  it('the shards of closeNameKeys hold every name one character off, in every position of every name', () => {
    expect(names.some((n) => [...n].length === 2) && names.some((n) => [...n].length === 3) && names.some((n) => [...n].length === 4)).toBe(true);
    const failures: string[] = [];
    let checked = 0;
    for (const name of names) {
      const chars = [...name];
      for (let i = 0; i < chars.length; i++) {
        // 〇 is a Han character in no sample name: the typed name is one character off `name` at position i.
        const typed = chars.map((c, j) => (j === i ? '〇' : c)).join('');
        const got = fromKeys(typed).map((e) => e[1]);
        const all = closeNames(everyone, typed).map((e) => e[1]);
        if (!got.some((no) => everyone.find((e) => e[1] === no && searchName(e[0]) === name))) failures.push(`${typed} → ${name}`);
        if (got.join() !== all.join()) failures.push(`${typed}: ${got.join()} ≠ ${all.join()}`);
        checked++;
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(2000);
  });

  it('the slip keys leave part searches as they were: a part shard still answers its part exactly', () => {
    const failures: string[] = [];
    for (const name of names) {
      for (const part of bigramsOf(name)) {
        const shard = shards[parseInt(partShardOf(part, shards.length), 36)]!;
        const expected = everyone.filter((e) => searchName(e[0]).includes(part)).map((e) => e[1]);
        const got = partMatches(shard.p, part).map((e) => e[1]);
        if (!partComplete(shard, part) || new Set(got).size !== new Set(expected).size) failures.push(part);
      }
    }
    expect(failures).toEqual([]);
  });

  it('a slip key cut to a page keeps one holder of each name first', () => {
    const count = new Map<string, Set<string>>();
    const people = new Map<string, number>();
    for (const name of names) {
      for (const key of slipKeysOf(name)) {
        count.set(key, (count.get(key) ?? new Set()).add(name));
      }
    }
    for (const aux of portal.auxiliaries) {
      if (!aux.name) continue;
      for (const key of slipKeysOf(searchName(aux.name))) people.set(key, (people.get(key) ?? 0) + 1);
    }
    // The slip key with the most people among those with more people than names.
    const [key, distinct] = [...count].filter(([k, n]) => people.get(k)! > n.size).sort((a, b) => b[1].size - a[1].size)[0]!;
    expect(distinct.size).toBeGreaterThan(2);
    const page = distinct.size;
    const cut = [...partIndexShards(portal, page)];
    const shard = cut[parseInt(partShardOf(key, cut.length), 36)]!;
    expect(shard.more?.[key]).toBe(people.get(key));
    // Every name of the key is there, though the key kept only as many people as it has names.
    const kept = new Set(shard.p.map((e) => searchName(e[0])));
    expect([...distinct].filter((n) => !kept.has(n))).toEqual([]);
  });
});
