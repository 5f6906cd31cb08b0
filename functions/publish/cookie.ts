/**
 * The session cookie. `__Host-` (Secure, Path=/, no Domain) everywhere but a plainly local http run, where browsers
 * would refuse a Secure cookie: there the cookie has a plain name and no Secure flag.
 */

export function isLocalHttp(siteUrl: string): boolean {
  try {
    const url = new URL(siteUrl);
    return url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  } catch {
    return false;
  }
}

export function cookieName(siteUrl: string): string {
  return isLocalHttp(siteUrl) ? 'gongshi-publish' : '__Host-gongshi-publish';
}

export function sessionCookie(siteUrl: string, token: string, maxAgeSeconds: number): string {
  const secure = isLocalHttp(siteUrl) ? '' : '; Secure';
  return `${cookieName(siteUrl)}=${token}; Path=/; Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}; HttpOnly; SameSite=Strict${secure}`;
}

export function clearedCookie(siteUrl: string): string {
  return sessionCookie(siteUrl, '', 0);
}

export function readCookie(request: Request, name: string): string | undefined {
  const header = request.headers.get('cookie');
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
