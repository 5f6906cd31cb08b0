import { rosterDiffSchema, diffRosters, rosterCounts } from '../../src/core/roster/diff.ts';
import type { Auxiliary } from '../../src/core/roster/schema.ts';
import { deleteDraft, findDraft } from '../store/records/roster-drafts.ts';
import { listVersions, lockAgencyVersions, publishedVersion, publishVersion, type VersionRow } from '../store/records/roster-versions.ts';
import type { PublishSession } from './sign-in.ts';
import { parseRecords } from './upload.ts';
import type { PublishWorld } from './world.ts';
import { addYears, formatDateTime, shanghaiDateOf } from '../../src/core/dates.ts';
import { formatDate } from '../../src/core/labels.ts';
import { leaversRetention } from '../../src/core/policy/disclosure.ts';

export type Confirmed = { ok: true; version: VersionRow } | { ok: false; status: 404 | 409 | 410 | 422; message: string };

/** `2026-11-20` in China Standard Time: the day a clerk confirmed someone has left. */
function today(now: Date): string {
  return new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

const STALE = '上传之后，本机关的名单已由他人发布了新版本（或撤销恢复了上一版）。这份上传的变化是按旧版本核对的，不能确认。请重新上传，核对新的变化。';
const FROM_BEFORE_UPGRADE = '这份上传是在平台升级之前提交的，升级后无法确认它是按哪一版名单核对的，不能确认。请重新上传名单，核对后再确认。';

/**
 * Records the session's draft as the agency's new published version. Every person who disappeared without a status
 * must be among `left` (then published as 已离职 from today — also one who was published only from a Git roster,
 * with the number and name the site showed); otherwise nothing is recorded. The draft's diff was
 * made against the version published then (`base_version_id`): once another version is published — by another
 * session, at the same moment included — it is stale and refused (409). The check is made again inside the writing
 * transaction, under the agency's lock, so two confirmations can never both pass it.
 */
export async function confirmDraft(world: PublishWorld, session: PublishSession, draftId: string, left: readonly string[]): Promise<Confirmed> {
  const draft = await findDraft(world.store, draftId, session.tokenHash);
  if (!draft) return { ok: false, status: 410, message: '这份上传已经确认过，或已被新的上传取代。请重新上传名单。' };
  const diff = rosterDiffSchema.parse(JSON.parse(draft.diff));
  const agencyId = session.agency.id;
  const based = (current: VersionRow | undefined) => draft.base_version_id !== null && (current?.id ?? '') === draft.base_version_id;
  // Uploaded before the platform recorded what a draft was diffed against (migration 11): nobody published since,
  // but what it was checked against is not known, so it is uploaded again.
  if (draft.base_version_id === null) return { ok: false, status: 409, message: FROM_BEFORE_UPGRADE };
  if (!based(await publishedVersion(world.store, agencyId))) return { ok: false, status: 409, message: STALE };
  const unconfirmed = diff.removed.filter((p) => !left.includes(p.certificateNo));
  if (unconfirmed.length) {
    return {
      ok: false,
      status: 422,
      message: `以下人员在新名单中消失且没有写明状态，请逐一确认已离职，或改正名单后重新上传：${unconfirmed.map((p) => `${p.name}（${p.certificateNo}）`).join('、')}`,
    };
  }
  const outcome = await world.store.transaction(async (tx): Promise<VersionRow | 'stale' | 'used'> => {
    await lockAgencyVersions(tx, agencyId);
    const current = await publishedVersion(tx, agencyId);
    if (!based(current)) return 'stale';
    if (!(await deleteDraft(tx, draft.id))) return 'used';
    const published = new Map((current ? parseRecords(current.records) : []).map((r) => [r.certificateNo, r]));
    // A first version diffed against a Git roster (git-roster.ts): those listed here were not published as ended, and
    // the site knows of them only their number and name, which stay published, as left. The ended ones the upload
    // left out are already among the draft's records (carried over), with their status and date.
    const leavers: Auxiliary[] = diff.removed.map((p) => ({
      ...(published.get(p.certificateNo) ?? { certificateNo: p.certificateNo, name: p.name, agencyId }),
      status: 'left',
      statusSince: today(world.clock.now()),
    }));
    const records = [...parseRecords(draft.records), ...leavers];
    return publishVersion(tx, {
      agencyId,
      publishedAt: world.clock.now().toISOString(),
      mailbox: session.mailbox,
      fileHash: draft.file_hash,
      counts: rosterCounts(records),
      diff: { ...diff, removed: [], left: diff.removed },
      records,
    });
  });
  if (outcome === 'stale') return { ok: false, status: 409, message: STALE };
  if (outcome === 'used') return { ok: false, status: 410, message: '这份上传已经确认过。' };
  return { ok: true, version: outcome };
}

/**
 * How long the version a publication replaced may be restored: the leavers' retention period (policy) from the
 * day it was replaced — older versions hold people whose names may have had to go, and are history, not a draft.
 */
export function undoWindow(world: Pick<PublishWorld, 'clock' | 'directory'>, current: Pick<VersionRow, 'published_at'>) {
  const retention = leaversRetention(world.directory.policy);
  const until = addYears(shanghaiDateOf(current.published_at), retention.years);
  return { until, open: shanghaiDateOf(world.clock.now()) < until, years: retention.years, basis: retention.basis };
}

/**
 * Undo: publishes the version before the current one again, as a new version (the history keeps both). `expectedSeq`
 * is the current version the clerk saw (the undo form carries it): when another version has been published since —
 * an undo pressed twice included, which would otherwise undo the undo — nothing happens (409).
 */
export async function republishPrevious(world: PublishWorld, session: PublishSession, expectedSeq: number): Promise<Confirmed> {
  const agencyId = session.agency.id;
  const [current, previous] = await listVersions(world.store, agencyId);
  const changed = (seq: number | undefined): Confirmed => ({
    ok: false,
    status: 409,
    message: `撤销没有执行：您看到的是第 ${expectedSeq} 版，本机关当前公示的已是${seq ? `第 ${seq} 版` : '其他版本'}（撤销可能已经执行过，或有人发布了新版本）。请刷新工作台，核对后再操作。`,
  });
  if (current?.status === 'published' && current.seq !== expectedSeq) return changed(current.seq);
  if (current?.status !== 'published' || !previous) return { ok: false, status: 404, message: '没有可以恢复的上一个版本。' };
  const window = undoWindow(world, current);
  if (!window.open) {
    return {
      ok: false,
      status: 410,
      message: `第 ${previous.seq} 版已于 ${formatDateTime(current.published_at)} 被取代，可以撤销恢复的期限（${window.years} 年，${window.basis ? `依据${window.basis}` : '本平台设定的保存期限'}）已于 ${formatDate(window.until)} 届满，不能再恢复。请上传新的名单。`,
    };
  }
  const before = parseRecords(current.records);
  const records = parseRecords(previous.records);
  const outcome = await world.store.transaction(async (tx): Promise<VersionRow | { stale: number | undefined }> => {
    await lockAgencyVersions(tx, agencyId);
    const now = await publishedVersion(tx, agencyId);
    if (now?.id !== current.id) return { stale: now?.seq };
    return publishVersion(tx, {
      agencyId,
      publishedAt: world.clock.now().toISOString(),
      mailbox: session.mailbox,
      fileHash: previous.file_hash,
      counts: rosterCounts(records),
      diff: { ...diffRosters(before, records), restoredSeq: previous.seq },
      records,
    });
  });
  if ('stale' in outcome) return changed(outcome.stale);
  return { ok: true, version: outcome };
}
