/**
 * A mail worker in a process of its own, for in-flight.test.ts to kill (kill -9) in the middle of a send: one round
 * of one due mail over SMTP_URL, on the store STORE (a SQLite file, or a PostgreSQL URL with SCHEMA), its clock
 * stopped at NOW. The test's SMTP server kills it once the message is in, before answering: the mail is at the server,
 * and the row was never recorded.
 */
import { createMailer } from '../../functions/mail/transport.ts';
import { sendPendingMail } from '../../functions/outbox/worker.ts';
import { openPostgres } from '../../functions/store/postgres.ts';
import { openSqlite } from '../../functions/store/sqlite.ts';

const store = process.env.STORE ?? '';
const db = store.startsWith('postgres') ? openPostgres(store, { schema: process.env.SCHEMA ?? '' }) : openSqlite(store);
const now = new Date(process.env.NOW ?? '');
const mailer = createMailer({ smtpUrl: process.env.SMTP_URL, outboxDir: '/nonexistent' });
await sendPendingMail({ db, mailer, clock: { now: () => now }, from: 'noreply@gongshi.example', batch: 1, concurrency: 1 });
// Not reached when the test kills it, as it should.
mailer.close();
await db.close();
