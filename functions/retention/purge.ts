import { unlink } from 'node:fs/promises';
import { purgeComplaintRows } from '../store/records/purge.ts';
import { deleteAckSlotsBefore } from '../store/records/ack-quota.ts';
import { localDay } from '../complaints/ack-quota.ts';
import { join } from 'node:path';
import { DEFAULT_POLICY, type Policy } from '../../src/core/policy/schema.ts';
import type { Db } from '../store/db.ts';
import type { Clock } from '../outbox/worker.ts';

/**
 * The retention purge. Once a complaint has been closed (办结 or 不予受理) for `complaintData.keepYearsAfterClosed`
 * years — or, never closed (still 已提交, 已受理 or 已转办: the agency never acted, or left the registry), once it was
 * filed `complaintData.keepYearsIfNeverClosed` years ago (policy.yaml) — everything personal about it is removed:
 * the complainant's contact details, what they wrote, the evidence, the named auxiliary, every stored mail body and
 * recipient address of the complainant, the reasons and results written by agencies, delivery errors, and the
 * `.eml` files of its mails; its mails still queued are cancelled (never sent) — and while a worker is sending one
 * of them, the complaint waits for the next run, so that the outbox never records as cancelled a mail that went out
 * (`deferred`; functions/store/records/purge.ts). What the statistics read stays:
 * agency, category, regulation, kind, status, dates and deadlines, and the dated events — a complaint purged while
 * open keeps its status and deadlines, so `/stats/` still counts it, as overdue. From then on no action link,
 * re-routing link or fresh-links request acts on it, the deadline jobs leave it alone, and its status page says
 * that its personal information was removed (functions/handling).
 * The same run deletes the acknowledgement quota's rows of past days (an HMAC of a complainant's address with the
 * day they filed): only the current day's count matters.
 */
export interface PurgeResult {
  /** Complaints purged in this run, closed or not. */
  complaints: number;
  /** Of them, those never closed (purged `keepYearsIfNeverClosed` years after filing). */
  neverClosed: number;
  emlFiles: number;
  /** Queued mails of the purged complaints cancelled (reminders, status mails …): never sent. */
  cancelledMails: number;
  /**
   * Complaints due but left to the next run because a worker held one of their mails (a send under way, or cut by
   * a crash before it was recorded): the purge never cancels a mail that may have gone out (records/purge.ts).
   */
  deferred: number;
}

/** The final statuses: 办结 and 不予受理. */
const CLOSED: ReadonlySet<string> = new Set(['resolved', 'rejected']);

/** What remains of the contents: the shape the code reads, with nothing in it. */
const PURGED_CONTENTS = JSON.stringify({ when: '', place: '', description: '', complainant: {}, evidence: [] });

/** The instant `years` calendar years before `now` (29 February falls back to 28). */
export function yearsBefore(now: Date, years: number): Date {
  const d = new Date(now);
  d.setUTCFullYear(d.getUTCFullYear() - years);
  if (d.getUTCDate() !== now.getUTCDate()) d.setUTCDate(0);
  return d;
}

/** The file the .eml mailer wrote for a Message-ID (functions/mail/transport.ts names them so). */
export function emlFileName(messageId: string): string {
  return `${messageId.replace(/[^A-Za-z0-9._@-]/g, '_')}.eml`;
}

/**
 * Only the kind of target and the agency (and region) it concerned stay; the named person's name and number are
 * emptied, so the column still reads as a target (functions/store/records/shapes.ts).
 */
function reducedTarget(target: string): string {
  const t = JSON.parse(target) as { about: string; agencyId?: string; region?: string };
  const named = t.about === 'auxiliary' || t.about === 'unknownNumber';
  return JSON.stringify({
    about: t.about,
    ...(t.agencyId ? { agencyId: t.agencyId } : {}),
    ...(t.region ? { region: t.region } : {}),
    ...(named ? { certificateNo: '' } : {}),
    ...(t.about === 'auxiliary' ? { name: '' } : {}),
  });
}

const DAY_MS = 24 * 3600_000;

/**
 * The purge's reads, named so that test/retention/indexes.test.ts checks the plans of these very statements: each is
 * a range of an index (migration 12), never a scan of `complaints` or `outbox`, which grow by the million.
 * DUE: the complaints past retention, one query a run also when nothing is due. Parameters: closedBefore,
 * filedBefore, and the later of the two — the bound that makes it a range of `complaints_purge` (purged_at IS NULL,
 * created_at ≤ it): a complaint closed before closedBefore was filed before it, and filedBefore is never later
 * (keepYearsIfNeverClosed ≥ keepYearsAfterClosed), so the bound drops no due complaint; the rows it reads are the
 * ones not yet purged and filed before it, not every complaint of the years kept.
 */
