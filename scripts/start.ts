/**
 * `npm start`: builds the site from CONTENT_DIR if it is not built yet, then serves dist/ and the functions on
 * http://localhost:4321 with the embedded defaults (SQLite under VAR_DIR, .eml outbox), mail worker in-process.
 * Options (environment): PORT (4321; 0 = any free port), HOST (127.0.0.1), OUT_DIR (dist), NO_BUILD=1 (serve as is).
 * Without SITE_URL, links and QR codes use http://localhost:<the port in use>; a site built for another address is
 * rebuilt for this one.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEFAULT_SITE_URL, readSettings } from '../src/core/settings.ts';
import { createApp, outboxDir, type App } from '../functions/server/app.ts';
import { runtimeSiteUrl } from '../functions/server/site-url.ts';
import { startServer } from '../functions/server/node.ts';
import { sqlitePath } from '../functions/store/index.ts';

const settings = readSettings();
const distDir = resolve(process.env.OUT_DIR || 'dist');
const builtFor = resolve(distDir, '.site-url');

// The port is taken first, so that without SITE_URL the links and QR codes can name the port actually used
// (PORT=0 included). Requests wait until the site is built and the functions are ready.
let ready!: (app: App) => void;
const appReady = new Promise<App>((done) => (ready = done));
const server = await startServer({
  distDir,
  port: Number(process.env.PORT ?? 4321),
  host: process.env.HOST || '127.0.0.1',
  functions: async (request, context) => (await appReady).functions(request, context),
});
const siteUrl = runtimeSiteUrl(process.env, server.url);

// A site built for another address has QR codes pointing there: rebuild it for this one (local runs only).
const stale = !process.env.SITE_URL && existsSync(resolve(distDir, 'complaint/index.html')) && readBuiltFor() !== siteUrl;
if (!process.env.NO_BUILD && (!existsSync(resolve(distDir, 'complaint/index.html')) || stale)) {
  console.log(
    stale
      ? `[start] ${distDir} 是为 ${readBuiltFor()} 构建的，二维码会指向那里；正在为 ${siteUrl} 重新构建…`
      : `[start] ${distDir} 还没有构建，正在用 ${settings.contentDir} 构建站点（npm run build）…`,
  );
  const astro = resolve(import.meta.dirname, '../node_modules/astro/bin/astro.mjs');
  const build = spawnSync(process.execPath, [astro, 'build'], {
    stdio: 'inherit',
    env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1', SITE_URL: siteUrl },
  });
  if (build.status !== 0) {
    console.error('[start] 构建失败，请按上面的提示修改内容后重试。');
    process.exit(1);
  }
  writeFileSync(builtFor, `${siteUrl}\n`);
}

const app = await createApp({ ...settings, siteUrl });
ready(app);
const stop = new AbortController();
const worker = app.runOutbox(stop.signal, Number(process.env.OUTBOX_INTERVAL_MS) || 2000);

console.log(`[start] 站点和投诉功能：${server.url}/（链接和二维码使用 ${siteUrl}）`);
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

/** The address the site in distDir was built for: written by this script; a plain `npm run build` uses the default. */
function readBuiltFor(): string {
  try {
    return readFileSync(builtFor, 'utf8').trim();
  } catch {
    return (process.env.SITE_URL || DEFAULT_SITE_URL).replace(/\/+$/, '');
  }
}
