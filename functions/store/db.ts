/**
 * The one query layer over SQLite (better-sqlite3) and PostgreSQL (pg). SQL is written once with `?`
 * placeholders; PostgreSQL gets them translated to `$1…`. Timestamps are ISO-8601 UTC text
 * (`Date.toISOString()`, sortable as text), JSON is text, ids are text — so both engines accept the same DDL.
 */
export type Dialect = 'sqlite' | 'postgres';

export type Row = Record<string, unknown>;

export interface Db {
  readonly dialect: Dialect;
  /** Runs one statement; returns its rows (empty for statements without RETURNING). */
  query<T extends Row = Row>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** Runs one statement and returns the number of rows it changed. */
  run(sql: string, params?: readonly unknown[]): Promise<number>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
  /**
   * Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. On SQLite the
   * transaction is `BEGIN IMMEDIATE` (takes the write lock up front, so concurrent writers wait instead of failing).
   * Nested calls on the transaction's own Db run inside the outer transaction.
   */
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** `?` → `$n`, skipping quoted strings and identifiers. */
export function toPostgresPlaceholders(sql: string): string {
  let out = '';
  let n = 0;
  let quote: string | undefined;
  for (const ch of sql) {
    if (quote) {
      if (ch === quote) quote = undefined;
      out += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      out += ch;
    } else if (ch === '?') {
      out += `$${++n}`;
    } else out += ch;
  }
  return out;
}
