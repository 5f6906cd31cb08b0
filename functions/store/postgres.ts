import pg from 'pg';
import { toPostgresPlaceholders, type Db, type Row } from './db.ts';

export interface PostgresOptions {
  /** Schema to use (created if missing) — tests use a fresh one per run. */
  schema?: string;
  max?: number;
}

/** PostgreSQL through a pg Pool; each transaction holds one client from BEGIN to COMMIT. */
export function openPostgres(url: string, options: PostgresOptions = {}): Db {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    connectionTimeoutMillis: 5000,
    // COUNT(*) and BIGINT come back as numbers, as they do from SQLite (our counts stay far below 2^53).
    types: {
      getTypeParser: ((oid: number, format?: string) =>
        oid === 20 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
    },
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
  });
  // An idle client losing its connection must not crash the process; the next query gets a new one.
  pool.on('error', () => undefined);
  let ready: Promise<void> | undefined;
  const ensureSchema = (): Promise<void> => {
    if (!options.schema) return Promise.resolve();
    ready ??= pool.query(`CREATE SCHEMA IF NOT EXISTS "${options.schema.replace(/"/g, '')}"`).then(() => undefined);
    return ready;
  };
  const bind = (params: readonly unknown[]): unknown[] => params.map((p) => (p === undefined ? null : p));
  // Named statements are parsed and planned once per connection instead of once per call; their `$n` text is
  // translated once per process.
  const prepared = new Map<string, { name: string; text: string }>();
  const statement = (sql: string, params: readonly unknown[]) => {
    let known = prepared.get(sql);
    if (!known) {
      known = { name: `q${prepared.size}`, text: toPostgresPlaceholders(sql) };
      prepared.set(sql, known);
    }
    return { ...known, values: bind(params) };
  };

  const over = (client: pg.Pool | pg.PoolClient, inTx: boolean): Db => ({
    dialect: 'postgres',
    async query<T extends Row>(sql: string, params: readonly unknown[] = []) {
      if (!inTx) await ensureSchema();
      return (await client.query(statement(sql, params))).rows as T[];
    },
    async run(sql, params = []) {
      if (!inTx) await ensureSchema();
      return (await client.query(statement(sql, params))).rowCount ?? 0;
    },
    async exec(sql) {
      if (!inTx) await ensureSchema();
      await client.query(sql);
    },
    async transaction(fn) {
      if (inTx) return fn(over(client, true));
      await ensureSchema();
      const tx = await pool.connect();
      try {
        await tx.query('BEGIN');
        const result = await fn(over(tx, true));
        await tx.query('COMMIT');
        return result;
      } catch (error) {
        await tx.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        tx.release();
      }
    },
    close: () => (inTx ? Promise.resolve() : pool.end()),
  });
  return over(pool, false);
}
