import type { FunctionHandler } from './node.ts';

/**
 * The site's own address at run time. Links in mail and the QR codes are absolute, so a local run on another
 * port (PORT=8080 npm start) must put that port in them: without SITE_URL the address is the one the server
 * actually listens on.
 */
export function runtimeSiteUrl(env: NodeJS.ProcessEnv, listeningUrl: string): string {
  if (env.SITE_URL) return env.SITE_URL.replace(/\/+$/, '');
  const { port } = new URL(listeningUrl);
  // localhost, not the bind address: 0.0.0.0 cannot be opened, and localhost is what the default already says.
  return `http://localhost:${port || '80'}`;
}

/**
 * With SITE_URL set (production), a request for another host means links and QR codes point somewhere else than
 * where people reach the site — a proxy or DNS mistake. The first such request is logged once, with both values;
 * it answers nothing itself.
 */
export function hostWatch(siteUrl: string, log: (line: string) => void): FunctionHandler {
  const expected = new URL(siteUrl).host.toLowerCase();
  let logged = false;
  return async (request) => {
    if (logged) return undefined;
    const host = (request.headers.get('host') ?? new URL(request.url).host).toLowerCase();
    if (host && host !== expected) {
      logged = true;
      log(
        `[server] 请求的 Host「${host}」与 SITE_URL「${siteUrl}」不一致：邮件和二维码里的链接指向 SITE_URL。请检查 SITE_URL 或反向代理的 Host 设置（只提示这一次）。`,
      );
    }
    return undefined;
  };
}
