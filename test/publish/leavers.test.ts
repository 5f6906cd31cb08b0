import { expect, it } from 'vitest';
import { publishFunctions } from '../../functions/publish/http.ts';
import { parseRecords } from '../../functions/publish/upload.ts';
import { makeRepublisher } from '../../functions/publish/republish.ts';
import { listVersions } from '../../functions/store/records/roster-versions.ts';
import { draftOf, publishWorld, workspaceClerk } from './support.ts';
import { describeEachStore, freshStore, smtpServer } from '../support/stores.ts';

/**
 * People already published as left, revoked or cancelled are history the agency's next export need not repeat: they
 * are carried over as they are — never listed again under 名单中消失的人员, never to be ticked again, and their
 * status date (the public 已离职 date and the retention clock) stays.
 */
describeEachStore('people already published as ended', (kind) => {
  const db = freshStore(kind);
  const smtp = smtpServer();

  it('are carried over unchanged by later uploads that lack them, and not asked about again', async () => {
    const world = await publishWorld(db);
    const republisher = makeRepublisher({ store: db, build: async () => ({ ok: true }), afterBuild: async () => undefined });
    const handler = publishFunctions(world, republisher);
    const clerk = await workspaceClerk(db, world, smtp, handler, 'city-cgj', 'roster@cgj.city.example', '192.0.2.65');
    const v1 = await clerk.upload([
      ['张三', '', 'SL-CG-0001', '协管员', '在岗'],
      ['离人', '', 'CG-0700', '协管员', '在岗'],
      ['收回人', '', 'CG-0701', '协管员', '证件已收回'],
    ]);
    expect((await clerk.confirm(draftOf(v1.text))).status).toBe(303);
    await republisher.idle();

    // The export lists only who still works: the one who left is asked about once; the revoked one is not.
    const v2 = await clerk.upload([['张三', '', 'SL-CG-0001', '协管员', '在岗']]);
    expect(v2.text).toContain('名单中消失的人员（1 人）');
    expect(v2.text).toContain('离人（CG-0700）已离职');
    expect(v2.text).not.toContain('收回人（CG-0701）已离职');
    expect(v2.text).toContain('data-carried="1"');
    expect((await clerk.confirm(draftOf(v2.text), ['CG-0700'])).status).toBe(303);
    await republisher.idle();
    const left = parseRecords((await listVersions(db, 'city-cgj'))[0]!.records).find((r) => r.certificateNo === 'CG-0700');
    expect(left).toMatchObject({ status: 'left', statusSince: '2026-11-23' });

    // 40 days later the same kind of export again, with one change.
    world.clock.advance(40 * 86400_000);
    const later = await workspaceClerk(db, world, smtp, handler, 'city-cgj', 'roster@cgj.city.example', '192.0.2.65');
    const v3 = await later.upload([['张三', '', 'SL-CG-0001', '协管员', '暂停']]);
    expect(v3.status).toBe(200);
    expect(v3.text).not.toContain('名单中消失的人员');
    expect(v3.text).not.toContain('name="left"');
    expect(v3.text).toContain('data-carried="2"');
    expect((await later.confirm(draftOf(v3.text))).status).toBe(303);
    await republisher.idle();
    const [current] = await listVersions(db, 'city-cgj');
    expect(current!.seq).toBe(3);
    const records = parseRecords(current!.records);
    expect(records.find((r) => r.certificateNo === 'CG-0700')).toEqual(left);
    expect(records.find((r) => r.certificateNo === 'CG-0701')).toMatchObject({ status: 'revoked', name: '收回人' });
    expect(JSON.parse(current!.counts)).toEqual({ total: 3, byStatus: { suspended: 1, left: 1, revoked: 1 } });
    const diff = JSON.parse(current!.diff);
    expect(diff).toMatchObject({ left: [], removed: [], added: [], carried: 2 });
    expect(diff.statusChanged).toEqual([{ certificateNo: 'SL-CG-0001', name: '张三', from: 'active', to: 'suspended' }]);
  });
});
