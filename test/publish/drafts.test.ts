import { expect, it } from 'vitest';
import { publishFunctions } from '../../functions/publish/http.ts';
import { makeRepublisher } from '../../functions/publish/republish.ts';
import { purgeLeaverNames } from '../../functions/retention/roster-names.ts';
import { SESSION_HOURS } from '../../functions/publish/world.ts';
import { draftOf, publishWorld, workspaceClerk } from './support.ts';
import { describeEachStore, freshStore, smtpServer } from '../support/stores.ts';

/** A draft holds names: it lives no longer than the session that uploaded it. */
describeEachStore('drafts of abandoned sessions', (kind) => {
  const db = freshStore(kind);
  const smtp = smtpServer();
  const drafts = async () => (await db.query<{ diff: string; records: string }>('SELECT diff, records FROM roster_drafts')).map((d) => d.records).join('\n');

  it('signing out deletes the session’s draft; the purge deletes those of expired sessions and keeps those of live ones', async () => {
    const world = await publishWorld(db);
    const republisher = makeRepublisher({ store: db, build: async () => ({ ok: true }), afterBuild: async () => undefined });
    const handler = publishFunctions(world, republisher);

    const leaving = await workspaceClerk(db, world, smtp, handler, 'city-cgj', 'roster@cgj.city.example', '192.0.2.66');
    expect(draftOf((await leaving.upload([['退出者', '', 'CG-0801', '协管员', '在岗']])).text)).not.toBe('');
    expect(await drafts()).toContain('退出者');
    expect((await leaving.signOut()).status).toBe(303);
    expect(await drafts()).not.toContain('退出者');

    // One clerk walks away without signing out; another signs in hours later and is still at work.
    const walkedAway = await workspaceClerk(db, world, smtp, handler, 'city-scjg', 'scjg@city.example', '192.0.2.67');
    await walkedAway.upload([['走开者', '', 'SC-0901', '协管员', '在岗']]);
    world.clock.advance((SESSION_HOURS - 1) * 3600_000);
    const working = await workspaceClerk(db, world, smtp, handler, 'city-gov', 'gov@city.example', '192.0.2.68');
    await working.upload([['在办者', '', 'GV-0901', '协管员', '在岗']]);

    // Before the first session expires, the purge keeps both drafts.
    const lines: string[] = [];
    const purge = () => purgeLeaverNames({ store: db, clock: world.clock, log: (l) => lines.push(l) });
    await purge();
    expect(await drafts()).toContain('走开者');
    world.clock.advance(2 * 3600_000);
    await purge();
    const left = await drafts();
    expect(left).not.toContain('走开者');
    expect(left).toContain('在办者');
    expect(lines.join('\n')).toContain('deleted 1 roster draft(s) of ended or expired sessions');
    expect(lines.join('\n')).not.toMatch(/走开者|在办者/);
    // The live session can still confirm its draft.
    const again = await working.upload([['在办者', '', 'GV-0901', '协管员', '在岗']]);
    expect((await working.confirm(draftOf(again.text))).status).toBe(303);
  });
});
