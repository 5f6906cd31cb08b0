import type { Directory } from '../../src/core/directory.ts';
import type { Db } from '../store/db.ts';
import type { PublishedRow, Republisher } from './republish.ts';

/**
 * Several `npm start` servers on one store, each with its own OUT_DIR: a clerk's confirmation rebuilds only the
 * server that received it. Each server therefore looks, at start and every REBUILD_CHECK_MS, whether the store's
 * published versions are the ones its served build was made from (the directory file's `workspaceVersions`), and when
 * they are not, rebuilds itself through its republisher — the same single-flight rounds and failure handling as a
 * confirmation it took itself. The look is one small query on the `roster_versions_status` index; it is skipped
 * while this server's own build runs. A difference that one rebuild did not resolve is one of two kinds, told apart
 * by how that build ended (the republisher's `lastRound`):
 * - the build succeeded and still differs (it reads another store than the functions: ROSTER_STORE_URL): not
 *   rebuilt again until the store changes, logged once for each state of the store; the versions are not said to
 *   be live (the republisher marks live only what the build contains);
 * - the build failed (this server's disk, memory): tried again after `retryAfterMs` (10 minutes) or when the store
 *   changes, each retry logged with how many tries failed so far.
 * Either is also told on the workspace page (`lag`, pages.ts shownState), and so is a version still missing from this
 * server's site REBUILD_OVERDUE after it was recorded, for whatever reason: never 正在重新生成 for ever.
 */

/** Platform policy: how often a server looks for versions published through another server (ms). */
export const DEFAULT_REBUILD_CHECK_MS = 60_000;

/** Platform policy: after a catch-up build that failed, how long before the server tries again (ms). */
export const CATCH_UP_RETRY_MS = 10 * DEFAULT_REBUILD_CHECK_MS;

/**
 * Platform policy (docs/DEPLOY.md): how long after a version was recorded a server whose site still lacks it stops
 * saying 正在重新生成 on the workspace page and says that its site was not regenerated. One look to notice the
 * version, then as long as a failed catch-up waits for its retry — time for one whole build at the platform's scale
 * (docs/SCALE.md: a few minutes for 300,000 people): 11 minutes with the default interval. A server whose look is off
 * (0: servers sharing one OUT_DIR) is given the default interval's bound.
 */
export function rebuildOverdueMs(checkMs: number): number {
  return (checkMs > 0 ? checkMs : DEFAULT_REBUILD_CHECK_MS) + CATCH_UP_RETRY_MS;
}

/** REBUILD_CHECK_MS: the interval of that look (default 60,000; 0 = never look, e.g. servers sharing one OUT_DIR). */
export function rebuildCheckMsFromEnv(env: NodeJS.ProcessEnv): number {
  const raw = env.REBUILD_CHECK_MS;
  if (raw === undefined || raw.trim() === '') return DEFAULT_REBUILD_CHECK_MS;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) return DEFAULT_REBUILD_CHECK_MS;
  return value === 0 ? 0 : Math.max(100, Math.floor(value));
}

/** Every agency's published version, only what tells them apart: one indexed query (roster_versions_status). */
async function publishedIds(store: Db): Promise<PublishedRow[]> {
  const rows = await store.query<{ id: string; agency_id: string; seq: number | string }>(
    "SELECT id, agency_id, seq FROM roster_versions WHERE status = 'published' ORDER BY id",
  );
  return rows.map((r) => ({ id: r.id, agency_id: r.agency_id, seq: Number(r.seq) }));
}

/** What this server knows of why its site still lacks versions the store publishes (the workspace page says so). */
export type SiteLag =
  /** A catch-up build succeeded without them: the build reads another store than the functions. */
  | { cause: 'other-store'; ids: readonly string[] }
  /**
   * Catch-up builds failed `failures` times (this server's disk, memory): one runs again now (`retrying`), or at
   * `retryAt` (ms since the epoch) or when the store changes.
   */
  | { cause: 'failed'; ids: readonly string[]; failures: number; retrying: boolean; retryAt?: number };

export interface StoreWatch {
  /** One look (the timer's; tests call it). Says whether it started a rebuild. */
  check(): Promise<boolean>;
  /**
   * Why the site still lacks the published versions `ids` (the store as at the look that tried to bring them in),
   * when a catch-up found out; undefined while there is nothing to tell (in step, or the first build still running).
   */
  lag(): SiteLag | undefined;
  /** rebuildOverdueMs of this server's interval: after it, a version its site lacks is said not to be regenerated. */
  readonly overdueMs: number;
  /**
   * When this watch began (ms since the epoch): a version recorded while this server was down is overdue only that
   * long after the server could first look for it, not after its recording.
   */
  readonly since: number;
}

