import { join } from 'node:path';
import { buildDirectory, type Directory } from '../../src/core/directory.ts';
import { checkRegistry } from '../../src/import/registry/load.ts';
import { loadRegulations } from '../../src/import/regulation/load.ts';
import { type testAgencies, testAuxiliaries } from '../complaints/support.ts';

/** Registries that change under the handling loop: an agency merged away, a later build without it. */
export type AgencyInput = (typeof testAgencies)[number] & { parent?: string; oversight?: string };

const regulations = await loadRegulations(join(import.meta.dirname, '../../content'));

/** The directory a build of these agencies gives (the test auxiliaries of the agencies still in it). */
export const directoryOf = (agencies: readonly AgencyInput[]): Directory =>
  buildDirectory({
    agencies: checkRegistry([...agencies], new Set(regulations.keys())).agencies,
    regulations,
    auxiliaries: testAuxiliaries.filter((a) => agencies.some((g) => g.id === a.agencyId)),
  });

/** The registry as a later build has it: `gone` removed, and every reference to it with it. */
export const without = (agencies: readonly AgencyInput[], gone: string): AgencyInput[] =>
  agencies
    .filter((a) => a.id !== gone)
    .map((a) => {
      const { parent, oversight, ...rest } = a;
      return { ...rest, ...(parent && parent !== gone ? { parent } : {}), ...(oversight && oversight !== gone ? { oversight } : {}) };
    });
