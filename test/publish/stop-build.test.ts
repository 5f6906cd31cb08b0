import { expect, it } from 'vitest';
import { publishFunctions } from '../../functions/publish/http.ts';
import { makeRepublisher, type SiteBuilder } from '../../functions/publish/republish.ts';
import { listVersions } from '../../functions/store/records/roster-versions.ts';
import { draftOf, publishWorld, workspaceClerk } from './support.ts';
import { describeEachStore, freshStore, smtpServer } from '../support/stores.ts';

/**
 * The server stopping while a rebuild runs (`npm start`'s SIGTERM): the republisher stops the build through its
 * signal and does not wait for it to end on its own. A build stopped so is not a failed build: nothing is withdrawn,
 * the version is not said to be live, no build starts after it, and the log says what the next start does.
 */
describeEachStore('a rebuild stopped with the server', (kind) => {
  const db = freshStore(kind);
  const smtp = smtpServer();

  it('ends at once through its signal, withdraws nothing, says nothing is live, starts no further build', async () => {
    const world = await publishWorld(db);
    const signals: AbortSignal[] = [];
    let started!: () => void;
    const building = new Promise<void>((done) => (started = done));
    // Like buildSiteInBackground: runs until its signal aborts, then ends as not built (never on its own here).
    const build: SiteBuilder = (signal) => {
      signals.push(signal!);
      started();
      return new Promise((done) => signal!.addEventListener('abort', () => done({ ok: false, message: 'stopped' }), { once: true }));
    };
    const log: string[] = [];
    const republisher = makeRepublisher({ store: db, build, afterBuild: async () => undefined, log: (l) => log.push(l) });
    const clerk = await workspaceClerk(db, world, smtp, publishFunctions(world, republisher), 'city-cgj', 'roster@cgj.city.example', '192.0.2.71');

    const u1 = await clerk.upload([['张三', '', 'SL-CG-0001', '协管员', '在岗']]);
    expect((await clerk.confirm(draftOf(u1.text))).status).toBe(303);
    await building;
    // Confirmed while the first build runs: waits for the next build, which never comes.
    const u2 = await clerk.upload([
      ['张三', '', 'SL-CG-0001', '协管员', '在岗'],
      ['二版', '', 'CG-0902', '协管员', '在岗'],
    ]);
    expect((await clerk.confirm(draftOf(u2.text))).status).toBe(303);

    await republisher.stop();
    expect(signals).toHaveLength(1);
    expect(signals[0]!.aborted).toBe(true);
    expect(republisher.busy()).toBe(false);
    // Both stay published in the store (the first start rebuilds for them); neither is withdrawn, neither is live.
    const versions = await listVersions(db, 'city-cgj');
    expect(versions.map((v) => [v.seq, v.status]).sort()).toEqual([
      [1, 'superseded'],
      [2, 'published'],
    ]);
    expect(republisher.status('city-cgj')).toEqual({ seq: 2, state: 'building' });
    expect(log).toEqual([
      '[publish] 服务停止，正在进行的网站重新生成已中止（city-cgj#1, city-cgj#2）：本服务器的网站仍是之前的；这些版本仍记录为已确认，没有撤回，下次启动时本服务器查看数据库并重新生成网站',
    ]);
    // Nothing more is built once stopped, not even a look at the store's catch-up.
    expect(republisher.catchUp([])).toBe(false);
    expect(signals).toHaveLength(1);
  });
});
