import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { checkRegistry } from '../../src/import/registry/load.ts';
import { placed, type RosterProblem } from '../../src/import/roster/index.ts';
import { rosterErrors } from '../../src/import/roster/errors.ts';
import { shanghaiDateOf } from '../../src/core/dates.ts';
import { describeFile } from '../../src/import/roster/report.ts';
import { diffRosters, rosterCounts, withEndedCarriedOver, type RosterDiff } from '../../src/core/roster/diff.ts';
import { auxiliarySchema, type Auxiliary } from '../../src/core/roster/schema.ts';
import { z } from 'zod';
import { saveDraft } from '../store/records/roster-drafts.ts';
import { publishedVersion } from '../store/records/roster-versions.ts';
import type { PublishSession } from './sign-in.ts';
import { gitRecordsOf, gitRosterOf, type GitRoster } from './git-roster.ts';
import type { PublishWorld } from './world.ts';
import type { RosterParser } from './roster-parser.ts';

/** What an upload shows: the roster check's report, then either every problem or the diff to confirm. */
export type UploadResult =
  | { ok: false; fileName: string; report: string[]; problems: RosterProblem[]; status?: 422 | 503 }
  | { ok: true; fileName: string; report: string[]; draftId: string; diff: RosterDiff; total: number; git?: GitRoster };

const ROSTER_FILE = /\.(csv|xlsx|xls|et)$/i;
const recordsSchema = z.array(auxiliarySchema);

/** The records of a stored version or draft (written by us, but read back through the one schema). */
export function parseRecords(json: string): Auxiliary[] {
  return recordsSchema.parse(JSON.parse(json));
}

/** A file name fit to show: the last path part, no control characters, not too long. */
function displayName(name: string): string {
  const clean = basename(name.replace(/\\/g, '/'))
    .replace(/[\p{Cc}\p{Cf}]/gu, '')
    .slice(-120);
  return clean || '上传的文件';
}

/**
 * Checks an uploaded export for the signed-in agency. Nothing is stored when it has a problem; when it has none,
 * its hash and records are kept as the session's draft, with the diff against the agency's published version (and
 * which version that was). People the published version shows as left, revoked or cancelled and the export no
 * longer lists are carried over unchanged, status date included: they are not asked about again. An agency without
 * a workspace version whose people the site publishes from a Git file is diffed against those, by the same rule
 * (gitRecordsOf), so its first version drops no one unasked and keeps the ended ones ended. The file's bytes are
 * never stored. The file is read by `parser` (roster-parser.ts: off the request thread under `npm start`); when it
 * cannot read it — busy with another upload (status 503), or the file outgrew its time or memory — nothing is stored.
 */
export async function checkUpload(
  world: PublishWorld,
  session: PublishSession,
  upload: { name: string; bytes: Uint8Array },
  parser: RosterParser,
): Promise<UploadResult> {
  const fileName = displayName(upload.name);
  if (!ROSTER_FILE.test(fileName)) {
    // Excel's 另存为 → Unicode 文本 is a .txt: it reads as a roster once renamed to .csv, and the clerk is told so.
    const reason = /\.txt$/i.test(fileName) ? placed(rosterErrors.TextExport) : placed(rosterErrors.UploadType);
    return { ok: false, fileName, report: [], problems: [{ file: fileName, ...reason }] };
  }
  const agencies = world.directory.agencies;
  const registry = checkRegistry(agencies, new Set(agencies.map((a) => a.regulation)), '机关名录');
  // Rows that name no unit belong to the signed-in agency.
  // "Today" for a roster dated ahead is the workspace's clock (Beijing), as every other date the workspace judges.
  const parsed = await parser.parse({
    fileName,
    bytes: upload.bytes,
    agencyId: session.agency.id,
    agencies,
    today: shanghaiDateOf(world.clock.now()),
    locations: true,
  });
  if (!parsed.ok) return { ok: false, fileName, report: [], problems: [{ file: fileName, reason: parsed.reason }], status: parsed.status };
  const { result } = parsed;
  const report = result.files.flatMap((f) => describeFile(f, registry, 'workspace'));
  const own = session.agency.id;
  // A row of another unit already says so in the workspace's words (rosterErrors.AgencyMismatch.workspaceMessage).
  const problems = [...result.problems];
  for (const aux of result.auxiliaries) {
    // The row and the certificate number's column the person was read from, as for any other problem.
    const where = result.locations?.get(aux.certificateNo);
    const at = where ? { row: where.row, ...(where.column ? { column: where.column } : {}) } : {};
    if (aux.agencyId !== own) {
      problems.push({
        file: fileName,
        ...at,
        value: aux.certificateNo,
        each: true,
        reason: `此人的单位是${registry.byId.get(aux.agencyId)?.name ?? aux.agencyId}；您只能发布${session.agency.name}的人员`,
      });
      continue;
    }
    const published = world.directory.auxiliary(aux.certificateNo);
    if (published && published.agencyId !== own) {
      const other = world.directory.agency(published.agencyId)?.name ?? published.agencyId;
      problems.push({
        file: fileName,
        ...at,
        value: aux.certificateNo,
        each: true,
        reason: `证件编号已由${other}公示，不能由${session.agency.name}发布；如确有调动，请先由${other}发布不含此人的名单`,
      });
    }
  }
  if (problems.length) return { ok: false, fileName, report, problems };
  const current = await publishedVersion(world.store, own);
  // No workspace version yet: the site may still publish the agency's Git roster — the diff is against that.
  const git = current ? undefined : gitRosterOf(world.directory, own);
  const before = current ? parseRecords(current.records) : git ? gitRecordsOf(git, result.auxiliaries) : [];
  // People already published as left, revoked or cancelled whom the export no longer lists stay as they were.
  const { records, carried } = withEndedCarriedOver(before, result.auxiliaries);
  const diff: RosterDiff = { ...diffRosters(before, records), ...(carried ? { carried } : {}) };
  const draftId = await saveDraft(world.store, {
    sessionHash: session.tokenHash,
    agencyId: own,
    createdAt: world.clock.now().toISOString(),
    fileHash: createHash('sha256').update(upload.bytes).digest('hex'),
    counts: rosterCounts(records),
    diff,
    records,
    baseVersionId: current?.id,
  });
  return { ok: true, fileName, report, draftId, diff, total: result.auxiliaries.length, ...(git ? { git } : {}) };
}
