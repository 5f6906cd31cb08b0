import type { Db } from '../db.ts';
import { TAKE_ACK_SLOTS } from './ack-quota.ts';
import { COMPLAINT_COLUMNS, COMPLAINT_VALUES } from './complaints.ts';
import { EVIDENCE_COLUMNS, EVIDENCE_VALUES } from './evidence.ts';
import { OUTBOX_COLUMNS, OUTBOX_VALUES } from './outbox.ts';
import { EVENT_COLUMNS, EVENT_VALUES, type SubmissionParams } from './submission-params.ts';
import type { Stored } from './submission.ts';

/** Most submissions one statement carries (the rows go in as arrays; each evidence file adds 6 parameters of 65,535). */
const MAX_GROUP = 64;

/**
 * PostgreSQL: one statement stores the submissions of a moment — one round trip, one commit — as sqlite.ts groups
 * SQLite's transactions. One statement is on its way at a time; submissions arriving meanwhile wait and go together
 * in the next (two at a time made smaller groups and cost more CPU: docs/BENCHMARKS.md). Each caller's promise
 * settles only once the statement holding its rows has committed, so `201` still means "stored". Should the
 * statement fail (a repeated idempotency key, a reference taken), nothing of it was stored and each of its
 * submissions is tried again alone, so that only the one at fault fails, with its own error.
 *
 * The rows go in as one array per column (`unnest`), so the statement's text depends only on how many evidence
 * files it carries and PostgreSQL keeps few prepared statements. Two acknowledgements to one address never share a
 * statement: the second waits for the next, where it sees the first one's slot taken (ack-quota.ts).
 */
export function insertSubmissionsPostgres(db: Db, params: SubmissionParams): Promise<Stored> {
  let group = groups.get(db);
  if (!group) {
    group = new Group(db);
    groups.set(db, group);
  }
  return group.add(params);
}

interface Waiting {
  params: SubmissionParams;
  resolve: (stored: Stored) => void;
  reject: (error: unknown) => void;
}

const groups = new WeakMap<Db, Group>();

class Group {
  private readonly db: Db;
  private waiting: Waiting[] = [];
  private busy = false;
  constructor(db: Db) {
    this.db = db;
  }

  add(params: SubmissionParams): Promise<Stored> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ params, resolve, reject });
      this.next();
    });
  }

  // One event-loop turn after the first arrives, so that requests ready at the same moment join it.
  private next(): void {
    if (this.busy || this.waiting.length === 0) return;
    this.busy = true;
    setImmediate(() => {
      void this.store(this.take()).finally(() => {
        this.busy = false;
        this.next();
      });
    });
  }

  private take(): Waiting[] {
    const batch: Waiting[] = [];
    const later: Waiting[] = [];
    const acksTo = new Set<string>();
    for (const w of this.waiting) {
      const ackTo = w.params.ack && `${w.params.ack.addressHash} ${w.params.ack.day}`;
      if (batch.length >= MAX_GROUP || (ackTo && acksTo.has(ackTo))) later.push(w);
      else {
        if (ackTo) acksTo.add(ackTo);
        batch.push(w);
      }
    }
    this.waiting = later;
    return batch;
  }

  private async store(batch: Waiting[]): Promise<void> {
    try {
      const acks = await insertTogether(
        this.db,
        batch.map((w) => w.params),
      );
      for (const w of batch) w.resolve(storedOf(w.params, acks));
    } catch (error) {
      if (batch.length === 1) return batch[0]!.reject(error);
      await Promise.all(
        batch.map((w) =>
          insertTogether(this.db, [w.params]).then(
            (acks) => w.resolve(storedOf(w.params, acks)),
            (alone: unknown) => w.reject(alone),
          ),
        ),
      );
    }
  }
}

/** Position of `message_id` in a row's OUTBOX_VALUES parameters (every column before it is a `?`, in OUTBOX_COLUMNS' order). */
const MESSAGE_ID = OUTBOX_COLUMNS.slice(1, -1).split(', ').indexOf('message_id');

function storedOf(params: SubmissionParams, acks: ReadonlySet<string>): Stored {
  return { ackQueued: !!params.ack && acks.has(String(params.ack.mail[MESSAGE_ID])) };
}

/**
 * The submissions' rows in one statement (data-modifying CTEs: all or nothing, each run once whatever the final
 * SELECT reads); returns the Message-IDs of the acknowledgements it queued.
 */
