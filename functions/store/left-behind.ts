import { existsSync } from 'node:fs';
import type { Db } from './db.ts';
import { sqlitePath, storeName, type StoreSettings } from './index.ts';

/**
 * Setting DATABASE_URL on a server that ran on the embedded SQLite file starts it on an empty PostgreSQL store: every
 * tracking code answers "not found", the workspace's rosters are gone from the next build, and nothing said that
 * `<VAR_DIR>/gongshi.sqlite` still holds it all. When the PostgreSQL store has neither a complaint nor a roster version
 * and that file has either, this says so, naming both and the command that copies one into the other (`npm start`, `npm run outbox` print it).
 * Undefined when there is nothing to say, or the file cannot be read (the warning is a help, never a failure).
 */
export async function sqliteLeftBehind(settings: StoreSettings, store: Db): Promise<string | undefined> {
  const url = settings.databaseUrl;
  if (!url || store.dialect !== 'postgres') return undefined;
  const file = sqlitePath(settings.varDir);
  if (!existsSync(file)) return undefined;
  try {
    const [used] = await store.query<{ n: number }>('SELECT (SELECT count(*) FROM complaints) + (SELECT count(*) FROM roster_versions) AS n');
    if (Number(used?.n) > 0) return undefined;
    const { countRowsReadOnly } = await import('./sqlite.ts');
    const left = countRowsReadOnly(file, ['complaints', 'roster_versions']);
    if (!left.complaints && !left.roster_versions) return undefined;
    return (
      `DATABASE_URL（${storeName(url)}）里没有一件投诉、没有一个名单版本，而 VAR_DIR 下的 SQLite 文件 ${file} 有 ${left.complaints ?? 0} 件投诉、${left.roster_versions ?? 0} 个名单版本：` +
      '服务现在只用 DATABASE_URL，那些数据都不在其中——市民的查询码查不到，工作台发布的名单下次构建时不会公示。' +
      `要改用 PostgreSQL 而保留数据：停止服务和 npm run outbox，运行 npm run store:copy -- --from sqlite:${file} --to "$DATABASE_URL"，再启动（docs/DEPLOY.md“From SQLite to PostgreSQL”）。` +
      '若确是有意从空的数据库开始，把这个文件移出 VAR_DIR 即可不再提示。'
    );
  } catch {
    return undefined;
  }
}
