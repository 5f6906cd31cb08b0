import { FUNCTION_PAGE_POLICY } from '../../src/core/security-headers.ts';

/** The intake's two kinds of answer: JSON for the island and API clients, a page for a plain form post. */
export const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
  });
// Pages the functions render carry answers and, on the confirmation, the tracking code: never cached, framed or referred.
export const html = (status: number, body: string) =>
  new Response(body, {
    status,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
      'x-robots-tag': 'noindex',
      'content-security-policy': FUNCTION_PAGE_POLICY,
    },
  });

/** A plain form post (a browser without the island) wants a page; the island and API clients want JSON. */
export function wantsHtml(request: Request): boolean {
  const accept = request.headers.get('accept') ?? '';
  return accept.includes('text/html') && !accept.includes('application/json');
}
