import { join } from 'node:path';
import type { Settings } from '../../src/core/settings.ts';
import { makeCalendar } from '../deadlines/calendar.ts';
import { makeIntakeActionLinks } from '../handling/mails.ts';
import { handlingFunctions } from '../handling/http.ts';
import { runDeadlineJobs } from '../deadlines/jobs.ts';
import { purgeClosedComplaints, type PurgeResult } from '../retention/purge.ts';
import { purgeLeaverNames } from '../retention/roster-names.ts';
import { complaintFunctions } from '../complaints/handler.ts';
import { complaintFormPage } from '../complaints/form-page.ts';
import type { Directory } from '../../src/core/directory.ts';
import { statsFunctions } from '../stats/http.ts';
import { publishFunctions } from '../publish/http.ts';
import { inProcessRosterParser, workerRosterParser } from '../publish/roster-parser.ts';
import { buildHook, makeRepublisher, type Republisher, type SiteBuilder } from '../publish/republish.ts';
import { makeStoreWatch, runStoreWatch } from '../publish/store-watch.ts';
import { directoryFilePath, openDirectoryFile, type DirectorySource } from './directory-file.ts';
import { defaultLimits, senderAddress, type Limits, type World } from '../complaints/world.ts';
import { createMailer, DEFAULT_MAX_MESSAGE_BYTES, type Mailer } from '../mail/transport.ts';
import { makeEmlFolder } from '../mail/eml-folder.ts';
import { makeEvidenceLinker } from '../complaints/evidence-links.ts';
import { evidenceDownloads } from '../complaints/evidence-download.ts';
import { DEFAULT_CONCURRENCY, runOutboxLoop, sendPendingMail, type Clock } from '../outbox/worker.ts';
import { DEFAULT_BUSY_EVERY_MS, DEFAULT_INTAKE_QUIET_MS, intakePriority, type IntakePriorityOptions } from '../outbox/priority.ts';
import { intakeMailComposer } from '../complaints/intake-mail.ts';
import { purgeEvidenceDrafts } from '../complaints/drafts.ts';
import { openStore } from '../store/index.ts';
import { requireDeploymentSettings, resolveSecret } from './secret.ts';
import { logLine } from './log.ts';
import { isStoreUnavailable, loggablePath, unavailableResponse, withFunctionHeaders } from './headers.ts';
import type { FunctionHandler } from './node.ts';
import { lookupFunctions } from './lookup.ts';
import { searchPageFunction } from './search-page.ts';
import { hostWatch } from './site-url.ts';

export const systemClock: Clock = { now: () => new Date() };

export function outboxDir(settings: Pick<Settings, 'varDir'>): string {
  return join(settings.varDir, 'outbox');
}

/** Operator overrides: RATE_BURST, RATE_PER_MINUTE (per client address), POW_BITS (0 = off), STATUS_PER_MINUTE. */
export function limitsFromEnv(env: NodeJS.ProcessEnv = process.env): Partial<Limits> {
  const out: Partial<Limits> = {};
  const num = (name: string) => (env[name] && Number.isFinite(Number(env[name])) ? Number(env[name]) : undefined);
  const burst = num('RATE_BURST');
  const perMinute = num('RATE_PER_MINUTE');
  const pow = num('POW_BITS');
  if (burst !== undefined) out.rateBurst = burst;
  if (perMinute !== undefined) out.ratePerSecond = perMinute / 60;
  if (pow !== undefined) out.powBits = Math.max(0, Math.min(24, Math.floor(pow)));
  const lookups = num('STATUS_PER_MINUTE');
  if (lookups !== undefined && lookups >= 1) out.statusPerMinute = Math.floor(lookups);
  return out;
}

/** OUTBOX_CONCURRENCY: sends one worker runs at once (1–32; default DEFAULT_CONCURRENCY). */
export function outboxConcurrencyFromEnv(env: NodeJS.ProcessEnv): number {
  const value = Number(env.OUTBOX_CONCURRENCY);
  return env.OUTBOX_CONCURRENCY && Number.isInteger(value) && value >= 1 ? Math.min(value, 32) : DEFAULT_CONCURRENCY;
}

