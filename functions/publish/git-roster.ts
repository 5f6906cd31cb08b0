import type { Directory, DirectoryEntry, PublishedStatus } from '../../src/core/directory.ts';
import { ENDED_STATUSES, type Auxiliary } from '../../src/core/roster/schema.ts';
import { certificateLookupKey } from '../../src/core/text.ts';

/**
 * The agency's roster as the site publishes it when it has no workspace version: read from a file in
 * `content/rosters/` by the build, known to the functions only through the build's directory file — each
 * certificate's number, name and agency, and the status and its date of those not 在岗 (src/core/directory.ts).
 */
export interface GitRoster {
  /** The roster date the build recorded for the agency (the file's date). */
  rosterDate: string | undefined;
  /** `status` is absent when the directory file does not say (one written before statuses were added). */
  entries: (DirectoryEntry & Partial<PublishedStatus>)[];
  /** Whether the directory file gave the statuses: false for a file of an older build, until the site is rebuilt. */
  statusesKnown: boolean;
  /** How many of them the site shows as left, revoked or cancelled. */
  ended: number;
}

/**
 * What the public sees of an agency that has never published through the workspace: the people the directory file
 * lists for it (only a Git roster can have put them there), or undefined when it lists none.
 */
export function gitRosterOf(directory: Directory, agencyId: string): GitRoster | undefined {
  const entries: GitRoster['entries'] = [];
  let statusesKnown = true;
  for (const c of directory.certificates()) {
    if (c.agencyId !== agencyId) continue;
    const entry = directory.auxiliary(c.certificateNo);
    if (!entry) continue;
    const status = directory.publishedStatus(c.certificateNo);
    if (!status) statusesKnown = false;
    entries.push({ ...entry, ...status });
  }
  if (!entries.length) return undefined;
  const ended = entries.filter((e) => e.status && ENDED_STATUSES.has(e.status)).length;
  return { rosterDate: directory.rosterDate(agencyId), entries, statusesKnown, ended };
}

/**
 * The Git roster as the published version an upload is diffed against and carries ended people over from, exactly
 * as a workspace version is (diffRosters, withEndedCarriedOver): each person with the number, name, status and status
 * date the site shows. A person whose status the directory file does not give takes their uploaded status (active
 * when the upload leaves them out), so no 状态变化 is claimed that cannot be known and no one is carried over.
 */
export function gitRecordsOf(git: GitRoster, uploaded: readonly Auxiliary[]): Auxiliary[] {
  const byKey = new Map(uploaded.map((r) => [certificateLookupKey(r.certificateNo), r]));
  return git.entries.map(({ certificateNo, name, agencyId, status, statusSince }) => ({
    certificateNo,
    name,
    agencyId,
    status: status ?? byKey.get(certificateLookupKey(certificateNo))?.status ?? 'active',
    ...(status && statusSince ? { statusSince } : {}),
  }));
}
