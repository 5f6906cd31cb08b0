import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../functions/store/index.ts';
import { openPostgres } from '../../functions/store/postgres.ts';
import { migrate } from '../../functions/store/migrations.ts';
import { publishVersion } from '../../functions/store/records/roster-versions.ts';
import { readWorkspaceRosters, WorkspaceStoreError, workspaceStoreUrl } from '../../src/import/workspace-rosters.ts';
import { mergeWorkspaceRosters, RosterSourceConflictError } from '../../src/import/roster/merge-workspace.ts';
import { pgSkipReason, TEST_DATABASE_URL, tempDir } from '../complaints/support.ts';
import { importFiles, testRegistry } from '../roster/support.ts';

const version = (agencyId: string, records: { certificateNo: string; name: string }[], publishedAt = '2026-11-20T02:00:00.000Z') => ({
  agencyId,
  publishedAt,
  mailbox: 'clerk@example.org',
  fileHash: 'h',
  counts: {},
  diff: {},
  records: records.map((r) => ({ ...r, agencyId, status: 'active' as const })),
});
const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('the build reads workspace versions read-only', () => {
  it('reads the published version of each agency from the SQLite file and writes nothing', async () => {
    const varDir = tempDir();
    const file = join(varDir, 'gongshi.sqlite');
    const db = await openStore({ databaseUrl: undefined, varDir });
    await publishVersion(db, version('rq-cgj', [{ certificateNo: 'A-1', name: '甲' }]));
    const second = await publishVersion(db, version('rq-cgj', [{ certificateNo: 'A-2', name: '乙' }], '2026-11-21T17:00:00.000Z'));
    await db.close();
    const before = { hash: sha(file), mtime: statSync(file).mtimeMs };
    const url = workspaceStoreUrl({}, varDir);
    expect(url).toBe(`sqlite:${file}`);
    const rosters = await readWorkspaceRosters(url);
    expect(rosters).toEqual([
      {
        // The directory file records it (workspaceVersions): servers compare it with the store's.
        id: second.id,
        agencyId: 'rq-cgj',
        seq: 2,
        publishedAt: '2026-11-21T17:00:00.000Z',
        records: [{ certificateNo: 'A-2', name: '乙', agencyId: 'rq-cgj', status: 'active' }],
      },
    ]);
    expect({ hash: sha(file), mtime: statSync(file).mtimeMs }).toEqual(before);
  });

  it('reads nothing where there is no store, and fails the build when a named store cannot be read (creating nothing)', async () => {
    const varDir = tempDir();
    expect(workspaceStoreUrl({}, varDir)).toBeUndefined();
    expect(await readWorkspaceRosters(undefined)).toEqual([]);
    const missing = join(varDir, 'nope.sqlite');
    await expect(readWorkspaceRosters(`sqlite:${missing}`)).rejects.toThrow(WorkspaceStoreError);
    expect(existsSync(missing)).toBe(false);
    await expect(readWorkspaceRosters('postgres://nobody@127.0.0.1:1/none')).rejects.toThrow(/无法读取名单发布工作台的版本.*网站没有生成/);
    await expect(readWorkspaceRosters('mysql://x')).rejects.toThrow(/ROSTER_STORE_URL 只支持/);
    expect(workspaceStoreUrl({ ROSTER_STORE_URL: 'postgres://reader@db/x' }, varDir)).toBe('postgres://reader@db/x');
  });

  describe.skipIf(pgSkipReason)('on PostgreSQL with a SELECT-only role', () => {
    const schema = `test_${randomBytes(6).toString('hex')}`;
    const role = `reader_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    afterAll(async () => {
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
      await admin.query(`DROP ROLE IF EXISTS ${role}`).catch(() => undefined);
      await admin.end();
    });

    it('reads through a role that may only SELECT roster_versions', async () => {
      await admin.connect();
      const db = openPostgres(TEST_DATABASE_URL, { schema });
      await migrate(db);
      await publishVersion(db, version('rq-scjg', [{ certificateNo: 'S-1', name: '丙' }]));
      await db.close();
      // With a password: CI trusts only the postgres user on loopback, other roles sign in as in production.
      const password = randomBytes(12).toString('hex');
      await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD '${password}'`);
      await admin.query(`GRANT USAGE ON SCHEMA ${schema} TO ${role}`);
      await admin.query(`GRANT SELECT ON ${schema}.roster_versions TO ${role}`);
      await admin.query(`ALTER ROLE ${role} SET search_path = ${schema}`);
      const url = new URL(TEST_DATABASE_URL);
      url.username = role;
      url.password = password;
      const rosters = await readWorkspaceRosters(url.toString());
      expect(rosters.map((r) => [r.agencyId, r.seq, r.records.length])).toEqual([['rq-scjg', 1, 1]]);
    });
  });
});

describe('workspace versions next to Git files', () => {
  const HEADER = '姓名,单位,证件编号,状态\n';

  it('adds an agency published only through the workspace, with its publication date as the roster date', async () => {
    const files = await importFiles({ 'rosters/cgj-2026-11-01.csv': `${HEADER}张三,rq-cgj,RQ-1,在岗\n` });
    const merged = mergeWorkspaceRosters(
      files,
      [
        {
          agencyId: 'rq-scjg',
          seq: 3,
          publishedAt: '2026-11-21T17:00:00.000Z',
          records: [{ certificateNo: 'S-9', name: '丁', agencyId: 'rq-scjg', status: 'active' }],
        },
      ],
      testRegistry(),
    );
    expect(merged.auxiliaries.map((a) => a.certificateNo)).toEqual(['RQ-1', 'S-9']);
    expect(merged.asOfByAgency.get('rq-scjg')).toBe('2026-11-22');
    expect(merged.asOfByAgency.get('rq-cgj')).toBe('2026-11-01');
  });

  it('fails naming both when one agency has a Git file and workspace versions, and on a number in both', async () => {
    const files = await importFiles({ 'rosters/cgj-2026-11-01.csv': `${HEADER}张三,rq-cgj,RQ-1,在岗\n` });
    const both = () =>
      mergeWorkspaceRosters(
        files,
        [
          { agencyId: 'rq-cgj', seq: 2, publishedAt: '2026-11-20T02:00:00.000Z', records: [] },
          {
            agencyId: 'rq-scjg',
            seq: 1,
            publishedAt: '2026-11-20T02:00:00.000Z',
            records: [{ certificateNo: 'rq-1', name: '张三', agencyId: 'rq-scjg', status: 'active' }],
          },
        ],
        testRegistry(),
      );
    expect(both).toThrow(RosterSourceConflictError);
    try {
      both();
    } catch (error) {
      expect((error as RosterSourceConflictError).conflicts).toEqual([
        '任丘市城市管理综合行政执法局（rq-cgj）既有 Git 中的名单文件 rosters/cgj-2026-11-01.csv，又有名单发布工作台发布的第 2 版（2026-11-20）：请删除名单文件，或由运维人员停用该机关的工作台版本',
        '证件编号 rq-1 同时出现在rq-cgj 的名单文件和 rq-scjg 的名单发布工作台第 1 版中',
      ]);
    }
  });
});
