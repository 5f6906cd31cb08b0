import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import type { PublicAuxiliary } from '../build/portal/public-view.ts';
import type { Site } from '../import/site.ts';

/**
 * Where an auxiliary's photo is on disk. `photo` is relative to the folder of the roster it came from; the
 * roster import checked that it exists there, so the first roster folder of the agency that has it is the one.
 */
export function photoSource(site: Site, aux: Pick<PublicAuxiliary, 'photo' | 'agencyId'>): string | undefined {
  if (!aux.photo) return undefined;
  for (const file of site.roster.files) {
    if (!file.agencyIds.includes(aux.agencyId)) continue;
    const folder = dirname(isAbsolute(file.file) ? file.file : join(site.contentDir, file.file));
    const candidate = join(folder, aux.photo);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}
