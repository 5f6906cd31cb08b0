/**
 * `npm run store:restore -- <backup file>`: puts a SQLite backup in the place of the store `npm start` uses
 * (`<VAR_DIR>/gongshi.sqlite`, or `DATABASE_URL=sqlite:<file>`) the safe way (functions/store/restore.ts): refused
 * while any process has the store open; the backup checked (`PRAGMA integrity_check`) before it replaces anything;
 * the old store's `-wal`/`-shm` never left beside it; the replaced store kept as `<store>.replaced-<time>`.
 * PostgreSQL is restored with pg_restore (docs/DEPLOY.md, "Backups, restore and upgrades"). Exit 0 restored, 1 not.
 */
import { resolve } from 'node:path';
import { sqlitePath } from '../functions/store/index.ts';
import { restoreSqlite, StoreRestoreError } from '../functions/store/restore.ts';

const USAGE = `用法：npm run store:restore -- <备份文件>

用 sqlite3 … ".backup" 做的备份替换服务使用的 SQLite 数据库（VAR_DIR/gongshi.sqlite，或 DATABASE_URL=sqlite:<文件>）。
先停止所有使用数据库的进程（npm start、npm run outbox）；数据库正被使用时拒绝。备份先经 PRAGMA integrity_check
检查，通过后才替换；被替换的数据库保留为 <数据库>.replaced-<时间>。PostgreSQL 用 pg_restore 恢复。
说明见 docs/DEPLOY.md“Backups, restore and upgrades”。`;

function fail(message: string): never {
  console.error(`[store:restore] ${message}`);
  process.exit(1);
}

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  console.log(USAGE);
  process.exit(0);
}
if (args.length !== 1) fail(`请给出一个备份文件。\n\n${USAGE}`);
// `npm run` starts scripts in the package folder; the file named on the command line is relative to where it was typed.
const invokedFrom = process.env.npm_lifecycle_event === 'store:restore' && process.env.INIT_CWD ? process.env.INIT_CWD : process.cwd();
const backup = resolve(invokedFrom, args[0]!);

const url = process.env.DATABASE_URL || undefined;
if (url && !url.startsWith('sqlite:'))
  fail(
    'DATABASE_URL 指向 PostgreSQL：请用 pg_restore 恢复（先停止所有进程；见 docs/DEPLOY.md“Backups, restore and upgrades”）。这个命令只恢复 SQLite 数据库。',
  );
const store = url ? resolve(url.slice('sqlite:'.length)) : sqlitePath(resolve(process.env.VAR_DIR || 'var'));

try {
  const report = await restoreSqlite(backup, store);
  console.log(`[store:restore] 已用 ${backup} 替换 ${store}（PRAGMA integrity_check 通过）。`);
  console.log(
    `[store:restore] 备份中有 ${report.complaints} 件投诉${report.newestComplaint ? `，最新一件提交于 ${report.newestComplaint}` : ''}，${report.publishedVersions} 个已发布的名单版本。`,
  );
  if (report.replaced) console.log(`[store:restore] 被替换的数据库保留在 ${report.replaced}（确认恢复无误后删除：其中的个人信息不受保存期限清理）。`);
  console.log(
    '[store:restore] 注意：备份之后提交的投诉不在恢复的数据库里（市民的查询码查不到）；备份时还在排队、之后才发出的邮件会以同一 Message-ID 再发一次。签名密钥必须是做备份时的那一个（SECRET，或列入 SECRET_PREVIOUS；本机运行时是 VAR_DIR/secret），否则查询码和办理链接都无法验证。然后启动服务。',
  );
} catch (error) {
  if (error instanceof StoreRestoreError) fail(error.message);
  throw error;
}
