/**
 * `npm start`: builds the site from CONTENT_DIR if it is not built yet, then serves dist/ and the functions on
 * http://localhost:4321 with the embedded defaults (SQLite under VAR_DIR, .eml outbox), mail worker in-process.
 * Options (environment): PORT (4321; 0 = any free port), HOST (127.0.0.1), OUT_DIR (dist), NO_BUILD=1 (serve as is),
 * REBUILD_CHECK_MS (60000; 0 = off: how often to look for roster versions published through another server).
 * Without SITE_URL, links and QR codes use http://localhost:<the port in use>; a local site built for another address
 * is rebuilt for this one. A site built for a public address, or from another content folder, is never rebuilt over
 * with other settings: the start stops instead (REPLACE_SITE=1 replaces it), as `npm run build` does.
 */
import { existsSync, readFileSync } from 'node:fs';
import { enableCompileCache, flushCompileCache } from 'node:module';
import { constants } from 'node:os';
import { resolve } from 'node:path';
import type { TrustProxy } from '../functions/server/proxy.ts';

// Node keeps the modules it compiled (type-stripped, bytecode) on disk, so every start after the first skips most
// of the work of loading ~100 modules. The cache must be on before they load, hence the dynamic imports below.
// NODE_DISABLE_COMPILE_CACHE=1 turns it off.
enableCompileCache();
const { DEFAULT_SITE_OWNER, DEFAULT_SITE_URL, readSettings } = await import('../src/core/settings.ts');
const { createApp, outboxDir } = await import('../functions/server/app.ts');
const { runtimeSiteUrl } = await import('../functions/server/site-url.ts');
const { DirectoryFileError, directoryFilePath } = await import('../functions/server/directory-file.ts');
const { startServer } = await import('../functions/server/node.ts');
const { buildSite, buildSiteInBackground } = await import('./build/atomic.ts');
const { builtSiteUrl, isLocalUrl, replacedSettings } = await import('./build/built-with.ts');
const { contentDirProblem } = await import('./build/content-dir.ts');
const { buildFailureMessage } = await import('../functions/publish/republish.ts');
const { rebuildCheckMsFromEnv } = await import('../functions/publish/store-watch.ts');
const { parseTrustProxy, trustProxyLine } = await import('../functions/server/proxy.ts');
const { relayCheck } = await import('../functions/mail/transport.ts');
const { EmlFolderError } = await import('../functions/mail/eml-folder.ts');
const { sqlitePath, StoreOpenError, storeName } = await import('../functions/store/index.ts');
const { sqliteLeftBehind } = await import('../functions/store/left-behind.ts');
const { requireDeploymentSettings, resolveSecret, SecretError } = await import('../functions/server/secret.ts');
const { trackingKeyLines, trackingKeyReport } = await import('../functions/complaints/tracking-keys.ts');

// Until the server is up, a stop signal ends the start at once. process.exit runs the exit handlers: the build lock is
// released and a build under way is stopped with it (scripts/build/atomic.ts), instead of building on, orphaned.
// SIGHUP too (the terminal closed): a build runs in a process group of its own and no longer gets the terminal's.
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
const stopEarly = (signal: NodeJS.Signals) => process.exit(128 + constants.signals[signal]);
for (const signal of STOP_SIGNALS) process.once(signal, stopEarly);

const settings = (() => {
  try {
    return readSettings();
  } catch (error) {
    console.error(`[start] ${(error as Error).message}`);
    process.exit(1);
  }
})();
const distDir = settings.outDir;
// Every build this server makes reads it — the first one and each after a clerk confirms a roster in the workspace —
// so a folder that is not there stops the start now, not a clerk's publication later.
const contentMissing = contentDirProblem(settings.contentDir, !!process.env.CONTENT_DIR);
if (contentMissing) {
  console.error(`[start] ${contentMissing}`);
  process.exit(1);
}
// Builds read the rosters agencies published through the workspace from this server's own store, by the one rule
// of src/import/workspace-rosters.ts (ROSTER_STORE_URL, else DATABASE_URL, else the SQLite file under VAR_DIR).
const buildEnv = { ...process.env, VAR_DIR: settings.varDir };

