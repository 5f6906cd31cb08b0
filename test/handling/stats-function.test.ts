import { afterAll, beforeAll, expect, it } from 'vitest';
import { join, resolve } from 'node:path';
import { buildDirectory } from '../../src/core/directory.ts';
import { escapeHtml } from '../../src/core/text.ts';
import { loadRegistry } from '../../src/import/registry/load.ts';
import { loadRegulations } from '../../src/import/regulation/load.ts';
import type { Db } from '../../functions/store/index.ts';
import { median, SUPPRESSED, WITHHELD, type Stats } from '../../functions/stats/aggregate.ts';
import { statsFunctions } from '../../functions/stats/http.ts';
import { freshDb, manualClock } from '../complaints/support.ts';
import { describeEachStore } from '../support/stores.ts';
import { seedComplaint } from '../../scripts/screenshots/stats-seed.ts';

/**
 * /stats/ (page, CSV, JSON) served by the function from a real store (SQLite file and PostgreSQL), checked against
 * counts taken from the store with plain SQL; at most 5 minutes old.
 */
const root = resolve(import.meta.dirname, '../..');
const SECRET_MARK = '私密内容标记XYZZY';
const DAY = 86400_000;

// Agencies from the sample content; sizes chosen so each suppression rule shows up.
const plan: { agency: string; count: number; category: string }[] = [
  { agency: 'renqiu-cgj', count: 12, category: 'hebei-2021:10.1' },
  { agency: 'renqiu-scjg', count: 7, category: 'hebei-2021:10.2' },
  { agency: 'renqiu-jtzf', count: 3, category: 'hebei-2021:10.1' },
];

let seeded = 0;
/** Every other one accepted after (i % 5) + 1 days; a third of those resolved 20 days after filing. */
async function seedOne(db: Db, p: { agency: string; category: string }, i: number): Promise<void> {
  const n = seeded++;
  await seedComplaint(db, {
    reference: `TS-SEED-${String(n).padStart(4, '0')}`,
    agency: p.agency,
    category: p.category,
    at: new Date(Date.parse('2026-10-05T02:00:00Z') + n * 3600_000).toISOString(),
    contents: { description: SECRET_MARK, complainant: { name: '私密姓名', email: 'secret@citizen.example' } },
    ...(i % 2 === 0 ? { acceptedAfterDays: (i % 5) + 1 } : {}),
    ...(i % 2 === 0 && i % 3 === 0 ? { resolvedAfterDays: 20 } : {}),
  });
}

const contentDir = join(root, 'content');
const regulations = await loadRegulations(contentDir);
const registry = await loadRegistry(contentDir, new Set(regulations.keys()));
const directory = buildDirectory({ agencies: registry.agencies, regulations, auxiliaries: [] });

