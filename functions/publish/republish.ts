import type { Db } from '../store/db.ts';
import { withdrawVersion, type VersionRow } from '../store/records/roster-versions.ts';

/**
 * Republishing the site after a version is confirmed. The one-server deployment rebuilds in the background into a
 * fresh folder and swaps it in (scripts/build/atomic.ts), then reloads the functions' directory; a serverless
 * deployment calls its build hook. Builds run one at a time; versions confirmed while one runs go into the next.
 * A build that fails takes its versions back (withdrawVersion), so the store again matches the site being served.
 */

export type SiteBuilder = () => Promise<{ ok: true } | { ok: false; message: string }>;

export interface PublicationState {
  seq: number;
  state: 'building' | 'live' | 'failed';
  /** Why a build failed, in the build's own words (its last lines). */
  message?: string;
}

export interface Republisher {
  /** Starts (or queues) a rebuild that publishes `version`; returns at once. */
  request(version: VersionRow): void;
  /** The state of the agency's latest publication in this process, if any. */
  status(agencyId: string): PublicationState | undefined;
  /** Resolves when no build runs or waits (tests, shutdown). */
  idle(): Promise<void>;
}

export function makeRepublisher(options: { store: Db; build: SiteBuilder; afterBuild: () => Promise<void>; log?: (line: string) => void }): Republisher {
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
        await options.afterBuild();
        for (const v of batch) states.set(v.agency_id, { seq: v.seq, state: 'live' });
        options.log?.(`[publish] site rebuilt for ${batch.map((v) => `${v.agency_id}#${v.seq}`).join(', ')}`);
        continue;
      }
      for (const v of [...batch].reverse()) await withdrawVersion(options.store, v);
      for (const v of batch) states.set(v.agency_id, { seq: v.seq, state: 'failed', message: result.message });
      options.log?.(`[publish] site rebuild failed; withdrew ${batch.map((v) => `${v.agency_id}#${v.seq}`).join(', ')}`);
    }
  };

  return {
    request(version) {
      pending.push(version);
      states.set(version.agency_id, { seq: version.seq, state: 'building' });
      running ??= round().finally(() => {
        running = undefined;
      });
    },
    status: (agencyId) => states.get(agencyId),
    async idle() {
      while (running) await running;
    },
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
 * starts reads the versions through ROSTER_STORE_URL; the hook answering 2xx is all this side can know.
 */
export function buildHookFromEnv(env: NodeJS.ProcessEnv): SiteBuilder | undefined {
  const hook = env.BUILD_HOOK_URL;
  if (!hook) return undefined;
  return async () => {
    const response = await fetch(hook, { method: 'POST', signal: AbortSignal.timeout(30_000) }).catch((error: Error) => ({ ok: false, status: 0, error }));
    if (response.ok) return { ok: true };
    return {
      ok: false,
      message: `调用构建钩子失败（${'status' in response && response.status ? `HTTP ${response.status}` : '无法连接'}），名单没有发布。请联系运维人员检查 BUILD_HOOK_URL。`,
    };
  };
}