/** MAIL_MAX_BYTES: the cap on one encoded message (default 9,000,000; larger evidence is sent as download links). */
export function maxMessageBytesFromEnv(env: NodeJS.ProcessEnv): number {
  const value = Number(env.MAIL_MAX_BYTES);
  return env.MAIL_MAX_BYTES && Number.isFinite(value) && value >= 100_000 ? Math.floor(value) : DEFAULT_MAX_MESSAGE_BYTES;
}

/**
 * OUTBOX_INTAKE_QUIET_MS (default 250; 0 = never hold back) and OUTBOX_BUSY_EVERY_MS (default 1,000): how the mail
 * loop of `npm start` gives way to the intake in the same process (functions/outbox/priority.ts).
 */
export function intakePriorityFromEnv(env: NodeJS.ProcessEnv): IntakePriorityOptions {
  const ms = (name: string, fallback: number, max: number) => {
    const value = Number(env[name]);
    return env[name] && Number.isFinite(value) && value >= 0 ? Math.min(Math.floor(value), max) : fallback;
  };
  return { quietMs: ms('OUTBOX_INTAKE_QUIET_MS', DEFAULT_INTAKE_QUIET_MS, 60_000), shareEveryMs: ms('OUTBOX_BUSY_EVERY_MS', DEFAULT_BUSY_EVERY_MS, 60_000) };
}