describeEachStore('/stats/ served from the store', (kind) => {
  let db: Db;
  let stats: Stats;
  let html: string;
  let csv: string;
  const clock = manualClock('2026-11-23T02:00:00.000Z');
  let serve: ReturnType<typeof statsFunctions>;
  const get = async (path: string) => (await serve(new Request(`http://localhost${path}`), { clientAddress: '127.0.0.1' }))!;

  beforeAll(async () => {
    db = await freshDb(kind);
    serve = statsFunctions({ store: db, clock, directory, log: () => undefined });
    // Before any complaint: "no data", and nothing is created or written.
    const empty = await get('/stats/stats.json');
    expect(await empty.json()).toMatchObject({ noData: true, suppressBelow: 5 });
    clock.advance(5 * 60_000);
    for (const p of plan) for (let i = 0; i < p.count; i++) await seedOne(db, p, i);
    stats = (await (await get('/stats/stats.json')).json()) as Stats;
    html = await (await get('/stats/')).text();
    csv = await (await get('/stats/stats.csv')).text();
  });
  afterAll(async () => {
    await db?.close();
  });

  const sqlCount = async (sql: string, params: unknown[] = []) => Number((await db.query<{ n: number }>(sql, params))[0]!.n);

  it('totals equal the store', async () => {
    expect(stats.total.received).toBe(await sqlCount('SELECT COUNT(*) AS n FROM complaints'));
    expect(stats.total.accepted).toBe(await sqlCount("SELECT COUNT(DISTINCT complaint_id) AS n FROM complaint_events WHERE type = 'accepted'"));
    expect(stats.total.resolved).toBe(await sqlCount("SELECT COUNT(*) AS n FROM complaints WHERE status = 'resolved'"));
    expect(html).toContain(`data-received="${stats.total.received}"`);
  });

  it('per agency: shown counts equal the store, small ones read <5, the complementary one is withheld', async () => {
    for (const p of plan) {
      const row = stats.byAgency.find((r) => r.key === p.agency)!;
      const received = await sqlCount('SELECT COUNT(*) AS n FROM complaints WHERE agency_id = ?', [p.agency]);
      const accepted = await sqlCount(
        "SELECT COUNT(*) AS n FROM complaints c WHERE c.agency_id = ? AND EXISTS (SELECT 1 FROM complaint_events e WHERE e.complaint_id = c.id AND e.type = 'accepted')",
        [p.agency],
      );
      expect(received).toBe(p.count);
      for (const [shown, actual] of [
        [row.received, received],
        [row.accepted, accepted],
      ] as const) {
        if (shown === SUPPRESSED) expect(actual).toBeLessThan(5);
        else if (shown === WITHHELD) expect(actual).toBeGreaterThanOrEqual(5);
        else expect(shown).toBe(actual);
      }
      // The page shows the same as the JSON.
      expect(html).toContain(`data-key="${p.agency}" data-received="${escapeHtml(String(row.received))}"`);
    }
    expect(stats.byAgency.find((r) => r.key === 'renqiu-jtzf')!.received).toBe(SUPPRESSED);
    expect(stats.byAgency.find((r) => r.key === 'renqiu-scjg')!.received).toBe(WITHHELD);
    expect(stats.byAgency.find((r) => r.key === 'renqiu-cgj')!.received).toBe(12);
    expect(html).toContain('任丘市城市管理综合行政执法局');
    expect(html).toContain('少于 5');
    expect(html).toContain('不公布');
  });

  it('median days to accept equals the median computed from the store’s events', async () => {
    const rows = await db.query<{ created_at: string; at: string }>(
      "SELECT c.created_at, e.at FROM complaints c JOIN complaint_events e ON e.complaint_id = c.id WHERE e.type = 'accepted'",
    );
    const expected = median(rows.map((r) => (Date.parse(r.at) - Date.parse(r.created_at)) / DAY));
    expect(rows.length).toBe(12);
    expect(stats.total.medianDaysToAccept).toBe(expected);
    expect(html).toContain(`${expected} 天`);
    // Accepted per agency is 6, 4, 2: a column with <5 cells withholds its smallest published count (renqiu-cgj's 6),
    // and with it that agency's median.
    expect(stats.byAgency.find((r) => r.key === 'renqiu-cgj')).toMatchObject({ accepted: WITHHELD, medianDaysToAccept: null });
  });

  it('per category counts equal the store and carry the article label', async () => {
    for (const category of ['hebei-2021:10.1', 'hebei-2021:10.2']) {
      const row = stats.byCategory.find((r) => r.key === category)!;
      expect(row.received).toBe(await sqlCount('SELECT COUNT(*) AS n FROM complaints WHERE category = ?', [category]));
      expect(row.label).toMatch(/第十条/);
    }
  });

  it('CSV and inline SVG chart in the site frame; nothing private in any of the three', () => {
    expect(csv.split('\r\n')[1]).toBe(
      `合计,total,合计,${stats.total.received},${stats.total.accepted},${stats.total.rejected},${stats.total.resolved},${stats.total.medianDaysToAccept ?? ''},${stats.total.medianDaysToResolve ?? ''},${stats.total.overdueShare}`,
    );
    expect(html).toMatch(/<svg xmlns="http:\/\/www.w3.org\/2000\/svg"[^>]*role="img"/);
    expect(html).toMatch(/<header class="site-head">.*<main id="main"/s); // the site's frame, as on every page
    expect(html).toContain('href="/site.css');
    expect(html).not.toMatch(/<script[^>]+src="https?:/);
    for (const text of [html, csv, JSON.stringify(stats)]) {
      expect(text.includes(SECRET_MARK) || text.includes('secret@citizen.example') || text.includes('TS-SEED-') || text.includes('私密姓名')).toBe(false);
    }
  });

  it('cached at most 5 minutes: a new complaint shows once the cache has expired, and max-age never reaches past that', async () => {
    const fresh = await get('/stats/stats.json');
    expect(fresh.headers.get('cache-control')).toBe('public, max-age=300');
    await seedOne(db, { agency: 'renqiu-cgj', category: 'hebei-2021:10.1' }, 1);
    clock.advance(4 * 60_000);
    const cached = await get('/stats/stats.json');
    expect(((await cached.json()) as Stats).total.received).toBe(stats.total.received);
    expect(cached.headers.get('cache-control')).toBe('public, max-age=60');
    clock.advance(60_000);
    const renewed = (await (await get('/stats/stats.json')).json()) as Stats;
    expect(renewed.total.received).toBe(Number(stats.total.received) + 1);
  });

  it('routes: /stats redirects, other methods 405, other paths are not its own', async () => {
    expect((await get('/stats')).status).toBe(301);
    expect((await serve(new Request('http://localhost/stats/', { method: 'POST', body: 'x' }), { clientAddress: '127.0.0.1' }))!.status).toBe(405);
    expect(await serve(new Request('http://localhost/stats/other'), { clientAddress: '127.0.0.1' })).toBeUndefined();
  });

  it('a store that cannot be read answers 503 with a Chinese message, not 500', async () => {
    const broken = statsFunctions({ store: { ...db, query: () => Promise.reject(new Error('down')) }, clock, directory, log: () => undefined });
    const response = (await broken(new Request('http://localhost/stats/'), { clientAddress: '127.0.0.1' }))!;
    expect(response.status).toBe(503);
    expect(await response.text()).toContain('暂时无法读取');
  });
});
