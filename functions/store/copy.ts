import type { Db, Row } from './db.ts';
import { migrate, migrations } from './migrations.ts';

/**
 * `npm run store:copy`: every row of one store into another, empty one — SQLite → PostgreSQL when a deployment
 * outgrows one server, or back. The tables, their columns, keys and foreign keys are read from the schema the
 * migrations make (a fresh in-memory SQLite store migrated here), never from a list kept by hand: a table a new
 * migration adds is copied without anyone remembering to add it (test/store/copy.test.ts checks every table of the
 * target's catalogue). `schema_migrations` is not copied: migrating the target writes its own.
 *
 * The target is migrated to the current schema and must hold no row; the rows are copied parents first (foreign
 * keys) in one transaction on the target, read in one transaction on the source (a snapshot on PostgreSQL; on SQLite
 * the write lock, so nothing can write to it meanwhile), and each table's rows are counted on both sides before the
 * target commits. Values go across as they are: text as text, integers as integers, BYTEA/BLOB as bytes; a value of
 * another type than its column's (possible in SQLite) stops the copy rather than being converted.
 */

export interface TableShape {
  name: string;
  columns: readonly { name: string; type: ColumnType }[];
  /** The primary key's columns, in key order: rows are read in this order, a page at a time. */
  key: readonly string[];
  /** Tables this one's foreign keys point to. */
  parents: readonly string[];
}

export type ColumnType = 'text' | 'integer' | 'bytes';

/** Declared types the migrations use, as both engines read them. A migration using another must add it here. */
const COLUMN_TYPES: Record<string, ColumnType> = { TEXT: 'text', INTEGER: 'integer', BYTEA: 'bytes' };

/** Refused or failed: a message for the operator (never a URL with its password), nothing changed on the target. */
export class StoreCopyError extends Error {
  override name = 'StoreCopyError';
}

