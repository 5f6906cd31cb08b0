import { describe, expect, it } from 'vitest';
import { aggregate, isOverdue, median, SUPPRESSED, WITHHELD, type Stats, type StatsInput, type StatsRow } from '../../functions/stats/aggregate.ts';
import { barChartSvg, statsMainHtml, toCsv } from '../../functions/stats/render.ts';

const labels = { agency: (id: string) => `机关 ${id}`, category: (c: string) => `类别 ${c}` };
const now = new Date('2026-12-31T00:00:00Z');
const day = (n: number) => new Date(Date.UTC(2026, 10, 1) + n * 86400_000).toISOString();

function complaint(agencyId: string, category: string, opts: { accept?: number; resolve?: number; reject?: number; acceptDue?: number } = {}): StatsInput {
  return {
    agencyId,
    category,
    createdAt: day(0),
    acceptedAt: opts.accept === undefined ? null : day(opts.accept),
    rejectedAt: opts.reject === undefined ? null : day(opts.reject),
    resolvedAt: opts.resolve === undefined ? null : day(opts.resolve),
    acceptDueAt: day(opts.acceptDue ?? 7),
    resolveDueAt: opts.accept === undefined ? null : day(opts.accept + 60),
  };
}

describe('statistics aggregation', () => {
  it('median of odd and even lists', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNull();
  });

  it('overdue: accepted late, not accepted and past due, resolved late', () => {
    expect(isOverdue(complaint('a', 'x', { accept: 3 }), now)).toBe(false);
    expect(isOverdue(complaint('a', 'x', { accept: 9 }), now)).toBe(true);
    expect(isOverdue(complaint('a', 'x'), now)).toBe(true);
    expect(isOverdue(complaint('a', 'x'), new Date(day(2)))).toBe(false);
    expect(isOverdue(complaint('a', 'x', { reject: 2 }), now)).toBe(false);
  });

  it('counts, medians and overdue share for a group of at least 5', () => {
    const items = [1, 2, 3, 4, 10].map((d, i) => complaint('a', 'x', { accept: d, resolve: i < 5 ? d + 10 : undefined }));
    const stats = aggregate(items, labels, now);
    expect(stats.total).toMatchObject({
      received: 5,
      accepted: 5,
      resolved: 5,
      rejected: 0,
      medianDaysToAccept: 3,
      medianDaysToResolve: 13,
      overdueShare: 0.2,
    });
    expect(stats.byAgency).toEqual([{ ...stats.total, key: 'a', label: '机关 a' }]);
  });

  it('suppresses small counts and their medians, and withholds the smallest published count of their column', () => {
    const items = [
      ...Array.from({ length: 9 }, () => complaint('big', 'x', { accept: 2 })),
      ...Array.from({ length: 6 }, () => complaint('mid', 'y', { accept: 1 })),
      ...Array.from({ length: 2 }, () => complaint('tiny', 'x', { accept: 1 })),
    ];
    const stats = aggregate(items, labels, now);
    const row = (key: string) => stats.byAgency.find((r) => r.key === key)!;
    expect(stats.total.received).toBe(17);
    expect(row('tiny')).toMatchObject({ received: SUPPRESSED, accepted: SUPPRESSED, medianDaysToAccept: null, overdueShare: null });
    // 'mid' (6) is the next smallest: withheld too, so 17 − 9 does not give 'tiny' alone.
    expect(row('mid')).toMatchObject({ received: WITHHELD, accepted: WITHHELD, medianDaysToAccept: null, overdueShare: null });
    expect(row('big')).toMatchObject({ received: 9, accepted: 9, medianDaysToAccept: 2 });
    // Zero is not a count anyone can be singled out by.
    expect(row('big').rejected).toBe(0);
    // Suppressed rows come last, in key order, so their order says nothing about their size.
    expect(stats.byAgency.map((r) => r.key)).toEqual(['big', 'mid', 'tiny']);
    expect(stats.byCategory.find((r) => r.key === 'x')).toMatchObject({ received: 11, label: '类别 x' });
  });

  it('CSV and SVG carry the suppressed marker, never the hidden number', () => {
    const items = [...Array.from({ length: 7 }, () => complaint('a', 'x')), complaint('b', 'y'), complaint('b', 'y'), complaint('b', 'y')];
    const stats = aggregate(items, labels, now);
    const csv = toCsv(stats);
    expect(csv.startsWith('\uFEFF维度,')).toBe(true);
    expect(csv).toContain(`机关,b,机关 b,${SUPPRESSED},`);
    const svg = barChartSvg(stats.byAgency, '收到与办结');
    expect(svg).toContain('收到 少于 5');
    expect(svg).not.toMatch(/收到 3</);
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  });

  it('CSV neutralises formula-looking labels', () => {
    const items = Array.from({ length: 5 }, () => complaint('a', 'x'));
    const csv = toCsv(aggregate(items, { agency: () => '=HYPERLINK("x")', category: () => 'ok' }, now));
    expect(csv).toContain(`"'=HYPERLINK(""x"")"`);
  });
});

