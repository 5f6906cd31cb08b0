import type { Directory } from '../../src/core/directory.ts';
import type { Target } from '../store/records/shapes.ts';

/**
 * Who is complained about, and who must therefore never hold the complaint: for a complaint about an agency
 * itself, that agency and every agency below it (whose parent chain reaches it) — they answer to the accused,
 * so the complainant's identity must not reach them. Complaints about a person or an unknown member of a unit
 * go to the employer by design (谁使用、谁管理、谁负责) and exclude no one.
 */
export function accusedAgencyId(target: Pick<Target, 'about'> & { agencyId?: string | undefined }): string | undefined {
  return target.about === 'agency' ? target.agencyId : undefined;
}

/** True when `candidateId` is `accusedId` or has it somewhere up its parent chain (cycles in the registry end the walk). */
export function isAccusedOrBelow(directory: Pick<Directory, 'agency'>, candidateId: string, accusedId: string): boolean {
  const seen = new Set<string>();
  for (let id: string | undefined = candidateId; id && !seen.has(id); id = directory.agency(id)?.parent) {
    if (id === accusedId) return true;
    seen.add(id);
  }
  return false;
}

/** May this agency receive (by routing, transfer, reminder or escalation) a complaint with this target? */
export function mayReceive(
  directory: Pick<Directory, 'agency'>,
  target: Pick<Target, 'about'> & { agencyId?: string | undefined },
  candidateId: string,
): boolean {
  const accused = accusedAgencyId(target);
  return !accused || !isAccusedOrBelow(directory, candidateId, accused);
}
