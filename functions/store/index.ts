import { join } from 'node:path';
import type { Db } from './db.ts';
import { storeName } from '../../src/core/store-name.ts';
import { migrate } from './migrations.ts';
import type { PostgresOptions } from './postgres.ts';

export type { Db, Dialect, Row } from './db.ts';
export { migrate } from './migrations.ts';
export { storeName } from '../../src/core/store-name.ts';

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
 * file under VAR_DIR; `postgres://…` → PostgreSQL. A SQLite file is checked first (`PRAGMA quick_check`): a damaged
 * one — e.g. a backup copied over a store whose `-wal` was left behind — stops here, before it takes a complaint it
 * could lose (docs/DEPLOY.md, "Backups, restore and upgrades").
 */
export async function openStore(settings: StoreSettings, pgOptions: PostgresOptions = {}, options: OpenOptions = {}): Promise<Db> {
  const url = settings.databaseUrl;
  const setting = options.setting ?? 'DATABASE_URL';
  const where = describeStore(settings, setting);
  let db: Db | undefined;
  try {
    // Loaded on demand: a serverless bundle with PostgreSQL never loads the native SQLite module.
    if (!url) db = (await import('./sqlite.ts')).openSqlite(sqlitePath(settings.varDir));
    else if (/^postgres(ql)?:\/\//.test(url)) db = (await import('./postgres.ts')).openPostgres(url, pgOptions);
    else if (url.startsWith('sqlite:')) db = (await import('./sqlite.ts')).openSqlite(url.slice('sqlite:'.length));
    else throw new StoreOpenError(`${setting} 只支持 postgres://… 或 sqlite:<文件>（不设则使用 ${sqlitePath(settings.varDir)}）`);
    if (db.dialect === 'sqlite') {
      const problems = await quickCheck(db);
      if (problems.length) throw new StoreOpenError(`数据库${where}已损坏（PRAGMA quick_check：${problems.join('；')} …）。${CORRUPT_HINT}`);
    }
    if (options.migrate !== false) await migrate(db);
    // Connects now, whatever comes next, so an unreachable PostgreSQL is this function's error with its reason.
    else await db.query('SELECT 1 AS one');
    return db;
  } catch (error) {
    await db?.close().catch(() => undefined);
    if (error instanceof StoreOpenError) throw error;
    throw new StoreOpenError(`无法打开数据库${where}：${openFailure(error, setting)}。没有做任何更改。`, { cause: error });
  }
}

export interface OpenOptions {
  /** Where the address came from, as messages name it: `DATABASE_URL` (default), or a command's `--from` / `--to`. */
  setting?: string;
  /** Bring the schema up to date (default). `npm run store:copy` reads its source as it is. */
  migrate?: boolean;
}

const CORRUPT_HINT =
  '在它上面接收的投诉可能丢失，所以没有使用它。请先停止所有使用它的进程，再从备份恢复：npm run store:restore -- <备份文件>（docs/DEPLOY.md“Backups, restore and upgrades”）。';

/**
 * `PRAGMA quick_check` of a SQLite store: its first few problems, none when it is intact. It reads every page: 2.6 s
 * for a store of 100,000 complaints (2.9 GB) in the page cache, about half a minute from disk (docs/BENCHMARKS.md).
 */
export async function quickCheck(db: Db): Promise<string[]> {
  return checkLines(await db.query('PRAGMA quick_check(5)'));
}

/** The lines of a `quick_check` / `integrity_check` answer: [] for its single `ok`, else its first three. */
export function checkLines(rows: readonly Record<string, unknown>[]): string[] {
  const lines = rows.flatMap((row) => String(Object.values(row)[0]).split('\n')).filter((line) => line.trim());
  return lines.length === 1 && lines[0] === 'ok' ? [] : lines.filter((line) => !/^\*\*\* in database/.test(line)).slice(0, 3);
}

/**
 * The store could not be opened or brought up to date at start: said in words that name the setting, never the URL's
 * password (scripts/start.ts and scripts/outbox.ts print it and stop, as for a missing key).
 */
export class StoreOpenError extends Error {
  override name = 'StoreOpenError';
}

/** The store as an operator's message may name it: the SQLite file, or PostgreSQL's host, port and database only. */
function describeStore(settings: StoreSettings, setting = 'DATABASE_URL'): string {
  const url = settings.databaseUrl;
  if (!url) return `（SQLite 文件 ${sqlitePath(settings.varDir)}，即 VAR_DIR 下；DATABASE_URL 未设置）`;
  if (url.startsWith('sqlite:')) return `（${storeName(url)}，来自 ${setting}）`;
  return /^postgres(ql)?:\/\//.test(url) ? `（${setting} 指向 ${storeName(url)}）` : `（${setting} 不是有效的地址）`;
}

/**
 * pg's own connection errors carry no code, only a message: its connect timeout ("timeout expired", or the pool's
 * "timeout exceeded when trying to connect") and a server that closed the connection before answering ("Connection
 * terminated unexpectedly": something else listens on that port). Named here so the operator is told which.
 */
function pgClientCode(error: unknown): string {
  const message = String((error as Error)?.message ?? '');
  if (/^timeout (expired|exceeded when trying to connect)$|connection timeout/i.test(message)) return 'PG_TIMEOUT';
  if (/^Connection terminated/.test(message)) return 'PG_TERMINATED';
  return '';
}

/** Why, for the person who set DATABASE_URL: by PostgreSQL's or the system's error code. */
function openFailure(error: unknown, setting = 'DATABASE_URL'): string {
  const e = error as { code?: unknown; syscall?: unknown };
  // mkdir's ENOENT where the parent exists (make-folder.ts); a PostgreSQL socket that is not there is connect's.
  const code = (e?.code === 'ENOENT' && e.syscall === 'mkdir' ? 'MKDIR_ENOENT' : String(e?.code ?? '')) || pgClientCode(error);
  const reasons: Record<string, string> = {
    '3D000': '数据库不存在，请先创建它（CREATE DATABASE），或改正 DATABASE_URL 中的数据库名',
    // search_path names a schema that is not there: nothing to create the tables in.
    '3F000': 'DATABASE_URL 的 search_path 指定的 schema 不存在，请先创建它（CREATE SCHEMA 名称），或改正 options=-csearch_path=… 中的名称',
    '28P01': '用户名或密码不对，请核对 DATABASE_URL 中的用户和密码',
    '28000': '数据库拒绝了这个用户的连接（pg_hba.conf），请核对 DATABASE_URL 中的用户，或请数据库管理员放行',
    '42501': '这个用户没有建表的权限，请授予它该数据库的建表权限',
    ECONNREFUSED: '连接被拒绝：数据库没有运行，或 DATABASE_URL 中的主机、端口不对',
    ENOTFOUND: '找不到 DATABASE_URL 中的主机名',
    ETIMEDOUT: '连接超时：请检查主机、端口和防火墙',
    PG_TIMEOUT: '连接超时（没有得到 PostgreSQL 的应答）：请检查 DATABASE_URL 中的主机和端口是否是 PostgreSQL 的（默认 5432），以及防火墙',
    PG_TERMINATED: '连接被对方断开：这个主机和端口上的多半不是 PostgreSQL（请核对 DATABASE_URL 中的端口，默认 5432），或数据库正在关闭',
    EEXIST: '这个路径上已有一个文件而不是目录，请把 VAR_DIR 设为一个目录',
    ENOTDIR: '路径中有一段是文件而不是目录，请把 VAR_DIR 设为一个目录',
    MKDIR_ENOENT: '这个位置不能建目录（如 /proc、/sys 下，或在指向不存在位置的链接下），请把 VAR_DIR 设为本机上可写的目录',
    EACCES: '没有权限读写这个文件或目录，请检查 VAR_DIR 的权限',
    SQLITE_CANTOPEN: '无法打开数据库文件，请检查 VAR_DIR 是否存在、是否可写',
    SQLITE_BUSY: '另一个进程正占用这个文件，请先停止它',
    SQLITE_CORRUPT: `数据库文件已损坏。${CORRUPT_HINT}`,
    SQLITE_NOTADB: '这个文件不是 SQLite 数据库',
  };
  const reason = reasons[code] ?? `${(error as Error)?.name ?? 'Error'}${code ? ` ${code}` : ''}`;
  return reason.replaceAll('DATABASE_URL', setting);
}
