import { join } from 'node:path';
import { getSite } from '../../src/import/site.ts';
import type { Settings } from '../../src/core/settings.ts';
import { loadCalendar } from '../deadlines/calendar.ts';
import { makeIntakeActionLinks } from '../handling/mails.ts';
import { handlingFunctions } from '../handling/http.ts';
import { runDeadlineJobs } from '../deadlines/jobs.ts';
import { complaintFunctions } from '../complaints/handler.ts';
import { buildDirectory, type Directory } from '../../src/core/directory.ts';
import { defaultLimits, senderAddress, type Limits, type World } from '../complaints/world.ts';
import { createMailer, type Mailer } from '../mail/transport.ts';
import { runOutboxLoop, sendPendingMail, type Clock } from '../outbox/worker.ts';
import { intakeMailComposer } from '../complaints/intake-mail.ts';
import { openStore } from '../store/index.ts';
import type { FunctionHandler } from './node.ts';
import { lookupFunctions } from './lookup.ts';
import { hostWatch } from './site-url.ts';

export const systemClock: Clock = { now: () => new Date() };

/** The directory the functions route with, from the content folder (the same data the site is built from). */
export async function loadDirectory(contentDir: string): Promise<Directory> {
  const site = await getSite(contentDir);
  return buildDirectory({ agencies: site.registry.agencies, regulations: site.regulations, auxiliaries: site.roster.auxiliaries });
}

export function outboxDir(settings: Pick<Settings, 'varDir'>): string {
  return join(settings.varDir, 'outbox');
}

/** Operator overrides: RATE_BURST, RATE_PER_MINUTE (per client address), POW_BITS (0 = off). */
export function limitsFromEnv(env: NodeJS.ProcessEnv = process.env): Partial<Limits> {
  const out: Partial<Limits> = {};
  const num = (name: string) => (env[name] && Number.isFinite(Number(env[name])) ? Number(env[name]) : undefined);
  const burst = num('RATE_BURST');
  const perMinute = num('RATE_PER_MINUTE');
  const pow = num('POW_BITS');
  if (burst !== undefined) out.rateBurst = burst;
  if (perMinute !== undefined) out.ratePerSecond = perMinute / 60;
  if (pow !== undefined) out.powBits = Math.max(0, Math.min(24, Math.floor(pow)));
  return out;
}

export interface App {
  world: World;
  functions: FunctionHandler;
  mailer: Mailer;
  /** One round of the outbox worker (scheduled functions call this). */
  sendPendingMail(): ReturnType<typeof sendPendingMail>;
  /** Reminders, escalations, daily summaries (issue 5): queue their mail; run before sendPendingMail. */
  runDeadlineJobs(): ReturnType<typeof runDeadlineJobs>;
  /** The worker loop until the signal aborts (`npm start`, `npm run outbox`). */
  runOutbox(signal: AbortSignal, intervalMs?: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * Builds the functions' world from the settings — used by the Node server, `npm run outbox` and the
 * serverless adapter alike, so all three behave the same.
 */
export async function createApp(
  settings: Settings,
  options: {
    limits?: Partial<Limits>;
    clock?: Clock;
    log?: (line: string) => void;
    directory?: Directory;
    /** Log the first request for another host than SITE_URL's (default: when SITE_URL is set, i.e. production). */
    watchHost?: boolean;
  } = {},
): Promise<App> {
  const clock = options.clock ?? systemClock;
  const store = await openStore(settings);
  const directory = options.directory ?? (await loadDirectory(settings.contentDir));
  const calendar = await loadCalendar(settings.contentDir);
  const world: World = {
    store,
    clock,
    directory,
    calendar,
    settings: { secret: settings.secret, siteUrl: settings.siteUrl },
    limits: { ...defaultLimits, ...limitsFromEnv(), ...options.limits },
    actionLinks: makeIntakeActionLinks({ settings, clock }),
    ...(options.log ? { log: options.log } : {}),
  };
  const mailer = createMailer({ smtpUrl: settings.smtpUrl, outboxDir: outboxDir(settings) });
  const leaseMs = Number(process.env.OUTBOX_LEASE_MS) || undefined;
  const outbox = { db: store, mailer, clock, from: senderAddress(settings.siteUrl), composers: { intake: intakeMailComposer(world) }, ...(leaseMs ? { leaseMs } : {}) };
  // Intake (issue 4) first, then agency actions and the status form (issue 5).
  const handlers: FunctionHandler[] = [lookupFunctions(directory), complaintFunctions(world), handlingFunctions(world)];
  if (options.watchHost ?? !!process.env.SITE_URL) handlers.unshift(hostWatch(settings.siteUrl, options.log ?? console.log));
  // Reminders, escalations and daily summaries (issue 5) run with the mail worker, at most once a minute.
  let lastJobs = 0;
  const beforeRound = async () => {
    const now = clock.now().getTime();
    if (now - lastJobs < 60_000) return;
    lastJobs = now;
    await runDeadlineJobs(world);
  };
  const functions: FunctionHandler = async (request, context) => {
    for (const handler of handlers) {
      const response = await handler(request, context);
      if (response) return response;
    }
    return undefined;
  };
  return {
    world,
    functions,
    mailer,
    sendPendingMail: () => sendPendingMail(outbox),
    runDeadlineJobs: () => runDeadlineJobs(world),
    runOutbox: (signal, intervalMs) => runOutboxLoop({ ...outbox, beforeRound, signal, ...(intervalMs ? { intervalMs } : {}), ...(options.log ? { log: options.log } : {}) }),
    close: async () => {
      mailer.close();
      await store.close();
    },
  };
}