/**
 * What a reader can work out from the published numbers alone. Every hidden count is a variable: `<5` is 1–4;
 * 不公布 in the total row is 5 or more; 不公布 in a column whose total is `<5` is 0–4; any other 不公布 is 5 or more and
 * less than the smallest count still published in its column of its table. The reader also knows that each table's
 * column adds up to the total's, that a listed row received at least one, and that in every row accepted, rejected ≤
 * received, resolved ≤ accepted and resolved + rejected ≤ received. An exhaustive search over all assignments of the
 * hidden counts (branches pruned only when no assignment below them satisfies these) gives, for each hidden count,
 * whether a value other than the true one is possible.
 */
const COLUMNS = ['received', 'accepted', 'rejected', 'resolved'] as const;
type Column = (typeof COLUMNS)[number];
const FAR = 200; // "5 or more" without an upper bound; far above any count in these tests
type Term = { fixed: number } | { v: number };
/** Σ coefs·vars ≤ rhs (or = rhs). */
interface Linear {
  vars: number[];
  coefs: number[];
  rhs: number;
  eq: boolean;
}

function readerModel(stats: Stats) {
  const tables: StatsRow[][] = [[stats.total], stats.byAgency, stats.byCategory];
  const vars: { where: string; table: number; key: string; column: Column; lo: number; hi: number }[] = [];
  const cells: Term[][][] = tables.map((rows, t) =>
    rows.map((row) =>
      COLUMNS.map((column): Term => {
        const n = row[column];
        if (typeof n === 'number') return { fixed: n };
        let [lo, hi] = [1, 4];
        if (n === WITHHELD) {
          const shown = rows.map((r) => r[column]).filter((x): x is number => typeof x === 'number' && x > 0);
          if (t === 0) [lo, hi] = [5, FAR];
          else if (stats.total[column] === SUPPRESSED) [lo, hi] = [0, 4];
          else [lo, hi] = [5, shown.length ? Math.min(...shown) - 1 : FAR];
        }
        if (t > 0 && column === 'received') lo = Math.max(lo, 1);
        vars.push({ where: `${['total', 'agency', 'category'][t]} ${row.key} ${column}`, table: t, key: row.key, column, lo, hi });
        return { v: vars.length - 1 };
      }),
    ),
  );
  const constraints: Linear[] = [];
  const add = (terms: [Term, number][], eq: boolean) => {
    const c: Linear = { vars: [], coefs: [], rhs: 0, eq };
    for (const [term, coef] of terms) {
      if ('fixed' in term) c.rhs -= coef * term.fixed;
      else {
        c.vars.push(term.v);
        c.coefs.push(coef);
      }
    }
    constraints.push(c);
  };
  const [r, a, j, z] = [0, 1, 2, 3];
  for (const t of [1, 2]) {
    if (!tables[t]!.length) continue;
    for (let c = 0; c < 4; c++) add([...cells[t]!.map((row): [Term, number] => [row[c]!, 1]), [cells[0]![0]![c]!, -1]], true);
  }
  for (const row of cells.flat()) {
    add(
      [
        [row[a]!, 1],
        [row[r]!, -1],
      ],
      false,
    );
    add(
      [
        [row[j]!, 1],
        [row[r]!, -1],
      ],
      false,
    );
    add(
      [
        [row[z]!, 1],
        [row[a]!, -1],
      ],
      false,
    );
    add(
      [
        [row[z]!, 1],
        [row[j]!, 1],
        [row[r]!, -1],
      ],
      false,
    );
  }
  return { vars, constraints };
}

