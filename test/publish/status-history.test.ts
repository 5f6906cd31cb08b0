import { gzipSync } from 'node:zlib';
import { afterAll, expect, it } from 'vitest';
import type { Db } from '../../functions/store/index.ts';
import { publishVersion, publishedVersion, withdrawVersion } from '../../functions/store/records/roster-versions.ts';
import { diffRosters, rosterCounts } from '../../src/core/roster/diff.ts';
import type { Auxiliary } from '../../src/core/roster/schema.ts';
import { readWorkspaceRosters } from '../../src/import/workspace-rosters.ts';
import { loadSite } from '../../src/import/site.ts';
import { buildPortal } from '../../src/build/portal/data.ts';
import { verifyPageHtml } from '../../src/build/portal/verify-html.ts';
import { formatDate, statusInfo } from '../../src/core/labels.ts';
import { makeContent } from '../legal/content.ts';
import { PAGE_BUDGETS } from '../support/page-weight.ts';
import { describeEachStore } from '../support/stores.ts';
import { storeWithUrl } from './support.ts';

const AGENCY = 'renqiu-scjg';
const person = (certificateNo: string, name: string, status: Auxiliary['status'], statusSince?: string): Auxiliary => ({
  certificateNo,
  name,
  agencyId: AGENCY,
  status,
  ...(statusSince ? { statusSince } : {}),
});

/** Publishes the way the workspace does: the diff against the version published before. */
async function publish(db: Db, records: Auxiliary[], publishedAt: string) {
  const current = await publishedVersion(db, AGENCY);
  const before = current ? (JSON.parse(current.records) as Auxiliary[]) : [];
  return publishVersion(db, {
    agencyId: AGENCY,
    publishedAt,
    mailbox: 'roster@scjg.example',
    fileHash: 'h',
    counts: rosterCounts(records),
    diff: diffRosters(before, records),
    records,
  });
}

async function storeWithHistory(kind: 'sqlite' | 'postgres'): Promise<{ db: Db; url: string }> {
  const { db, url } = await storeWithUrl(kind);
  // 10:00 in Beijing each time.
  await publish(db, [person('SC-1', '甲', 'active'), person('SC-2', '乙', 'active', '2023-01-05'), person('SC-3', '丙', 'active')], '2024-06-01T02:00:00.000Z');
  await publish(
    db,
    [person('SC-1', '甲', 'suspended'), person('SC-2', '乙', 'active', '2023-01-05'), person('SC-3', '丙', 'active'), person('SC-4', '丁', 'active')],
    '2024-09-10T02:00:00.000Z',
  );
  // A corrected name is no change of status.
  await publish(
    db,
    [person('SC-1', '甲', 'suspended'), person('SC-2', '乙', 'active', '2023-01-05'), person('SC-3', '丙丙', 'active'), person('SC-4', '丁', 'active')],
    '2025-01-02T02:00:00.000Z',
  );
  await publish(
    db,
    [person('SC-1', '甲', 'active'), person('SC-2', '乙', 'active', '2023-01-05'), person('SC-3', '丙丙', 'active'), person('SC-4', '丁', 'active')],
    '2025-03-03T02:00:00.000Z',
  );
  // A version whose build failed is taken back: it never counts.
  const failed = await publish(db, [person('SC-1', '甲', 'left'), person('SC-2', '乙', 'active', '2023-01-05')], '2025-04-01T02:00:00.000Z');
  expect(await withdrawVersion(db, failed)).toBe(true);
  return { db, url };
}

describeEachStore('status since, from the workspace versions', (kind) => {
  const open: Db[] = [];
  afterAll(async () => {
    for (const db of open) await db.close();
  });

  it('takes the roster’s own status date, else the first version of the current status, through the build path onto the verify page', async () => {
    const { db, url } = await storeWithHistory(kind);
    open.push(db);
    const [roster] = await readWorkspaceRosters(url);
    const since = Object.fromEntries(roster!.records.map((r) => [r.certificateNo, r.statusSince]));
    expect(since).toEqual({
      'SC-1': '2025-03-03', // suspended in v2, active again in v4
      'SC-2': '2023-01-05', // the roster's own date
      'SC-3': '2024-06-01', // active since the first version, renamed since
      'SC-4': '2024-09-10', // added in v2
    });

    const portal = buildPortal(await loadSite(makeContent(), [roster!]));
    const agency = portal.agencyById.get(AGENCY)!;
    const page = verifyPageHtml(portal.byNo.get('SC-1')!, agency, portal.regulationOf(agency), portal.asOf(AGENCY));
    expect(page).toContain(`自 ${formatDate('2025-03-03')}${statusInfo.active.sinceWord}`);
    expect(page).toContain('data-status-since="2025-03-03"');
    // The budget counts bytes transferred, and pages are sent compressed; the page carries its stylesheet inline.
    expect(gzipSync(page).length).toBeLessThanOrEqual(PAGE_BUDGETS.verifyPageBytes);
  });
});
