/**
 * `npm run outbox`: the mail worker loop on its own (when the functions run serverless or on several
 * servers), with the deadline jobs (reminders, escalations, daily summaries). Safe to run several at once. `npm run outbox -- --once` sends what is due and exits.
 */
import { readSettings } from '../src/core/settings.ts';
import { createApp, outboxDir } from '../functions/server/app.ts';
import { roundLine } from '../functions/outbox/worker.ts';
import { DirectoryFileError } from '../functions/server/directory-file.ts';
import { EmlFolderError } from '../functions/mail/eml-folder.ts';
import { SecretError } from '../functions/server/secret.ts';
import { StoreOpenError } from '../functions/store/index.ts';
import { sqliteLeftBehind } from '../functions/store/left-behind.ts';

const settings = (() => {
  try {
    return readSettings();
  } catch (error) {
    console.error(`[outbox] ${(error as Error).message}`);
    process.exit(1);
  }
})();
let app: Awaited<ReturnType<typeof createApp>>;
try {
  app = await createApp(settings);
} catch (error) {
  if (!(error instanceof SecretError || error instanceof StoreOpenError || error instanceof DirectoryFileError || error instanceof EmlFolderError)) throw error;
  console.error(`[outbox] ${error.message}`);
  process.exit(1);
}
const leftBehind = await sqliteLeftBehind(settings, app.world.store);
if (leftBehind) console.warn(`[outbox] 注意：${leftBehind}`);
if (process.argv.includes('--once')) {
  const jobs = await app.runDeadlineJobs();
  const purged = await app.purgeClosedComplaints();
  console.log(
    `[outbox] purged ${purged.complaints} complaint(s) past retention (${purged.neverClosed} never closed), ${purged.emlFiles} .eml file(s), ${purged.cancelledMails} queued mail(s) cancelled` +
      (purged.deferred ? `, ${purged.deferred} left for the next run (a mail of theirs being sent)` : ''),
  );
  const result = await app.sendPendingMail();
  console.log(`[outbox] reminders ${jobs.reminders}, escalations ${jobs.escalations}, summaries ${jobs.summaries}`);
  console.log(roundLine(result));
  await app.close();
} else {
  console.log(`[outbox] 邮件：${settings.smtpUrl ? 'SMTP_URL' : `写入 .eml 文件到 ${outboxDir(settings)}`}；Ctrl+C 停止`);
  const stop = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => stop.abort());
  await app.runOutbox(stop.signal, Number(process.env.OUTBOX_INTERVAL_MS) || 5000);
  await app.close();
}
