import { describe, expect, it } from 'vitest';
import { buildPortal } from '../../src/build/portal/data.ts';
import { partIndexShards } from '../../src/build/search/part-index.ts';
import type { Portal } from '../../src/build/portal/data.ts';
import { bigramsOf, partComplete, partMatches, partShardOf, type PartEntry, type PartShard } from '../../src/core/search/parts.ts';
import {
  CLOSE_NAME_LIMIT,
  closeNameKeys,
  closeNameQuery,
  closeNames,
  closeNamesIn,
  closeNamesText,
  isSlipKey,
  oneCharOff,
  partKeysOf,
  slipKeysOf,
} from '../../src/core/search/close-names.ts';
import { searchName } from '../../src/core/search/tokens.ts';
import { getSite } from '../../src/import/site.ts';
import { closeNamesOffered, nameKeyIndex } from '../../functions/server/close-names.ts';

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
    expect(closeNameQuery('　叶蓝　')).toBe('叶蓝');
    // A 2-character name as badges write it, with a full-width space (「张　伟」): read as the exact lookup reads it
    // (searchName drops the space), and so a name spaced character by character, half- or full-width.
    for (const spaced of ['张　卫', '张 卫', ' 张　 卫 ']) expect(closeNameQuery(spaced), spaced).toBe(closeNameQuery('张卫'));
    expect(closeNameQuery('丁 娜 蓝')).toBe('丁娜蓝');
    expect(closeNameQuery('慕　容　春　风')).toBe('慕容春风');
    for (const query of [
      // Several parts are not a name (review of bf223f8): a surname and a word of a unit's name (苏 at the
      // 自然资源和规划局) would be offered the people one character off 苏自然, a name nobody typed. The search itself
      // reads them as parts too (queryParts); a space inside a name is read the same way.
      '张 城管',
      '苏 自然',
      '苏　自然',
      '丁 娜蓝',
      '丁娜　蓝',
      // Single characters, but not a name of 2–4: a dotted minority name, five characters, a digit.
      '古 · 丽',
      '慕 容 春 风 雨',
      '张 1',
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

  it('offers a name published with a full-width space for one typed with or without it, as the exact lookup finds it', () => {
    const entries: PartEntry[] = [
      ['张　伟', 'B-1', 'active', 'x'],
      ['张伟', 'B-2', 'left', 'y'],
      ['张卫东', 'B-3', 'active', 'x'],
    ];
    // The exact lookup compares names as searchName writes them: 「张　伟」 and 张伟 are one name.
    expect(searchName('张　伟')).toBe(searchName('张伟'));
    const offered = (query: string) => closeNames(entries, closeNameQuery(query)!).map((e) => e[1]);
    expect(offered('张卫')).toEqual(['B-1', 'B-2']);
    for (const query of ['张　卫', '张 卫']) expect(offered(query), query).toEqual(offered('张卫'));
    // Its keys are those of the name without the space: the part index filed 「张　伟」 under 张＊ and ＊伟.
    expect(closeNameKeys(closeNameQuery('张　卫')!)).toEqual(['张＊', '＊卫']);
    expect(partKeysOf(searchName('张　伟'))).toEqual(['张伟', '张＊', '＊伟']);
  });
});