/** Narrows the bounds by each constraint until nothing changes; false when no assignment is left. */
function narrow(lo: number[], hi: number[], constraints: readonly Linear[]): boolean {
  for (let changed = true; changed; ) {
    changed = false;
    for (const c of constraints) {
      for (const sign of c.eq ? [1, -1] : [1]) {
        // sign · Σ coefs·x ≤ sign · rhs
        const least = c.vars.map((v, k) => (sign * c.coefs[k]! > 0 ? lo[v]! : -hi[v]!));
        const sum = least.reduce((s, x) => s + x, 0);
        for (let k = 0; k < c.vars.length; k++) {
          const v = c.vars[k]!;
          const room = sign * c.rhs - (sum - least[k]!);
          if (sign * c.coefs[k]! > 0 && room < hi[v]!) [hi[v], changed] = [room, true];
          if (sign * c.coefs[k]! < 0 && -room > lo[v]!) [lo[v], changed] = [-room, true];
          if (lo[v]! > hi[v]!) return false;
        }
      }
    }
  }
  return true;
}

function satisfiable(lo: number[], hi: number[], constraints: readonly Linear[]): boolean {
  if (!narrow(lo, hi, constraints)) return false;
  let pick = -1;
  for (let v = 0; v < lo.length; v++) if (lo[v]! < hi[v]! && (pick < 0 || hi[v]! - lo[v]! < hi[pick]! - lo[pick]!)) pick = v;
  if (pick < 0) return true; // every count has its one value, and every constraint holds
  for (let x = lo[pick]!; x <= hi[pick]!; x++) {
    const [l, h] = [[...lo], [...hi]];
    [l[pick], h[pick]] = [x, x];
    if (satisfiable(l, h, constraints)) return true;
  }
  return false;
}

type Truth = Map<string, Record<Column, number>>;
function truthOf(items: readonly StatsInput[]): Truth {
  const truth: Truth = new Map();
  const count = (key: string, c: StatsInput) => {
    const row = truth.get(key) ?? { received: 0, accepted: 0, rejected: 0, resolved: 0 };
    row.received++;
    if (c.acceptedAt) row.accepted++;
    if (c.rejectedAt) row.rejected++;
    if (c.resolvedAt) row.resolved++;
    truth.set(key, row);
  };
  for (const c of items) for (const key of ['total', `agency ${c.agencyId}`, `category ${c.category}`]) count(key, c);
  return truth;
}

/** The hidden counts a reader can pin to one value; throws if the true value is not among the possible ones. */
function pinned(items: readonly StatsInput[]): string[] {
  const stats = aggregate(items, labels, now);
  const truth = truthOf(items);
  const { vars, constraints } = readerModel(stats);
  const found: string[] = [];
  vars.forEach((variable, i) => {
    const actual = truth.get(variable.table === 0 ? 'total' : `${['', 'agency', 'category'][variable.table]} ${variable.key}`)![variable.column];
    const possible = (x: number) => {
      const [lo, hi] = [vars.map((v) => v.lo), vars.map((v) => v.hi)];
      [lo[i], hi[i]] = [x, x];
      return satisfiable(lo, hi, constraints);
    };
    if (!possible(actual)) throw new Error(`${variable.where}: the published numbers rule out the true ${actual}`);
    // Another value: nearest first.
    const others = [];
    for (let d = 1; d <= FAR; d++) others.push(actual - d, actual + d);
    // A hidden 0 that can be worked out (resolved in a row that accepted none) says no more than a published 0.
    if (actual > 0 && !others.some((x) => x >= variable.lo && x <= variable.hi && possible(x))) found.push(`${variable.where} = ${actual}`);
  });
  return found;
}

type Status = 'open' | 'accepted' | 'rejected' | 'resolved' | 'transferredRejected';
function filed(agency: string, category: string, status: Status): StatsInput {
  const opts = {
    open: {},
    accepted: { accept: 2 },
    rejected: { reject: 2 },
    resolved: { accept: 2, resolve: 9 },
    transferredRejected: { accept: 2, reject: 5 },
  };
  return complaint(agency, category, opts[status]);
}
/** Counts per agency, one category, nothing handled yet. */
const perAgency = (counts: readonly number[]) => counts.flatMap((n, i) => Array.from({ length: n }, () => filed(`a${i}`, 'x', 'open')));

