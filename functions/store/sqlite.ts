import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Db, Row } from './db.ts';

/** Most transactions one commit (one fsync) may carry. */
const MAX_GROUP = 64;

interface Job {
  run: (tx: Db) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * SQLite through better-sqlite3: WAL, `synchronous=FULL` (a commit returns only after its fsync), a busy
 * timeout so another process (the outbox worker) waits for the write lock instead of failing.
 *
 * Group commit: better-sqlite3 is synchronous and the connection is one, so transactions run one after
 * another — and those that arrive while one is running are committed together: one `BEGIN IMMEDIATE`, each
 * transaction in its own SAVEPOINT (a failing one is rolled back alone), one COMMIT, one fsync. A group
 * starts one event-loop turn after its first transaction is queued, so requests that are ready join it. No caller
 * learns its transaction succeeded before that COMMIT has returned, so `201` still means "on disk"; under
 * load the fsync is shared instead of paid per complaint. Statements outside a transaction queue the same way.
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
  const query = <T extends Row>(sql: string, params: readonly unknown[] = []): T[] => {
    const statement = prepare(sql);
    if (statement.reader) return statement.all(...bind(params)) as T[];
    statement.run(...bind(params));
    return [];
  };
  const run = (sql: string, params: readonly unknown[] = []): number => prepare(sql).run(...bind(params)).changes;

  // The Db a transaction's callback gets: runs directly (the group's transaction is open).
  const inside: Db = {
    dialect: 'sqlite',
    query: async (sql, params) => query(sql, params),
    run: async (sql, params) => run(sql, params),
    exec: async (sql) => void db.exec(sql),
    transaction: (fn) => fn(inside),
    close: async () => undefined,
  };

  let pending: Job[] = [];
  let draining: Promise<void> | undefined;

  const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

  async function drain(): Promise<void> {
    for (;;) {
      // Let the event loop take in whatever requests are ready first, so they join this group (one fsync).
      await nextTurn();
      if (!pending.length) {
        // Cleared in the same synchronous step that sees the queue empty: a job queued after it starts a new drain.
        draining = undefined;
        return;
      }
      const group = pending.slice(0, MAX_GROUP);
      try {
        pending = pending.slice(MAX_GROUP);
        try {
          db.exec('BEGIN IMMEDIATE');
        } catch (error) {
          group.forEach((job) => job.reject(error));
          continue;
        }
        const outcomes: { ok: boolean; value: unknown }[] = [];
        let broken: unknown;
        for (const [i, job] of group.entries()) {
          db.exec('SAVEPOINT job');
          try {
            const value = await job.run(inside);
            db.exec('RELEASE job');
            outcomes.push({ ok: true, value });
          } catch (error) {
            if (!db.inTransaction) {
              // SQLite rolled back the whole transaction (e.g. disk full): the earlier jobs are lost too; retry the rest.
              broken = error;
              outcomes.push({ ok: false, value: error });
              pending = [...group.slice(i + 1), ...pending];
              break;
            }
            db.exec('ROLLBACK TO job');
            db.exec('RELEASE job');
            outcomes.push({ ok: false, value: error });
          }
        }
        if (broken !== undefined) {
          group.slice(0, outcomes.length).forEach((job, i) => job.reject(outcomes[i]!.ok ? broken : outcomes[i]!.value));
          continue;
        }
        try {
          db.exec('COMMIT');
        } catch (error) {
          if (db.inTransaction) db.exec('ROLLBACK');
          group.forEach((job) => job.reject(error));
          continue;
        }
        group.forEach((job, i) => (outcomes[i]!.ok ? job.resolve(outcomes[i]!.value) : job.reject(outcomes[i]!.value)));
      } catch (error) {
        // Anything unexpected: nothing of this group is committed, and every caller hears so (settled ones ignore it).
        try {
          if (db.inTransaction) db.exec('ROLLBACK');
        } catch {
          /* the connection already ended the transaction */
        }
        group.forEach((job) => job.reject(error));
      }
    }
  }

  function enqueue<T>(run: (tx: Db) => Promise<T> | T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      pending.push({ run: async (tx) => run(tx), resolve: resolve as (v: unknown) => void, reject });
      draining ??= drain();
    });
  }

  return {
    dialect: 'sqlite',
    query: (sql, params) => enqueue(() => query(sql, params)),
    run: (sql, params) => enqueue(() => run(sql, params)),
    // Scripts (migrations) may carry their own transaction control: run them between groups.
    exec: async (sql) => {
      while (draining) await draining;
      db.exec(sql);
    },
    transaction: (fn) => enqueue(fn),
    close: async () => {
      while (draining) await draining;
      db.close();
    },
  };
}
