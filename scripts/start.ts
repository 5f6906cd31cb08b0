/**
 * `npm start`: builds the site from CONTENT_DIR if it is not built yet, then serves dist/ and the functions on
 * http://localhost:4321 with the embedded defaults (SQLite under VAR_DIR, .eml outbox), mail worker in-process.
 * Options (environment): PORT (4321; 0 = any free port), HOST (127.0.0.1), OUT_DIR (dist), NO_BUILD=1 (serve as is).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { readSettings } from '../src/core/settings.ts';
import { createApp, outboxDir } from '../functions/server/app.ts';
import { startServer } from '../functions/server/node.ts';
import { sqlitePath } from '../functions/store/index.ts';

const settings = readSettings();
const distDir = resolve(process.env.OUT_DIR || 'dist');

if (!process.env.NO_BUILD && !existsSync(resolve(distDir, 'complaint/index.html'))) {
  console.log(`[start] ${distDir} 还没有构建，正在用 ${settings.contentDir} 构建站点（npm run build）…`);
  const astro = resolve(import.meta.dirname, '../node_modules/astro/bin/astro.mjs');
  const build = spawnSync(process.execPath, [astro, 'build'], {
    stdio: 'inherit',
    env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' },
  });
  if (build.status !== 0) {
    console.error('[start] 构建失败，请按上面的提示修改内容后重试。');
    process.exit(1);
  }
}

const app = await createApp(settings);
const server = await startServer({
  distDir,
  port: Number(process.env.PORT ?? 4321),
  host: process.env.HOST || '127.0.0.1',
  functions: app.functions,
});
const stop = new AbortController();
const worker = app.runOutbox(stop.signal, Number(process.env.OUTBOX_INTERVAL_MS) || 2000);

console.log(`[start] 站点和投诉功能：${server.url}/`);
console.log(`[start] 数据库：${settings.databaseUrl ? 'DATABASE_URL（PostgreSQL）' : sqlitePath(settings.varDir)}`);
console.log(`[start] 邮件：${settings.smtpUrl ? 'SMTP_URL' : `写入 .eml 文件到 ${outboxDir(settings)}`}`);
console.log(`[start] listening ${server.url}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, async () => {
    stop.abort();
    await server.close();
    await worker;
    await app.close();
    process.exit(0);
  });
}
