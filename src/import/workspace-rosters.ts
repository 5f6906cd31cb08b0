import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { auxiliarySchema, type Auxiliary } from '../core/roster/schema.ts';
import { withHint } from '../core/error-data.ts';
import { rosterErrors } from './roster/errors.ts';
import { withStatusSince, type VersionHistoryEntry } from './roster/status-history.ts';

/**
 * The build's only path to the store: reads the roster versions agencies published through the workspace.
 * Read-only by construction: SQLite is opened with `readonly`, PostgreSQL in a READ ONLY transaction (a role with
 * SELECT on roster_versions alone is enough); it never migrates, creates or writes anything.
 *
 * Where it reads: ROSTER_STORE_URL (`postgres://…` or `sqlite:<file>`) when set — and then a store that cannot
 * be read fails the build; otherwise the one-server SQLite file `<VAR_DIR>/gongshi.sqlite` if it exists; otherwise
 * nothing (a deployment that keeps its rosters in Git only).
 *
 * Rows without a status date get the date the status began from the agency's version history (status-history.ts);
 * only the diffs of earlier versions are read for that, never their records.
 */

export interface WorkspaceRoster {
  agencyId: string;
  seq: number;
  publishedAt: string;
  records: Auxiliary[];
}

const rowSchema = z.object({
  agency_id: z.string().min(1),
  seq: z.coerce.number().int().positive(),
  published_at: z.string().min(1),
  records: z.string(),
});
const recordsSchema = z.array(auxiliarySchema);

const SELECT = "SELECT agency_id, seq, published_at, records FROM roster_versions WHERE status = 'published' ORDER BY agency_id";
const HISTORY = 'SELECT agency_id, seq, published_at, diff FROM roster_versions ORDER BY agency_id, seq';
const historySchema = z.object({ agency_id: z.string(), seq: z.coerce.number().int(), published_at: z.string(), diff: z.string() });

interface StoredRows {
  published: unknown[];
  history: unknown[];
}

export class WorkspaceStoreError extends Error {
  override name = 'WorkspaceStoreError';
}

export function workspaceStoreUrl(env: NodeJS.ProcessEnv = process.env, varDir = env.VAR_DIR || 'var'): string | undefined {
  if (env.ROSTER_STORE_URL) return env.ROSTER_STORE_URL;
  const file = join(varDir, 'gongshi.sqlite');
  return existsSync(file) ? `sqlite:${file}` : undefined;
}

export async function readWorkspaceRosters(url: string | undefined): Promise<WorkspaceRoster[]> {
  if (!url) return [];
  let rows: StoredRows;
  try {
    if (url.startsWith('sqlite:')) rows = await readSqlite(url.slice('sqlite:'.length));
    else if (/^postgres(ql)?:\/\//.test(url)) rows = await readPostgres(url);
    else throw new WorkspaceStoreError(withHint(rosterErrors.WorkspaceStoreUrl));
  } catch (error) {
    if (error instanceof WorkspaceStoreError) throw error;
    throw new WorkspaceStoreError(withHint(rosterErrors.WorkspaceUnreadable, (error as Error).message));
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
    return { agencyId: row.agency_id, seq: row.seq, publishedAt: row.published_at, records: withStatusSince(records.data, upToThis) };
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
