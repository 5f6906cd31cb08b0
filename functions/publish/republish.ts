import type { Db } from '../store/db.ts';
import { withdrawVersions, type VersionRow } from '../store/records/roster-versions.ts';

/**
 * Republishing the site after a version is confirmed. The one-server deployment rebuilds in the background into a
 * fresh folder and swaps it in (scripts/build/atomic.ts), then reloads the functions' directory; a serverless
 * deployment calls its build hook. Builds run one at a time; versions confirmed while one runs go into the next.
 * A build that fails takes its versions back (withdrawVersions), so the store again matches the site being served:
 * for each agency in it, its versions of the failed build and every one recorded after them (each was confirmed
 * against a failed one; they are still waiting for a build) are deleted, and the version that was live before is
 * the published one again.
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
  /** A failed build: every version of the agency that was taken back, oldest first (`seq` is the newest of them). */
  withdrawn?: number[];
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
  /** Versions a failed build took back: one whose confirmation is answered only afterwards is not built. */
  const withdrawnIds = new Set<string>();

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
      // Versions of these agencies recorded after the failed ones were diffed against them: they go too, waiting or not.
      const done: string[] = [];
      for (const agencyId of [...new Set(batch.map((v) => v.agency_id))]) {
        const ids = batch.filter((v) => v.agency_id === agencyId && v.id).map((v) => v.id);
        const { removed, restored } = await withdrawVersions(options.store, agencyId, ids);
        for (const r of removed) withdrawnIds.add(r.id);
        const seqs = removed.map((r) => r.seq);
        const newest = Math.max(...batch.filter((v) => v.agency_id === agencyId).map((v) => v.seq), ...seqs);
        states.set(agencyId, { seq: newest, state: 'failed', message: result.message, withdrawn: seqs });
        if (removed.length) done.push(`withdrew ${seqs.map((seq) => `${agencyId}#${seq}`).join(', ')}`);
        if (restored !== undefined) done.push(`${agencyId}#${restored} published again`);
      }
      pending = pending.filter((v) => !withdrawnIds.has(v.id));
      options.log?.(
        `[publish] site rebuild failed for ${batch.map((v) => `${v.agency_id}#${v.seq}`).join(', ')}${done.length ? `; ${done.join('; ')}` : '; nothing to withdraw'}`,
      );
    }
  };

  const idle = async () => {
    while (running) await running;
  };
  return {
    async request(version) {
      if (withdrawnIds.has(version.id)) {
        const known = states.get(version.agency_id);
        return known?.state === 'failed'
          ? known
          : { seq: version.seq, state: 'failed', message: '这一版是在生成失败的版本之后确认的，已随之撤回。请重新上传名单。', withdrawn: [version.seq] };
      }
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
