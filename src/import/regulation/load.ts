import { readYamlFile } from '../yaml-file.ts';
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import type { z } from 'zod';
import { join } from 'node:path';
import { ContentError } from '../../core/friendly-errors.ts';
import { contentErrors } from '../../core/content-errors.ts';
import { messageOf } from '../../core/error-data.ts';
import { formatIssue, issuePath } from '../../core/issues.ts';
import {
  readingsTableSchema,
  regulationListNames,
  regulationSchema,
  type Provision,
  type ReadingRow,
  type Regulation,
  type RegulationListName,
} from '../../core/regulation/schema.ts';
import { provisionsOf } from '../../core/regulation/provisions.ts';

export { provisionById, provisionsOf } from '../../core/regulation/provisions.ts';

/** The reviewed table of plain-language readings, beside the regulations (not a regulation itself). */
export const READINGS_FILE = 'readings.yaml';

/** Lists a complaint about the auxiliary may cite; one about the agency cites agencyDuties only. */
const AUXILIARY_CATEGORY_LISTS: readonly RegulationListName[] = ['noEnforcementPower', 'forbiddenDuties', 'prohibitedConduct', 'auxiliaryDuties'];

/**
 * Reads every `regulations/*.yaml` (the file name, without extension, must equal the regulation's id) and joins
 * each provision with its reading from `regulations/readings.yaml`. A reading whose article and exact text match
 * no provision is an error: when a quote changes, its reading must be reviewed again.
 */
export async function loadRegulations(contentDir: string): Promise<Map<string, Regulation>> {
  const dir = join(contentDir, 'regulations');
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.yaml') && n !== READINGS_FILE).sort();
  } catch (error) {
    throw new ContentError(dir, [messageOf(contentErrors.RegulationsDirUnreadable, (error as Error).message)]);
  }
  const regulations = new Map<string, Regulation>();
  for (const name of names) {
    const path = join(dir, name);
    const data = await readYamlFile(path);
    const parsed = regulationSchema.safeParse(data);
    if (!parsed.success) throw new ContentError(path, parsed.error.issues.map(describeIssue));
    const regulation = parsed.data as Regulation;
    const expected = name.replace(/\.yaml$/, '');
    if (regulation.id !== expected) throw new ContentError(path, [messageOf(contentErrors.RegulationIdMismatch, regulation.id, expected)]);
    const problems = checkReferences(regulation);
    if (problems.length) throw new ContentError(path, problems);
    regulations.set(regulation.id, regulation);
  }
  await attachReadings(join(dir, READINGS_FILE), regulations);
  return regulations;
}

/** Unique ids; categories and status articles name provisions of the right lists. */
function checkReferences(regulation: Regulation): string[] {
  const problems: string[] = [];
  const listOf = new Map<string, RegulationListName>();
  for (const list of regulationListNames) {
    regulation[list].forEach((p, i) => {
      if (listOf.has(p.id)) problems.push(messageOf(contentErrors.DuplicateProvisionId, `${list}.${i}.id`, p.id));
      else listOf.set(p.id, list);
    });
  }
  const refer = (where: string, id: string, allowed: readonly RegulationListName[]) => {
    const list = listOf.get(id);
    if (!list) problems.push(messageOf(contentErrors.UnknownProvision, where, id));
    else if (!allowed.includes(list)) problems.push(messageOf(contentErrors.ProvisionInWrongList, where, id, list, allowed));
  };
  regulation.complaintCategories.auxiliary.forEach((id, i) => refer(`complaintCategories.auxiliary.${i}`, id, AUXILIARY_CATEGORY_LISTS));
  regulation.complaintCategories.agency.forEach((id, i) => refer(`complaintCategories.agency.${i}`, id, ['agencyDuties']));
  const all = [...regulationListNames];
  for (const list of regulationListNames) {
    regulation[list].forEach((p, i) => p.seeAlso?.forEach((id, j) => refer(`${list}.${i}.seeAlso.${j}`, id, all)));
  }
  for (const [key, id] of Object.entries(regulation.statusArticles)) if (id) refer(`statusArticles.${key}`, id, all);
  return problems;
}

async function attachReadings(path: string, regulations: ReadonlyMap<string, Regulation>): Promise<void> {
  // Without a table no reading is shown: the verbatim text stands alone.
  if (!existsSync(path)) return;
  const parsed = readingsTableSchema.safeParse(await readYamlFile(path));
  if (!parsed.success)
    throw new ContentError(
      path,
      parsed.error.issues.map((issue) => formatIssue(issue)),
    );
  const problems: string[] = [];
  const seen = new Set<Provision>();
  parsed.data.forEach((row, i) => {
    const where = `第 ${i + 1} 行（${row.regulation} ${row.article}）`;
    const regulation = regulations.get(row.regulation);
    if (!regulation) return problems.push(messageOf(contentErrors.ReadingUnknownRegulation, where, row.regulation));
    const matches = provisionsOf(regulation).filter((p) => p.article === row.article && p.text === row.text);
    if (matches.length === 0) {
      return problems.push(messageOf(contentErrors.ReadingMatchesNoProvision, where));
    }
    for (const p of matches) {
      if (seen.has(p)) problems.push(messageOf(contentErrors.ReadingTwice, where));
      seen.add(p);
      p.reading = row.reading;
    }
  });
  if (problems.length) throw new ContentError(path, problems);
}

/** Reads the readings table alone (for the test that every reading shown comes from it). */
export async function loadReadingsTable(contentDir: string): Promise<ReadingRow[]> {
  const path = join(contentDir, 'regulations', READINGS_FILE);
  const parsed = readingsTableSchema.safeParse(await readYamlFile(path));
  if (!parsed.success)
    throw new ContentError(
      path,
      parsed.error.issues.map((issue) => formatIssue(issue)),
    );
  return parsed.data;
}

/** A `deadlines` key left over from when deadlines lived here: say where it went. */
function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys' && issue.keys.includes('deadlines')) {
    return messageOf(contentErrors.DeadlinesMoved, issuePath(issue));
  }
  return formatIssue(issue);
}
