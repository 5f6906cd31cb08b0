import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { checkRegistry, type Registry } from '../../src/import/registry/load.ts';
import { findRosterFiles, importRosters, readRosterSources, type RosterResult } from '../../src/import/roster/index.ts';

export const AGENCIES = [
  {
    id: 'rq-gov',
    name: '任丘市人民政府',
    region: '河北省沧州市任丘市',
    regulation: 'hebei-2021',
    complaints: { email: 'gov@rq.example.org' },
  },
  {
    id: 'rq-cgj',
    name: '任丘市城市管理综合行政执法局',
    region: '河北省沧州市任丘市',
    regulation: 'hebei-2021',
    parent: 'rq-gov',
    complaints: { email: 'cgj@rq.example.org' },
  },
  {
    id: 'rq-scjg',
    name: '任丘市市场监督管理局',
    region: '河北省沧州市任丘市',
    regulation: 'hebei-2021',
    parent: 'rq-gov',
    complaints: { email: 'scjg@rq.example.org' },
  },
];

export function testRegistry(): Registry {
  return checkRegistry(AGENCIES, new Set(['hebei-2021']));
}

/** A fresh content folder in the temp dir; `files` are written under it (paths relative to it). */
export async function contentDir(files: Record<string, string | Uint8Array> = {}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'gongshi-roster-test-'));
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
  }
  return dir;
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/** Writes the files into a fresh content folder and imports all of its rosters, as loadSite does. */
export async function importFiles(files: Record<string, string | Uint8Array>, registry = testRegistry()): Promise<RosterResult> {
  const dir = await contentDir(files);
  try {
    return await importRosters(await readRosterSources(await findRosterFiles(dir), dir), registry);
  } finally {
    await removeDir(dir);
  }
}

/** CSV text from rows (cells quoted when needed), CRLF like Excel writes it. */
export function csv(rows: readonly (readonly string[])[]): string {
  return `${rows.map((r) => r.map((c) => (/[",\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',')).join('\r\n')}\r\n`;
}

export const HEADER = ['姓名', '单位', '证件编号', '岗位', '状态'];
