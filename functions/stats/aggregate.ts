/**
 * Published complaint statistics (pure). Counts below SUPPRESS_BELOW are shown as "<5" and the medians and
 * overdue share of such small groups are withheld, so that no single complaint can be singled out; when a
 * table would show exactly one suppressed count in a column next to a published total, the next smallest
 * count of that column is withheld too (otherwise total minus the others would reveal it) — marked
 * "withheld", not "<5", because it is not small.
 */
export const SUPPRESS_BELOW = 5;
export const SUPPRESSED = `<${SUPPRESS_BELOW}` as const;
/** A count of SUPPRESS_BELOW or more hidden only so that a lone small count cannot be derived from the total. */
export const WITHHELD = 'withheld' as const;

export interface StatsInput {
  agencyId: string;
  category: string;
  createdAt: string;
  acceptedAt: string | null;
  rejectedAt: string | null;
  resolvedAt: string | null;
  acceptDueAt: string | null;
  resolveDueAt: string | null;
}

export type Count = number | typeof SUPPRESSED | typeof WITHHELD;

export interface StatsRow {
  key: string;
  label: string;
  received: Count;
  accepted: Count;
  rejected: Count;
  resolved: Count;
  /** Median days from filing to 受理; null when fewer than SUPPRESS_BELOW were accepted. */
  medianDaysToAccept: number | null;
  /** Median days from filing to 办结; null when fewer than SUPPRESS_BELOW were resolved. */
  medianDaysToResolve: number | null;
  /** Share (0–1) of complaints that missed a deadline (or are now past one); null for small groups. */
  overdueShare: number | null;
}

export interface Stats {
  generatedAt: string;
  suppressBelow: number;
  total: StatsRow;
  byAgency: StatsRow[];
  byCategory: StatsRow[];
}

const DAY_MS = 86_400_000;
const countColumns = ['received', 'accepted', 'rejected', 'resolved'] as const;

export function isOverdue(c: StatsInput, now: Date): boolean {
  const at = (t: string | null): number => (t ? Date.parse(t) : now.getTime());
  if (c.acceptDueAt && at(c.acceptedAt ?? c.rejectedAt) > Date.parse(c.acceptDueAt)) return true;
  if (c.resolveDueAt && !c.rejectedAt && at(c.resolvedAt) > Date.parse(c.resolveDueAt)) return true;
  return false;
}

export function median(values: readonly number[]): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const round1 = (n: number | null): number | null => (n === null ? null : Math.round(n * 10) / 10);
const days = (from: string, to: string): number => (Date.parse(to) - Date.parse(from)) / DAY_MS;
const small = (n: number): boolean => n > 0 && n < SUPPRESS_BELOW;

interface RawRow {
  key: string;
  label: string;
  received: number;
  accepted: number;
  rejected: number;
  resolved: number;
  medianDaysToAccept: number | null;
  medianDaysToResolve: number | null;
  overdueShare: number | null;
}

function raw(key: string, label: string, items: readonly StatsInput[], now: Date): RawRow {
  const accepted = items.filter((c) => c.acceptedAt);
  const resolved = items.filter((c) => c.resolvedAt);
  return {
    key,
    label,
    received: items.length,
    accepted: accepted.length,
    rejected: items.filter((c) => c.rejectedAt).length,
    resolved: resolved.length,
    medianDaysToAccept: accepted.length >= SUPPRESS_BELOW ? round1(median(accepted.map((c) => days(c.createdAt, c.acceptedAt!)))) : null,
    medianDaysToResolve: resolved.length >= SUPPRESS_BELOW ? round1(median(resolved.map((c) => days(c.createdAt, c.resolvedAt!)))) : null,
    overdueShare: items.length >= SUPPRESS_BELOW ? Math.round((items.filter((c) => isOverdue(c, now)).length / items.length) * 1000) / 1000 : null,
  };
}

/** Suppresses small counts, plus one complementary cell per column when a lone suppressed cell could be derived. */
function suppress(rows: readonly RawRow[]): StatsRow[] {
  const hide = rows.map(() => new Map<string, Count>());
  for (const column of countColumns) {
    const smallRows = rows.map((r, i) => (small(r[column]) ? i : -1)).filter((i) => i >= 0);
    smallRows.forEach((i) => hide[i]!.set(column, SUPPRESSED));
    if (smallRows.length === 1) {
      const next = rows
        .map((r, i) => ({ i, n: r[column] }))
        .filter(({ i, n }) => n > 0 && !hide[i]!.has(column))
        .sort((a, b) => a.n - b.n)[0];
      if (next) hide[next.i]!.set(column, WITHHELD);
    }
  }
  return rows.map((r, i) => {
    const cell = (column: (typeof countColumns)[number]): Count => hide[i]!.get(column) ?? r[column];
    const tooSmall = hide[i]!.has('received');
    return {
      key: r.key,
      label: r.label,
      received: cell('received'),
      accepted: cell('accepted'),
      rejected: cell('rejected'),
      resolved: cell('resolved'),
      medianDaysToAccept: hide[i]!.has('accepted') ? null : r.medianDaysToAccept,
      medianDaysToResolve: hide[i]!.has('resolved') ? null : r.medianDaysToResolve,
      overdueShare: tooSmall ? null : r.overdueShare,
    };
  });
}

function groupBy(items: readonly StatsInput[], keyOf: (c: StatsInput) => string): Map<string, StatsInput[]> {
  const groups = new Map<string, StatsInput[]>();
  for (const item of items) {
    const key = keyOf(item);
    const list = groups.get(key);
    if (list) list.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

const shown = (n: Count): number => (typeof n === 'number' ? n : 0);

export interface Labels {
  agency(id: string): string;
  category(code: string): string;
}

export function aggregate(items: readonly StatsInput[], labels: Labels, now: Date): Stats {
  const table = (keyOf: (c: StatsInput) => string, labelOf: (key: string) => string): StatsRow[] =>
    // Sorted on what is shown, so the order of suppressed rows reveals nothing.
    suppress([...groupBy(items, keyOf)].map(([key, group]) => raw(key, labelOf(key), group, now))).sort(
      (a, b) => shown(b.received) - shown(a.received) || a.key.localeCompare(b.key),
    );
  return {
    generatedAt: now.toISOString(),
    suppressBelow: SUPPRESS_BELOW,
    total: suppress([raw('total', '合计', items, now)])[0]!,
    byAgency: table((c) => c.agencyId, labels.agency),
    byCategory: table((c) => c.category, labels.category),
  };
}
