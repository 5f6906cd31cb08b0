/**
 * Published complaint statistics (pure). Counts below SUPPRESS_BELOW are shown as "<5" and the medians and
 * overdue share of such small groups are withheld, so that no single complaint can be singled out. No hidden count
 * may be worked out from what is published either (docs/HANDLING.md, Statistics): a reader knows every published
 * number, that each table's column adds up to the total row's, the row relations (accepted, rejected ≤ received;
 * resolved ≤ accepted; resolved + rejected ≤ received; a listed row received at least one) and what the marks mean
 * ("<5" is 1–4; "withheld" is 5 or more and below the smallest count still shown in its column; a withheld total is
 * 5 or more; in a column whose total is "<5", where every row is withheld, 0–4). So:
 * - a column of a table with a "<5" cell always withholds its smallest shown count too (with any equal to it), so
 *   that a withheld count does not by itself say the small ones were all 1 or all 4;
 * - then, while the narrowed bounds of some hidden count other than 0 meet, more is withheld: the next smallest of
 *   the same column, the column's total, the other table's smallest, the row's other counts (and what is below
 *   them), anything — the first step that frees that count, else the first there is;
 * - a column whose total is "<5" is not broken down; with fewer than SUPPRESS_BELOW complaints there are no tables;
 *   when even withholding everything is not enough, the table by category is left out (then by agency, then both).
 */
export const SUPPRESS_BELOW = 5;
export const SUPPRESSED = `<${SUPPRESS_BELOW}` as const;
/** A count hidden so that the small ones cannot be worked out from the others (see the header for what it means). */
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
  /** A deadline of an earlier round was missed (recorded when the complaint was transferred or re-routed). */
  missedBefore?: boolean;
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
  if (c.missedBefore) return true;
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

/** A published count's mark: shown as is (undefined), `<5`, or withheld. */
type Mark = typeof SUPPRESSED | typeof WITHHELD | undefined;
/** [table][row][column]: table 0 is the total row, 1 the rows by agency, 2 the rows by category. */
type Grid<T> = T[][][];

const INF = Number.POSITIVE_INFINITY;
const [RECEIVED, ACCEPTED, REJECTED, RESOLVED] = [0, 1, 2, 3];
/** Known to every reader of a row: accepted, rejected ≤ received; resolved ≤ accepted; resolved + rejected ≤ received. */
const ROW_RELATIONS: readonly [readonly number[], number][] = [
  [[ACCEPTED], RECEIVED],
  [[REJECTED], RECEIVED],
  [[RESOLVED], ACCEPTED],
  [[RESOLVED, REJECTED], RECEIVED],
];

/** Σ coefs·cells ≤ rhs, or = rhs. */
interface Linear {
  cells: number[];
  coefs: number[];
  rhs: number;
  eq: boolean;
}

/**
 * The relations a reader can use: each table's column adds up to the total's, and the row relations. For each row
 * relation, the row's slack (e.g. received − accepted, never below 0) is a count of its own, and a table's slacks add
 * up to the total row's: this lets the narrowing below see what adding up several rows' relations gives away (three
 * rows that accepted 6 between them received at least 6, which leaves at most total − 6 to the fourth).
 */
function relations(values: Grid<number>): { ids: Grid<number>; size: number; constraints: Linear[] } {
  let next = 0;
  const ids = values.map((rows) => rows.map((row) => row.map(() => next++)));
  const constraints: Linear[] = [];
  const sum = (cells: number[], coefs: number[]) => constraints.push({ cells, coefs, rhs: 0, eq: true });
  const slack = ids.map((rows) =>
    rows.map((row) =>
      ROW_RELATIONS.map(([parts, whole]) => {
        const id = next++;
        sum([row[whole]!, ...parts.map((c) => row[c]!), id], [1, ...parts.map(() => -1), -1]);
        return id;
      }),
    ),
  );
  for (const table of [1, 2]) {
    if (!ids[table]!.length) continue;
    const addsUp = (cells: number[]) =>
      sum(
        cells,
        cells.map((_, k) => (k < cells.length - 1 ? 1 : -1)),
      );
    countColumns.forEach((_, c) => addsUp([...ids[table]!.map((row) => row[c]!), ids[0]![0]![c]!]));
    ROW_RELATIONS.forEach((_, k) => addsUp([...slack[table]!.map((row) => row[k]!), slack[0]![0]![k]!]));
  }
  return { ids, size: next, constraints };
}

const copy = (marks: Grid<Mark>): Grid<Mark> => marks.map((rows) => rows.map((row) => [...row]));

