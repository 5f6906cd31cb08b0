import { spawnSync } from 'node:child_process';
import { copyFile, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRegistry } from '../../src/import/registry/load.ts';
import { loadRegulations } from '../../src/import/regulation/load.ts';
import { findRosterFiles, importRosters, readRosterSources } from '../../src/import/roster/index.ts';
import { statusValues } from '../../src/core/roster/schema.ts';
import { loadSite, type Site } from '../../src/import/site.ts';
import { readSamplePrivateValues, type SamplePrivateValues } from '../../scripts/sample/private-values.ts';
import { writeProvince } from '../../scripts/sample/province.ts';
import { writeSample } from '../../scripts/sample/sample.ts';

const CONTENT = 'content';
const temps: string[] = [];

async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

/** Every file under `dir`, as relative path → bytes. */
async function filesUnder(dir: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files.set(relative(dir, path), await readFile(path));
  }
  return files;
}

async function sampleInto(seed?: number): Promise<string> {
  const dir = await tempDir('sample-');
  await copyFile(join(CONTENT, 'agencies.yaml'), join(dir, 'agencies.yaml'));
  await writeSample(dir, seed);
  return join(dir, 'rosters');
}

/** What the generator meant each sample row to say (regenerated into a scratch folder). */
async function intendedRecords(): Promise<Record<string, string>[]> {
  const dir = await tempDir('sample-');
  await copyFile(join(CONTENT, 'agencies.yaml'), join(dir, 'agencies.yaml'));
  return (await writeSample(dir)).published;
}

afterAll(async () => {
  for (const dir of temps) await rm(dir, { recursive: true, force: true });
});

describe('the sample generator', () => {
  it('writes byte-identical files for the same seed, and they are the committed sample', async () => {
    const first = await filesUnder(await sampleInto());
    const second = await filesUnder(await sampleInto());
    const committed = await filesUnder(join(CONTENT, 'rosters'));
    expect([...first.keys()].sort()).toEqual([...committed.keys()].sort());
    expect([...first.keys()].some((f) => f.endsWith('.xlsx'))).toBe(true);
    for (const [file, bytes] of first) {
      expect(bytes.equals(second.get(file)!), `${file} differs between two runs`).toBe(true);
      expect(bytes.equals(committed.get(file)!), `${file} differs from the committed sample: run npm run sample`).toBe(true);
    }
  });

  it('writes a different roster for another seed', async () => {
    const other = await filesUnder(await sampleInto(7));
    const committed = await filesUnder(join(CONTENT, 'rosters'));
    const file = 'luan/luan-sthj-2026-11-01.csv';
    expect(other.get(file)!.equals(committed.get(file)!)).toBe(false);
  });
});

