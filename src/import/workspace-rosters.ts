import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { auxiliarySchema, type Auxiliary } from '../core/roster/schema.ts';
import { withHint } from '../core/error-data.ts';
import { storeName } from '../core/store-name.ts';
import { rosterErrors } from './roster/errors.ts';
import { withStatusSince, type VersionHistoryEntry } from './roster/status-history.ts';

/**
 * The build's only path to the store: reads the roster versions agencies published through the workspace.
 * Read-only by construction: SQLite is opened with `readonly`, PostgreSQL in a READ ONLY transaction (a role with
 * SELECT on roster_versions alone is enough); it never migrates, creates or writes anything.
 *
 * Where it reads — the store the functions write the versions to (workspaceStore): ROSTER_STORE_URL when set (a
 * read-only role, recommended); otherwise DATABASE_URL when set, as the functions do; otherwise the functions' default
 * SQLite file `<VAR_DIR>/gongshi.sqlite` if it exists; otherwise nothing (a deployment that keeps its rosters in Git
 * only). A store named by ROSTER_STORE_URL or DATABASE_URL that cannot be read fails the build: a site built without
 * the workspace's rosters would silently unpublish every agency that uses it. The build says which store it read and
 * how many agencies' versions it found (workspaceSummary).
 *
 * Rows without a status date get the date the status began from the agency's version history (status-history.ts);
 * only the diffs of earlier versions are read for that, never their records.
 */

export interface WorkspaceRoster {
  /** `roster_versions.id`: the directory file records which versions the build read (workspaceVersions). */
  id: string;
  agencyId: string;
  seq: number;
  publishedAt: string;
  records: Auxiliary[];
}

const rowSchema = z.object({
  id: z.string().min(1),
  agency_id: z.string().min(1),
  seq: z.coerce.number().int().positive(),
  published_at: z.string().min(1),
  records: z.string(),
});
const recordsSchema = z.array(auxiliarySchema);

const SELECT = "SELECT id, agency_id, seq, published_at, records FROM roster_versions WHERE status = 'published' ORDER BY agency_id";
const HISTORY = 'SELECT agency_id, seq, published_at, diff FROM roster_versions ORDER BY agency_id, seq';
const historySchema = z.object({ agency_id: z.string(), seq: z.coerce.number().int(), published_at: z.string(), diff: z.string() });

interface StoredRows {
  published: unknown[];
  history: unknown[];
}

export class WorkspaceStoreError extends Error {
  override name = 'WorkspaceStoreError';
  constructor(message: string) {
    super(message);
    // The message says what to check; a stack trace under it is only noise in the build's output.
    this.stack = message;
  }
}

/** Where the build reads the workspace's versions, and how to name it in the build's output (no password). */
export interface WorkspaceStore {
  url: string | undefined;
  /** The setting it came from: `VAR_DIR` for the default SQLite file; undefined when there is no store. */
  setting: 'ROSTER_STORE_URL' | 'DATABASE_URL' | 'VAR_DIR' | undefined;
  /** The store as the build's output names it: a file, or a PostgreSQL address without its password. */
  shown: string;
}

/**
 * The store the functions keep the versions in, as they find it (functions/store/index.ts openStore): DATABASE_URL
 * when set, else `<VAR_DIR>/gongshi.sqlite`. ROSTER_STORE_URL, when set, overrides both (a read-only role).
 */
export function workspaceStore(env: NodeJS.ProcessEnv = process.env, varDir = env.VAR_DIR || 'var'): WorkspaceStore {
  if (env.ROSTER_STORE_URL) return { url: env.ROSTER_STORE_URL, setting: 'ROSTER_STORE_URL', shown: shownStore(env.ROSTER_STORE_URL) };
  if (env.DATABASE_URL) return { url: env.DATABASE_URL, setting: 'DATABASE_URL', shown: shownStore(env.DATABASE_URL) };
  const file = join(varDir, 'gongshi.sqlite');
  return existsSync(file) ? { url: `sqlite:${file}`, setting: 'VAR_DIR', shown: file } : { url: undefined, setting: undefined, shown: file };
}

export function workspaceStoreUrl(env: NodeJS.ProcessEnv = process.env, varDir = env.VAR_DIR || 'var'): string | undefined {
  return workspaceStore(env, varDir).url;
}

/**
 * A store address fit for a log: a SQLite file as named; PostgreSQL as `npm start` names it (storeName: host, port,
 * database and schema, never the user or password), so the operator can see both read the same store.
 */
function shownStore(url: string): string {
  return url.startsWith('sqlite:') ? url.slice('sqlite:'.length) : storeName(url);
}

/**
 * The build's line about the workspace: which store it read (or that there is none) and which agencies' versions
 * it found — so that a build reading the wrong store, or none, is visible in its output.
 */
export function workspaceSummary(store: WorkspaceStore, rosters: readonly WorkspaceRoster[]): string {
  if (!store.url) {
    return `[workspace] 名单发布工作台：未设置 ROSTER_STORE_URL 或 DATABASE_URL，${store.shown} 也不存在，没有读取任何工作台版本，只发布 content/rosters/ 中的名单文件。`;
  }
  const from = store.setting === 'VAR_DIR' ? `VAR_DIR 下的 ${store.shown} ` : `${store.setting}（${store.shown}）`;
  const listed = rosters.slice(0, 20).map((r) => `${r.agencyId} 第 ${r.seq} 版`);
  const more = rosters.length > listed.length ? ' 等' : '';
  return `[workspace] 名单发布工作台：从 ${from}读取，${rosters.length} 个机关有已发布的版本${listed.length ? `（${listed.join('、')}${more}）` : ''}。`;
}

