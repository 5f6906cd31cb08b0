import { expect, it } from 'vitest';
import type { Db } from '../../functions/store/index.ts';
import { publishFunctions } from '../../functions/publish/http.ts';
import { makeRepublisher } from '../../functions/publish/republish.ts';
import { listVersions } from '../../functions/store/records/roster-versions.ts';
import { parseRecords } from '../../functions/publish/upload.ts';
import { diffRosters, rosterDiffSchema } from '../../src/core/roster/diff.ts';
import { draftOf, publishWorld, workspaceClerk } from './support.ts';
import { describeEachStore, freshStore, smtpServer } from '../support/stores.ts';

/**
 * Nobody confirms a diff that no longer holds: a draft is confirmed only while the version it was diffed against is
 * still the published one — checked inside the writing transaction, so two confirmations at the same moment cannot
 * both pass — and an undo only while the version it was shown with is still the current one.
 */
describeEachStore('stale confirmations and undos', (kind) => {
  const db = freshStore(kind);
  const smtp = smtpServer();

  /**
   * The store as the workspace sees it, with a gate: once armed with `n`, the next `n` transactions wait until all of
   * them have been asked for — so two confirmations have both made their checks before either writes, on either store.
   */
  function gated(store: Db) {
    let arrived: (() => void)[] = [];
    let expected = 0;
    const gate = new Proxy(store, {
      get(target, key) {
        if (key === 'transaction' && expected) {
          return async <T>(fn: (tx: Db) => Promise<T>): Promise<T> => {
            await new Promise<void>((go) => {
              arrived.push(go);
              if (arrived.length === expected) {
                for (const release of arrived) release();
                arrived = [];
                expected = 0;
              }
            });
            return target.transaction(fn);
          };
        }
        const value = Reflect.get(target, key, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const arm = (n: number) => {
      expected = n;
    };
    return { store: gate, arm };
  }

  async function workspace() {
    const world = await publishWorld(db);
    const republisher = makeRepublisher({ store: db, build: async () => ({ ok: true }), afterBuild: async () => undefined });
    return { world, republisher, handler: publishFunctions(world, republisher) };
  }

  it('two sessions of one agency confirming at the same moment: one is recorded, the other refused (409) in Chinese', async () => {
    const world = await publishWorld(db);
    const { store, arm } = gated(db);
    world.store = store;
    const republisher = makeRepublisher({ store, build: async () => ({ ok: true }), afterBuild: async () => undefined });
    const handler = publishFunctions(world, republisher);
    const a = await workspaceClerk(db, world, smtp, handler, 'city-scjg', 'scjg@city.example', '192.0.2.71');
    const b = await workspaceClerk(db, world, smtp, handler, 'city-scjg', 'scjg@city.example', '192.0.2.72');
    const base = await a.upload([['李四', '', 'SL-SC-0002', '协管员', '在岗']]);
    expect((await a.confirm(draftOf(base.text))).status).toBe(303);
    await republisher.idle();

    // A adds a person; B, diffed against the same version, changes a status and does not know A's person.
    const upA = await a.upload([
      ['李四', '', 'SL-SC-0002', '协管员', '在岗'],
      ['甲新', '', 'SC-0801', '协管员', '在岗'],
    ]);
    const upB = await b.upload([['李四', '', 'SL-SC-0002', '协管员', '暂停']]);
    arm(2);
    const answers = await Promise.all([a.confirm(draftOf(upA.text)), b.confirm(draftOf(upB.text))]);
    expect(answers.map((r) => r.status).sort()).toEqual([303, 409]);
    expect(answers.find((r) => r.status === 409)!.text).toContain('本机关的名单已由他人发布了新版本');
    await republisher.idle();
    const versions = await listVersions(db, 'city-scjg');
    expect(versions.map((v) => [v.seq, v.status])).toEqual([
      [2, 'published'],
      [1, 'superseded'],
    ]);
    // The recorded diff is the one against the version it replaced: nobody disappeared unconfirmed.
    const [v2, v1] = versions;
    const stored = rosterDiffSchema.parse(JSON.parse(v2!.diff));
    expect(stored).toEqual({ ...diffRosters(parseRecords(v1!.records), parseRecords(v2!.records)), removed: [] });
  });

  it('a draft made before another version was published is refused, even when its diff would read the same', async () => {
    const { world, republisher, handler } = await workspace();
    const a = await workspaceClerk(db, world, smtp, handler, 'city-gov', 'gov@city.example', '192.0.2.73');
    const b = await workspaceClerk(db, world, smtp, handler, 'city-gov', 'gov@city.example', '192.0.2.74');
    const first = await a.upload([['甲一', '', 'GV-0101', '协管员', '在岗']]);
    const same = await b.upload([['甲一', '', 'GV-0101', '协管员', '在岗']]);
    expect((await a.confirm(draftOf(first.text))).status).toBe(303);
    await republisher.idle();
    const refused = await b.confirm(draftOf(same.text));
    expect(refused.status).toBe(409);
    expect(refused.text).toContain('请重新上传');
    expect((await listVersions(db, 'city-gov')).map((v) => v.seq)).toEqual([1]);
  });

  it('a draft uploaded before the upgrade that records its base (migration 11) is refused as such, not as published by another', async () => {
    const { world, handler } = await workspace();
    const clerk = await workspaceClerk(db, world, smtp, handler, 'city-gov', 'gov@city.example', '192.0.2.75');
    const before = (await listVersions(db, 'city-gov')).length;
    const upload = await clerk.upload([['乙一', '', 'GV-0201', '协管员', '在岗']]);
    // As a row written by the code before that migration reads after it.
    await db.run('UPDATE roster_drafts SET base_version_id = NULL WHERE id = ?', [draftOf(upload.text)]);
    const refused = await clerk.confirm(draftOf(upload.text));
    expect(refused.status).toBe(409);
    expect(refused.text).toContain('这份上传是在平台升级之前提交的');
    expect(refused.text).not.toContain('由他人发布了新版本');
    expect(await listVersions(db, 'city-gov')).toHaveLength(before);
  });

  it('undo carries the version it was shown with: pressed twice, the second press is refused instead of undoing the undo', async () => {
    const { world, republisher, handler } = await workspace();
    const clerk = await workspaceClerk(db, world, smtp, handler, 'other-cgj', 'cgj@other.example', '192.0.2.75');
    for (const status of ['在岗', '暂停']) {
      const up = await clerk.upload([['某甲', '', 'OC-0001', '协管员', status]]);
      expect((await clerk.confirm(draftOf(up.text))).status).toBe(303);
      await republisher.idle();
    }
    const page = await clerk.workspace();
    expect(page.text).toContain('<input type="hidden" name="seq" value="2">');
    expect((await clerk.undo(2)).status).toBe(303);
    await republisher.idle();
    const again = await clerk.undo(2);
    expect(again.status).toBe(409);
    expect(again.text).toContain('撤销没有执行');
    expect(again.text).toContain('当前公示的已是第 3 版');
    const versions = await listVersions(db, 'other-cgj');
    expect(versions.map((v) => [v.seq, v.status])).toEqual([
      [3, 'published'],
      [2, 'superseded'],
      [1, 'superseded'],
    ]);
    expect(JSON.parse(versions[0]!.records)[0]).toMatchObject({ status: 'active' });
    // A form without the version is not guessed at.
    expect((await clerk.call('POST', '/publish/workspace/undo', new URLSearchParams())).status).toBe(400);
    expect(await listVersions(db, 'other-cgj')).toHaveLength(3);
  });
});