describe('the committed sample', () => {
  let site: Site;
  let privateValues: SamplePrivateValues;
  beforeAll(async () => {
    site = await loadSite(CONTENT);
    privateValues = await readSamplePrivateValues(CONTENT);
  });

  it('loads as a whole site with about 1,000 auxiliaries in every status', () => {
    const { auxiliaries } = site.roster;
    expect(auxiliaries).toHaveLength(1000);
    const byStatus = new Map(statusValues.map((s) => [s, auxiliaries.filter((a) => a.status === s).length]));
    for (const [status, count] of byStatus) expect(count, status).toBeGreaterThan(0);
    expect(byStatus.get('active')! / auxiliaries.length).toBeGreaterThan(0.7);
    // Two of the exports have no 状态日期 column, as some agencies' exports do not.
    const changed = auxiliaries.filter((x) => x.status !== 'active');
    expect(changed.filter((a) => a.statusSince).length / changed.length).toBeGreaterThan(0.8);
  });

  it('imports every row back to what the generator meant, whatever the export style', async () => {
    const intended = await intendedRecords();
    const imported = new Map(site.roster.auxiliaries.map((a) => [a.certificateNo, a]));
    expect(intended).toHaveLength(imported.size);
    for (const record of intended) expect(imported.get(record.certificateNo!), record.certificateNo).toEqual(record);
  });

  it('spreads the staff over the enforcement agencies of both jurisdictions', () => {
    const agencies = new Set(site.roster.auxiliaries.map((a) => a.agencyId));
    expect(agencies.size).toBe(16);
    const regulations = new Set([...agencies].map((id) => site.registry.byId.get(id)!.regulation));
    expect(regulations).toEqual(new Set(['hebei-2021', 'luan-draft']));
    for (const id of agencies) expect(site.registry.byId.get(id)!.name, id).not.toMatch(/人民政府|司法局$/);
  });

  it('has unique ASCII certificate numbers with a prefix per agency', () => {
    const numbers = site.roster.auxiliaries.map((a) => a.certificateNo);
    expect(new Set(numbers).size).toBe(numbers.length);
    for (const n of numbers) expect(n).toMatch(/^(RQ[A-Z]{2}-20\d\d-\d{4}|LA[A-Z]*-[A-Z]{2}-\d{5})$/);
    const prefixOf = (n: string) => n.replace(/-(20\d\d-)?\d+$/, '');
    const agencyOfPrefix = new Map<string, string>();
    for (const a of site.roster.auxiliaries) {
      const prefix = prefixOf(a.certificateNo);
      expect(agencyOfPrefix.get(prefix) ?? a.agencyId, prefix).toBe(a.agencyId);
      agencyOfPrefix.set(prefix, a.agencyId);
    }
  });

  it('has both ways of employment, a dispatch company, posts and certificate dates', () => {
    const { auxiliaries } = site.roster;
    const dispatched = auxiliaries.filter((a) => a.employment === 'dispatch');
    expect(dispatched.length).toBeGreaterThan(100);
    expect(auxiliaries.filter((a) => a.employment === 'direct').length).toBeGreaterThan(100);
    for (const a of dispatched) expect(a.dispatcher, a.certificateNo).toMatch(/示例.*有限公司$/);
    for (const a of auxiliaries) {
      expect(a.post, a.certificateNo).toBeTruthy();
      expect(a.issuedOn! < a.validUntil!, a.certificateNo).toBe(true);
    }
  });

  it('has realistic names: two-character surnames and minority names with ·', () => {
    const names = site.roster.auxiliaries.map((a) => a.name);
    expect(names.some((n) => /^(欧阳|司马|上官|诸葛|东方|慕容)/.test(n))).toBe(true);
    expect(names.some((n) => /^\p{Script=Han}+·\p{Script=Han}+$/u.test(n))).toBe(true);
    for (const n of names) expect(n).toMatch(/^[\p{Script=Han}·]{2,12}$/u);
  });

  it('comes in every export style: GB18030, UTF-8 with and without BOM, XLSX; a mapping file for the odd ones', () => {
    const encodings = new Set(site.roster.files.map((f) => f.encoding));
    expect(encodings).toEqual(new Set(['GB18030', 'UTF-8', 'UTF-8 (BOM)', 'XLSX']));
    for (const f of site.roster.files) {
      expect(f.asOf, f.file).toBe('2026-11-01');
      expect(f.file).toMatch(/^rosters\/[a-z-]+\/[a-z-]+-2026-11-01\.(csv|xlsx)$/);
    }
  });

  it('writes dates in all three styles', async () => {
    const texts = (await findRosterFiles(CONTENT))
      .filter((f) => f.endsWith('.csv'))
      .map(async (f) => {
        const bytes = await readFile(f);
        try {
          return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
        } catch {
          return new TextDecoder('gb18030').decode(bytes);
        }
      });
    const all = (await Promise.all(texts)).join('\n');
    expect(all).toMatch(/,20\d\d-\d\d-\d\d,/);
    expect(all).toMatch(/,20\d\d\/\d{1,2}\/\d{1,2},/);
    expect(all).toMatch(/,20\d\d年\d{1,2}月\d{1,2}日,/);
  });

  it('carries private columns that the import drops and reports', () => {
    expect(privateValues.droppedHeaders).toEqual(['住址', '出生日期', '联系电话', '身份证号']);
    expect(privateValues.idNumbers.length).toBeGreaterThan(500);
    expect(privateValues.phones.length).toBeGreaterThan(500);
    expect(privateValues.addresses.length).toBeGreaterThan(100);
    const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    for (const id of privateValues.idNumbers) {
      expect(id).toMatch(/^\d{17}[\dX]$/);
      const sum = [...id.slice(0, 17)].reduce((acc, ch, i) => acc + Number(ch) * weights[i]!, 0);
      expect(id[17]).toBe('10X98765432'[sum % 11]);
    }
    for (const phone of privateValues.phones) expect(phone).toMatch(/^1[3-9]\d{9}$/);
    const dropped = new Set(site.roster.files.flatMap((f) => f.droppedColumns));
    for (const header of privateValues.droppedHeaders) expect(dropped.has(header), header).toBe(true);
  });

  it('keeps no private value in any published record', () => {
    const published = JSON.stringify(site.roster.auxiliaries);
    for (const value of [...privateValues.idNumbers, ...privateValues.phones, ...privateValues.addresses]) {
      expect(published.includes(value), value).toBe(false);
    }
  });

  it('has a few small photos, each referenced by one auxiliary', async () => {
    const withPhoto = site.roster.auxiliaries.filter((a) => a.photo);
    expect(withPhoto).toHaveLength(5);
    for (const a of withPhoto) {
      const bytes = await readFile(join(CONTENT, 'rosters', 'renqiu', a.photo!));
      expect(bytes.length, a.photo).toBeLessThan(2048);
      const png = PNG.sync.read(bytes);
      expect([png.width, png.height]).toEqual([60, 80]);
      expect(a.photo).toBe(`photos/${a.certificateNo}.png`);
    }
  });
});

