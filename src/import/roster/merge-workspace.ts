import { certificateLookupKey } from '../../core/text.ts';
import type { Registry } from '../registry/load.ts';
import type { WorkspaceRoster } from '../workspace-rosters.ts';
import type { RosterResult } from './types.ts';
import { shanghaiDate } from './status-history.ts';

export class RosterSourceConflictError extends Error {
  override name = 'RosterSourceConflictError';
  readonly conflicts: string[];
  constructor(conflicts: string[]) {
    super(`名单来源冲突，网站没有生成：\n${conflicts.map((c, i) => `  ${i + 1}. ${c}`).join('\n')}`);
    this.conflicts = conflicts;
  }
}

/**
 * Adds the rosters agencies published through the workspace to the ones read from Git files. An agency has one
 * source: with both a Git file and workspace versions the build fails naming both, so that neither silently wins.
 * A certificate number may appear once across all sources.
 */
export function mergeWorkspaceRosters(roster: RosterResult, workspace: readonly WorkspaceRoster[], registry: Registry): RosterResult {
  if (!workspace.length) return roster;
  const conflicts: string[] = [];
  const filesOf = (agencyId: string) => roster.files.filter((f) => f.agencyIds.includes(agencyId)).map((f) => f.file);
  for (const version of workspace) {
    const name = registry.byId.get(version.agencyId)?.name ?? version.agencyId;
    if (!registry.byId.has(version.agencyId)) {
      conflicts.push(`名单发布工作台中有机关 ${version.agencyId} 的名单（第 ${version.seq} 版），但它不在机关名录中`);
      continue;
    }
    const files = filesOf(version.agencyId);
    if (files.length) {
      conflicts.push(
        `${name}（${version.agencyId}）既有 Git 中的名单文件 ${files.join('、')}，又有名单发布工作台发布的第 ${version.seq} 版（${shanghaiDate(version.publishedAt)}）：请删除名单文件，或由运维人员停用该机关的工作台版本`,
      );
    }
  }
  const seen = new Map<string, string>();
  for (const aux of roster.auxiliaries) seen.set(certificateLookupKey(aux.certificateNo), `${aux.agencyId} 的名单文件`);
  const merged = [...roster.auxiliaries];
  for (const version of workspace) {
    for (const aux of version.records) {
      const key = certificateLookupKey(aux.certificateNo);
      const first = seen.get(key);
      if (first) {
        conflicts.push(`证件编号 ${aux.certificateNo} 同时出现在${first}和 ${version.agencyId} 的名单发布工作台第 ${version.seq} 版中`);
        continue;
      }
      seen.set(key, `${version.agencyId} 的名单发布工作台第 ${version.seq} 版`);
      merged.push(aux);
    }
  }
  if (conflicts.length) throw new RosterSourceConflictError(conflicts);
  const asOfByAgency = new Map(roster.asOfByAgency);
  for (const version of workspace) asOfByAgency.set(version.agencyId, shanghaiDate(version.publishedAt));
  return { ...roster, auxiliaries: merged, asOfByAgency };
}
