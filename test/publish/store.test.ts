import { expect, it } from 'vitest';
import { migrate } from '../../functions/store/index.ts';
import { findSignIn, insertSignIn, useSignIn } from '../../functions/store/records/publish-sign-ins.ts';
import { endSession, findLiveSession, insertSession } from '../../functions/store/records/publish-sessions.ts';
import { allPublishedVersions, listVersions, publishVersion, publishedVersion } from '../../functions/store/records/roster-versions.ts';
import { describeEachStore, freshStore } from '../support/stores.ts';

describeEachStore('publishing store', (kind) => {
  const db = freshStore(kind);

  it('migrates twice without harm and records the migration', async () => {
    await migrate(db);
    const rows = await db.query<{ version: number }>('SELECT version FROM schema_migrations WHERE version = 7');
    expect(rows).toHaveLength(1);
  });

  it('uses a sign-in link once, and never after it expired', async () => {
    await insertSignIn(db, {
      tokenHash: 'h1',
      agencyId: 'city-cgj',
      mailbox: 'cgj@city.example',
      createdAt: '2026-11-23T02:00:00.000Z',
      expiresAt: '2026-11-23T02:15:00.000Z',
    });
    await insertSignIn(db, {
      tokenHash: 'h2',
      agencyId: 'city-cgj',
      mailbox: 'cgj@city.example',
      createdAt: '2026-11-23T02:00:00.000Z',
      expiresAt: '2026-11-23T02:15:00.000Z',
    });
    const results = await Promise.all([useSignIn(db, 'h1', '2026-11-23T02:10:00.000Z'), useSignIn(db, 'h1', '2026-11-23T02:10:00.001Z')]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect((await findSignIn(db, 'h1'))!.used_at).not.toBeNull();
    expect(await useSignIn(db, 'h2', '2026-11-23T02:15:00.000Z')).toBe(false);
    expect((await findSignIn(db, 'h2'))!.used_at).toBeNull();
    expect(await findSignIn(db, 'nope')).toBeUndefined();
  });

  it('finds a session only while it is live and not ended', async () => {
    await insertSession(db, {
      tokenHash: 's1',
      agencyId: 'city-cgj',
      mailbox: 'cgj@city.example',
      createdAt: '2026-11-23T02:00:00.000Z',
      expiresAt: '2026-11-23T10:00:00.000Z',
    });
    expect(await findLiveSession(db, 's1', '2026-11-23T09:59:59.999Z')).toMatchObject({ agency_id: 'city-cgj', mailbox: 'cgj@city.example' });
    expect(await findLiveSession(db, 's1', '2026-11-23T10:00:00.000Z')).toBeUndefined();
    await endSession(db, 's1', '2026-11-23T03:00:00.000Z');
    expect(await findLiveSession(db, 's1', '2026-11-23T03:00:01.000Z')).toBeUndefined();
  });

  it('keeps one published version per agency and the rest as history', async () => {
    const base = { mailbox: 'cgj@city.example', fileHash: 'f'.repeat(64), counts: { total: 1 }, diff: { added: 1 } };
    const first = await publishVersion(db, {
      ...base,
      agencyId: 'city-cgj',
      publishedAt: '2026-11-23T02:00:00.000Z',
      records: [{ certificateNo: 'A1', name: '张三' }],
    });
    await publishVersion(db, { ...base, agencyId: 'city-scjg', publishedAt: '2026-11-23T02:01:00.000Z', records: [] });
    const second = await publishVersion(db, {
      ...base,
      agencyId: 'city-cgj',
      publishedAt: '2026-11-23T03:00:00.000Z',
      records: [{ certificateNo: 'A2', name: '李四' }],
    });
    expect([first.seq, second.seq]).toEqual([1, 2]);
    const current = await publishedVersion(db, 'city-cgj');
    expect(current!.id).toBe(second.id);
    expect(JSON.parse(current!.records)).toEqual([{ certificateNo: 'A2', name: '李四' }]);
    expect((await listVersions(db, 'city-cgj')).map((v) => [v.seq, v.status])).toEqual([
      [2, 'published'],
      [1, 'superseded'],
    ]);
    expect((await allPublishedVersions(db)).map((v) => [v.agency_id, v.seq])).toEqual([
      ['city-cgj', 2],
      ['city-scjg', 1],
    ]);
  });
});
