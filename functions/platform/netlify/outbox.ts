/**
 * Netlify scheduled function: every minute, queue the deadline mail (reminders, escalations, daily
 * summaries) and send what is due from the outbox. Several overlapping runs are safe (leases, SKIP LOCKED).
 */
import { withFunctionHeaders } from '../../server/headers.ts';
import { getApp } from './shared.ts';

export default async function handler(): Promise<Response> {
  const app = await getApp();
  await app.runDeadlineJobs();
  await app.purgeClosedComplaints();
  let total = 0;
  // Drain within the invocation's time budget; the next run picks up the rest.
  const started = Date.now();
  for (;;) {
    const result = await app.sendPendingMail();
    total += result.sent;
    if (result.claimed === 0 || Date.now() - started > 20_000) break;
  }
  // A frozen instance must not wake up holding SMTP connections the server has long closed.
  app.mailer.close();
  console.log(`[outbox] sent ${total}`);
  return withFunctionHeaders(new Response(null, { status: 204 }));
}

export const config = { schedule: '* * * * *' };
