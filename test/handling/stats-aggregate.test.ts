import { describe, expect, it } from 'vitest';
import { aggregate, isOverdue, median, SUPPRESSED, WITHHELD, type StatsInput } from '../../functions/stats/aggregate.ts';
import { barChartSvg, toCsv } from '../../functions/stats/render.ts';

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

  it('suppresses small counts and their medians, and one more cell when a lone small one could be derived', () => {
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
