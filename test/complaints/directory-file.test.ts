/**
 * The directory file the build hands the functions: its schema round trip, the functions answering from it with
 * no roster present, a new build swapped in being picked up, and a file of another version refused by name.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createApp, type App } from '../../functions/server/app.ts';
import { directoryFilePath, openDirectoryFile, readDirectoryFile } from '../../functions/server/directory-file.ts';
import { serveStatic } from '../../functions/server/static.ts';
import { writeDirectoryFile } from '../../src/build/directory/write.ts';
import { categoriesOf, DIRECTORY_FILE, DIRECTORY_VERSION, directoryFileOf, directoryFileSchema, type DirectoryFile } from '../../src/core/directory.ts';
import { NAME_WITHHELD } from '../../src/core/labels.ts';
import { chinaToday, nameWithheld } from '../../src/build/portal/public-view.ts';
import { readSettings, type Settings } from '../../src/core/settings.ts';
import { certificateLookupKey } from '../../src/core/text.ts';
import { loadSite, type Site } from '../../src/import/site.ts';
import { tempDir, validSubmission } from './support.ts';

const root = join(import.meta.dirname, '../..');
const ctx = { clientAddress: '203.0.113.7' };

function settingsFor(work: string, outDir: string): Settings {
  return { ...readSettings({ VAR_DIR: join(work, 'var'), CONTENT_DIR: join(work, 'content'), OUT_DIR: outDir }), siteUrl: 'https://gongshi.example' };
}

const submit = async (app: App, over: Record<string, unknown>): Promise<Response> =>
  (await app.functions(
    new Request('http://localhost/api/complaints', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(validSubmission({ category: 'other', ...over })),
    }),
    ctx,
  ))!;

describe('the directory file: schema', () => {
  let site: Site;
  beforeAll(async () => {
    site = await loadSite(join(root, 'content'));
  });

  it('round-trips through JSON and the schema, and finds every published number as typed', () => {
    const file = directoryFileOf({
      agencies: site.registry.agencies,
      regulations: site.regulations,
      auxiliaries: site.roster.auxiliaries,
      holidays: { years: [{ year: 2026, source: '测试用日历', holidays: ['2026-10-01'], workdays: ['2026-10-11'] }] },
    });
    const parsed = directoryFileSchema.parse(JSON.parse(JSON.stringify(file)));
    expect(parsed).toEqual(file);
    expect(parsed.certificates.keys).toHaveLength(site.roster.auxiliaries.length);
    // Only number, name and agency of everyone, and — sparse — the status and its date of those not 在岗, the 有效期至
    // of those 在岗: fields every verify page shows, nothing else of the roster (docs/DEPLOY.md). No posts: they are
    // not published by default.
    expect(Object.keys(parsed.certificates).sort()).toEqual(['agencies', 'keys', 'names', 'numbers', 'statuses', 'validUntil']);
    expect(Object.keys(parsed.certificates.statuses!).sort()).toEqual(['rows', 'since', 'status']);
    const notActive = site.roster.auxiliaries.filter((a) => a.status !== 'active');
    expect(notActive.length).toBeGreaterThan(0);
    expect(parsed.certificates.statuses!.rows).toHaveLength(notActive.length);
    for (const aux of site.roster.auxiliaries) {
      const row = parsed.certificates.keys.indexOf(certificateLookupKey(aux.certificateNo));
      const j = parsed.certificates.statuses!.rows.indexOf(row);
      if (aux.status === 'active') expect(j, aux.certificateNo).toBe(-1);
      else expect([parsed.certificates.statuses!.status[j], parsed.certificates.statuses!.since[j]]).toEqual([aux.status, aux.statusSince ?? null]);
      const until = parsed.certificates.validUntil!.of[row]!;
      expect(until === null ? null : parsed.certificates.validUntil!.list[until], aux.certificateNo).toBe(
        aux.status === 'active' ? (aux.validUntil ?? null) : null,
      );
    }
    // Each date once, shared by its holders.
    expect(new Set(parsed.certificates.validUntil!.list).size).toBe(parsed.certificates.validUntil!.list.length);
  });

  it('gives the lookups the functions use: every number (also typed lower-case without dashes), agencies, categories', async () => {
    const work = tempDir('gongshi-dir-');
    const path = await writeDirectoryFile(site, work);
    expect(path).toBe(directoryFilePath(work));
    const directory = await readDirectoryFile(path);
    const today = chinaToday();
    for (const aux of site.roster.auxiliaries) {
      // A name past its retention period (docs/LEGAL.md) is not in the file either.
      const name = nameWithheld(aux, site.disclosure.retentionYears, today) ? NAME_WITHHELD : aux.name;
      expect(directory.auxiliary(aux.certificateNo)).toEqual({ certificateNo: aux.certificateNo, name, agencyId: aux.agencyId });
    }
    const one = site.roster.auxiliaries[0]!;
    expect(directory.auxiliary(one.certificateNo.toLowerCase().replaceAll('-', ''))?.certificateNo).toBe(one.certificateNo);
    expect(directory.auxiliary('NO-SUCH-0000')).toBeUndefined();
    expect(directory.agencies.map((a) => a.id)).toEqual(site.registry.agencies.map((a) => a.id));
    for (const regulation of site.regulations.values()) {
      const ids = [...regulation.complaintCategories.auxiliary, ...regulation.complaintCategories.agency];
      const codes = categoriesOf(directory.regulation(regulation.id)).map((c) => c.code);
      expect(codes).toEqual([...ids.map((id) => `${regulation.id}:${id}`), 'other']);
    }
    rmSync(work, { recursive: true, force: true });
  });

  it('refuses a tampered file and says where', () => {
    const file = directoryFileOf({ agencies: site.registry.agencies, regulations: site.regulations, auxiliaries: site.roster.auxiliaries });
    const unsorted: DirectoryFile = { ...file, certificates: { ...file.certificates, keys: [...file.certificates.keys].reverse() } };
    expect(() => directoryFileSchema.parse(unsorted)).toThrow(/certificates[\s\S]*keys/);
    const badAgency: DirectoryFile = { ...file, certificates: { ...file.certificates, agencies: file.certificates.agencies.map(() => 9999) } };
    expect(() => directoryFileSchema.parse(badAgency)).toThrow(/9999/);
    const shortNames: DirectoryFile = { ...file, certificates: { ...file.certificates, names: file.certificates.names.slice(1) } };
    expect(() => directoryFileSchema.parse(shortNames)).toThrow(/names/);
    const statuses = file.certificates.statuses!;
    const activeListed: DirectoryFile = {
      ...file,
      certificates: { ...file.certificates, statuses: { ...statuses, status: statuses.status.map(() => 'active' as never) } },
    };
    expect(() => directoryFileSchema.parse(activeListed)).toThrow(/status 应是/);
    const unsortedRows: DirectoryFile = { ...file, certificates: { ...file.certificates, statuses: { ...statuses, rows: [...statuses.rows].reverse() } } };
    expect(() => directoryFileSchema.parse(unsortedRows)).toThrow(/statuses[\s\S]*rows/);
    const badDate: DirectoryFile = {
      ...file,
      certificates: { ...file.certificates, statuses: { ...statuses, since: statuses.since.map(() => '2026-02-30') } },
    };
    expect(() => directoryFileSchema.parse(badDate)).toThrow(/since 应是/);
    const validUntil = file.certificates.validUntil!;
    const badUntil: DirectoryFile = { ...file, certificates: { ...file.certificates, validUntil: { ...validUntil, list: ['2027-02-30'] } } };
    expect(() => directoryFileSchema.parse(badUntil)).toThrow(/validUntil\.list 应是/);
    const outside: DirectoryFile = { ...file, certificates: { ...file.certificates, validUntil: { ...validUntil, of: validUntil.of.map(() => 9999) } } };
    expect(() => directoryFileSchema.parse(outside)).toThrow(/序号 9999 超出 validUntil\.list/);
    const shortPosts: DirectoryFile = { ...file, certificates: { ...file.certificates, posts: { list: ['司机'], of: [0] } } };
    expect(() => directoryFileSchema.parse(shortPosts)).toThrow(/posts[\s\S]*应与 keys 一样/);
  });

  it('reads a version 2 file (written before statuses) with every status unknown, and each status of its own version', async () => {
    const work = tempDir('gongshi-dir-v2-');
    const path = await writeDirectoryFile(site, work);
    const written = await readDirectoryFile(path);
    const ended = site.roster.auxiliaries.find((a) => a.status === 'left' || a.status === 'revoked')!;
    const active = site.roster.auxiliaries.find((a) => a.status === 'active')!;
    expect(written.publishedStatus(ended.certificateNo)).toEqual({ status: ended.status, ...(ended.statusSince ? { statusSince: ended.statusSince } : {}) });
    expect(written.publishedStatus(active.certificateNo.toLowerCase())).toEqual({ status: 'active' });
    expect(written.publishedStatus('NO-SUCH-0000')).toBeUndefined();

    const file = JSON.parse(readFileSync(path, 'utf8'));
    delete file.certificates.statuses;
    writeFileSync(path, JSON.stringify({ ...file, version: 2 }));
    const older = await readDirectoryFile(path);
    expect(older.auxiliary(ended.certificateNo)).toEqual(written.auxiliary(ended.certificateNo));
    expect(older.publishedStatus(ended.certificateNo)).toBeUndefined();
    expect(older.publishedStatus(active.certificateNo)).toBeUndefined();
    rmSync(work, { recursive: true, force: true });
  });

  it('reads a version 4 file (written before validity dates and posts) with neither, saying so in one line with the command to run', async () => {
    const work = tempDir('gongshi-dir-v4-');
    const path = await writeDirectoryFile(site, work);
    const current: string[] = [];
    await openDirectoryFile(path, { log: (line) => current.push(line) });
    expect(current).toEqual([]);
    const file = JSON.parse(readFileSync(path, 'utf8'));
    expect(file.certificates.validUntil.of.some((n: number | null) => n !== null)).toBe(true);
    delete file.certificates.validUntil;
    writeFileSync(path, JSON.stringify({ ...file, version: 4 }));
    const lines: string[] = [];
    const source = await openDirectoryFile(path, { log: (line) => lines.push(line) });
    expect([...source.current().certificates()].filter((c) => c.validUntil || c.post)).toEqual([]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(path);
    expect(lines[0]).toMatch(/格式版本 4[\s\S]*有效期至和岗位[\s\S]*npm run build/);
    rmSync(work, { recursive: true, force: true });
  });
});

describe('the functions read the directory file a build wrote', () => {
  const work = tempDir('gongshi-dir-build-');
  const outDir = join(work, 'dist');
  let app: App | undefined;
  const lines: string[] = [];

  beforeAll(() => {
    // A real build of a copy of the sample content, then its rosters deleted: the functions must not need them.
    cpSync(join(root, 'content'), join(work, 'content'), { recursive: true });
    const env: NodeJS.ProcessEnv = { ...process.env, CONTENT_DIR: join(work, 'content'), OUT_DIR: outDir, ASTRO_TELEMETRY_DISABLED: '1' };
    const build = spawnSync(process.execPath, [join(root, 'node_modules/astro/bin/astro.mjs'), 'build'], { cwd: root, env, encoding: 'utf8' });
    if (build.status !== 0) throw new Error(`build failed:\n${build.stdout}\n${build.stderr}`);
    rmSync(join(work, 'content', 'rosters'), { recursive: true, force: true });
  });
  afterAll(async () => {
    await app?.close();
    rmSync(work, { recursive: true, force: true });
    rmSync(`${outDir}-cache`, { recursive: true, force: true });
  });

  it('routes a complaint about a published number with no roster file present', async () => {
    expect(existsSync(join(work, 'content', 'rosters'))).toBe(false);
    app = await createApp(settingsFor(work, outDir), { log: (line) => lines.push(line), directoryCheckMs: 0 });
    // Typed as a citizen might: lower-case, no dashes.
    const response = await submit(app, { certificateNo: 'rqcg20240001' });
    expect(response.status).toBe(201);
    const [row] = await app.world.store.query<{ agency_id: string; target: string }>('SELECT agency_id, target FROM complaints');
    expect(row!.agency_id).toBe('renqiu-cgj');
    expect(JSON.parse(row!.target)).toMatchObject({ certificateNo: 'RQCG-2024-0001', agencyId: 'renqiu-cgj' });
    const unknown = await submit(app, { certificateNo: 'RQCG-2099-9999' });
    expect(unknown.status).toBe(422);
    expect(((await unknown.json()) as { errors: Record<string, string> }).errors.certificateNo).toContain('不在公示名单中');
  });

  it('is not served as part of the site', async () => {
    expect(existsSync(join(outDir, DIRECTORY_FILE))).toBe(true);
    const response = await serveStatic(outDir, new Request(`http://localhost/${DIRECTORY_FILE}`));
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain('gongshi-directory');
    expect((await serveStatic(outDir, new Request('http://localhost/_functions/'))).status).toBe(404);
    expect(readFileSync(join(outDir, '_redirects'), 'utf8')).toMatch(/^\/_functions\/\*\s+\/404\.html\s+404!$/m);
  });

  it('routes a newly added number once a new build is swapped in, and keeps the old one when the new file is broken', async () => {
    const newNo = 'RQCG-2026-7777';
    expect((await submit(app!, { certificateNo: newNo })).status).toBe(422);
    // The next build: the same site plus one auxiliary, written to a fresh folder and swapped in by renaming.
    const current = await readDirectoryFile(directoryFilePath(outDir));
    const site = await loadSite(join(root, 'content'));
    const next = join(work, 'dist-next');
    mkdirSync(next);
    const added = { certificateNo: newNo, name: '新同事', agencyId: 'renqiu-scjg', status: 'active' as const };
    await writeDirectoryFile({ ...site, roster: { ...site.roster, auxiliaries: [...site.roster.auxiliaries, added] } }, next);
    renameSync(outDir, join(work, 'dist-old'));
    renameSync(next, outDir);
    const response = await submit(app!, { certificateNo: newNo });
    expect(response.status).toBe(201);
    const rows = await app!.world.store.query<{ agency_id: string; target: string }>('SELECT agency_id, target FROM complaints');
    const routed = rows.find((r) => r.target.includes(newNo))!;
    expect(routed.agency_id).toBe('renqiu-scjg');
    expect(app!.world.directory.builtAt).not.toBe(current.builtAt);
    expect(lines.some((l) => l.includes('已载入新的目录文件'))).toBe(true);

    // A build of another version swapped in: refused with its name in the log, the directory in use kept.
    const path = directoryFilePath(outDir);
    const text = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    writeFileSync(`${path}.tmp`, JSON.stringify({ ...text, version: DIRECTORY_VERSION + 1 }));
    renameSync(`${path}.tmp`, path);
    expect((await submit(app!, { certificateNo: newNo })).status).toBe(201);
    expect(
      lines.some(
        (l) =>
          l.includes(path) &&
          l.includes(`格式版本是 ${DIRECTORY_VERSION + 1}`) &&
          l.includes('npm run build') &&
          l.includes(`继续使用构建于 ${app!.world.directory.builtAt}`),
      ),
    ).toBe(true);
  });

  it('reloads on request (the hook a deploy step calls after a swap) even when it would not look yet', async () => {
    const site = await loadSite(join(root, 'content'));
    await writeDirectoryFile(site, outDir);
    const slow = await createApp(settingsFor(work, outDir), { log: () => undefined, directoryCheckMs: 3_600_000 });
    try {
      const added = { certificateNo: 'RQCG-2026-8888', name: '又一位', agencyId: 'renqiu-cgj', status: 'active' as const };
      await writeDirectoryFile({ ...site, roster: { ...site.roster, auxiliaries: [...site.roster.auxiliaries, added] } }, outDir);
      expect(slow.world.directory.auxiliary('RQCG-2026-8888')).toBeUndefined();
      await slow.reloadDirectory();
      expect(slow.world.directory.auxiliary('RQCG-2026-8888')?.agencyId).toBe('renqiu-cgj');
    } finally {
      await slow.close();
    }
  });
});

describe('a build swapped in as `npm run build` does it (the output folder is a link renamed to the new build)', () => {
  it('follows the link to the new build at the next request', async () => {
    const work = tempDir('gongshi-dir-link-');
    const site = await loadSite(join(root, 'content'));
    await writeDirectoryFile(site, join(work, 'dist.build-1'));
    symlinkSync('dist.build-1', join(work, 'dist'), 'dir');
    const app = await createApp(settingsFor(work, join(work, 'dist')), { log: () => undefined, directoryCheckMs: 0 });
    try {
      const added = { certificateNo: 'RQCG-2026-9999', name: '第三位', agencyId: 'renqiu-jtzf', status: 'active' as const };
      expect((await submit(app, { certificateNo: added.certificateNo })).status).toBe(422);
      await writeDirectoryFile({ ...site, roster: { ...site.roster, auxiliaries: [...site.roster.auxiliaries, added] } }, join(work, 'dist.build-2'));
      symlinkSync('dist.build-2', join(work, 'dist.link-2'), 'dir');
      renameSync(join(work, 'dist.link-2'), join(work, 'dist'));
      expect((await submit(app, { certificateNo: added.certificateNo })).status).toBe(201);
      const [row] = await app.world.store.query<{ agency_id: string }>('SELECT agency_id FROM complaints');
      expect(row!.agency_id).toBe('renqiu-jtzf');
    } finally {
      await app.close();
      rmSync(work, { recursive: true, force: true });
    }
  });
});

describe('a directory file the functions cannot use', () => {
  it('refuses to start on a missing or wrong-version file, naming the file and the command that builds it', async () => {
    const work = tempDir('gongshi-dir-bad-');
    const outDir = join(work, 'dist');
    const path = directoryFilePath(outDir);
    await expect(createApp(settingsFor(work, outDir))).rejects.toThrow(new RegExp(`${path.replaceAll('/', '\\/')}[\\s\\S]*不存在[\\s\\S]*npm run build`));
    const site = await loadSite(join(root, 'content'));
    await writeDirectoryFile(site, outDir);
    const file = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    writeFileSync(path, JSON.stringify({ ...file, version: DIRECTORY_VERSION + 1 }));
    const error = await createApp(settingsFor(work, outDir)).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.name).toBe('DirectoryFileError');
    expect(error?.message).toContain(path);
    expect(error?.message).toMatch(new RegExp(`格式版本是 ${DIRECTORY_VERSION + 1}[\\s\\S]*只读版本 ${DIRECTORY_VERSION}`));
    expect(error?.message).toContain('npm run build');
    writeFileSync(path, `{"format":"gongshi-directory","version":${DIRECTORY_VERSION},"agencies":`);
    await expect(createApp(settingsFor(work, outDir))).rejects.toThrow(/不是有效的 JSON/);
    // The store was never opened for a start that was refused.
    expect(existsSync(join(work, 'var', 'gongshi.sqlite'))).toBe(false);
    rmSync(work, { recursive: true, force: true });
  });
});

// The lookup key the file stores is the one the form's checks compute.
it('stores certificateLookupKey of each number', async () => {
  const site = await loadSite(join(root, 'content'));
  const file = directoryFileOf({ agencies: site.registry.agencies, regulations: site.regulations, auxiliaries: site.roster.auxiliaries });
  for (const [i, no] of file.certificates.numbers.entries()) expect(file.certificates.keys[i]).toBe(certificateLookupKey(no));
});

// A Netlify function instance has only what included_files ships: the directory file must be among it.
it('the Netlify config ships the directory file with the functions', async () => {
  const { matchesGlob } = await import('node:path');
  const toml = readFileSync(join(root, 'functions/platform/netlify/netlify.toml.example'), 'utf8');
  const included = JSON.parse(/^\s*included_files\s*=\s*(\[.*\])\s*$/m.exec(toml)![1]!) as string[];
  expect(included.some((glob) => matchesGlob(`dist/${DIRECTORY_FILE}`, glob))).toBe(true);
  // …and no roster: a cold instance must not depend on them.
  expect(included.some((glob) => matchesGlob('content/rosters/renqiu/renqiu-cgj-2026-11-01.csv', glob))).toBe(false);
});
