import type { Db, Dialect } from './db.ts';

/**
 * The schema, as numbered migrations of plain SQL that SQLite and PostgreSQL both accept. Append new
 * migrations; never edit one that has shipped. Times are ISO-8601 UTC text, JSON is text, ids are text.
 * A migration with `only` tunes one engine (storage settings the other does not have): on the other it is recorded
 * as applied and runs nothing.
 */
export const migrations: readonly { version: number; name: string; sql: string; only?: Dialect }[] = [
  {
    version: 1,
    name: 'complaints, events, outbox, notices, evidence',
    sql: `
CREATE TABLE complaints (
  id TEXT PRIMARY KEY,
  reference TEXT NOT NULL UNIQUE,
  tracking_hash TEXT NOT NULL,
  kind TEXT NOT NULL,
  status TEXT NOT NULL,
  agency_id TEXT NOT NULL,
  regulation_id TEXT,
  category TEXT NOT NULL,
  target TEXT NOT NULL,
  contents TEXT NOT NULL,
  idempotency_key TEXT UNIQUE,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  accept_due_at TEXT,
  resolve_due_at TEXT
);
CREATE INDEX complaints_agency ON complaints (agency_id, status);
CREATE INDEX complaints_created ON complaints (created_at);

CREATE TABLE complaint_events (
  id TEXT PRIMARY KEY,
  complaint_id TEXT NOT NULL REFERENCES complaints (id),
  seq INTEGER NOT NULL,
  at TEXT NOT NULL,
  type TEXT NOT NULL,
  from_status TEXT,
  to_status TEXT,
  actor_agency_id TEXT,
  reason TEXT,
  data TEXT,
  UNIQUE (complaint_id, seq)
);

CREATE TABLE outbox (
  id TEXT PRIMARY KEY,
  complaint_id TEXT REFERENCES complaints (id),
  recipient TEXT NOT NULL,
  kind TEXT NOT NULL,
  message_id TEXT NOT NULL UNIQUE,
  subject TEXT NOT NULL,
  body_text TEXT NOT NULL,
  body_html TEXT,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  locked_until TEXT,
  locked_by TEXT,
  last_error TEXT,
  created_at TEXT NOT NULL,
  sent_at TEXT
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);

CREATE TABLE outbox_attempts (
  id TEXT PRIMARY KEY,
  outbox_id TEXT NOT NULL REFERENCES outbox (id),
  at TEXT NOT NULL,
  ok INTEGER NOT NULL,
  error TEXT
);
CREATE INDEX outbox_attempts_outbox ON outbox_attempts (outbox_id);

CREATE TABLE notices (
  complaint_id TEXT NOT NULL REFERENCES complaints (id),
  kind TEXT NOT NULL,
  sent_at TEXT NOT NULL,
  PRIMARY KEY (complaint_id, kind)
);

CREATE TABLE evidence (
  id TEXT PRIMARY KEY,
  complaint_id TEXT NOT NULL REFERENCES complaints (id),
  name TEXT NOT NULL,
  type TEXT NOT NULL,
  size INTEGER NOT NULL,
  data BYTEA NOT NULL
);
CREATE INDEX evidence_complaint ON evidence (complaint_id);
`,
  },
  {
    version: 2,
    name: 'outbox: mail composed when it is sent',
    // Names the composer of a row queued without its text (see functions/outbox/worker.ts); NULL = text stored.
    sql: 'ALTER TABLE outbox ADD COLUMN compose TEXT;',
  },
  {
    version: 3,
    name: 'action_uses: used agency action links',
    // IF NOT EXISTS: stores created before this migration made the table on first use.
    sql: `CREATE TABLE IF NOT EXISTS action_uses (
  token_hash TEXT PRIMARY KEY,
  complaint_id TEXT NOT NULL REFERENCES complaints (id),
  action TEXT NOT NULL,
  agency_id TEXT NOT NULL,
  used_at TEXT NOT NULL
);`,
  },
  {
    version: 4,
    name: 'complaints: what an idempotency key was first used for',
    // sha256 of the submission (functions/complaints/fingerprint.ts): the same key with another body is refused.
    // NULL on rows from before; a key of such a row is refused for any body.
    sql: 'ALTER TABLE complaints ADD COLUMN submission_hash TEXT;',
  },
  {
    version: 5,
    name: 'acknowledgements per address per day',
    // functions/complaints/ack-quota.ts: one row per acknowledgement queued; the address only as an HMAC.
    sql: `CREATE TABLE ack_quota (
  address_hash TEXT NOT NULL,
  day TEXT NOT NULL,
  slot INTEGER NOT NULL,
  PRIMARY KEY (address_hash, day, slot)
);`,
  },
  {
    version: 6,
    name: 'complaints: when personal information was purged',
    // Set by the retention purge (functions/retention/purge.ts); NULL = contents still held.
    sql: 'ALTER TABLE complaints ADD COLUMN purged_at TEXT;',
  },
  {
    version: 7,
    name: 'publishing: sign-in links, sessions, roster versions and drafts',
    // Only hashes of sign-in links and session cookies are kept: a copy of the store signs no one in.
    // roster_versions.records is the allow-listed, normalized roster as JSON; the uploaded file itself is never stored.
    // roster_drafts: a checked upload waiting for the clerk's confirmation, visible only to the session that made it.
    sql: `CREATE TABLE publish_sign_ins (
  token_hash TEXT PRIMARY KEY,
  agency_id TEXT NOT NULL,
  mailbox TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  used_at TEXT
);
CREATE INDEX publish_sign_ins_agency ON publish_sign_ins (agency_id, created_at);

CREATE TABLE publish_sessions (
  token_hash TEXT PRIMARY KEY,
  agency_id TEXT NOT NULL,
  mailbox TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  ended_at TEXT
);

CREATE TABLE roster_versions (
  id TEXT PRIMARY KEY,
  agency_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  published_at TEXT NOT NULL,
  mailbox TEXT NOT NULL,
  file_hash TEXT NOT NULL,
  counts TEXT NOT NULL,
  diff TEXT NOT NULL,
  records TEXT NOT NULL,
  status TEXT NOT NULL,
  UNIQUE (agency_id, seq)
);
CREATE INDEX roster_versions_status ON roster_versions (status, agency_id);

CREATE TABLE roster_drafts (
  id TEXT PRIMARY KEY,
  session_hash TEXT NOT NULL,
  agency_id TEXT NOT NULL,
  created_at TEXT NOT NULL,
  file_hash TEXT NOT NULL,
  counts TEXT NOT NULL,
  diff TEXT NOT NULL,
  records TEXT NOT NULL
);
CREATE INDEX roster_drafts_session ON roster_drafts (session_hash);`,
  },
  {
    version: 8,
    name: 'publishing: sign-ins and sessions of oversight bureaus (publication log)',
    // clerk: publishes the agency's roster; oversight: reads the publication log of the agencies the bureau oversees.
    sql: `ALTER TABLE publish_sign_ins ADD COLUMN role TEXT NOT NULL DEFAULT 'clerk';
ALTER TABLE publish_sessions ADD COLUMN role TEXT NOT NULL DEFAULT 'clerk';`,
  },
  {
    version: 9,
    name: 'evidence_drafts: files of a no-JS complaint kept until it is confirmed',
    // functions/complaints/drafts.ts: bound to the check page by a random token stored only as a hash; removed by
    // the purge once expires_at has passed (complaintData.draftEvidenceHours).
    sql: `CREATE TABLE evidence_drafts (
  token_hash TEXT NOT NULL,
  seq INTEGER NOT NULL,
  name TEXT NOT NULL,
  type TEXT NOT NULL,
  size INTEGER NOT NULL,
  data BYTEA NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  PRIMARY KEY (token_hash, seq)
);
CREATE INDEX evidence_drafts_expires ON evidence_drafts (expires_at);`,
  },
  {
    version: 10,
    name: 'evidence stored without compression (PostgreSQL)',
    // JPEG, PNG, WebP and PDF are compressed already: PostgreSQL's default for bytea (EXTENDED) tried to compress
    // every file anyway and kept it as it was — ~3 ms of its CPU per 200 KB photo for nothing. Out of line, as before.
    only: 'postgres',
    sql: `ALTER TABLE evidence ALTER COLUMN data SET STORAGE EXTERNAL;
ALTER TABLE evidence_drafts ALTER COLUMN data SET STORAGE EXTERNAL;`,
  },
  {
    version: 11,
    name: 'roster_drafts: the published version a draft was compared with',
    // functions/publish/confirm.ts: a draft is confirmed only while that version is still the agency's published
    // one, checked inside the confirming transaction. '' = the agency had no published version; NULL = a draft
    // from before this migration, which is refused (the clerk uploads again).
    sql: 'ALTER TABLE roster_drafts ADD COLUMN base_version_id TEXT;',
  },
  {
    version: 12,
    name: 'indexes of the retention purge',
    // functions/retention/purge.ts runs every minute: its query of complaints past retention (purged_at IS NULL,
    // created_at up to a date) and its sweep of complaints purged in the last day (purged_at from a date) are ranges
    // of complaints_purge; a complaint's mails (select, cancel, empty) are found by outbox_complaint. Before, each was
    // a scan of the whole table (test/retention/indexes.test.ts checks the plans on both engines).
    sql: `CREATE INDEX complaints_purge ON complaints (purged_at, created_at);
CREATE INDEX outbox_complaint ON outbox (complaint_id);`,
  },
];

/** Applies every migration not yet applied, each in its own transaction; safe to run from several processes. */
export async function migrate(db: Db): Promise<void> {
  await db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
  for (const migration of migrations) {
    await db.transaction(async (tx) => {
      // Serialize concurrent migrators on PostgreSQL; SQLite's BEGIN IMMEDIATE already does.
      if (tx.dialect === 'postgres') await tx.query('SELECT pg_advisory_xact_lock(4242001)');
      const done = await tx.query('SELECT version FROM schema_migrations WHERE version = ?', [migration.version]);
      if (done.length) return;
      if (!migration.only || migration.only === tx.dialect) await tx.exec(migration.sql);
      await tx.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [migration.version, migration.name, new Date().toISOString()]);
    });
  }
}