/** The schema's tables in an order that puts every table after those its foreign keys point to. */
export async function schemaTables(): Promise<TableShape[]> {
  const { openSqlite } = await import('./sqlite.ts');
  const db = openSqlite(':memory:');
  try {
    await migrate(db);
    const names = (await db.query<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid"))
      .map((r) => r.name)
      .filter((name) => name !== 'schema_migrations');
    const shapes: TableShape[] = [];
    for (const name of names) {
      const info = await db.query<{ name: string; type: string; pk: number }>('SELECT name, type, pk FROM pragma_table_info(?) ORDER BY cid', [name]);
      const columns = info.map((c) => {
        const type = COLUMN_TYPES[c.type.toUpperCase()];
        if (!type) throw new TypeError(`store copy: column ${name}.${c.name} has type ${c.type}, which the copy does not know`);
        return { name: c.name, type };
      });
      const key = info
        .filter((c) => c.pk > 0)
        .sort((a, b) => a.pk - b.pk)
        .map((c) => c.name);
      if (!key.length) throw new TypeError(`store copy: table ${name} has no primary key to read it in pages by`);
      const parents = (await db.query<{ table: string }>('SELECT DISTINCT "table" FROM pragma_foreign_key_list(?)', [name])).map((r) => r.table);
      shapes.push({ name, columns, key, parents: parents.filter((p) => p !== name) });
    }
    return inDependencyOrder(shapes);
  } finally {
    await db.close();
  }
}

function inDependencyOrder(tables: TableShape[]): TableShape[] {
  const ordered: TableShape[] = [];
  const placed = new Set<string>();
  let rest = tables;
  while (rest.length) {
    const ready = rest.filter((t) => t.parents.every((p) => placed.has(p)));
    if (!ready.length) throw new TypeError(`store copy: foreign keys go round in a circle among ${rest.map((t) => t.name).join(', ')}`);
    for (const t of ready) {
      ordered.push(t);
      placed.add(t.name);
    }
    rest = rest.filter((t) => !placed.has(t.name));
  }
  return ordered;
}

export interface CopyOptions {
  /** How the source and target are named in messages (storeName: no password). */
  names: { from: string; to: string };
  /** A line of progress: one per table copied. */
  log?: (line: string) => void;
  /** Rows read from the source at once (default 500; tables with a BYTEA column: 4, each up to a complaint's 16 MB). */
  pageRows?: number;
}

export interface CopyReport {
  tables: { name: string; rows: number }[];
}

/** Most parameters one INSERT carries (SQLite allows 32,766, PostgreSQL 65,535). */
const MAX_PARAMS = 30_000;

/** Copies every row of `source` into `target` (see the module comment); throws StoreCopyError when it refuses. */
export async function copyStore(source: Db, target: Db, options: CopyOptions): Promise<CopyReport> {
  const tables = await schemaTables();
  const { from, to } = options.names;
  const current = migrations.map((m) => m.version);
  const latest = Math.max(...current);

  // The source must be at this code's schema exactly: its columns are then the ones copied.
  const sourceVersions = await appliedVersions(source);
  if (!sourceVersions) throw new StoreCopyError(`${from} 不是公示的数据库（没有 schema_migrations 表），没有复制任何数据。`);
  const missing = current.filter((v) => !sourceVersions.includes(v));
  const newer = sourceVersions.filter((v) => v > latest);
  if (newer.length)
    throw new StoreCopyError(
      `${from} 的结构来自更新的版本（迁移 ${newer.join('、')}），本程序只认识到第 ${latest} 个：请用生成它的那个版本复制。没有复制任何数据。`,
    );
  if (missing.length)
    throw new StoreCopyError(
      `${from} 的结构比本程序旧（缺迁移 ${missing.join('、')}）：请先用本版本启动一次服务（npm start 或 npm run outbox -- --once，启动时会升级结构），停止后再复制。没有复制任何数据。`,
    );

  // The target: refused before anything is written to it (not even the schema) when it holds a row or is newer.
  const targetVersions = (await appliedVersions(target)) ?? [];
  const targetNewer = targetVersions.filter((v) => v > latest);
  if (targetNewer.length) throw new StoreCopyError(`${to} 的结构来自更新的版本（迁移 ${targetNewer.join('、')}），没有复制任何数据。`);
  await refuseRows(target, tables, to);
  await migrate(target);

  const copied: CopyReport['tables'] = [];
  await source.transaction(async (src) => {
    // One snapshot of the source for the whole copy (SQLite's transaction already is one, holding the write lock).
    if (src.dialect === 'postgres') await src.exec('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    await target.transaction(async (tgt) => {
      // Again inside the transaction: a row written since the first look is refused as well.
      await refuseRows(tgt, tables, to);
      for (const table of tables) {
        const rows = await copyTable(src, tgt, table, options.pageRows ?? 500);
        const [sourceCount, targetCount] = [await count(src, table.name), await count(tgt, table.name)];
        if (sourceCount !== rows || targetCount !== rows)
          throw new StoreCopyError(`表 ${table.name}：源有 ${sourceCount} 行，读出 ${rows} 行，目标有 ${targetCount} 行，不一致；已撤销，${to} 没有任何改变。`);
        copied.push({ name: table.name, rows });
        options.log?.(`${table.name.padEnd(18)} ${String(rows).padStart(9)} 行`);
      }
    });
  });
  return { tables: copied };
}

/** The migrations applied to a store, or undefined when it has none (no schema_migrations table). */
async function appliedVersions(db: Db): Promise<number[] | undefined> {
  if (!(await tableExists(db, 'schema_migrations'))) return undefined;
  return (await db.query<{ version: number }>('SELECT version FROM schema_migrations')).map((r) => Number(r.version));
}

async function tableExists(db: Db, name: string): Promise<boolean> {
  if (db.dialect === 'sqlite') return (await db.query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [name])).length > 0;
  // The table the store's own queries would find: by the connection's search_path.
  return !!(await db.query<{ t: unknown }>('SELECT to_regclass(?) AS t', [name]))[0]?.t;
}

