import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { DIRECTORY_FILE, directoryFileOf, directoryFileSchema } from '../../core/directory.ts';
import type { Site } from '../../import/site.ts';

/**
 * Writes the directory file of a loaded site under the output folder: the agencies, the regulations' categories
 * and deadlines, the holidays and every published certificate's lookup key, number, name and agency — nothing
 * else of the roster. Written to a temporary name and renamed, so a reader never sees half a file.
 */
export async function writeDirectoryFile(site: Pick<Site, 'registry' | 'regulations' | 'roster' | 'holidays'>, outDir: string, builtAt = new Date()): Promise<string> {
  const file = directoryFileSchema.parse(
    directoryFileOf({ agencies: site.registry.agencies, regulations: site.regulations, auxiliaries: site.roster.auxiliaries, holidays: site.holidays, builtAt }),
  );
  const path = join(outDir, DIRECTORY_FILE);
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, JSON.stringify(file));
  await rename(temporary, path);
  return path;
}
