import type { Db } from '../store/db.ts';
import { withdrawVersion, type VersionRow } from '../store/records/roster-versions.ts';

/**
 * Republishing the site after a version is confirmed. The one-server deployment rebuilds in the background into a
 * fresh folder and swaps it in (scripts/build/atomic.ts), then reloads the functions' directory; a serverless
 * deployment calls its build hook. Builds run one at a time; versions confirmed while one runs go into the next.
 * A build that fails takes its versions back (withdrawVersion), so the store again matches the site being served.
 */

/**
 * Rebuilds the site. `pending`: the build was only started elsewhere (a serverless host's build hook accepted the
 * request) and reaches the site when the host deploys it; otherwise the new site is already being served.
 */
export type SiteBuilder = () => Promise<{ ok: true; pending?: boolean } | { ok: false; message: string }>;

export interface PublicationState {
  seq: number;
  /** `requested`: the host's build hook accepted the rebuild; the host builds and deploys on its own. */
  state: 'building' | 'requested' | 'live' | 'failed';
  /** Why a build failed, in the build's own words (its last lines). */
  message?: string;
}

export interface Republisher {
  /**
   * Starts (or queues) a rebuild that publishes `version`. In the background (one server): resolves at once with
   * `building`. With `wait` (a build hook: quick, and a serverless instance may be frozen once it has answered):
   * resolves when the hook has answered, with `requested` or `failed`.
   */
  request(version: VersionRow): Promise<PublicationState>;
  /** The state of the agency's latest publication in this process, if any. */
  status(agencyId: string): PublicationState | undefined;
  /** Resolves when no build runs or waits (tests, shutdown). */
  idle(): Promise<void>;
}

export function makeRepublisher(options: {
  store: Db;
  build: SiteBuilder;
  afterBuild: () => Promise<void>;
  log?: (line: string) => void;
  wait?: boolean;
}): Republisher {
  const states = new Map<string, PublicationState>();
  let pending: VersionRow[] = [];
  let running: Promise<void> | undefined;

  const round = async () => {
    while (pending.length) {
      const batch = pending;
      pending = [];
      let result: Awaited<ReturnType<SiteBuilder>>;
      try {
        result = await options.build();
      } catch (error) {
        result = { ok: false, message: (error as Error).message };
      }
      if (result.ok) {
        if (!result.pending) await options.afterBuild();
        const state = result.pending ? 'requested' : 'live';
        for (const v of batch) states.set(v.agency_id, { seq: v.seq, state });
        options.log?.(`[publish] site ${result.pending ? 'rebuild requested' : 'rebuilt'} for ${batch.map((v) => `${v.agency_id}#${v.seq}`).join(', ')}`);
        continue;
      }
      for (const v of [...batch].reverse()) await withdrawVersion(options.store, v);
      for (const v of batch) states.set(v.agency_id, { seq: v.seq, state: 'failed', message: result.message });
      options.log?.(`[publish] site rebuild failed; withdrew ${batch.map((v) => `${v.agency_id}#${v.seq}`).join(', ')}`);
    }
  };

  const idle = async () => {
    while (running) await running;
  };
  return {
    async request(version) {
      pending.push(version);
      const building: PublicationState = { seq: version.seq, state: 'building' };
      states.set(version.agency_id, building);
      running ??= round().finally(() => {
        running = undefined;
      });
      if (!options.wait) return building;
      await idle();
      return states.get(version.agency_id) ?? building;
    },
    status: (agencyId) => states.get(agencyId),
    idle,
  };
}

/** The last lines of a build's output worth showing (no stack frames), at most ~1,500 characters. */
export function buildFailureMessage(output: string): string {
  const lines = output
    .split(/\r?\n/)
    .map((l) => l.replace(/\x1b\[[0-9;]*m/g, '').trimEnd())
    .filter((l) => l.trim() && !/^\s+at /.test(l));
  const tail = lines.slice(-12).join('\n');
  return (tail.length > 1500 ? `…${tail.slice(-1500)}` : tail) || '网站生成失败（没有输出）。';
}

/**
 * A serverless deployment's republishing: a POST to the build hook its host gives (BUILD_HOOK_URL). The build it
 * starts reads the versions through ROSTER_STORE_URL; the hook answering 2xx is all this side can know, so the
 * version is then `requested`, not live. Anything else withdraws the version. The hook's URL is a credential: it
 * is never shown or logged.
 */
export function buildHook(url: string, timeoutMs = 8000): SiteBuilder {
  return async () => {
    const response = await fetch(url, { method: 'POST', signal: AbortSignal.timeout(timeoutMs) }).catch(() => undefined);
    await response?.arrayBuffer().catch(() => undefined);
    if (response?.ok) return { ok: true, pending: true };
    return {
      ok: false,
      message: `调用构建钩子失败（${response ? `HTTP ${response.status}` : '无法连接或超时'}），网站没有重新生成，这一版已撤回。请稍后重试；如果仍然失败，请联系运维人员检查 BUILD_HOOK_URL。`,
    };
  };
}
