import { BASE_HEADERS, FUNCTION_PAGE_POLICY } from '../../src/core/security-headers.ts';

/**
 * Every function response leaves with the base headers (nosniff, no referrer, no framing); an HTML page without a
 * policy of its own gets FUNCTION_PAGE_POLICY, and one with a policy that forgets framing gets frame-ancestors 'none'.
 */
export function withFunctionHeaders(response: Response): Response {
  let headers: Headers;
  try {
    headers = response.headers;
    headers.set('x-content-type-options', headers.get('x-content-type-options') ?? BASE_HEADERS['x-content-type-options']!);
  } catch {
    // Immutable headers (a fetched Response): copy into a new one.
    response = new Response(response.body, response);
    headers = response.headers;
  }
  for (const [name, value] of Object.entries(BASE_HEADERS)) if (!headers.has(name)) headers.set(name, value);
  const isHtml = (headers.get('content-type') ?? '').startsWith('text/html');
  const policy = headers.get('content-security-policy');
  if (isHtml && !policy) headers.set('content-security-policy', FUNCTION_PAGE_POLICY);
  else if (policy && !/frame-ancestors/.test(policy)) headers.set('content-security-policy', `${policy}; frame-ancestors 'none'`);
  return response;
}

/**
 * The path as it may be logged: the parts that are credentials or identify a complaint — action and evidence link
 * tokens, references — become `…`, and the query string (tracking codes travel as `?code=`) is dropped.
 */
export function loggablePath(url: string | undefined): string {
  // An absolute-form request target (`GET http://host/path`) is logged from its path on.
  const path = (url ?? '/').split(/[?#]/)[0]!.replace(/^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/]*/, '');
  return path.replace(/^(\/api\/(?:actions|evidence|complaints)|\/publish\/sign-in)\/[^/]+/, '$1/…').slice(0, 200);
}

/**
 * A Host header we can route: a DNS name or IPv4/IPv6 literal with an optional port that the URL parser accepts (a
 * port up to 65535, an IPv4 address of four parts each up to 255, an IPv6 address of valid form). Anything else is 400.
 */
export function hostIsValid(host: string | undefined): boolean {
  if (host === undefined) return true;
  return (
    host.length <= 260 &&
    /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/.test(host) &&
    URL.canParse(`http://${host}/`)
  );
}

/**
 * The request's URL from its target and Host header, or undefined when they do not make one: an absolute-form target
 * (`GET http://a:99999/ HTTP/1.1`) is parsed on its own, and a bad authority there is the client's error, not ours.
 */
export function requestUrl(target: string | undefined, host: string | undefined): URL | undefined {
  try {
    return new URL(target ?? '/', `http://${host ?? 'localhost'}`);
  } catch {
    return undefined;
  }
}

const STORE_CODES = new Set([
  // Network: the database server is gone or unreachable.
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  // PostgreSQL: shutting down, cannot connect, too many connections, read-only standby, disk full.
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  '53100',
  '53300',
  '25006',
  // SQLite: locked, cannot open, I/O, full, read-only.
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
  'SQLITE_CANTOPEN',
  'SQLITE_IOERR',
  'SQLITE_FULL',
  'SQLITE_READONLY',
  'SQLITE_CORRUPT',
]);
const STORE_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Cannot use a pool after calling end|database connection is not open|Connection ended unexpectedly/i;

/** Whether an error means the store is unavailable (answered 503, try later), rather than a bug (500). */
export function isStoreUnavailable(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown } | undefined;
  const code = typeof e?.code === 'string' ? e.code : '';
  return STORE_CODES.has(code) || code.startsWith('SQLITE_IOERR') || STORE_MESSAGES.test(String(e?.message ?? ''));
}

const UNAVAILABLE_MESSAGE = '服务暂时不可用（数据库无法访问），没有做任何更改，请稍后再试。';

/** 503 in the form the caller asked for: JSON for API clients, a page for browsers. */
export function unavailableResponse(request: Request): Response {
  const accept = request.headers.get('accept') ?? '';
  const headers = { 'cache-control': 'no-store', 'retry-after': '30' };
  if (accept.includes('text/html') || (request.method === 'GET' && !accept.includes('application/json'))) {
    const body = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>暂时不可用 · 行政执法辅助人员公示</title></head><body><main><h1>暂时不可用</h1><p>${UNAVAILABLE_MESSAGE}</p><p><a href="/">返回首页</a></p></main></body></html>`;
    return new Response(body, { status: 503, headers: { ...headers, 'content-type': 'text/html; charset=utf-8' } });
  }
  return Response.json({ errors: { request: UNAVAILABLE_MESSAGE } }, { status: 503, headers });
}