describe('province mode', () => {
  it('writes a province that loads: scaled registry, regulations, bulk CSV plus GB18030 and XLSX', async () => {
    const dir = await tempDir('province-');
    await writeProvince(dir, { auxiliaries: 60_000 });
    const regulations = await loadRegulations(dir);
    expect([...regulations.keys()].sort()).toEqual(['hebei-2021', 'luan-draft']);
    const registry = await loadRegistry(dir, new Set(regulations.keys()));
    expect(registry.agencies.length).toBeGreaterThan(26);
    const result = await importRosters(await readRosterSources(await findRosterFiles(dir), dir), registry);
    expect(result.problems).toEqual([]);
    expect(result.auxiliaries).toHaveLength(60_000);
    expect(new Set(result.files.map((f) => f.encoding))).toEqual(new Set(['GB18030', 'UTF-8', 'XLSX']));
    const perAgency = new Map<string, number>();
    for (const a of result.auxiliaries) perAgency.set(a.agencyId, (perAgency.get(a.agencyId) ?? 0) + 1);
    for (const [id, count] of perAgency) {
      expect(count, id).toBeGreaterThanOrEqual(1000);
      expect(count, id).toBeLessThanOrEqual(5000);
    }
  });

  it('is deterministic and runs from the command line', async () => {
    const [a, b] = [await tempDir('province-a-'), await tempDir('province-b-')];
    for (const dir of [a, b]) {
      const run = spawnSync(process.execPath, ['scripts/generate-sample.ts', '--province', '3000', '--out', dir, '--seed', '42'], { encoding: 'utf8' });
      expect(run.status, run.stderr).toBe(0);
      expect(run.stdout).toContain('3000');
    }
    const [first, second] = [await filesUnder(a), await filesUnder(b)];
    expect(first.size).toBeGreaterThan(10);
    for (const [file, bytes] of first) expect(bytes.equals(second.get(file)!), file).toBe(true);
  });

  it('refuses bad arguments with a Chinese message', () => {
    const run = spawnSync(process.execPath, ['scripts/generate-sample.ts', '--province', 'many'], { encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--province 应为正整数：many');
  });
});