describe('no hidden count can be worked out from what is published', () => {
  it('the reported case: 6, 1 and 1 complaints (8 − 6 = 2 would make both small ones 1)', () => {
    const items = [...perAgency([6]), filed('renqiu-jtzf', 'x', 'open'), filed('luan-cgj', 'x', 'open')];
    expect(pinned(items)).toEqual([]);
    const stats = aggregate(items, labels, now);
    expect(stats.total.received).toBe(8);
    expect(stats.byAgency.find((r) => r.key === 'a0')!.received).not.toBe(6);
  });

  for (const counts of [
    [6, 1, 1],
    [4, 4, 9],
    [1, 1, 1, 7],
    [2, 3],
    [1, 5],
    [1, 1, 1, 1, 1],
    [4, 4],
    [4, 9, 10],
    [1, 5, 5, 30],
    [2, 2, 5, 5, 12],
    [3, 40],
    [1, 1, 1, 1],
    [1, 2],
    [4],
  ]) {
    it(`received per agency ${counts.join(', ')}`, () => {
      expect(pinned(perAgency(counts))).toEqual([]);
    });
  }

  it('per agency and per category at once, with accepted, rejected and resolved', () => {
    const items = [
      ...Array.from({ length: 6 }, (_, i) => filed('a', i < 3 ? 'x' : 'y', i < 4 ? 'resolved' : 'open')),
      filed('b', 'x', 'accepted'),
      filed('c', 'y', 'rejected'),
      ...Array.from({ length: 9 }, (_, i) => filed('d', 'z', i < 5 ? 'accepted' : 'transferredRejected')),
    ];
    expect(pinned(items)).toEqual([]);
  });

  it('a count bounded by its own row: 5 received, all 5 accepted, next to a small accepted count', () => {
    const items = [
      ...Array.from({ length: 5 }, () => filed('a', 'x', 'accepted')),
      ...Array.from({ length: 12 }, (_, i) => filed('b', 'x', i < 2 ? 'accepted' : 'open')),
    ];
    expect(pinned(items)).toEqual([]);
  });

  it('a withheld received count bounded below by its published accepted count', () => {
    const items = [
      filed('a', 'x', 'open'),
      ...Array.from({ length: 6 }, () => filed('b', 'x', 'accepted')),
      ...Array.from({ length: 20 }, () => filed('c', 'x', 'open')),
    ];
    expect(pinned(items)).toEqual([]);
  });

  it('fewer than 5 complaints in all: the total only, no tables (listing four agencies would say one each)', () => {
    const items = ['a', 'b', 'c', 'd'].map((agency) => filed(agency, 'x', 'open'));
    const stats = aggregate(items, labels, now);
    expect(stats.total.received).toBe(SUPPRESSED);
    expect([stats.byAgency, stats.byCategory]).toEqual([[], []]);
    expect(pinned(items)).toEqual([]);
    expect(statsMainHtml(stats, 5)).toContain('合计少于 5 件，不按机关分列。');
  });

  it('a column whose total is <5 is not broken down (four agencies that accepted one each)', () => {
    const items = ['a', 'b', 'c', 'd'].flatMap((agency) => [filed(agency, 'x', 'accepted'), ...Array.from({ length: 5 }, () => filed(agency, 'x', 'open'))]);
    const stats = aggregate(items, labels, now);
    expect(stats.total.accepted).toBe(SUPPRESSED);
    expect(stats.byAgency.map((r) => r.accepted)).toEqual([WITHHELD, WITHHELD, WITHHELD, WITHHELD]);
    expect(pinned(items)).toEqual([]);
  });

  it('when withholding cannot help, the table by category is left out (categories 4 and 4 against agencies 5, 1, 1, 1)', () => {
    const items = [
      ...Array.from({ length: 5 }, (_, i) => filed('a', i < 2 ? 'x' : 'y', 'open')),
      filed('b', 'x', 'open'),
      filed('c', 'x', 'open'),
      filed('d', 'y', 'open'),
    ];
    const stats = aggregate(items, labels, now);
    expect(stats.byCategory).toEqual([]);
    expect(stats.byAgency.map((r) => r.key)).toEqual(['a', 'b', 'c', 'd']);
    expect(pinned(items)).toEqual([]);
    expect(statsMainHtml(stats, 5)).toContain('这里不按类别分列');
  });

  it('random small tables: every hidden count keeps at least two possible values', () => {
    let seed = 20261130;
    const random = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
    const failures: string[] = [];
    for (let round = 0; round < 300; round++) {
      const items: StatsInput[] = [];
      const agencies = 1 + Math.floor(random() * 5);
      const categories = pick(['x', 'xy', 'xyz']);
      for (let a = 0; a < agencies; a++) {
        const n = pick([1, 1, 2, 3, 4, 5, 5, 6, 7, 9, 12]);
        for (let k = 0; k < n; k++)
          items.push(
            filed(`a${a}`, pick([...categories]), pick<Status>(['open', 'accepted', 'accepted', 'rejected', 'resolved', 'resolved', 'transferredRejected'])),
          );
      }
      const found = pinned(items);
      if (found.length) failures.push(`${JSON.stringify([...truthOf(items)])}: ${found.join('; ')}`);
    }
    expect(failures).toEqual([]);
  });
});