describe('how many are one character off, when a key was cut to a page', () => {
  const GIVEN = [...'伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红娥玲兰'];
  const OTHERS = [...'李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟'];
  // 600 people named 王X (20 holders of each of 30 names) among 4,600: 64 shards, and with a page of 100 the slip key
  // 王＊ is cut as 王＊ is at 300,000 generated names (9,604 people, PART_PAGE 2,000).
  const auxiliaries: { certificateNo: string; name: string; agencyId: string; status: string }[] = [];
  const add = (name: string) => auxiliaries.push({ certificateNo: `T-${auxiliaries.length + 1}`, name, agencyId: 'x', status: 'active' });
  for (let i = 0; i < 600; i++) add(`王${GIVEN[i % GIVEN.length]}`);
  for (let i = 0; i < 4000; i++) add(`${OTHERS[i % OTHERS.length]}${GIVEN[(i * 7) % GIVEN.length]}${GIVEN[(i * 13 + 5) % GIVEN.length]}`);
  const shards = [...partIndexShards({ auxiliaries } as unknown as Portal, 100)];
  const shardOf = (key: string) => shards[parseInt(partShardOf(key, shards.length), 36)]!;

  it('says 「至少」 when a key was cut: the page holds fewer of them than the roster', () => {
    expect(shards.length).toBe(64);
    expect(shardOf('王＊').more?.['王＊']).toBe(600);
    // 王〇 is one character off every 王X (〇 is on no roster).
    const { entries, complete } = closeNamesIn(shardOf, '王〇');
    expect(complete).toBe(false);
    expect(entries.length).toBeGreaterThanOrEqual(100);
    expect(entries.length).toBeLessThan(600);
    // Every name is still there (one holder of each first).
    expect(new Set(entries.map((e) => e[0])).size).toBe(GIVEN.length);
    const text = closeNamesText('王〇', entries.length, complete);
    expect(text.summary).toBe(`没有找到「王〇」。名单中至少有 ${entries.length} 人的姓名与它只差一个字，见下。`);
    expect(text.note).toContain(`至少另有 ${entries.length - CLOSE_NAME_LIMIT} 人的姓名也只差一个字，未列出`);
  });

  it('gives the exact number when no key it used was cut, whatever else its shards cut', () => {
    // 李伟〇: keys 李伟, 伟〇 and 李＊〇, none cut.
    const { entries, complete } = closeNamesIn(shardOf, '李伟〇');
    expect(complete).toBe(true);
    expect(entries.length).toBe(
      closeNames(
        shards.flatMap((s) => s.p),
        '李伟〇',
      ).length,
    );
    // A shard that cut another key says nothing about this one.
    const other: PartShard = { p: [['王伟', 'A-1', 'active', 'x']], more: { '李＊': 3000 } };
    expect(closeNamesIn(() => other, '王〇')).toEqual({ entries: [other.p[0]], complete: true });
    const text = closeNamesText('王〇', 7, true);
    expect(text.summary).toBe('没有找到「王〇」。名单中有 7 人的姓名与它只差一个字，见下。');
    expect(text.note).toBe(
      '以上姓名与「王〇」只差一个字。请与证件上的姓名逐字核对：姓名不同就不是同一个人。另有 2 人的姓名也只差一个字，未列出；可以选择地区或单位后再搜索。',
    );
    expect(closeNamesText('王〇', 3, true).note).not.toContain('另有');
    // Without JavaScript (no filters): the unit rosters.
    expect(closeNamesText('王〇', 7, true, false).note).toBe(
      '以上姓名与「王〇」只差一个字。请与证件上的姓名逐字核对：姓名不同就不是同一个人。另有 2 人的姓名也只差一个字，未列出；可以在各单位的公示名单中查看。',
    );
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

describe('names one character off without JavaScript: the key index', () => {
  it('is made only for a query that is a whole name, never for a number, a unit or several parts', () => {
    const names = ['丁娜兰', '丁娜岚', '叶蓝'];
    let made = 0;
    const keyIndex = () => {
      made++;
      return nameKeyIndex(names);
    };
    const peopleOf = (name: string): PartEntry[] => [[name, `N-${names.indexOf(name)}`, 'active', 'x']];
    for (const query of ['LAJA-CG-00001', '12345', '城市管理综合行政执法局', '苏 自然', '丁']) {
      expect(closeNamesOffered(query, keyIndex, peopleOf), query).toEqual([]);
    }
    expect(made).toBe(0);
    expect(closeNamesOffered('丁娜蓝', keyIndex, peopleOf).map((e) => e[0])).toEqual(['丁娜兰', '丁娜岚']);
    expect(made).toBe(1);
  });
});
