import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { openStore, sqlitePath, type Db } from '../../functions/store/index.ts';
import { insertComplaint } from '../../functions/store/records/complaints.ts';
import { appendEvent } from '../../functions/store/records/events.ts';
import { median, SUPPRESSED, WITHHELD, type Stats } from '../../src/lib/stats/aggregate.ts';
import { readStatsInput } from '../../src/lib/stats/load.ts';

/**
 * Seeds a real SQLite store under a temporary VAR_DIR, builds the real site into a temporary OUT_DIR with
 * DATABASE_URL unset, and checks /stats/ against counts taken from the store with plain SQL.
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

async function seed(db: Db): Promise<void> {
  const created = Date.parse('2026-10-05T02:00:00Z');
  let n = 0;
  for (const p of plan) {
    for (let i = 0; i < p.count; i++, n++) {
      const id = randomUUID();
      const at = new Date(created + n * 3600_000).toISOString();
      await db.transaction(async (tx) => {
        await insertComplaint(tx, {
          id, reference: `TS-SEED-${String(n).padStart(4, '0')}`, tracking_hash: 'x', kind: 'complaint', status: 'submitted',
          agency_id: p.agency, regulation_id: 'hebei-2021', category: p.category, target: JSON.stringify({ about: 'unit', agencyId: p.agency }),
          contents: JSON.stringify({ description: SECRET_MARK, complainant: { name: '私密姓名', email: 'secret@citizen.example' } }),
          idempotency_key: null, created_at: at, updated_at: at,
          accept_due_at: new Date(Date.parse(at) + 7 * DAY).toISOString(), resolve_due_at: null,
        });
        await appendEvent(tx, id, { type: 'submitted', at, toStatus: 'submitted' });
        // Every other one accepted after (i % 5) + 1 days; a third of those resolved 20 days after filing.
        if (i % 2 === 0) {
          const acceptedAt = new Date(Date.parse(at) + ((i % 5) + 1) * DAY).toISOString();
          await appendEvent(tx, id, { type: 'accepted', at: acceptedAt, fromStatus: 'submitted', toStatus: 'accepted', actorAgencyId: p.agency });
          await tx.run('UPDATE complaints SET status = ? WHERE id = ?', ['accepted', id]);
          if (i % 3 === 0) {
            await appendEvent(tx, id, { type: 'resolved', at: new Date(Date.parse(at) + 20 * DAY).toISOString(), fromStatus: 'accepted', toStatus: 'resolved', actorAgencyId: p.agency });
            await tx.run('UPDATE complaints SET status = ? WHERE id = ?', ['resolved', id]);
          }
        }
      });
    }
  }
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('/stats/ built from the store', () => {
  const work = mkdtempSync(join(tmpdir(), 'gongshi-e-stats-'));
  const varDir = join(work, 'var');
  const outDir = join(work, 'dist');
  let db: Db;
  let stats: Stats;
  let html: string;

  beforeAll(async () => {
    db = await openStore({ databaseUrl: undefined, varDir });
    await seed(db);
    await db.close();
    const env: NodeJS.ProcessEnv = { ...process.env, OUT_DIR: outDir, VAR_DIR: varDir, ASTRO_TELEMETRY_DISABLED: '1' };
    delete env.DATABASE_URL;
    const build = spawnSync(process.execPath, [join(root, 'node_modules/astro/bin/astro.mjs'), 'build'], { cwd: root, env, encoding: 'utf8' });
    if (build.status !== 0) throw new Error(`build failed:\n${build.stdout}\n${build.stderr}`);
    stats = JSON.parse(readFileSync(join(outDir, 'stats/stats.json'), 'utf8')) as Stats;
    html = readFileSync(join(outDir, 'stats/index.html'), 'utf8');
    db = await openStore({ databaseUrl: undefined, varDir });
  });
  afterAll(async () => {
    await db?.close();
    rmSync(work, { recursive: true, force: true });
    rmSync(`${outDir}-cache`, { recursive: true, force: true });
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
      for (const [shown, actual] of [[row.received, received], [row.accepted, accepted]] as const) {
        if (shown === SUPPRESSED) expect(actual).toBeLessThan(5);
        else if (shown === WITHHELD) expect(actual).toBeGreaterThanOrEqual(5);
        else expect(shown).toBe(actual);
      }
      // The page shows the same as the JSON.
      expect(html).toContain(`data-key="${p.agency}" data-received="${row.received}"`);
    }
    expect(stats.byAgency.find((r) => r.key === 'renqiu-jtzf')!.received).toBe(SUPPRESSED);
    expect(stats.byAgency.find((r) => r.key === 'renqiu-scjg')!.received).toBe(WITHHELD);
    expect(stats.byAgency.find((r) => r.key === 'renqiu-cgj')!.received).toBe(12);
    expect(html).toContain('任丘市城市管理综合行政执法局');
  });

  it('median days to accept equals the median computed from the store’s events', async () => {
    const rows = await db.query<{ created_at: string; at: string }>(
      "SELECT c.created_at, e.at FROM complaints c JOIN complaint_events e ON e.complaint_id = c.id WHERE c.agency_id = ? AND e.type = 'accepted'",
      ['renqiu-cgj'],
    );
    const expected = median(rows.map((r) => (Date.parse(r.at) - Date.parse(r.created_at)) / DAY));
    expect(rows.length).toBe(6);
    expect(stats.byAgency.find((r) => r.key === 'renqiu-cgj')!.medianDaysToAccept).toBe(expected);
    expect(html).toContain(`${expected} 天`);
  });

  it('per category counts equal the store and carry the article label', async () => {
    for (const category of ['hebei-2021:10.1', 'hebei-2021:10.2']) {
      const row = stats.byCategory.find((r) => r.key === category)!;
      expect(row.received).toBe(await sqlCount('SELECT COUNT(*) AS n FROM complaints WHERE category = ?', [category]));
      expect(row.label).toMatch(/第十条/);
    }
  });

  it('CSV and inline SVG chart are built; nothing private reaches dist', () => {
    const csv = readFileSync(join(outDir, 'stats/stats.csv'), 'utf8');
    expect(csv.split('\r\n')[1]).toBe(`合计,total,合计,${stats.total.received},${stats.total.accepted},${stats.total.rejected},${stats.total.resolved},${stats.total.medianDaysToAccept ?? ''},${stats.total.medianDaysToResolve ?? ''},${stats.total.overdueShare}`);
    expect(html).toMatch(/<svg xmlns="http:\/\/www.w3.org\/2000\/svg"[^>]*role="img"/);
    expect(html).not.toMatch(/<script[^>]+src="https?:/);
    for (const file of filesUnder(outDir)) {
      if (!/\.(html|json|csv|js|txt|xml)$/.test(file)) continue;
      const text = readFileSync(file, 'utf8');
      expect(text.includes(SECRET_MARK) || text.includes('secret@citizen.example') || text.includes('TS-SEED-'), file).toBe(false);
    }
  });

  it('a missing embedded store reads as "no data" and is not created', async () => {
    const none = join(work, 'no-store');
    expect(await readStatsInput({ databaseUrl: undefined, varDir: none })).toBeNull();
    expect(existsSync(sqlitePath(none))).toBe(false);
  });
});
