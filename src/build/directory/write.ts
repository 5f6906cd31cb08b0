import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { DIRECTORY_FILE, directoryFileOf, directoryFileSchema } from '../../core/directory.ts';
import { NAME_WITHHELD } from '../../core/labels.ts';
import type { Site } from '../../import/site.ts';
import { chinaToday, nameWithheld } from '../portal/public-view.ts';

/**
 * Writes the directory file of a loaded site under the output folder: the agencies, the regulations' categories
 * and deadlines, the holidays and every published certificate's lookup key, number, name and agency, for those
 * not 在岗 their status and its date, for those 在岗 their 有效期至, and their posts where policy.yaml publishes
 * posts (what their verify pages show; directoryFileOf) — nothing else of the roster — and which workspace versions
 * the site was built from. Written to a temporary name and renamed, so a reader never sees half a file.
 */
export async function writeDirectoryFile(
  site: Pick<Site, 'registry' | 'regulations' | 'roster' | 'holidays' | 'policy'> & Partial<Pick<Site, 'workspaceVersions'>>,
  outDir: string,
  builtAt = new Date(),
): Promise<string> {
  // Past the retention period a name is shown nowhere, not even in the file behind the functions.
  const years = site.policy.retention.leaversYears;
  const today = chinaToday(builtAt);
  const auxiliaries = site.roster.auxiliaries.map((aux) => (nameWithheld(aux, years, today) ? { ...aux, name: NAME_WITHHELD } : aux));
  const file = directoryFileSchema.parse(
    directoryFileOf({
      agencies: site.registry.agencies,
      regulations: site.regulations,
      auxiliaries,
      holidays: site.holidays,
      policy: site.policy,
      rosterDates: site.roster.asOfByAgency,
      builtAt,
      ...(site.workspaceVersions ? { workspaceVersions: site.workspaceVersions } : {}),
    }),
  );
  const path = join(outDir, DIRECTORY_FILE);
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, JSON.stringify(file));
  await rename(temporary, path);
  return path;
}
