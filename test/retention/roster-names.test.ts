import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Db } from '../../functions/store/index.ts';
import { purgeLeaverNames } from '../../functions/retention/roster-names.ts';
import { listVersions, publishedVersion, publishVersion } from '../../functions/store/records/roster-versions.ts';
import { saveDraft } from '../../functions/store/records/roster-drafts.ts';
import { insertSession } from '../../functions/store/records/publish-sessions.ts';
import { diffRosters, rosterCounts } from '../../src/core/roster/diff.ts';
import { NAME_WITHHELD } from '../../src/core/labels.ts';
import { DEFAULT_POLICY, type Policy } from '../../src/core/policy/schema.ts';
import type { Auxiliary } from '../../src/core/roster/schema.ts';
import { freshDb, manualClock } from '../complaints/support.ts';
import { describeEachStore } from '../support/stores.ts';

const AGENCY = 'city-cgj';
const p = (certificateNo: string, name: string, status: Auxiliary['status'], statusSince?: string): Auxiliary => ({
  certificateNo,
  name,
  agencyId: AGENCY,
  status,
  ...(statusSince ? { statusSince } : {}),
});
const policy = (leaversYears: number): Policy => ({ ...DEFAULT_POLICY, retention: { leaversYears } });

async function publish(db: Db, records: Auxiliary[], publishedAt: string) {
  const current = await publishedVersion(db, AGENCY);
  await publishVersion(db, {
    agencyId: AGENCY,
    publishedAt,
    mailbox: 'roster@cgj.city.example',
    fileHash: 'h',
    counts: rosterCounts(records),
    diff: diffRosters(current ? (JSON.parse(current.records) as Auxiliary[]) : [], records),
    records,
  });
}

// 甲 left with a date in the export; 乙 left without one (the version that recorded it dates it); 丙 is at work
// (renamed); 丁 was revoked recently; 戊 left and came back.
const NAMES = { a: '甲离职人', b: '乙离职人', c: '丙在岗', c2: '丙在岗改', d: '丁收回', e: '戊复职', f: '己早离' };

describeEachStore("leavers' names leave the stored versions after the retention period", (kind) => {
  let db: Db;
  beforeAll(async () => {
    db = await freshDb(kind);
    await publish(
      db,
      [p('A', NAMES.a, 'active'), p('B', NAMES.b, 'active'), p('C', NAMES.c, 'active'), p('D', NAMES.d, 'active'), p('E', NAMES.e, 'active')],
      '2023-06-01T02:00:00.000Z',
    );
    await publish(
      db,
      [
        p('A', NAMES.a, 'left', '2024-01-05'),
        p('B', NAMES.b, 'left'),
        p('C', NAMES.c, 'active'),
        p('D', NAMES.d, 'revoked', '2025-06-01'),
        p('E', NAMES.e, 'left', '2024-01-05'),
      ],
      '2024-01-10T02:00:00.000Z',
    );
    await publish(
      db,
      [
        p('A', NAMES.a, 'left', '2024-01-05'),
        p('B', NAMES.b, 'left'),
        p('C', NAMES.c2, 'active'),
        p('D', NAMES.d, 'revoked', '2025-06-01'),
        p('E', NAMES.e, 'active'),
      ],
      '2024-03-01T02:00:00.000Z',
    );
    const draft = [
      p('A', NAMES.a, 'left', '2024-01-05'),
      p('C', NAMES.c2, 'active'),
      p('D', NAMES.d, 'revoked', '2025-06-01'),
      p('F', NAMES.f, 'left', '2024-06-01'),
    ];
    // The draft of a session still signed in (the purge deletes those of ended or expired sessions).
    await insertSession(db, {
      tokenHash: 's',
      agencyId: AGENCY,
      mailbox: 'roster@cgj.city.example',
      createdAt: '2026-11-23T01:00:00.000Z',
      expiresAt: '2026-11-23T09:00:00.000Z',
    });
    await saveDraft(db, {
      sessionHash: 's',
      agencyId: AGENCY,
      createdAt: '2026-11-23T01:00:00.000Z',
      fileHash: 'h',
      counts: rosterCounts(draft),
      diff: diffRosters([], draft),
      records: draft,
      baseVersionId: undefined,
    });
  });
  afterAll(async () => {
    await db?.close();
  });

  const stored = async () => {
    const versions = await db.query<{ records: string; diff: string }>('SELECT records, diff FROM roster_versions ORDER BY seq');
    const drafts = await db.query<{ records: string; diff: string }>('SELECT records, diff FROM roster_drafts');
    return { versions: versions.map((v) => v.records + v.diff).join('\n'), drafts: drafts.map((d) => d.records + d.diff).join('\n') };
  };

  it('keeps every name while the period (policy) has not passed', async () => {
    const world = { store: db, clock: manualClock('2026-11-23T02:00:00.000Z'), policy: policy(5) };
    expect(await purgeLeaverNames(world)).toEqual({ versions: 0, drafts: 0 });
    const all = await stored();
    for (const name of Object.values(NAMES).filter((n) => n !== NAMES.f)) expect(all.versions).toContain(name);
    expect(all.drafts).toContain(NAMES.f);
  });

  it('removes the names of people past the period from every version, its diff and the drafts, once', async () => {
    const lines: string[] = [];
    const world = { store: db, clock: manualClock('2026-11-23T02:00:00.000Z'), policy: policy(2), log: (l: string) => lines.push(l) };
    expect(await purgeLeaverNames(world)).toEqual({ versions: 3, drafts: 1 });
    const all = await stored();
    for (const name of [NAMES.a, NAMES.b]) {
      expect(all.versions).not.toContain(name);
      expect(all.drafts).not.toContain(name);
    }
    expect(all.drafts).not.toContain(NAMES.f);
    for (const name of [NAMES.c, NAMES.c2, NAMES.d, NAMES.e]) expect(all.versions).toContain(name);
    expect(all.drafts).toContain(NAMES.d);
    // The numbers stay: they still verify as no longer valid.
    const [v3] = await listVersions(db, AGENCY);
    expect((JSON.parse(v3!.records) as Auxiliary[]).map((r) => [r.certificateNo, r.name])).toEqual([
      ['A', NAME_WITHHELD],
      ['B', NAME_WITHHELD],
      ['C', NAMES.c2],
      ['D', NAMES.d],
      ['E', NAMES.e],
    ]);
    expect(lines.join('\n')).not.toMatch(/[甲乙丙丁戊己]/);
    expect(await purgeLeaverNames(world)).toEqual({ versions: 0, drafts: 0 });
  });
});