// A deployment without its own signing key stops here, before building, naming the setting.
try {
  resolveSecret(settings);
  requireDeploymentSettings(settings);
} catch (error) {
  if (!(error instanceof SecretError)) throw error;
  console.error(`[start] ${error.message}`);
  process.exit(1);
}
// Whether SMTP_URL's relay answers, found out meanwhile and said after the start: it neither delays nor stops it (a
// relay may be down for a moment; the mail waits in the outbox).
const relayChecked = settings.smtpUrl ? relayCheck(settings.smtpUrl) : undefined;

let trustProxy: TrustProxy = { kind: 'none' };
try {
  trustProxy = parseTrustProxy(process.env.TRUST_PROXY);
} catch (error) {
  console.error(`[start] ${(error as Error).message}`);
  process.exit(1);
}

// The port is taken first, so that without SITE_URL the links and QR codes can name the port actually used
// (PORT=0 included). Requests wait until the site is built and the functions are ready.
type App = Awaited<ReturnType<typeof createApp>>;
let ready!: (app: App) => void;
const appReady = new Promise<App>((done) => (ready = done));
const listenOn = { port: Number(process.env.PORT ?? 4321), host: process.env.HOST || '127.0.0.1' };
const server = await startServer({
  trustProxy,
  distDir,
  ...listenOn,
  functions: async (request, context) => (await appReady).functions(request, context),
}).catch((error: unknown) => {
  const reason = listenFailure(error as NodeJS.ErrnoException, listenOn);
  if (!reason) throw error;
  console.error(`[start] ${reason}`);
  process.exit(1);
});
const siteUrl = runtimeSiteUrl(process.env, server.url);
// The address the served build was made for: its own record (_functions/built-with.json, written by every build),
// else the one an older `npm start` wrote beside a build from before that record, else the default.
const builtUrl = builtSiteUrl(distDir) ?? readBuiltFor();

// A build from before the functions read the directory file has pages but no directory file: build it again. So is
// a local build for another address: its QR codes point there.
const built = existsSync(resolve(distDir, 'complaint/index.html')) && existsSync(directoryFilePath(distDir));
const stale = built && !process.env.SITE_URL && builtUrl !== siteUrl;
if (!process.env.NO_BUILD && (!built || stale)) {
  // Never over a site built for a public address with other settings: most often a service started without its
  // environment file (systemd's EnvironmentFile), which would put the sample province, for localhost, in its place.
  const replaced =
    process.env.REPLACE_SITE === '1'
      ? undefined
      : replacedSettings(distDir, { siteUrl, contentDir: settings.contentDir }, { siteUrl: !process.env.SITE_URL, contentDir: !process.env.CONTENT_DIR });
  if (replaced) {
    console.error(
      `[start] ${distDir} 中的网站是为 ${replaced.live.siteUrl} 构建的（内容目录 ${replaced.live.contentDir}），与本次启动的设置不同（${replaced.differences.join('；')}）。` +
        '多半是服务没有读取部署的环境文件（如 systemd 的 EnvironmentFile）：请用与 npm run build 相同的设置启动。网站保持不变，没有重新构建，也没有启动。' +
        '如确要用本次的设置替换它，请加上 REPLACE_SITE=1 再启动。',
    );
    process.exit(1);
  }
  console.log(
    stale
      ? `[start] ${distDir} 是为 ${builtUrl} 构建的，二维码会指向那里；正在为 ${siteUrl} 重新构建…`
      : `[start] ${distDir} 还没有构建，正在用 ${settings.contentDir} 构建站点（npm run build）…`,
  );
  // Built into a fresh folder and swapped in when complete: never a half-built site.
  if (!(await buildSite({ outDir: distDir, env: { ...buildEnv, SITE_URL: siteUrl } })).ok) {
    console.error('[start] 构建失败，请按上面的提示修改内容后重试。');
    process.exit(1);
  }
}

// What the served build's QR codes point at, as the build recorded it: another address when NO_BUILD=1 kept a build
// for another port, or when SITE_URL changed since the build (a site built for a SITE_URL is not rebuilt at start).
const qrUrl = builtSiteUrl(distDir) ?? siteUrl;