export interface App {
  world: World;
  functions: FunctionHandler;
  mailer: Mailer;
  /** One round of the outbox worker (scheduled functions call this). */
  sendPendingMail(): ReturnType<typeof sendPendingMail>;
  /** Reminders, escalations, daily summaries : queue their mail; run before sendPendingMail. */
  runDeadlineJobs(): ReturnType<typeof runDeadlineJobs>;
  /** Removes the personal information of complaints closed longer than the policy keeps it (policy.yaml complaintData). */
  purgeClosedComplaints(): Promise<PurgeResult>;
  /**
   * The worker loop until the signal aborts (`npm start`, `npm run outbox`). `yieldToIntake` (`npm start`, where the
   * intake runs in the same process): hold back while submissions arrive, keeping the guaranteed share.
   */
  runOutbox(signal: AbortSignal, intervalMs?: number, options?: { yieldToIntake?: boolean }): Promise<void>;
  /** Re-reads the directory file now (after a new build is swapped in); a no-op for an injected directory. */
  reloadDirectory(): Promise<void>;
  /** Rebuilds the site after a roster version is confirmed; undefined when this deployment cannot. */
  republisher: Republisher | undefined;
  /**
   * Until the signal aborts, looks every `rebuildCheckMs` whether the store holds published versions this server's
   * site was not built from (confirmed through another server) and rebuilds (functions/publish/store-watch.ts). The
   * first look is at once: versions confirmed while this server was down, or whose rebuild was stopped with it, are
   * rebuilt at start rather than one interval later. Returns at once where the server does not build itself (a build
   * hook, or no way to republish) or rebuildCheckMs is 0 or unset.
   */
  watchPublished(signal: AbortSignal): Promise<void>;
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
    /** A directory made in memory (tests); otherwise the build's directory file under settings.outDir is read. */
    directory?: Directory;
    /** How often, at most, a request looks whether a new build replaced the directory file (ms; default 1,000). */
    directoryCheckMs?: number;
    /** Where HOST, SITE_URL and NODE_ENV are read to tell a local run from a deployment (default process.env). */
    env?: NodeJS.ProcessEnv;
    /**
     * How a confirmed roster version reaches the site: `npm start` rebuilds in the background (scripts/start.ts);
     * otherwise BUILD_HOOK_URL (settings.buildHookUrl), if set, is called. Neither: the workspace refuses to confirm.
     */
    rebuildSite?: SiteBuilder;
    /**
     * With rebuildSite: how often watchPublished looks for versions published through another server on the same
     * store (REBUILD_CHECK_MS, functions/publish/store-watch.ts); 0 or unset: it does not look.
     */
    rebuildCheckMs?: number;
    /** Log the first request for another host than SITE_URL's (default: when SITE_URL is set, i.e. production). */
    watchHost?: boolean;
    /**
     * Where the workspace reads uploaded rosters: `worker` (default; a worker thread, one at a time, with a heap and a
     * time limit) or `in-process` (the serverless adapter: one request per instance, and no worker file in its bundle).
     */
    uploadParser?: 'worker' | 'in-process';
  } = {},
): Promise<App> {
  const clock = options.clock ?? systemClock;
  // The directory first: a missing build is the likeliest mistake, and its message says what to run. Reading it
  // writes nothing, so a refused start leaves no trace.
  const source: DirectorySource | undefined = options.directory
    ? undefined
    : await openDirectoryFile(directoryFilePath(settings.outDir), {
        ...(options.directoryCheckMs !== undefined ? { checkMs: options.directoryCheckMs } : {}),
        ...(options.log ? { log: options.log } : {}),
      });
  // Refuses to start without a key of our own before the store is opened (functions/server/secret.ts).
  const keys = resolveSecret(settings, options.env);
  requireDeploymentSettings(settings, options.env);
  const directory = options.directory ?? source!.current();
  const store = await openStore(settings);
  if (!settings.smtpUrl) {
    try {
      makeEmlFolder(outboxDir(settings), settings.varDir);
    } catch (error) {
      await store.close();
      throw error;
    }
  }
  // The intake tells an in-process worker loop that mail is waiting (runOutboxLoop's wake).
  const mailListeners = new Set<() => void>();
  // Intake before mail: the in-process loop holds back while submissions are being taken in (priority.ts).
  const priority = intakePriority(intakePriorityFromEnv(options.env ?? process.env));
  const world: World = {
    store,
    mailQueued: () => {
      for (const listener of mailListeners) listener();
    },
    submissionInFlight: priority.enter,
    clock,
    directory,
    calendar: makeCalendar(directory.holidays),
    policy: directory.policy,
    settings: { secret: keys.secret, previousSecrets: keys.previousSecrets, retiredSecrets: keys.retiredSecrets, siteUrl: settings.siteUrl },
    limits: { ...defaultLimits, ...limitsFromEnv(), ...options.limits },
    // Every entry point logs what the functions do (retention, agency actions, orphaned complaints) unless told where.
    log: options.log ?? logLine,
  };
  // Reads the world's policy when it writes links, so a new build's policy applies at once.
  world.actionLinks = makeIntakeActionLinks(world);
  const concurrency = outboxConcurrencyFromEnv(options.env ?? process.env);
  const mailer = createMailer({ smtpUrl: settings.smtpUrl, outboxDir: outboxDir(settings), connections: concurrency });
  const leaseMs = Number(process.env.OUTBOX_LEASE_MS) || undefined;
  const outbox = {
    db: store,
    mailer,
    concurrency,
    clock,
    from: senderAddress(settings.siteUrl),
    composers: { intake: intakeMailComposer(world) },
    ...(leaseMs ? { leaseMs } : {}),
    maxMessageBytes: maxMessageBytesFromEnv(options.env ?? process.env),
    evidenceLink: makeEvidenceLinker(world),
  };
  // Intake first, then agency actions and the status form, evidence downloads, the statistics pages (they read
  // the store on request; the static build never does) and the agencies' publishing workspace.
  const hook = !options.rebuildSite && settings.buildHookUrl ? buildHook(settings.buildHookUrl) : undefined;
  const rebuildSite = options.rebuildSite ?? hook;
  const republisher: Republisher | undefined = rebuildSite
    ? makeRepublisher({
        store,
        build: rebuildSite,
        // What the new build contains, as its directory file says (a kept older directory: what is still served).
        afterBuild: async () => {
          await reloadDirectory();
          return source ? world.directory.workspaceVersions : undefined;
        },
        log: options.log ?? ((line) => console.error(line)),
        wait: !!hook,
        ...(!hook && options.rebuildCheckMs ? { othersWithinMs: options.rebuildCheckMs } : {}),
      })
    : undefined;
  const log = options.log ?? ((line: string) => console.error(line));
  // Only a server that builds itself: on serverless, each deploy's instances read the directory that deploy built.
  // The workspace page asks it whether this server's site is behind the store (and why).
  const storeWatch =
    republisher && !hook
      ? makeStoreWatch({
          store,
          republisher,
          directory: async () => {
            await fresh();
            return world.directory;
          },
          log,
          ...(options.rebuildCheckMs ? { intervalMs: options.rebuildCheckMs } : {}),
        })
      : undefined;
  const handlers: FunctionHandler[] = [
    lookupFunctions(() => world.directory, settings.siteUrl),
    searchPageFunction(
      () => settings.outDir,
      () => world.directory,
    ),
    complaintFunctions(world),
    complaintFormPage(world, settings.outDir),
    handlingFunctions(world),
    evidenceDownloads(world),
    statsFunctions(world),
    publishFunctions(world, republisher, {
      parser: options.uploadParser === 'in-process' ? inProcessRosterParser() : workerRosterParser(),
      ...(storeWatch ? { storeWatch } : {}),
    }),
  ];
  if (options.watchHost ?? !!(options.env ?? process.env).SITE_URL) handlers.unshift(hostWatch(settings.siteUrl, options.log ?? console.log));
  // Reminders, escalations and daily summaries run with the mail worker, at most once a minute.
  let lastJobs = 0;
  const beforeRound = async () => {
    await fresh();
    const now = clock.now().getTime();
    if (now - lastJobs < 60_000) return;
    lastJobs = now;
    await runDeadlineJobs(world);
    await purgeClosedComplaints(world, { outboxDir: outboxDir(settings) });
    await purgeEvidenceDrafts(world);
    await purgeLeaverNames(world);
  };
  // Requests and worker rounds see the directory of the newest build; the swap happens between two awaits.
  const fresh = async () => {
    if (!source) return;
    await source.refresh();
    const next = source.current();
    if (next !== world.directory) {
      world.directory = next;
      world.calendar = makeCalendar(next.holidays);
      world.policy = next.policy;
    }
  };
  async function reloadDirectory(): Promise<void> {
    if (!source) return;
    await source.reload();
    await fresh();
  }
  const functions: FunctionHandler = async (request, context) => {
    try {
      await fresh();
      for (const handler of handlers) {
        const response = await handler(request, context);
        if (response) return withFunctionHeaders(response);
      }
      return undefined;
    } catch (error) {
      // Only the route (tokens and references cut out) and the error's kind: never the request's contents.
      const kind = `${(error as Error).name} ${(error as { code?: string }).code ?? ''}`.trim();
      log(`[functions] ${request.method} ${loggablePath(new URL(request.url).pathname)} failed: ${kind}`);
      if (isStoreUnavailable(error)) return withFunctionHeaders(unavailableResponse(request));
      throw error;
    }
  };
  return {
    world,
    functions,
    mailer,
    sendPendingMail: async () => {
      await fresh();
      return sendPendingMail(outbox);
    },
    runDeadlineJobs: async () => {
      await fresh();
      return runDeadlineJobs(world);
    },
    purgeClosedComplaints: async () => {
      await fresh();
      await purgeEvidenceDrafts(world);
      const purged = await purgeClosedComplaints(world, { outboxDir: outboxDir(settings) });
      // The workspace's stored rosters follow the leavers' retention period in the same run.
      await purgeLeaverNames(world);
      return purged;
    },
    reloadDirectory,
    republisher,
    watchPublished: async (signal) => {
      if (!storeWatch || !options.rebuildCheckMs || signal.aborted) return;
      await storeWatch.check();
      await runStoreWatch(storeWatch, options.rebuildCheckMs, signal);
    },
    runOutbox: (signal, intervalMs, loop) =>
      runOutboxLoop({
        ...outbox,
        beforeRound,
        signal,
        wake: (listener) => {
          mailListeners.add(listener);
          return () => mailListeners.delete(listener);
        },
        ...(loop?.yieldToIntake ? { yieldTo: priority } : {}),
        ...(intervalMs ? { intervalMs } : {}),
        ...(options.log ? { log: options.log } : {}),
      }),
    close: async () => {
      await republisher?.idle();
      mailer.close();
      await store.close();
    },
  };
}
