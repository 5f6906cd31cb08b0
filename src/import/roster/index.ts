import type { Dirent } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { mappingPathFor } from './mapping.ts';
import type { RosterSource } from './types.ts';
import { withHint } from '../../core/error-data.ts';
import { rosterErrors } from './errors.ts';

export { importRosters, asOfFromFileName, fileNameDate, AS_OF_MAX_DAYS_AHEAD, type ImportOptions } from './import.ts';
export type { RosterSource, RosterFileReport, RosterResult, RosterLocation } from './types.ts';
export { formatProblem, placed, problemTexts, RosterImportError, type RosterPlace, type RosterProblem } from './problems.ts';
export { rosterMappingSchema, type RosterMapping } from './mapping.ts';
export type { Auxiliary } from '../../core/roster/schema.ts';

/** Roster exports: CSV and workbooks (XLSX, Excel 97-2003 .xls, WPS .et). */
const ROSTER_FILE = /\.(csv|xlsx|xls|et)$/i;

/** Every roster export under `<contentDir>/rosters/`, sorted, absolute. Skips Excel lock files (`~$…`) and hidden files. */
export function findRosterFiles(contentDir: string): Promise<string[]> {
  return findRosterFilesIn(join(contentDir, 'rosters'));
}

/** Every roster export under a folder (recursively), sorted, absolute; none when the folder does not exist. */
export async function findRosterFilesIn(root: string): Promise<string[]> {
  let entries: Dirent[];
  try {
    entries = await readdir(root, { recursive: true, withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return entries
    .filter((e) => e.isFile() && ROSTER_FILE.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .filter(
      (path) =>
        !relative(root, path)
          .split(sep)
          .some((part) => part.startsWith('.') || part.startsWith('~$')),
    )
    .sort();
}

/** Reads each roster's bytes, its mapping file if any, and the file names next to it (for photos). The only I/O. */
export async function readRosterSources(paths: readonly string[], contentDir: string): Promise<RosterSource[]> {
  const listings = new Map<string, Promise<ReadonlySet<string>>>();
  return mapLimited(paths, READ_CONCURRENCY, async (path) => {
    const file = displayPath(path, contentDir);
    let source: RosterSource;
    try {
      source = { file, bytes: new Uint8Array(await readFile(path)) };
    } catch (error) {
      return {
        file,
        bytes: new Uint8Array(),
        readError: withHint(rosterErrors.FileUnreadable, (error as NodeJS.ErrnoException).code ?? (error as Error).message),
      };
    }
    const mappingPath = mappingPathFor(path);
    let mappingText: string | undefined;
    try {
      mappingText = await readFile(mappingPath, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        source.mappingFile = displayPath(mappingPath, contentDir);
        source.mappingError = withHint(rosterErrors.MappingUnreadable, (error as Error).message);
      }
    }
    if (mappingText !== undefined) {
      source.mappingFile = displayPath(mappingPath, contentDir);
      try {
        source.mapping = parseYaml(mappingText) ?? {};
      } catch (error) {
        source.mappingError = withHint(rosterErrors.MappingNotYaml, (error as Error).message);
      }
    }
    const folder = dirname(path);
    let listing = listings.get(folder);
    if (!listing) {
      listing = listFiles(folder);
      listings.set(folder, listing);
      source.strayMappingFiles = strayMappings(await listing).map((name) => displayPath(join(folder, name), contentDir));
    }
    source.existingFiles = await listing;
    return source;
  });
}

/** A province has hundreds of roster files; reading them all at once could run out of file descriptors. */
const READ_CONCURRENCY = 16;

async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** `*.mapping.yaml` directly in the folder with no roster of the same name next to it. */
function strayMappings(files: ReadonlySet<string>): string[] {
  const stray: string[] = [];
  for (const name of files) {
    if (name.includes('/') || !name.endsWith('.mapping.yaml')) continue;
    const base = name.slice(0, -'.mapping.yaml'.length);
    if (!['csv', 'xlsx', 'xls', 'et', 'CSV', 'XLSX', 'XLS', 'ET'].some((ext) => files.has(`${base}.${ext}`))) stray.push(name);
  }
  return stray.sort();
}

async function listFiles(folder: string): Promise<ReadonlySet<string>> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return new Set(entries.filter((e) => e.isFile()).map((e) => relative(folder, join(e.parentPath, e.name)).split(sep).join('/')));
}

/** Relative to the content folder when inside it, else the path as given. */
function displayPath(path: string, contentDir: string): string {
  const rel = relative(contentDir, path);
  return rel.startsWith('..') || rel === '' ? path : rel.split(sep).join('/');
}