// Several servers on one store, each with its own OUT_DIR: a version confirmed through another one is noticed within
// REBUILD_CHECK_MS (60 s; 0 = off) and rebuilt here too (functions/publish/store-watch.ts, docs/DEPLOY.md).
const rebuildCheckMs = rebuildCheckMsFromEnv(process.env);
// A store that cannot be opened (DATABASE_URL wrong, the database down), or without SMTP_URL a .eml folder that cannot
// be made, stops here with what to check.
const app = await createApp(
  { ...settings, siteUrl },
  {
    rebuildCheckMs,
    // A confirmed roster version: rebuilt in the background into a fresh folder and swapped in; the old site is
    // served until then, and a failed build changes nothing (scripts/build/atomic.ts). Stopped with the server.
    rebuildSite: async (signal) => {
      const result = await buildSiteInBackground({ outDir: distDir, env: { ...buildEnv, SITE_URL: siteUrl }, ...(signal ? { signal } : {}) });
      if (result.ok) return { ok: true };
      return { ok: false, message: result.stopped ? '网站重新生成随服务停止而中止。' : buildFailureMessage(result.output) };
    },
  },
).catch((error: unknown) => {
  if (!(error instanceof StoreOpenError || error instanceof DirectoryFileError || error instanceof EmlFolderError)) throw error;
  console.error(`[start] ${error.message}`);
  process.exit(1);
});
ready(app);
const stop = new AbortController();
// The mail worker runs in this process and gives way to the intake while submissions arrive (OUTBOX_INTAKE_QUIET_MS,
// OUTBOX_BUSY_EVERY_MS): accepting a complaint comes first, its mail follows and keeps a guaranteed share.
const worker = app.runOutbox(stop.signal, Number(process.env.OUTBOX_INTERVAL_MS) || 2000, { yieldToIntake: true });
const watcher = app.watchPublished(stop.signal);

console.log(
  `[start] 站点和投诉功能：${server.url}/（` +
    (qrUrl === siteUrl
      ? `链接和二维码使用 ${siteUrl}）`
      : `邮件中的链接使用 ${siteUrl}；网页上的二维码指向 ${qrUrl}：${distDir} 是为它构建的${process.env.SITE_URL ? '' : '，NO_BUILD=1 没有重新构建'}）`),
);
console.log(`[start] 数据库：${settings.databaseUrl ? `DATABASE_URL（${storeName(settings.databaseUrl)}）` : sqlitePath(settings.varDir)}`);
console.log(`[start] 邮件：${settings.smtpUrl ? 'SMTP_URL' : `写入 .eml 文件到 ${outboxDir(settings)}`}`);
console.log(`[start] ${trustProxyLine(trustProxy)}`);
// Rebuilds after a clerk confirms a roster read this folder: it must be the one the site was built from.
console.log(`[start] 内容目录：${settings.contentDir}（工作台发布名单后用它重新构建；须与 npm run build 用的 CONTENT_DIR 相同）`);
console.log(
  rebuildCheckMs
    ? `[start] 其他服务器发布的名单：每 ${rebuildCheckMs / 1000} 秒查看数据库，有本站尚未包含的版本时重新生成本服务器的网站（REBUILD_CHECK_MS）`
    : '[start] 其他服务器发布的名单：不查看（REBUILD_CHECK_MS=0；几台服务器共用一个 OUT_DIR 时）',
);
for (const warning of deploymentWarnings(settings, !!process.env.SITE_URL)) console.warn(`[start] 注意：${warning}`);
// NO_BUILD=1 kept a site built for a public address, without SITE_URL: the mail's links lead to this machine.
if (!process.env.SITE_URL && !isLocalUrl(qrUrl))
  console.warn(
    `[start] 注意：${distDir} 是为 ${qrUrl} 构建的，而本次启动没有设置 SITE_URL，邮件中的链接指向 ${siteUrl}。多半是没有读取部署的环境文件：请用与 npm run build 相同的设置启动。`,
  );
// A deployment is not rebuilt at start: its badges' QR codes would lead elsewhere until a build with this SITE_URL.
if (process.env.SITE_URL && qrUrl !== siteUrl)
  console.warn(
    `[start] 注意：${distDir} 是为 ${qrUrl} 构建的，网页上的二维码指向那里，不是 SITE_URL（${siteUrl}）。请在设置了现在的 SITE_URL 的环境中运行 npm run build（需要 REPLACE_SITE=1 时它会说明）。`,
  );