export function makeStoreWatch(options: {
  store: Db;
  republisher: Republisher;
  /** The directory this server serves, after looking whether a new build replaced it. */
  directory: () => Promise<Directory>;
  log: (line: string) => void;
  /** After a catch-up whose build failed, try again after this long (one whose build succeeded: when the store changes). */
  retryAfterMs?: number;
  /** REBUILD_CHECK_MS, for `overdueMs`. */
  intervalMs?: number;
  now?: () => number;
}): StoreWatch {
  const { store, republisher, log } = options;
  /** For a directory file that does not say what it was built from (before version 4): the store as first seen. */
  let assumed: { directory: Directory; ids: string } | undefined;
  /** The store's published versions that the last catch-up rebuilt for: not rebuilt for again. */
  let triedFor: string | undefined;
  let triedIds: readonly string[] = [];
  let triedAt = 0;
  /** Catch-ups for `triedFor` whose build failed. */
  let failures = 0;
  const now = options.now ?? Date.now;
  const retryAfterMs = options.retryAfterMs ?? CATCH_UP_RETRY_MS;
  const minutes = Math.round(retryAfterMs / 60_000);
  /** The store's state (published ids) for which a build that succeeded but differs was explained. */
  let warnedFor: string | undefined;
  let checking = false;

  const check = async (): Promise<boolean> => {
    if (checking || republisher.busy()) return false;
    checking = true;
    try {
      const directory = await options.directory();
      const published = await publishedIds(store);
      const ids = published.map((r) => r.id).join(',');
      let built = directory.workspaceVersions?.join(',');
      if (built === undefined) {
        if (assumed?.directory !== directory) assumed = { directory, ids };
        built = assumed.ids;
      }
      if (ids === built) {
        triedFor = undefined;
        failures = 0;
        warnedFor = undefined;
        return false;
      }
      // Our own build may have started (a confirmation here) while the query ran: it reads the store afresh.
      if (republisher.busy()) return false;
      let retry = false;
      if (triedFor === ids) {
        if (republisher.lastRound() !== 'failed') {
          // Built, and still not what the store has: the build reads another store. Again when the store changes.
          if (warnedFor !== ids) {
            warnedFor = ids;
            log(
              `[publish] 本服务器的网站已重新生成，但构建读到的已发布名单版本与数据库中的不同：构建读取的不是投诉功能的数据库（ROSTER_STORE_URL 与 DATABASE_URL 应指向同一个数据库）。数据库再有变化之前不再重新生成，这些版本也不显示为已公示（docs/DEPLOY.md）。`,
            );
          }
          return false;
        }
        if (now() - triedAt < retryAfterMs) return false;
        retry = true;
      }
      const have = new Set(directory.workspaceVersions ?? []);
      const missing = published.filter((r) => !have.has(r.id));
      if (!republisher.catchUp(missing)) return false;
      if (triedFor !== ids) failures = 0;
      if (retry) failures++;
      triedFor = ids;
      triedIds = published.map((r) => r.id);
      triedAt = now();
      log(
        retry
          ? `[publish] 本服务器网站与数据库仍不一致：重新生成已失败 ${failures} 次（见上面的 build error），现在第 ${failures + 1} 次重新生成；再失败则 ${minutes} 分钟后或数据库再有变化时再试`
          : `[publish] 数据库中有本服务器网站尚未包含的名单版本变化（${missing.map((r) => `${r.agency_id}#${r.seq}`).join(', ') || '有版本被撤回'}），正在重新生成网站`,
      );
      return true;
    } catch (error) {
      // The store is down for a moment: the next look tries again.
      log(`[publish] 检查已发布的名单版本失败（${(error as Error).name}），下次再试`);
      return false;
    } finally {
      checking = false;
    }
  };
  const lag = (): SiteLag | undefined => {
    if (triedFor === undefined) return undefined;
    // `failures` counts the tries that failed before the one under way (check: counted as a retry starts).
    if (republisher.busy()) return failures ? { cause: 'failed', ids: triedIds, failures, retrying: true } : undefined;
    if (republisher.lastRound() === 'failed') {
      return { cause: 'failed', ids: triedIds, failures: failures + 1, retrying: false, retryAt: triedAt + retryAfterMs };
    }
    return warnedFor === triedFor ? { cause: 'other-store', ids: triedIds } : undefined;
  };
  return { check, lag, overdueMs: rebuildOverdueMs(options.intervalMs ?? DEFAULT_REBUILD_CHECK_MS), since: now() };
}

/** Runs `watch.check` every `intervalMs` until the signal aborts; never two at once (each waits for the one before). */
export async function runStoreWatch(watch: StoreWatch, intervalMs: number, signal: AbortSignal): Promise<void> {
  let wake: (() => void) | undefined;
  const onAbort = () => wake?.();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    while (!signal.aborted) {
      await new Promise<void>((done) => {
        const timer = setTimeout(done, intervalMs);
        wake = () => {
          clearTimeout(timer);
          done();
        };
      });
      if (signal.aborted) return;
      await watch.check();
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}