async function insertTogether(db: Db, batch: readonly SubmissionParams[]): Promise<Set<string>> {
  const complaints = batch.map((s) => s.complaint);
  const events = batch.map((s) => s.events);
  const evidence = batch.flatMap((s) => s.evidence);
  const mails = batch.flatMap((s) => s.mails);
  const acks = batch.flatMap((s) => (s.ack ? [s.ack] : []));
  const slots = acks.map((ack) => [ack.addressHash, ack.day, ack.limit]);
  const ackMails = acks.map((ack) => [...ack.mail, ack.addressHash, ack.day]);
  const queued = await db.query<{ message_id: string }>(
    `WITH c AS (INSERT INTO complaints ${COMPLAINT_COLUMNS} ${COMPLAINTS_FROM_ARRAYS}),
          e AS (INSERT INTO complaint_events ${EVENT_COLUMNS} ${EVENTS_FROM_ARRAYS}),
          q AS (${TAKE_ACK_SLOTS}),
          a AS (INSERT INTO outbox ${OUTBOX_COLUMNS} ${ACK_MAILS_FROM_ARRAYS} ON CONFLICT (message_id) DO NOTHING RETURNING message_id),
          m AS (INSERT INTO outbox ${OUTBOX_COLUMNS} ${MAILS_FROM_ARRAYS} ON CONFLICT (message_id) DO NOTHING)${
            evidence.length ? `, v AS (INSERT INTO evidence ${EVIDENCE_COLUMNS} VALUES ${evidence.map(() => EVIDENCE_VALUES).join(', ')})` : ''
          }
     SELECT message_id FROM a`,
    [
      ...asColumns(WIDTH.COMPLAINTS_FROM_ARRAYS, complaints),
      ...asColumns(WIDTH.EVENTS_FROM_ARRAYS, events),
      ...asColumns(WIDTH.TAKE_ACK_SLOTS, slots),
      ...asColumns(WIDTH.ACK_MAILS_FROM_ARRAYS, ackMails),
      ...asColumns(WIDTH.MAILS_FROM_ARRAYS, mails),
      ...evidence.flat(),
    ],
  );
  return new Set(queued.map((row) => row.message_id));
}

/** Per-row value lists as `width` arrays, one per position (empty arrays for no rows: unnest gives none). */
function asColumns(width: number, rows: readonly (readonly unknown[])[]): unknown[][] {
  return Array.from({ length: width }, (_, i) => rows.map((row) => row[i] ?? null));
}

/**
 * A VALUES list of `?` tuples as `SELECT … FROM unnest(?::text[], …)`, one per tuple joined by UNION ALL: each `?`
 * becomes a column of the arrays, the constants stay. `extra` names more arrays in the last unnest (for a JOIN).
 */
function selectFromArrays(values: string, extra: readonly string[] = []): string {
  let column = 0;
  const tuples = [...values.matchAll(/\(([^()]*)\)/g)].map(([, tuple]) => tuple!);
  return tuples
    .map((tuple, t) => {
      const names: string[] = [];
      const select = tuple.replace(/\?/g, () => {
        const name = `c${column++}`;
        names.push(`u.${name}`);
        return `u.${name}`;
      });
      const all = [...names.map((n) => n.slice(2)), ...(t === tuples.length - 1 ? extra : [])];
      return `SELECT ${select} FROM unnest(${all.map(() => '?::text[]').join(', ')}) AS u(${all.join(', ')})`;
    })
    .join(' UNION ALL ');
}

const COMPLAINTS_FROM_ARRAYS = selectFromArrays(COMPLAINT_VALUES);
const EVENTS_FROM_ARRAYS = selectFromArrays(EVENT_VALUES);
const MAILS_FROM_ARRAYS = selectFromArrays(OUTBOX_VALUES);
// An acknowledgement is queued only with the slot its statement took (q): no slot, no row.
const ACK_MAILS_FROM_ARRAYS = `${selectFromArrays(OUTBOX_VALUES, ['address_hash', 'day'])} JOIN q USING (address_hash, day)`;
/** How many arrays (`?`) each part of the statement takes, counted once. */
const arrays = (sql: string): number => sql.split('?').length - 1;
const WIDTH = {
  COMPLAINTS_FROM_ARRAYS: arrays(COMPLAINTS_FROM_ARRAYS),
  EVENTS_FROM_ARRAYS: arrays(EVENTS_FROM_ARRAYS),
  TAKE_ACK_SLOTS: arrays(TAKE_ACK_SLOTS),
  ACK_MAILS_FROM_ARRAYS: arrays(ACK_MAILS_FROM_ARRAYS),
  MAILS_FROM_ARRAYS: arrays(MAILS_FROM_ARRAYS),
};