// Citizens' tracking codes hashed under a key that is no longer configured fail every lookup (docs/SECURITY.md).
await trackingKeyReport(app.world.store, app.world.settings).then(
  (report) => {
    const { warnings, notes } = trackingKeyLines(report);
    for (const warning of warnings) console.warn(`[start] 注意：${warning}`);
    for (const note of notes) console.log(`[start] ${note}`);
  },
  (error: unknown) => console.warn(`[start] 注意：无法统计查询码由哪些密钥生成（${(error as Error).name}）。`),
);
// DATABASE_URL newly set on a server that ran on the SQLite file: its complaints and rosters are all still in that file.
const leftBehind = await sqliteLeftBehind(settings, app.world.store);
if (leftBehind) console.warn(`[start] 注意：${leftBehind}`);
console.log(`[start] listening ${server.url}`);
void relayChecked?.then(({ ok, line }) => (ok ? console.log : console.warn)(`[start] ${line}`));
// Written now rather than at exit: a server is usually stopped by a signal, and a killed one writes nothing.
flushCompileCache();

for (const signal of STOP_SIGNALS) {
  process.once(signal, async () => {
    stop.abort();
    // A rebuild under way is stopped, not waited for (minutes at a large province; a service manager kills after
    // its timeout): its versions stay published in the store and the next start rebuilds for them.
    const rebuild = app.republisher?.stop();
    await server.close();
    await worker;
    await watcher;
    await rebuild;
    await app.close();
    process.exit(0);
  });
  // Removed only now: a signal that came meanwhile (during flushCompileCache, say) is dispatched when the loop turns,
  // to the listeners there are then; with none for a moment, Node would stop watching the signal and drop it.
  process.off(signal, stopEarly);
}

/**
 * What a deployment (SITE_URL set) most likely did not mean: the repository's sample content (a workspace rebuild
 * would publish the sample province), no 主办单位 (every page's footer says the site has none), or no ICP filing
 * number (a site served from mainland China shows it in its footer).
 */
function deploymentWarnings(s: typeof settings, deployed: boolean): string[] {
  if (!deployed) return [];
  const warnings: string[] = [];
  if (s.contentDir === resolve(import.meta.dirname, '../content'))
    warnings.push('CONTENT_DIR 没有设置，用的是仓库自带的示例内容；工作台发布名单后也会用它重新构建。请设置 CONTENT_DIR 为本单位的内容目录。');
  if (s.siteOwner === DEFAULT_SITE_OWNER)
    warnings.push('SITE_OWNER 没有设置：每页页脚显示“运营方尚未设置主办单位”。请在构建和启动时都设置 SITE_OWNER 和 SITE_CONTACT。');
  if (!s.filings.icp)
    warnings.push(
      'SITE_ICP 没有设置：在中国大陆境内接入的网站应在首页底部标明 ICP 备案编号（《非经营性互联网信息服务备案管理办法》），政府网站还应标明政府网站标识码（SITE_GOV_ID，《政府网站发展指引》）。请在构建和启动时都设置；不在境内接入的可以不设。',
    );
  return warnings;
}

/**
 * Why the port could not be taken, for the operator: another process on it (usually this server started twice), a
 * port below 1024 without the right, or a HOST this machine does not have. Undefined for anything else.
 */
function listenFailure(error: NodeJS.ErrnoException, on: { port: number; host: string }): string | undefined {
  const where = `${on.host}:${on.port}`;
  if (error.code === 'EADDRINUSE') return `端口 ${where} 已被另一个进程占用（多半是本服务已经在运行）。请先停止它，或用 PORT 换一个端口；没有做任何更改。`;
  if (error.code === 'EACCES') return `没有权限监听 ${where}（1024 以下的端口需要特权）。请用 PORT 设一个 1024 以上的端口，由反向代理转发；没有做任何更改。`;
  if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND')
    return `本机没有 HOST 指定的地址 ${on.host}。请把 HOST 设为本机的地址（通常是 127.0.0.1，反向代理在同一台机器上时）；没有做任何更改。`;
  return undefined;
}

/** The address a build from before `_functions/built-with.json` was made for: an older `npm start` wrote it beside it. */
function readBuiltFor(): string {
  try {
    return readFileSync(resolve(distDir, '.site-url'), 'utf8').trim();
  } catch {
    return (process.env.SITE_URL || DEFAULT_SITE_URL).replace(/\/+$/, '');
  }
}
