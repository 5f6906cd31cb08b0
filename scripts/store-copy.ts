/**
 * `npm run store:copy -- --from <sqlite:file | postgres://…> --to <postgres://… | sqlite:file>`: copies every row of
 * one store into another, empty one (functions/store/copy.ts) — the way from the embedded SQLite file to PostgreSQL,
 * and back. Stop every process that uses the source first (`npm start`, `npm run outbox`); a SQLite source or target
 * another process has open is refused. Exit 0 when copied, 1 when refused or failed (the target then unchanged).
 * docs/DEPLOY.md, "From SQLite to PostgreSQL".
 */
import { existsSync, realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { copyStore, StoreCopyError } from '../functions/store/copy.ts';
import { openStore, quickCheck, StoreOpenError, storeName, type Db } from '../functions/store/index.ts';
import { sqliteInUse } from '../functions/store/sqlite.ts';

const USAGE = `用法：npm run store:copy -- --from <来源> --to <目标>

把一个公示数据库的全部数据复制到另一个空的数据库，例如从 SQLite 改用 PostgreSQL：
  npm run store:copy -- --from sqlite:var/gongshi.sqlite --to "postgres://gongshi:…@db.internal:5432/gongshi"
来源、目标写成 sqlite:<文件> 或 postgres://…。复制前先停止所有使用来源的进程（npm start、npm run outbox）。
目标先升级到当前结构，必须没有任何数据；全部表在目标的一个事务中写入，逐表核对行数，出错则目标不变。
说明见 docs/DEPLOY.md“From SQLite to PostgreSQL”。`;

function fail(message: string): never {
  console.error(`[store:copy] ${message}`);
  process.exit(1);
}

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  console.log(USAGE);
  process.exit(0);
}
const option = (name: string): string | undefined => {
  const i = args.findIndex((a) => a === name || a.startsWith(`${name}=`));
  if (i < 0) return undefined;
  return args[i]!.includes('=') ? args[i]!.slice(name.length + 1) : args[i + 1];
};
// `npm run` starts scripts in the package folder; a file named on the command line is relative to where it was typed.
const invokedFrom = process.env.npm_lifecycle_event === 'store:copy' && process.env.INIT_CWD ? process.env.INIT_CWD : process.cwd();

/** `sqlite:<file>` with the file made absolute, or a PostgreSQL address as given. */
function address(name: '--from' | '--to'): string {
  const value = option(name);
  if (!value) fail(`缺少 ${name}。\n\n${USAGE}`);
  if (/^postgres(ql)?:\/\//.test(value)) return value;
  if (value.startsWith('sqlite:') && value.length > 'sqlite:'.length) return `sqlite:${resolve(invokedFrom, value.slice('sqlite:'.length))}`;
  return fail(`${name} 写成 sqlite:<文件> 或 postgres://…（得到的不是这两种）。`);
}

const from = address('--from');
const to = address('--to');
const names = { from: storeName(from), to: storeName(to) };
const file = (url: string) => (url.startsWith('sqlite:') ? url.slice('sqlite:'.length) : undefined);

const fromFile = file(from);
if (fromFile) {
  if (!existsSync(fromFile)) fail(`来源 ${names.from} 不存在，没有复制任何数据。`);
  const state = sqliteInUse(fromFile);
  if (state === 'in-use')
    fail(`来源 ${names.from} 正被另一个进程使用（npm start、npm run outbox 或 sqlite3）。请先停止所有使用它的进程，再复制：复制期间写入的投诉不会被复制。`);
  if (state === 'unreadable') fail(`来源 ${names.from} 无法读取：不是 SQLite 数据库，或已损坏。没有复制任何数据。`);
}
const toFile = file(to);
if (toFile && existsSync(toFile)) {
  if (fromFile && realpathSync(toFile) === realpathSync(fromFile)) fail('来源和目标是同一个文件。');
  if (sqliteInUse(toFile) === 'in-use') fail(`目标 ${names.to} 正被另一个进程使用，请先停止它。没有做任何更改。`);
}

const opened: Db[] = [];
try {
  const source = await openStore({ databaseUrl: from, varDir: '' }, {}, { setting: '--from', migrate: false });
  opened.push(source);
  const target = await openStore({ databaseUrl: to, varDir: '' }, {}, { setting: '--to', migrate: false });
  opened.push(target);
  console.log(`[store:copy] 从 ${names.from} 复制到 ${names.to}：`);
  const started = performance.now();
  const report = await copyStore(source, target, { names, log: (line) => console.log(`  ${line}`) });
  if (target.dialect === 'sqlite') {
    const problems = await quickCheck(target);
    if (problems.length) fail(`复制后目标 ${names.to} 的 PRAGMA quick_check 报告：${problems.join('；')}`);
  }
  const rows = report.tables.reduce((sum, t) => sum + t.rows, 0);
  console.log(
    `[store:copy] 完成：${report.tables.length} 张表，共 ${rows} 行，每张表的行数与来源一致（${((performance.now() - started) / 1000).toFixed(1)} 秒）。`,
  );
  console.log(
    target.dialect === 'postgres'
      ? '[store:copy] 下一步：把 DATABASE_URL 设为目标（构建、npm start、每日构建、npm run outbox 都要设），再启动。来源文件不再使用，确认无误后按备份的规矩保管或删除。'
      : `[store:copy] 下一步：把 DATABASE_URL 设为 sqlite:${toFile}（或放在 VAR_DIR/gongshi.sqlite 并不设 DATABASE_URL），再启动。`,
  );
} catch (error) {
  if (error instanceof StoreCopyError || error instanceof StoreOpenError) fail(error.message);
  throw error;
} finally {
  for (const db of opened) await db.close().catch(() => undefined);
}
