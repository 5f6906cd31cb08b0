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
  const where = describeStore(settings);
  let db: Db | undefined;
  try {
    // Loaded on demand: a serverless bundle with PostgreSQL never loads the native SQLite module.
    if (!url) db = (await import('./sqlite.ts')).openSqlite(sqlitePath(settings.varDir));
    else if (/^postgres(ql)?:\/\//.test(url)) db = (await import('./postgres.ts')).openPostgres(url, pgOptions);
    else if (url.startsWith('sqlite:')) db = (await import('./sqlite.ts')).openSqlite(url.slice('sqlite:'.length));
    else throw new StoreOpenError(`DATABASE_URL 只支持 postgres://… 或 sqlite:<文件>（不设则使用 ${sqlitePath(settings.varDir)}）`);
    await migrate(db);
    return db;
  } catch (error) {
    await db?.close().catch(() => undefined);
    if (error instanceof StoreOpenError) throw error;
    throw new StoreOpenError(`无法打开数据库${where}：${openFailure(error)}。没有做任何更改。`, { cause: error });
  }
}

/**
 * The store could not be opened or brought up to date at start: said in words that name the setting, never the URL's
 * password (scripts/start.ts and scripts/outbox.ts print it and stop, as for a missing key).
 */
export class StoreOpenError extends Error {
  override name = 'StoreOpenError';
}

/** The store as an operator's message may name it: the SQLite file, or PostgreSQL's host, port and database only. */
function describeStore(settings: StoreSettings): string {
  const url = settings.databaseUrl;
  if (!url) return `（SQLite 文件 ${sqlitePath(settings.varDir)}，即 VAR_DIR 下；DATABASE_URL 未设置）`;
  if (url.startsWith('sqlite:')) return `（SQLite 文件 ${url.slice('sqlite:'.length)}，来自 DATABASE_URL）`;
  try {
    const u = new URL(url);
    return `（DATABASE_URL 指向 PostgreSQL ${u.hostname || '本机套接字'}${u.port ? `:${u.port}` : ''}，数据库 ${decodeURIComponent(u.pathname.slice(1)) || '（未写）'}）`;
  } catch {
    return '（DATABASE_URL 不是有效的地址）';
  }
}

/** Why, for the person who set DATABASE_URL: by PostgreSQL's or the system's error code. */
function openFailure(error: unknown): string {
  const code = String((error as { code?: unknown })?.code ?? '');
  const reasons: Record<string, string> = {
    '3D000': '数据库不存在，请先创建它（CREATE DATABASE），或改正 DATABASE_URL 中的数据库名',
    '28P01': '用户名或密码不对，请核对 DATABASE_URL 中的用户和密码',
    '28000': '数据库拒绝了这个用户的连接（pg_hba.conf），请核对 DATABASE_URL 中的用户，或请数据库管理员放行',
    '42501': '这个用户没有建表的权限，请授予它该数据库的建表权限',
    ECONNREFUSED: '连接被拒绝：数据库没有运行，或 DATABASE_URL 中的主机、端口不对',
    ENOTFOUND: '找不到 DATABASE_URL 中的主机名',
    ETIMEDOUT: '连接超时：请检查主机、端口和防火墙',
    EACCES: '没有权限读写这个文件或目录，请检查 VAR_DIR 的权限',
    SQLITE_CANTOPEN: '无法打开数据库文件，请检查 VAR_DIR 是否存在、是否可写',
  };
  return reasons[code] ?? `${(error as Error)?.name ?? 'Error'}${code ? ` ${code}` : ''}`;
}
