import Database from 'better-sqlite3';
import { closeSync, existsSync, openSync, statSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { CheckpointerData } from './sqlite-checkpointer.ts';
import { dirname } from 'node:path';
import type { Db, Row } from './db.ts';
import { makeFolder } from './make-folder.ts';

/** Most transactions one commit (one fsync) may carry. */
const MAX_GROUP = 64;
/** How long a write waits for another process's write lock before it fails. */
const BUSY_WAIT_MS = 10_000;

/**
 * When the checkpointer thread (sqlite-checkpointer.ts) takes over: a store whose WAL has passed `thresholdBytes`
 * (looked at every `lookEvery` commits) — a busy one; a quiet store keeps SQLite's own checkpoints. From then on the
 * main connection checkpoints only past `fallbackPages` (should the thread fall behind).
 */
export interface CheckpointOptions {
  thresholdBytes: number;
  lookEvery: number;
  intervalMs: number;
  fallbackPages: number;
}
/** SQLite's own limit is 1,000 pages (4 MB): the thread keeps to it, checking four times a second. */
export const DEFAULT_CHECKPOINTS: CheckpointOptions = { thresholdBytes: 4 * 1024 * 1024, lookEvery: 64, intervalMs: 250, fallbackPages: 10_000 };

const isBusy = (error: unknown): boolean => {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_BUSY_SNAPSHOT' || code === 'SQLITE_LOCKED';
};
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Runs `step` until it does not fail with SQLITE_BUSY, sleeping on timers in between (the event loop keeps going). */
async function whenNotBusy<T>(step: () => T, waitMs = BUSY_WAIT_MS): Promise<T> {
  const giveUpAt = Date.now() + waitMs;
  for (let delay = 2; ; delay = Math.min(delay * 2, 100)) {
    try {
      return step();
    } catch (error) {
      if (!isBusy(error) || Date.now() >= giveUpAt) throw error;
    }
    await sleep(delay);
  }
}

interface Job {
  run: (tx: Db) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * SQLite through better-sqlite3: WAL, `synchronous=FULL` (a commit returns only after its fsync).
 *
 * Another process (the outbox worker, a backup) may hold the write lock. better-sqlite3 is synchronous, so
 * SQLite's own busy timeout would sleep inside the call and freeze the whole event loop — static pages and status
 * lookups included — for as long as the lock is held. Instead the busy timeout is 0 and taking the lock is
 * retried with timers (up to BUSY_WAIT_MS, then the caller gets the error and answers 503). Reads outside a
 * transaction go to a second connection: in WAL mode readers never wait for the writer, so status lookups
 * answer while writes queue.
 *
 * Group commit: better-sqlite3 is synchronous and the connection is one, so transactions run one after
 * another — and those that arrive while one is running are committed together: one `BEGIN IMMEDIATE`, each
 * transaction in its own SAVEPOINT (a failing one is rolled back alone), one COMMIT, one fsync. A group
 * starts one event-loop turn after its first transaction is queued, so requests that are ready join it. No caller
 * learns its transaction succeeded before that COMMIT has returned, so `201` still means "on disk"; under
 * load the fsync is shared instead of paid per complaint. Statements outside a transaction queue the same way.
 *
 * Checkpoints: once the store is busy (CheckpointOptions) a thread of its own copies the WAL into the database file
 * (sqlite-checkpointer.ts), so that no COMMIT on the event loop carries a checkpoint and its fsync.
 */
/**
 * A new store holds complainants' names and phone numbers: its folder and file are made readable by this user only
 * (SQLite gives the `-wal` and `-shm` files the database file's mode). An existing file keeps the mode the operator
 * gave it (a backup user may rely on it).
 */
function createPrivately(file: string): void {
  makeFolder(dirname(file), 0o700);
  if (!existsSync(file)) closeSync(openSync(file, 'a', 0o600));
}

export function openSqlite(file: string, checkpoints: CheckpointOptions = DEFAULT_CHECKPOINTS): Db {
  if (file !== ':memory:') createPrivately(file);
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 0');
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
  // The reading connection (files only: a second `:memory:` connection would be another database).
  let reader: Database.Database | undefined;
  const readStatements = new Map<string, Database.Statement>();
  const readStatement = (sql: string): Database.Statement | undefined => {
    if (file === ':memory:') return undefined;
    let statement = readStatements.get(sql);
    if (statement === undefined) {
      const probe = prepare(sql);
      if (!probe.reader || !probe.readonly) return undefined;
      if (!reader) {
        reader = new Database(file);
        reader.pragma('busy_timeout = 0');
        reader.pragma('query_only = ON');
      }
      statement = reader.prepare(sql);
      readStatements.set(sql, statement);
    }
    return statement;
  };
  const bind = (params: readonly unknown[]): unknown[] => params.map((p) => (p === undefined ? null : typeof p === 'boolean' ? (p ? 1 : 0) : p));
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

  let checkpointer: { thread: Worker; exited: Promise<void> } | undefined;
  let commitsUnseen = 0;
  /** After a commit: hands checkpoints to the thread once the WAL shows the store is busy. */
  const afterCommit = () => {
    if (checkpointer || file === ':memory:' || ++commitsUnseen < checkpoints.lookEvery) return;
    commitsUnseen = 0;
    let walBytes = 0;
    try {
      walBytes = statSync(`${file}-wal`).size;
    } catch {
      return;
    }
    if (walBytes < checkpoints.thresholdBytes) return;
    const data: CheckpointerData = { file, thresholdBytes: checkpoints.thresholdBytes, intervalMs: checkpoints.intervalMs };
    const thread = new Worker(new URL('./sqlite-checkpointer.ts', import.meta.url), { workerData: data });
    thread.unref();
    // A thread that stops on its own leaves the checkpoints to this connection again, at SQLite's own limit.
    const exited = new Promise<void>((resolve) =>
      thread.once('exit', () => {
        if (db.open) db.pragma('wal_autocheckpoint = 1000');
        resolve();
      }),
    );
    thread.on('error', () => undefined);
    checkpointer = { thread, exited };
    db.pragma(`wal_autocheckpoint = ${checkpoints.fallbackPages}`);
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
          await whenNotBusy(() => db.exec('BEGIN IMMEDIATE'));
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
        afterCommit();
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
    query: <T extends Row>(sql: string, params: readonly unknown[] = []): Promise<T[]> => {
      const read = readStatement(sql);
      // A read sees only committed data, and does not wait behind queued writes.
      if (read) return whenNotBusy(() => read.all(...bind(params)) as T[]);
      return enqueue(() => query<T>(sql, params));
    },
    run: (sql, params) => enqueue(() => run(sql, params)),
    // Scripts (migrations) may carry their own transaction control: run them between groups.
    exec: async (sql) => {
      while (draining) await draining;
      await whenNotBusy(() => db.exec(sql));
    },
    transaction: (fn) => enqueue(fn),
    close: async () => {
      while (draining) await draining;
      if (checkpointer) {
        const { thread, exited } = checkpointer;
        // Unref'd so that it never keeps a process alive; while we wait for it, it must (or a process whose last
        // step is this close would end right here, exit code 13, before the thread has closed its connection).
        // A thread that has already stopped is not waited for.
        thread.ref();
        thread.postMessage('close');
        await exited;
      }
      reader?.close();
      db.close();
    },
  };
}

/**
 * Whether another connection — a server, a mail worker, a `sqlite3` shell, in any process — has the SQLite store
 * open: `in-use`; `free` when none has; `unreadable` when the file could not be looked at (damaged, not SQLite), so
 * nothing can be said. Every connection to a store in WAL mode (openSqlite's) keeps a shared lock on it for as long
 * as it is open, idle or not; a connection in exclusive locking mode cannot take its first lock while one does, and
 * fails at once (busy timeout 0). When it succeeds, nobody had it open: it then closes as the last connection does,
 * folding any WAL a killed process left behind into the file (as the next opener would) and removing it.
 * `npm run store:copy` and `npm run store:restore` refuse a store in use.
 */
export function sqliteInUse(file: string): 'in-use' | 'free' | 'unreadable' {
  let probe: Database.Database | undefined;
  try {
    probe = new Database(file, { fileMustExist: true });
    probe.pragma('busy_timeout = 0');
    probe.pragma('locking_mode = EXCLUSIVE');
    probe.exec('BEGIN EXCLUSIVE');
    probe.prepare('SELECT count(*) FROM sqlite_master').get();
    probe.exec('COMMIT');
    return 'free';
  } catch (error) {
    return isBusy(error) ? 'in-use' : 'unreadable';
  } finally {
    try {
      probe?.close();
    } catch {
      // Closing a connection that never got its lock has nothing to undo.
    }
  }
}

/**
 * Rows in each of `tables` of a SQLite store file, read-only: nothing is written, no schema made; a table the file
 * does not have counts as undefined. For looking at a store no process uses (the file a server ran on before
 * DATABASE_URL was set).
 */
export function countRowsReadOnly(file: string, tables: readonly string[]): Record<string, number | undefined> {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 1000');
    const has = new Set((db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((r) => r.name));
    return Object.fromEntries(
      tables.map((table) => [table, has.has(table) ? (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n : undefined]),
    );
  } finally {
    db.close();
  }
}
