import { closeSync, copyFileSync, existsSync, fsyncSync, linkSync, openSync, realpathSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { checkLines } from './index.ts';
import { migrations } from './migrations.ts';
import { openSqlite, sqliteInUse } from './sqlite.ts';

/**
 * `npm run store:restore -- <backup>`: puts a SQLite backup (`sqlite3 gongshi.sqlite ".backup b.sqlite"`) in the
 * store's place the safe way. Copying the file over the store by hand goes wrong when the store's `-wal` (a server
 * killed, or still running) is left beside it: SQLite then applies the old store's pages to the backup and the
 * result is "database disk image is malformed". Here:
 *
 * 1. the store must not be open in any process (sqliteInUse) — refused otherwise;
 * 2. the backup is copied next to the store and checked there (`PRAGMA integrity_check`, and that it is a store of
 *    this or an older schema) — the backup itself is never written to;
 * 3. the store being replaced is kept as `<store>.replaced-<time>` (with its `-wal`, so it opens as it was);
 * 4. the store's `-wal` and `-shm` are removed, then the checked copy is renamed into place (atomic).
 *
 * A crash at any step leaves either the old store, whole, or the restored one — never one with another's WAL.
 */

export class StoreRestoreError extends Error {
  override name = 'StoreRestoreError';
}

export interface RestoreReport {
  /** Where the replaced store was kept; undefined when there was none. */
  replaced: string | undefined;
  complaints: number;
  /** The newest complaint's created_at in the backup: what was taken in after it is not in the restored store. */
  newestComplaint: string | undefined;
  publishedVersions: number;
}

export async function restoreSqlite(backup: string, store: string, now = new Date()): Promise<RestoreReport> {
  if (!existsSync(backup)) throw new StoreRestoreError(`备份文件 ${backup} 不存在。没有做任何更改。`);
  if (existsSync(store) && realpathSync(backup) === realpathSync(store)) throw new StoreRestoreError('备份文件就是数据库文件本身。没有做任何更改。');
  if (existsSync(`${backup}-wal`))
    throw new StoreRestoreError(
      `备份文件旁边有 ${basename(backup)}-wal：它是一个正在使用或未正常关闭的数据库，而不是用 sqlite3 … ".backup" 做的备份，只复制它会丢掉 -wal 里的数据。请用 sqlite3 打开一次它（会并入 -wal），或换用 .backup 做的备份。没有做任何更改。`,
    );
  const inUse = () => existsSync(store) && sqliteInUse(store) === 'in-use';
  const busy = `数据库 ${store} 正被另一个进程使用（npm start、npm run outbox 或 sqlite3）。请先停止所有使用它的进程，再恢复。没有做任何更改。`;
  if (inUse()) throw new StoreRestoreError(busy);

  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const checking = join(dirname(store), `${basename(store)}.restoring-${stamp}`);
  const report = await checkedCopy(backup, checking);
  // Again after the copy and its check (minutes for a large store): a process started meanwhile is refused too.
  if (inUse()) {
    rmSync(checking, { force: true });
    throw new StoreRestoreError(busy);
  }

  // The store being replaced, kept whole: hard links (the same files under a second name), so that nothing is
  // lost should anything below fail; its -wal beside it under the matching name.
  let replaced: string | undefined;
  if (existsSync(store)) {
    replaced = `${store}.replaced-${stamp}`;
    keep(store, replaced);
    if (existsSync(`${store}-wal`)) keep(`${store}-wal`, `${replaced}-wal`);
  }
  // Never the restored file beside the old one's WAL: the WAL goes first, then the file is swapped in at once.
  rmSync(`${store}-wal`, { force: true });
  rmSync(`${store}-shm`, { force: true });
  renameSync(checking, store);
  syncDirectory(dirname(store));
  return { ...report, replaced };
}

/** Copies the backup to `to` and checks the copy; removes it and throws when it is not a sound store of ours. */
async function checkedCopy(backup: string, to: string): Promise<Omit<RestoreReport, 'replaced'>> {
  copyFileSync(backup, to);
  let db: ReturnType<typeof openSqlite> | undefined;
  try {
    db = openSqlite(to);
    const problems = checkLines(await db.query('PRAGMA integrity_check(5)'));
    if (problems.length)
      throw new StoreRestoreError(`备份文件 ${backup} 已损坏（PRAGMA integrity_check：${problems.join('；')} …）。请换一个备份。没有做任何更改。`);
    const hasVersions = (await db.query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'")).length > 0;
    if (!hasVersions) throw new StoreRestoreError(`${backup} 不是公示的数据库（没有 schema_migrations 表）。没有做任何更改。`);
    const latest = Math.max(...migrations.map((m) => m.version));
    const newer = (await db.query<{ version: number }>('SELECT version FROM schema_migrations WHERE version > ?', [latest])).map((r) => r.version);
    if (newer.length) throw new StoreRestoreError(`备份 ${backup} 来自更新的版本（迁移 ${newer.join('、')}）：请用那个版本的程序恢复和运行。没有做任何更改。`);
    const scalar = async (sql: string) => (await db!.query(sql))[0] ?? {};
    const tables = new Set((await db.query<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'")).map((r) => r.name));
    const complaints = tables.has('complaints') ? await scalar('SELECT count(*) AS n, max(created_at) AS newest FROM complaints') : {};
    const versions = tables.has('roster_versions') ? await scalar("SELECT count(*) AS n FROM roster_versions WHERE status = 'published'") : {};
    await db.close();
    db = undefined;
    // Closed as the last connection: its WAL is folded in and removed, so `to` alone is the whole store.
    if (existsSync(`${to}-wal`)) throw new StoreRestoreError(`检查后的副本 ${to} 仍有 -wal 文件：另一个进程打开了它？没有做任何更改。`);
    syncFile(to);
    return {
      complaints: Number(complaints.n ?? 0),
      newestComplaint: (complaints.newest as string | null | undefined) ?? undefined,
      publishedVersions: Number(versions.n ?? 0),
    };
  } catch (error) {
    await db?.close().catch(() => undefined);
    for (const file of [to, `${to}-wal`, `${to}-shm`]) rmSync(file, { force: true });
    if (error instanceof StoreRestoreError) throw error;
    throw new StoreRestoreError(`无法读取备份文件 ${backup}：${(error as Error).message}。没有做任何更改。`, { cause: error });
  }
}

function keep(file: string, as: string): void {
  try {
    linkSync(file, as);
  } catch {
    copyFileSync(file, as);
  }
}

function syncFile(file: string): void {
  const fd = openSync(file, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function syncDirectory(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