async function refuseRows(db: Db, tables: readonly TableShape[], to: string): Promise<void> {
  const holding: string[] = [];
  for (const table of tables) {
    if (!(await tableExists(db, table.name))) continue;
    const n = await count(db, table.name);
    if (n) holding.push(`${table.name}（${n} 行）`);
  }
  if (holding.length)
    throw new StoreCopyError(
      `${to} 已经有数据：${holding.join('、')}。复制只写入空的数据库，不合并、不覆盖；没有做任何更改。请换一个新建的空数据库（或空的 schema）作为目标。` +
        '若这些行是服务在这个新数据库上运行时写下的（例如每日汇总邮件），确认其中没有要保留的投诉后，删除并重建这个数据库（或 schema）再复制（docs/DEPLOY.md“From SQLite to PostgreSQL”）。',
    );
}

async function count(db: Db, table: string): Promise<number> {
  const [row] = await db.query<{ n: number | string }>(`SELECT count(*) AS n FROM ${table}`);
  return Number(row?.n ?? 0);
}

/** Copies one table, a page of rows at a time in key order (keyset paging: each page one indexed range read). */
async function copyTable(src: Db, tgt: Db, table: TableShape, pageRows: number): Promise<number> {
  const columns = table.columns.map((c) => c.name);
  const list = columns.join(', ');
  const order = table.key.join(', ');
  const after = table.key.length === 1 ? `${table.key[0]} > ?` : `(${order}) > (${table.key.map(() => '?').join(', ')})`;
  const page = table.columns.some((c) => c.type === 'bytes') ? Math.min(4, pageRows) : pageRows;
  const perInsert = Math.max(1, Math.min(page, Math.floor(MAX_PARAMS / columns.length)));
  let last: unknown[] | undefined;
  let copied = 0;
  for (;;) {
    const rows = last
      ? await src.query(`SELECT ${list} FROM ${table.name} WHERE ${after} ORDER BY ${order} LIMIT ${page}`, last)
      : await src.query(`SELECT ${list} FROM ${table.name} ORDER BY ${order} LIMIT ${page}`);
    if (!rows.length) return copied;
    for (let i = 0; i < rows.length; i += perInsert) {
      const batch = rows.slice(i, i + perInsert);
      const values = batch.flatMap((row) => table.columns.map((c) => checked(row, table, c, tgt.dialect)));
      const tuple = `(${columns.map(() => '?').join(', ')})`;
      try {
        await tgt.run(`INSERT INTO ${table.name} (${list}) VALUES ${batch.map(() => tuple).join(', ')}`, values);
      } catch (error) {
        throw new StoreCopyError(`写入表 ${table.name} 时出错：${(error as Error).message}。已撤销，目标没有任何改变。`, { cause: error });
      }
    }
    copied += rows.length;
    const end = rows.at(-1)!;
    last = table.key.map((k) => end[k]);
  }
}

/** A value as the target gets it — exactly the source's — or a StoreCopyError naming the row when it cannot be. */
function checked(row: Row, table: TableShape, column: TableShape['columns'][number], target: Db['dialect']): unknown {
  const value = row[column.name];
  if (value === null || value === undefined) return null;
  const ok =
    column.type === 'bytes'
      ? Buffer.isBuffer(value)
      : column.type === 'integer'
        ? (typeof value === 'number' && Number.isSafeInteger(value)) || typeof value === 'bigint'
        : typeof value === 'string';
  const where = () => `表 ${table.name} 中 ${table.key.map((k) => `${k} = ${String(row[k])}`).join('，')} 的一行，列 ${column.name}`;
  if (!ok) throw new StoreCopyError(`${where()}：存的是 ${describe(value)}，列的类型是 ${column.type}，不能原样复制。没有复制任何数据。`);
  // PostgreSQL's text cannot hold U+0000; SQLite's can.
  if (target === 'postgres' && typeof value === 'string' && value.includes('\u0000'))
    throw new StoreCopyError(`${where()}：文字中有 NUL 字符（U+0000），PostgreSQL 的 text 不能保存它。没有复制任何数据。`);
  return value;
}

function describe(value: unknown): string {
  if (Buffer.isBuffer(value)) return `${value.length} 字节的二进制数据`;
  return `${typeof value} 值`;
}
