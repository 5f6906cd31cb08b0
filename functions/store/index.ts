import { join } from 'node:path';
import type { Db } from './db.ts';
import { migrate } from './migrations.ts';
import type { PostgresOptions } from './postgres.ts';

export type { Db, Dialect, Row } from './db.ts';
export { migrate } from './migrations.ts';

export interface StoreSettings {
  databaseUrl: string | undefined;
  varDir: string;
}

/** The file the embedded default uses: `<VAR_DIR>/gongshi.sqlite`. */
export function sqlitePath(varDir: string): string {
  return join(varDir, 'gongshi.sqlite');
}

/**
 * Opens the store the settings name and brings its schema up to date: `DATABASE_URL` unset → the SQLite
 * file under VAR_DIR; `postgres://…` → PostgreSQL.
 */
export async function openStore(settings: StoreSettings, pgOptions: PostgresOptions = {}): Promise<Db> {
  const url = settings.databaseUrl;
  let db: Db;
  // Loaded on demand: a serverless bundle with PostgreSQL never loads the native SQLite module.
  if (!url) db = (await import('./sqlite.ts')).openSqlite(sqlitePath(settings.varDir));
  else if (/^postgres(ql)?:\/\//.test(url)) db = (await import('./postgres.ts')).openPostgres(url, pgOptions);
  else if (url.startsWith('sqlite:')) db = (await import('./sqlite.ts')).openSqlite(url.slice('sqlite:'.length));
  else throw new Error(`DATABASE_URL 只支持 postgres://… 或 sqlite:<文件>（不设则使用 ${sqlitePath(settings.varDir)}）`);
  await migrate(db);
  return db;
}
