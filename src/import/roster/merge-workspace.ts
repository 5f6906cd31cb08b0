import { certificateLookupKey } from '../../core/text.ts';
import type { Registry } from '../registry/load.ts';
import type { WorkspaceRoster } from '../workspace-rosters.ts';
import type { RosterResult } from './types.ts';
import { withHint } from '../../core/error-data.ts';
import { rosterErrors } from './errors.ts';
import { shanghaiDate } from './status-history.ts';

export class RosterSourceConflictError extends Error {
  override name = 'RosterSourceConflictError';
  readonly conflicts: string[];
  constructor(conflicts: string[]) {
    super(`${withHint(rosterErrors.SourcesConflict)}\n${conflicts.map((c, i) => `  ${i + 1}. ${c}`).join('\n')}`);
    this.conflicts = conflicts;
  }
}

/**
 * Adds the rosters agencies published through the workspace to the ones read from Git files. An agency has one
 * source: with both a Git file and workspace versions the build fails naming both, so that neither silently wins.
 * A certificate number may appear once across all sources.
 */
export function mergeWorkspaceRosters(roster: RosterResult, workspace: readonly Omit<WorkspaceRoster, 'id'>[], registry: Registry): RosterResult {
  if (!workspace.length) return roster;
  const conflicts: string[] = [];
  const filesOf = (agencyId: string) => roster.files.filter((f) => f.agencyIds.includes(agencyId)).map((f) => f.file);
  for (const version of workspace) {
    const name = registry.byId.get(version.agencyId)?.name ?? version.agencyId;
    if (!registry.byId.has(version.agencyId)) {
      conflicts.push(withHint(rosterErrors.WorkspaceAgencyUnknown, version.agencyId, version.seq));
      continue;
    }
    const files = filesOf(version.agencyId);
    if (files.length) {
      conflicts.push(withHint(rosterErrors.WorkspaceAndFile, name, version.agencyId, files, version.seq, shanghaiDate(version.publishedAt)));
    }
  }
  const seen = new Map<string, string>();
  for (const aux of roster.auxiliaries) seen.set(certificateLookupKey(aux.certificateNo), `${aux.agencyId} 的名单文件`);
  const merged = [...roster.auxiliaries];
  for (const version of workspace) {
    const here = `${version.agencyId} 的名单发布工作台第 ${version.seq} 版`;
    for (const aux of version.records) {
      const key = certificateLookupKey(aux.certificateNo);
      const first = seen.get(key);
      if (first) {
        conflicts.push(withHint(rosterErrors.WorkspaceDuplicateCertificate, aux.certificateNo, first, here));
        continue;
      }
      seen.set(key, here);
      merged.push(aux);
    }
  }
  if (conflicts.length) throw new RosterSourceConflictError(conflicts);
  const asOfByAgency = new Map(roster.asOfByAgency);
  for (const version of workspace) asOfByAgency.set(version.agencyId, shanghaiDate(version.publishedAt));
  return { ...roster, auxiliaries: merged, asOfByAgency };
}
