import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Db } from '../../functions/store/index.ts';
import { republishPrevious } from '../../functions/publish/confirm.ts';
import { listVersions, publishVersion } from '../../functions/store/records/roster-versions.ts';
import { buildDirectory } from '../../src/core/directory.ts';
import { formatDate } from '../../src/core/labels.ts';
import { DEFAULT_POLICY } from '../../src/core/policy/schema.ts';
import { loadRegulations } from '../../src/import/regulation/load.ts';
import { freshDb, startSmtp } from '../complaints/support.ts';
import { publishWorld, signedIn } from './support.ts';
import { describeEachStore } from '../support/stores.ts';

const AGENCY = 'city-cgj';

describeEachStore('undo only within the retention period', (kind) => {
  let db: Db;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  beforeAll(async () => {
    db = await freshDb(kind);
    smtp = await startSmtp();
    const base = { agencyId: AGENCY, mailbox: 'roster@cgj.city.example', fileHash: 'h', counts: { total: 1 } };
    await publishVersion(db, {
      ...base,
      publishedAt: '2024-01-01T02:00:00.000Z',
      diff: {},
      records: [{ certificateNo: 'U-1', name: '甲', agencyId: AGENCY, status: 'active' }],
    });
    await publishVersion(db, {
      ...base,
      publishedAt: '2025-01-01T02:00:00.000Z',
      diff: {},
      records: [{ certificateNo: 'U-2', name: '乙', agencyId: AGENCY, status: 'active' }],
    });
  });
  afterAll(async () => {
    await smtp?.stop();
    await db?.close();
  });

  /** A world whose policy keeps leavers' names `years` years (the clock stands at 2026-11-23). */
  async function worldWith(years: number) {
    const world = await publishWorld(db);
    const regulations = await loadRegulations(join(import.meta.dirname, '../../content'));
    world.directory = buildDirectory({
      agencies: world.directory.agencies,
      regulations,
      auxiliaries: [],
      policy: { ...DEFAULT_POLICY, retention: { leaversYears: years } },
    });
    return world;
  }
  const session = (world: Awaited<ReturnType<typeof worldWith>>) => ({
    agency: world.directory.agency(AGENCY)!,
    role: 'clerk' as const,
    mailbox: 'roster@cgj.city.example',
    expiresAt: '2026-11-23T10:00:00.000Z',
    tokenHash: 'x',
  });

  it('past the period the undo is neither offered nor accepted, with the reason in Chinese, and nothing changes', async () => {
    const world = await worldWith(1);
    const clerk = await signedIn(db, world, smtp, AGENCY, 'roster@cgj.city.example', '192.0.2.101');
    const page = (await clerk.get('/publish/workspace/')).text;
    expect(page).not.toContain('/publish/workspace/undo');
    expect(page).toContain('data-undo="closed"');
    expect(page).toContain(formatDate('2026-01-01'));
    const refused = await republishPrevious(world, session(world), 2);
    expect(refused).toMatchObject({ ok: false, status: 410 });
    expect(refused.ok ? '' : refused.message).toMatch(/第 1 版已于 .* 被取代.*1 年.*本平台设定的保存期限.*2026年1月1日 届满，不能再恢复/);
    expect((await listVersions(db, AGENCY)).map((v) => v.seq)).toEqual([2, 1]);
  });

  it('within the period (a longer policy) it is offered and republishes the previous version', async () => {
    const world = await worldWith(3);
    const clerk = await signedIn(db, world, smtp, AGENCY, 'roster@cgj.city.example', '192.0.2.102');
    const page = (await clerk.get('/publish/workspace/')).text;
    expect(page).toContain('action="/publish/workspace/undo"');
    expect(page).toContain(`可撤销至 ${formatDate('2028-01-01')}`);
    const done = await republishPrevious(world, session(world), 2);
    expect(done.ok).toBe(true);
    const [newest] = await listVersions(db, AGENCY);
    expect(newest!.seq).toBe(3);
    expect(JSON.parse(newest!.diff)).toMatchObject({ restoredSeq: 1 });
  });
});