/** The smallest count still shown in a column of a table, other than 0 (Infinity if none). */
function smallestShown(values: Grid<number>, marks: Grid<Mark>, table: number, c: number): number {
  return values[table]!.reduce((least, row, i) => (marks[table]![i]![c] === undefined && row[c]! > 0 ? Math.min(least, row[c]!) : least), INF);
}

/**
 * The lowest and highest value a reader can give every count, from what each mark is documented to mean and the
 * relations (bounds narrowed until nothing changes; a count whose two bounds meet can be worked out).
 */
function bounds(values: Grid<number>, marks: Grid<Mark>, model: ReturnType<typeof relations>): { lo: number[]; hi: number[] } {
  // Counts not published (the slacks) are 0 or more.
  const lo: number[] = Array.from({ length: model.size }, () => 0);
  const hi: number[] = Array.from({ length: model.size }, () => INF);
  values.forEach((rows, t) =>
    rows.forEach((row, i) =>
      row.forEach((n, c) => {
        const id = model.ids[t]![i]![c]!;
        const mark = marks[t]![i]![c];
        if (mark === undefined) [lo[id], hi[id]] = [n, n];
        else if (mark === SUPPRESSED) [lo[id], hi[id]] = [1, SUPPRESS_BELOW - 1];
        else if (t === 0) [lo[id], hi[id]] = [SUPPRESS_BELOW, INF];
        // A column whose total is small is not broken down at all: each of its cells is 0 to 4.
        else if (marks[0]![0]![c] === SUPPRESSED) [lo[id], hi[id]] = [0, SUPPRESS_BELOW - 1];
        // Withheld are the smallest counts of their column, so each is below the smallest one still shown.
        else [lo[id], hi[id]] = [SUPPRESS_BELOW, smallestShown(values, marks, t, c) - 1];
      }),
    ),
  );
  // Every narrowing moves an integer bound towards the true count (which always satisfies all of them), so this
  // settles; should it not, nothing counts as safe.
  for (let changed = true, rounds = 0; changed; rounds++) {
    if (rounds > 10_000) return { lo, hi: lo };
    changed = false;
    for (const { cells, coefs, rhs, eq } of model.constraints) {
      for (const sign of eq ? [1, -1] : [1]) {
        // sign·Σ coefs·x ≤ sign·rhs: each term is at most the right side less the least the other terms can be.
        const least = cells.map((id, k) => (sign * coefs[k]! > 0 ? lo[id]! : -hi[id]!));
        const unbounded = least.filter((x) => x === -INF).length;
        const finite = least.reduce((s, x) => (x === -INF ? s : s + x), 0);
        cells.forEach((id, k) => {
          const own = least[k]!;
          if (unbounded > (own === -INF ? 1 : 0)) return;
          const room = sign * rhs - (finite - (own === -INF ? 0 : own));
          if (sign * coefs[k]! > 0 && room < hi[id]!) [hi[id], changed] = [room, true];
          else if (sign * coefs[k]! < 0 && -room > lo[id]!) [lo[id], changed] = [-room, true];
        });
      }
    }
  }
  return { lo, hi };
}

type Place = [table: number, row: number, column: number];

/** The first hidden count (total row, then by agency, then by category) a reader could work out, if any. */
function pinned(values: Grid<number>, marks: Grid<Mark>, model: ReturnType<typeof relations>, only?: Place): Place | undefined {
  const { lo, hi } = bounds(values, marks, model);
  const places = only ? [only] : values.flatMap((rows, t) => rows.flatMap((row, i) => row.map((_, c): Place => [t, i, c])));
  // A hidden 0 that its row gives away (resolved when none was accepted) says no more than a published 0.
  return places.find(([t, i, c]) => {
    const id = model.ids[t]![i]![c]!;
    return marks[t]![i]![c] !== undefined && lo[id]! >= hi[id]! && hi[id]! > 0;
  });
}

/**
 * Which counts are published as `<5` or withheld, so that no hidden count can be worked out from the published
 * numbers (see the header): small ones first; a column with a `<5` cell also withholds its smallest published count;
 * then, while some hidden count can still be worked out, more counts are withheld.
 */
