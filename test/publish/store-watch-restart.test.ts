/**
 * A server that (re)starts with a site older than the store — it was down while agencies published through another
 * server — says 正在重新生成 for such a version, not that the site was not regenerated: its first look finds the
 * version and rebuilds. The overdue bound runs from the watch's start (found by review of 120dabc).
 */
import { describe, expect, it } from 'vitest';
import type { Directory } from '../../src/core/directory.ts';
import { listVersions, publishVersion } from '../../functions/store/records/roster-versions.ts';
import { makeRepublisher, type SiteBuilder } from '../../functions/publish/republish.ts';
import { makeStoreWatch } from '../../functions/publish/store-watch.ts';
import { shownState } from '../../functions/publish/pages.ts';
import { freshDb } from '../complaints/support.ts';

describe('a server started after the version was recorded', () => {
  it('says 正在重新生成, not 未重新生成, for a version recorded while it was down, until its first look has a say', async () => {
    const db = await freshDb('sqlite');
    // The site this server serves was built before the version (it was down when it was confirmed elsewhere).
    const served: { versions: string[] } = { versions: [] };
    const build: SiteBuilder = async () => {
      const rows = await db.query<{ id: string }>("SELECT id FROM roster_versions WHERE status = 'published'");
      served.versions = rows.map((r) => r.id).sort();
      return { ok: true };
    };
    const republisher = makeRepublisher({ store: db, build, afterBuild: async () => served.versions });
    let current = { workspaceVersions: served.versions } as unknown as Directory;
    const directory = async () => {
      if (current.workspaceVersions !== served.versions) current = { workspaceVersions: served.versions } as unknown as Directory;
      return current;
    };
    // Recorded through another server at 10:00 Beijing time; this server starts at 10:30.
    await publishVersion(db, {
      agencyId: 'city-cgj',
      publishedAt: '2026-11-20T02:00:00.000Z',
      mailbox: 'clerk@example.org',
      fileHash: 'h',
      counts: {},
      diff: {},
      records: [],
    });
    const now = Date.parse('2026-11-20T02:30:00.000Z');
    const watch = makeStoreWatch({ store: db, republisher, directory, log: () => {}, now: () => now });
    const [version] = await listVersions(db, 'city-cgj');
    const shown = () =>
      shownState(republisher.status('city-cgj'), version, served.versions, true, { lag: watch.lag(), overdueMs: watch.overdueMs, since: watch.since, now });

    // Before the first look (the server has just started): nothing has been tried, nothing is known to be wrong.
    expect(shown()?.state).toBe('building');
    // The first look rebuilds, and the version is live: the alert above was false.
    expect(await watch.check()).toBe(true);
    expect(shown()?.state).toBe('building');
    await republisher.idle();
    expect(served.versions).toEqual([version!.id]);
    await db.close();
  });
});
