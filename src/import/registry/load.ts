import { readYamlFile } from '../yaml-file.ts';
import { issueMessage } from '../../core/issues.ts';
import { join } from 'node:path';
import type { z } from 'zod';
import { ContentError } from '../../core/friendly-errors.ts';
import { contentErrors } from '../../core/content-errors.ts';
import { messageOf } from '../../core/error-data.ts';
import { agencyListSchema, agencySchema, type Agency } from '../../core/registry/schema.ts';

/** The agency registry, indexed; built only through checkRegistry so every reference in it resolves. */
export interface Registry {
  agencies: readonly Agency[];
  byId: ReadonlyMap<string, Agency>;
  /** Exact name (trimmed, spaces dropped) → agency, for matching roster 单位 columns. */
  byName: ReadonlyMap<string, Agency>;
}

export function agencyNameKey(name: string): string {
  return name.normalize('NFKC').replace(/\s+/g, '');
}

/**
 * Validates the parsed registry: schema, unique ids and names, parent/oversight exist, no parent cycles,
 * regulation known. Collects every problem before failing.
 */
export function checkRegistry(input: unknown, knownRegulations: ReadonlySet<string>, where = 'agencies.yaml'): Registry {
  const parsed = agencyListSchema.safeParse(input);
  if (!parsed.success)
    throw new ContentError(
      where,
      parsed.error.issues.map((issue) => describeIssue(issue, input)),
    );
  const agencies = parsed.data;
  const problems: string[] = [];
  const byId = new Map<string, Agency>();
  const byName = new Map<string, Agency>();
  agencies.forEach((agency, index) => {
    const at = `第 ${index + 1} 项（id: ${agency.id}）`;
    const key = agencyNameKey(agency.name);
    const same = byName.get(key);
    if (byId.has(agency.id)) problems.push(messageOf(contentErrors.DuplicateAgencyId, at, agency.id));
    else if (same) problems.push(messageOf(contentErrors.DuplicateAgencyName, at, agency.name, same.id));
    if (!byId.has(agency.id)) byId.set(agency.id, agency);
    if (!same) byName.set(key, agency);
    if (!knownRegulations.has(agency.regulation)) {
      problems.push(messageOf(contentErrors.UnknownRegulation, at, agency.regulation, [...knownRegulations]));
    }
  });
  agencies.forEach((agency, index) => {
    const at = `第 ${index + 1} 项（id: ${agency.id}）`;
    for (const field of ['parent', 'oversight'] as const) {
      const ref = agency[field];
      if (ref === undefined) continue;
      if (ref === agency.id) problems.push(messageOf(contentErrors.SelfReference, at, field));
      else if (!byId.has(ref)) problems.push(messageOf(contentErrors.MissingReference, at, field, ref));
    }
  });
  for (const cycle of findCycles(agencies, 'parent')) problems.push(messageOf(contentErrors.ParentCycle, cycle));
  for (const cycle of findCycles(agencies, 'oversight')) problems.push(messageOf(contentErrors.OversightCycle, cycle));
  if (problems.length) throw new ContentError(where, problems);
  return { agencies, byId, byName };
}

/** A schema problem as `第 3 项（id: x）的 complaints.email：…`, counting entries from 1 as a clerk would. */
function describeIssue(issue: z.core.$ZodIssue, input: unknown): string {
  const [index, ...rest] = issue.path;
  if (typeof index !== 'number') return issue.message;
  const entry = Array.isArray(input) ? (input[index] as { id?: unknown } | null) : undefined;
  const id = entry && typeof entry === 'object' && typeof entry.id === 'string' ? `（id: ${entry.id}）` : '';
  const field = rest.length ? `的 ${rest.map(String).join('.')}` : '';
  const message =
    issue.code === 'invalid_type' && rest.length === 0 ? messageOf(contentErrors.AgencyNotAnObject) : issueMessage(issue, Object.keys(agencySchema.shape));
  return `第 ${index + 1} 项${id}${field}：${message}`;
}

function findCycles(agencies: readonly Agency[], link: 'parent' | 'oversight'): string[][] {
  const parentOf = new Map(agencies.map((a) => [a.id, a[link]]));
  const reported = new Set<string>();
  const cycles: string[][] = [];
  for (const start of parentOf.keys()) {
    const path: string[] = [];
    let current: string | undefined = start;
    while (current !== undefined && parentOf.has(current) && !path.includes(current)) {
      path.push(current);
      current = parentOf.get(current);
    }
    if (current === undefined || !path.includes(current)) continue;
    const cycle = path.slice(path.indexOf(current));
    const key = [...cycle].sort().join(',');
    if (reported.has(key)) continue;
    reported.add(key);
    cycles.push([...cycle, current]);
  }
  return cycles;
}

export async function loadRegistry(contentDir: string, knownRegulations: ReadonlySet<string>): Promise<Registry> {
  const path = join(contentDir, 'agencies.yaml');
  return checkRegistry(await readYamlFile(path), knownRegulations, path);
}