function protect(values: Grid<number>): { marks: Grid<Mark>; safe: boolean } {
  let marks: Grid<Mark> = values.map((rows) => rows.map((row) => row.map((n): Mark => (small(n) ? SUPPRESSED : undefined))));
  const columns = countColumns.map((_, c) => c);
  const upTo = (from: Grid<Mark>, t: number, c: number, limit: number): Grid<Mark> | undefined => {
    let next: Grid<Mark> | undefined;
    values[t]!.forEach((row, i) => {
      if (from[t]![i]![c] !== undefined || row[c]! <= 0 || row[c]! > limit) return;
      next ??= copy(from);
      next[t]![i]![c] = WITHHELD;
    });
    return next;
  };
  const smallest = (from: Grid<Mark>, t: number, c: number) => upTo(from, t, c, smallestShown(values, from, t, c));
  const total = (from: Grid<Mark>, c: number) => upTo(from, 0, c, INF);
  for (const c of columns) {
    if (marks[0]![0]![c] === SUPPRESSED) for (const t of [1, 2]) for (const row of marks[t]!) row[c] = WITHHELD;
    else if (marks[0]![0]![c] === undefined) {
      for (const t of [1, 2]) if (marks[t]!.some((row) => row[c] === SUPPRESSED)) marks = smallest(marks, t, c) ?? marks;
    }
  }
  const model = relations(values);
  for (let place = pinned(values, marks, model); place; place = pinned(values, marks, model)) {
    const [t, i, c] = place;
    const current = marks;
    const others = columns.filter((x) => x !== c);
    const everywhere = () => [1, 2].flatMap((u) => columns.map((x) => smallest(current, u, x)));
    // Same column first (this table, the total, the other table), then the rest of the row, then anywhere.
    const [sameColumn, sameRow, rest] =
      t === 0
        ? [[smallest(current, 1, c), smallest(current, 2, c)], others.map((x) => total(current, x)), everywhere()]
        : [
            [smallest(current, t, c), total(current, c), smallest(current, 3 - t, c)],
            others.map((x) => upTo(current, t, x, values[t]![i]![x]!)),
            [...others.map((x) => total(current, x)), ...everywhere()],
          ];
    const options = [...sameColumn, ...sameRow, ...rest].filter((m) => m !== undefined);
    // The first that makes this count safe; if none does alone, the first step, preferring the row's own counts
    // (a count no column step frees is held by its row).
    const fallback = [sameColumn[0], ...sameRow, ...sameColumn.slice(1), ...rest].find((m) => m !== undefined);
    const chosen = options.find((m) => !pinned(values, m, model, place)) ?? fallback;
    if (!chosen) return { marks, safe: false }; // everything is withheld already
    marks = chosen;
  }
  return { marks, safe: true };
}

/** The published row: marked counts replaced, and the medians and overdue share of hidden counts withheld. */
function published(r: RawRow, marks: readonly Mark[]): StatsRow {
  const [received, accepted, rejected, resolved] = countColumns.map((column, c) => marks[c] ?? r[column]) as [Count, Count, Count, Count];
  return {
    key: r.key,
    label: r.label,
    received,
    accepted,
    rejected,
    resolved,
    medianDaysToAccept: marks[ACCEPTED] ? null : r.medianDaysToAccept,
    medianDaysToResolve: marks[RESOLVED] ? null : r.medianDaysToResolve,
    overdueShare: marks[RECEIVED] ? null : r.overdueShare,
  };
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
  const total = raw('total', '合计', items, now);
  // Fewer than SUPPRESS_BELOW in all: no table at all (listing a row says it has at least one).
  const table = (keyOf: (c: StatsInput) => string, labelOf: (key: string) => string): RawRow[] =>
    small(total.received)
      ? []
      : [...groupBy(items, keyOf)].map(([key, group]) => raw(key, labelOf(key), group, now)).sort((a, b) => a.key.localeCompare(b.key));
  const [agencies, categories] = [table((c) => c.agencyId, labels.agency), table((c) => c.category, labels.category)];
  // When no withholding keeps every hidden count from being worked out, the table by category is left out, then
  // (if that is not enough) the one by agency instead, then both.
  const attempts = [
    [[total], agencies, categories],
    [[total], agencies, []],
    [[total], [], categories],
    [[total], [], []],
  ];
  let tables = attempts[0]!;
  let marks: Grid<Mark> = [];
  for (const attempt of attempts) {
    tables = attempt;
    const result = protect(tables.map((rows) => rows.map((r) => countColumns.map((column) => r[column]))));
    marks = result.marks;
    if (result.safe) break;
  }
  const [[shownTotal], byAgency, byCategory] = tables.map((rows, t) =>
    rows
      .map((r, i) => published(r, marks[t]![i]!))
      // Sorted on what is shown, so the order of hidden rows reveals nothing.
      .sort((a, b) => shown(b.received) - shown(a.received) || a.key.localeCompare(b.key)),
  ) as [StatsRow[], StatsRow[], StatsRow[]];
  return {
    generatedAt: now.toISOString(),
    suppressBelow: SUPPRESS_BELOW,
    total: shownTotal!,
    byAgency,
    byCategory,
  };
}
