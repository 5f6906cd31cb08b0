import { describe, expect, it } from 'vitest';
import { crossSite } from '../../functions/server/cross-site.ts';
import { FRESH_LINKS_PATH } from '../../functions/handling/links.ts';
import { handlingHarness, linksIn } from '../handling/support.ts';
import { describeEachStore, freshStore } from '../support/stores.ts';
import { validSubmission } from './support.ts';

/**
 * Another website's page must not file complaints, ask for fresh links or act on an agency's link through its
 * visitors' browsers (the security review: `Origin: https://evil.example`, `Sec-Fetch-Site: cross-site` → 201).
 * Requests without either header (curl, the bench, API clients) keep working.
 */
const EVIL = { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' };
const REFUSAL = '拒绝来自其他网站的提交';
const SITE = 'https://gongshi.example';

describe('the cross-site rule', () => {
  const judge = (headers: Record<string, string>, opaqueOrigin: 'refuse' | 'allow' = 'allow') =>
    crossSite(new Request('http://127.0.0.1:4321/api/complaints', { method: 'POST', headers }), SITE, { opaqueOrigin });
  it('Sec-Fetch-Site decides when sent; else the Origin; neither header passes', () => {
    expect(judge({ 'sec-fetch-site': 'cross-site' })).toBe(true);
    expect(judge({ 'sec-fetch-site': 'same-site', origin: SITE })).toBe(true);
    expect(judge({ 'sec-fetch-site': 'none' })).toBe(true);
    expect(judge({ 'sec-fetch-site': 'same-origin', origin: 'null' }, 'refuse')).toBe(false);
    expect(judge({ origin: 'https://evil.example' })).toBe(true);
    expect(judge({ origin: SITE })).toBe(false);
    expect(judge({ origin: 'http://127.0.0.1:4321' }), 'the origin the request reached').toBe(false);
    expect(judge({})).toBe(false);
    // An old browser on our own no-referrer page, or a sandboxed frame: public forms take it, the workspace does not.
    expect(judge({ origin: 'null' }, 'allow')).toBe(false);
    expect(judge({ origin: 'null' }, 'refuse')).toBe(true);
  });
});

describeEachStore('posts from other sites are refused', (kind) => {
  const db = freshStore(kind);
  const count = async () => Number((await db.query<{ n: number }>('SELECT COUNT(*) AS n FROM complaints'))[0]!.n);
  const form = (over: Record<string, unknown> = {}) =>
    new URLSearchParams(Object.entries(validSubmission({ kind: 'report', name: '', phone: '', email: '', ...over })).map(([k, v]) => [k, String(v)]));

  it('a complaint posted from another site: a page for a form post, a field-level JSON answer for the island; nothing stored', async () => {
    const h = await handlingHarness(db);
    try {
      const before = await count();
      const page = await h.call('/api/complaints', { method: 'POST', headers: { ...EVIL, accept: 'text/html' }, body: form() });
      expect(page.status).toBe(403);
      expect(page.headers.get('content-type')).toContain('text/html');
      expect(await page.text()).toContain(REFUSAL);
      const json = await h.call('/api/complaints', {
        method: 'POST',
        headers: { origin: 'https://evil.example', 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(validSubmission()),
      });
      expect(json.status).toBe(403);
      expect(((await json.json()) as { errors: { request: string } }).errors.request).toContain(REFUSAL);
      const sameSite = await h.call('/api/complaints', { method: 'POST', headers: { 'sec-fetch-site': 'same-site', accept: 'text/html' }, body: form() });
      expect(sameSite.status).toBe(403);
      expect(await count()).toBe(before);
      expect(h.world.lines.some((l) => l.includes('403 cross-site'))).toBe(true);

      // The site's own pages, curl and old browsers still file.
      const allowed: Record<string, string>[] = [{ 'sec-fetch-site': 'same-origin', origin: 'null' }, { origin: SITE }, { origin: 'null' }, {}];
      for (const headers of allowed) {
        const answer = await h.call('/api/complaints', { method: 'POST', headers: { ...headers, accept: 'application/json' }, body: form() });
        expect(answer.status, JSON.stringify(headers)).toBe(201);
      }
      expect(await count()).toBe(before + 4);
    } finally {
      await h.close();
    }
  });

  it("an agency's action and a fresh-links request from another site are refused and change nothing; from the site they work", async () => {
    const h = await handlingHarness(db);
    try {
      const { reference } = await h.submit();
      const mailbox = h.world.directory.agency('city-cgj')!.complaints.email;
      const intake = (await h.deliver()).find((m) => m.to[0] === mailbox && m.raw.includes(reference));
      const accept = linksIn(intake!)['受理此件']!;
      const acted = await h.call(accept, { method: 'POST', headers: { ...EVIL, 'content-type': 'application/x-www-form-urlencoded' }, body: '' });
      expect(acted.status).toBe(403);
      expect(await acted.text()).toContain(REFUSAL);
      expect((await h.complaint(reference)).status).toBe('submitted');
      const fresh = await h.call(FRESH_LINKS_PATH, {
        method: 'POST',
        headers: { ...EVIL, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ reference, mailbox }).toString(),
      });
      expect(fresh.status).toBe(403);
      expect(await h.deliver()).toEqual([]);

      const own = await h.call(accept, {
        method: 'POST',
        headers: { 'sec-fetch-site': 'same-origin', origin: 'null', 'content-type': 'application/x-www-form-urlencoded' },
        body: '',
      });
      expect(own.status).toBe(200);
      expect((await h.complaint(reference)).status).toBe('accepted');
    } finally {
      await h.close();
    }
  });
});
