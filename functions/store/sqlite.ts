import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Db, Row } from './db.ts';

/**
 * SQLite through better-sqlite3: WAL, `synchronous=FULL` (every commit is fsync'd before it returns), a
 * busy timeout so a second process (the outbox worker) waits for the write lock instead of failing.
 * better-sqlite3 is synchronous; an async transaction holds a process-wide queue so nothing else runs
 * on the connection between its BEGIN and COMMIT.
 */
export function openSqlite(file: string): Db {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 10000');
  db.pragma('foreign_keys = ON');
  const statements = new Map<string, Database.Statement>();
  const prepare = (sql: string): Database.Statement => {
    let statement = statements.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      statements.set(sql, statement);
    }
    return statement;
  };
  const bind = (params: readonly unknown[]): unknown[] =>
    params.map((p) => (p === undefined ? null : typeof p === 'boolean' ? (p ? 1 : 0) : p));

  // Direct access, used inside a transaction (queue already held) and by the queued outer calls.
  const direct = {
    query<T extends Row>(sql: string, params: readonly unknown[] = []): T[] {
      const statement = prepare(sql);
      if (statement.reader) return statement.all(...bind(params)) as T[];
      statement.run(...bind(params));
      return [];
    },
    run(sql: string, params: readonly unknown[] = []): number {
      return prepare(sql).run(...bind(params)).changes;
    },
  };

  let queue: Promise<unknown> = Promise.resolve();
  const serialized = <T>(fn: () => Promise<T> | T): Promise<T> => {
    const next = queue.then(fn, fn);
    queue = next.catch(() => undefined);
    return next;
  };

  const inTransaction = (): Db => ({
    dialect: 'sqlite',
    query: async (sql, params) => direct.query(sql, params),
    run: async (sql, params) => direct.run(sql, params),
    exec: async (sql) => void db.exec(sql),
    transaction: (fn) => fn(inTransaction()),
    close: async () => undefined,
  });

  return {
    dialect: 'sqlite',
    query: (sql, params) => serialized(() => direct.query(sql, params)),
    run: (sql, params) => serialized(() => direct.run(sql, params)),
    exec: (sql) => serialized(() => void db.exec(sql)),
    transaction: (fn) =>
      serialized(async () => {
        db.exec('BEGIN IMMEDIATE');
        try {
          const result = await fn(inTransaction());
          db.exec('COMMIT');
          return result;
        } catch (error) {
          if (db.inTransaction) db.exec('ROLLBACK');
          throw error;
        }
      }),
    close: () => serialized(() => void db.close()),
  };
}