export const DUE_SQL = `SELECT c.id, c.target, c.status FROM complaints c
     WHERE c.purged_at IS NULL AND c.created_at <= ? AND (
       (c.status IN ('resolved', 'rejected')
         AND (SELECT MAX(e.at) FROM complaint_events e WHERE e.complaint_id = c.id AND e.type IN ('resolved', 'rejected')) <= ?)
       OR (c.status NOT IN ('resolved', 'rejected') AND c.created_at <= ?))
     ORDER BY c.created_at`;
/** A complaint's mails (`outbox_complaint`). Parameter: the complaint's id. */
export const MAILS_SQL = 'SELECT message_id, status, locked_by FROM outbox WHERE complaint_id = ?';
/** The mails of complaints purged since a time (`complaints_purge` by purged_at, then `outbox_complaint`). */
export const LATE_FILES_SQL = 'SELECT o.message_id FROM outbox o JOIN complaints c ON c.id = o.complaint_id WHERE c.purged_at IS NOT NULL AND c.purged_at >= ?';

/** Removes the .eml files still on disk of mails whose complaint was purged since `since`; returns how many. */
async function removeLateFiles(store: Db, outboxDir: string, since: string): Promise<number> {
  const mails = await store.query<{ message_id: string }>(LATE_FILES_SQL, [since]);
  let removed = 0;
  for (const m of mails) {
    try {
      await unlink(join(outboxDir, emlFileName(m.message_id)));
      removed++;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  return removed;
}

export async function purgeClosedComplaints(
  world: { store: Db; clock: Clock; policy?: Policy; calendar?: { offsetMinutes: number }; log?: (line: string) => void },
  options: { outboxDir?: string } = {},
): Promise<PurgeResult> {
  const now = world.clock.now();
  const { keepYearsAfterClosed, keepYearsIfNeverClosed } = (world.policy ?? DEFAULT_POLICY).complaintData;
  const closedBefore = yearsBefore(now, keepYearsAfterClosed).toISOString();
  const filedBefore = yearsBefore(now, keepYearsIfNeverClosed).toISOString();
  // One query, also when nothing is due.
  const filedNoLaterThan = yearsBefore(now, Math.min(keepYearsAfterClosed, keepYearsIfNeverClosed)).toISOString();
  const due = await world.store.query<{ id: string; target: string; status: string }>(DUE_SQL, [filedNoLaterThan, closedBefore, filedBefore]);
  const result: PurgeResult = { complaints: 0, neverClosed: 0, emlFiles: 0, cancelledMails: 0, deferred: 0 };
  const at = now.toISOString();
  for (const c of due) {
    // Files first: should the transaction fail, the purge runs again next time and finds them gone. Not while a
    // worker holds one of its mails: the file being written (or the one a cut send left) is the mail sent.
    const mails = await world.store.query<{ message_id: string; locked_by: string | null; status: string }>(MAILS_SQL, [c.id]);
    if (mails.some((m) => m.status === 'pending' && m.locked_by !== null)) {
      result.deferred++;
      continue;
    }
    if (options.outboxDir) {
      for (const m of mails) {
        try {
          await unlink(join(options.outboxDir, emlFileName(m.message_id)));
          result.emlFiles++;
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        }
      }
    }
    const purged = await purgeComplaintRows(world.store, { id: c.id, status: c.status, contents: PURGED_CONTENTS, target: reducedTarget(c.target), at });
    if (purged === 'sending') result.deferred++;
    if (!purged || purged === 'sending') continue;
    result.complaints++;
    if (!CLOSED.has(c.status)) result.neverClosed++;
    result.cancelledMails += purged.cancelledMails;
  }
  // A complaint is not purged while one of its mails is being sent (above), so no file should land after its purge;
  // should one all the same (a worker of a version from before that rule, during an upgrade), the files of complaints
  // purged in the last day are looked for again on every run (an indexed range: LATE_FILES_SQL).
  if (options.outboxDir) result.emlFiles += await removeLateFiles(world.store, options.outboxDir, new Date(now.getTime() - DAY_MS).toISOString());
  // Counts and dates only: nothing of a complaint, not even its reference.
  if (result.complaints || result.emlFiles || result.deferred)
    world.log?.(
      `[retention] purged ${result.complaints - result.neverClosed} complaint(s) closed before ${closedBefore.slice(0, 10)}, ` +
        `${result.neverClosed} never closed and filed before ${filedBefore.slice(0, 10)}, ${result.emlFiles} .eml file(s), ${result.cancelledMails} queued mail(s) cancelled` +
        (result.deferred ? `, ${result.deferred} left for the next run (a mail of theirs being sent)` : ''),
    );
  // The acknowledgement quota needs only today's rows (the day as the slots are keyed: Beijing unless the calendar says otherwise).
  const today = localDay(now, world.calendar?.offsetMinutes);
  const slots = await deleteAckSlotsBefore(world.store, today);
  if (slots) world.log?.(`[retention] deleted ${slots} acknowledgement quota row(s) of days before ${today}`);
  return result;
}