/**
 * The build read no version from PostgreSQL while the SQLite file the functions used before DATABASE_URL was set
 * (`<VAR_DIR>/gongshi.sqlite`) holds published ones: the usual sign of a server moved to PostgreSQL without its data.
 * The line that says so, naming the file and the copy command; undefined otherwise (and when the file cannot be read).
 */
export async function sqliteVersionsLeftBehind(
  store: WorkspaceStore,
  rosters: readonly Omit<WorkspaceRoster, 'id'>[],
  varDir: string,
): Promise<string | undefined> {
  if (rosters.length || !store.url || !/^postgres(ql)?:\/\//.test(store.url)) return undefined;
  const file = join(varDir, 'gongshi.sqlite');
  if (!existsSync(file)) return undefined;
  try {
    const agencies = [...new Set((await readSqlite(file)).published.map((row) => (row as { agency_id: string }).agency_id))];
    if (!agencies.length) return undefined;
    const listed = agencies.slice(0, 20).join('、') + (agencies.length > 20 ? ' 等' : '');
    return (
      `[workspace] 注意：${store.setting}（${store.shown}）中没有已发布的版本，但 VAR_DIR 下的 ${file} 里有 ${agencies.length} 个机关（${listed}）的已发布版本，` +
      `这次构建不会公示它们。若服务已从 SQLite 改用 PostgreSQL，请停止服务后运行 npm run store:copy -- --from sqlite:${file} --to "$DATABASE_URL" 把数据复制过去，再重新构建（docs/DEPLOY.md）。`
    );
  } catch {
    return undefined;
  }
}

/**
 * `setting`: where the address came from (workspaceStore). The messages name ROSTER_STORE_URL; when the address is
 * DATABASE_URL they name that instead, so the operator looks at the setting actually used.
 */
export async function readWorkspaceRosters(url: string | undefined, setting: WorkspaceStore['setting'] = 'ROSTER_STORE_URL'): Promise<WorkspaceRoster[]> {
  if (!url) return [];
  const named = (message: string) => (setting === 'DATABASE_URL' ? message.replaceAll('ROSTER_STORE_URL', 'DATABASE_URL') : message);
  let rows: StoredRows;
  try {
    if (url.startsWith('sqlite:')) rows = await readSqlite(url.slice('sqlite:'.length));
    else if (/^postgres(ql)?:\/\//.test(url)) rows = await readPostgres(url);
    else throw new WorkspaceStoreError(named(withHint(rosterErrors.WorkspaceStoreUrl)));
  } catch (error) {
    if (error instanceof WorkspaceStoreError) throw new WorkspaceStoreError(named(error.message));
    throw new WorkspaceStoreError(named(withHint(rosterErrors.WorkspaceUnreadable, (error as Error).message)));
  }
  const history = new Map<string, VersionHistoryEntry[]>();
  for (const raw of rows.history) {
    const h = historySchema.parse(raw);
    history.set(h.agency_id, [...(history.get(h.agency_id) ?? []), { seq: h.seq, publishedAt: h.published_at, diff: h.diff }]);
  }
  return rows.published.map((raw) => {
    const row = rowSchema.parse(raw);
    const records = recordsSchema.safeParse(JSON.parse(row.records));
    if (!records.success) throw new WorkspaceStoreError(withHint(rosterErrors.WorkspaceRecordBroken, row.agency_id, row.seq));
    for (const r of records.data) {
      if (r.agencyId !== row.agency_id) throw new WorkspaceStoreError(withHint(rosterErrors.WorkspaceOtherAgency, row.agency_id, row.seq, r.agencyId));
    }
    const upToThis = (history.get(row.agency_id) ?? []).filter((h) => h.seq <= row.seq);
    return { id: row.id, agencyId: row.agency_id, seq: row.seq, publishedAt: row.published_at, records: withStatusSince(records.data, upToThis) };
  });
}

async function readSqlite(path: string): Promise<StoredRows> {
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const table = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'roster_versions'").get();
    // A store from before the workspace existed has published nothing.
    if (!table) return { published: [], history: [] };
    return { published: db.prepare(SELECT).all(), history: db.prepare(HISTORY).all() };
  } finally {
    db.close();
  }
}

async function readPostgres(url: string): Promise<StoredRows> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    await client.query('BEGIN READ ONLY');
    // A role that may not use a schema of its search path sees no table there, exactly like a store that published
    // nothing: without this check the build would silently drop every agency's workspace roster.
    const unusable = await client.query<{ name: string }>(UNUSABLE_SCHEMAS);
    if (unusable.rows.length) {
      throw new WorkspaceStoreError(
        withHint(
          rosterErrors.WorkspaceSchemaNoUsage,
          unusable.rows.map((r) => r.name),
        ),
      );
    }
    const exists = await client.query("SELECT to_regclass('roster_versions') AS t");
    const rows: StoredRows = exists.rows[0]?.t
      ? { published: (await client.query(SELECT)).rows, history: (await client.query(HISTORY)).rows }
      : { published: [], history: [] };
    await client.query('COMMIT');
    return rows;
  } finally {
    await client.end();
  }
}

/** Schemas named in the search path that exist but that the role may not use. */
const UNUSABLE_SCHEMAS = `SELECT n.nspname AS name
  FROM unnest(string_to_array(current_setting('search_path'), ',')) AS p(entry)
  JOIN pg_namespace n ON n.nspname = trim(both ' "' from p.entry)
 WHERE NOT has_schema_privilege(n.oid, 'USAGE')`;
