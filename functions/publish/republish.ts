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
 *
 * A build that succeeded is live only for the versions it contains: `afterBuild` says which (the new directory
 * file's `workspaceVersions`). A version withdrawn elsewhere before this server's build read the store, or one the
 * build never saw (it reads another store: ROSTER_STORE_URL), is not said to be live; one that a later build no
 * longer contains loses its `live`. A build hook's build, or a directory file that does not say, is taken as
 * containing its whole batch, as before.
 */

/**
 * Rebuilds the site. `pending`: the build was only started elsewhere (a serverless host's build hook accepted the
 * request) and reaches the site when the host deploys it; otherwise the new site is already being served. `signal`
 * aborts when the republisher is stopped (the server stopping): a build that can be stopped then ends without
 * swapping anything in.
 */
export type SiteBuilder = (signal?: AbortSignal) => Promise<{ ok: true; pending?: boolean } | { ok: false; message: string }>;

export interface PublicationState {
  seq: number;
  /** `requested`: the host's build hook accepted the rebuild; the host builds and deploys on its own. */
  state: 'building' | 'requested' | 'live' | 'failed';
  /** Why a build failed, in the build's own words (its last lines). */
  message?: string;
  /** A failed build: every version of the agency that was taken back, oldest first (`seq` is the newest of them). */
  withdrawn?: number[];
  /** `live` on a server that looks for other servers' versions (REBUILD_CHECK_MS): they notice it within this many ms. */
  othersWithinMs?: number;
}

/** What a build round needs of a version: which one it is (a failed build takes it back by id). */
export type PublishedRow = Pick<VersionRow, 'id' | 'agency_id' | 'seq'>;

export interface Republisher {
  /**
   * Starts (or queues) a rebuild that publishes `version`. In the background (one server): resolves at once with
   * `building`. With `wait` (a build hook: quick, and a serverless instance may be frozen once it has answered):
   * resolves when the hook has answered, with `requested` or `failed`.
   */
  request(version: VersionRow): Promise<PublicationState>;
  /** The state of the agency's latest publication in this process, if any. */
  status(agencyId: string): PublicationState | undefined;
  /**
   * Rebuilds because the store's published versions are not the ones this server's site was built from (another
   * server took the confirmation, or withdrew a version): `versions` are the published ones the site lacks (none
   * when only a withdrawal is missing). The same rounds and failure handling as `request` — a failed build takes
   * these versions back. Does nothing and returns false while a build runs or waits: the next check looks again.
   */
  catchUp(versions: readonly PublishedRow[]): boolean;
  /** A build runs or waits. */
  busy(): boolean;
  /**
   * How the last build of this process ended (the last of its round): `built` — it succeeded (its site may still
   * differ from the store, e.g. it reads another store), `failed`; undefined before the first.
   */
  lastRound(): 'built' | 'failed' | undefined;
  /** This server builds its own site (`npm start`), rather than asking a host to (a build hook). */
  readonly rebuildsItself: boolean;
  /** Resolves when no build runs or waits (tests, shutdown). */
  idle(): Promise<void>;
  /**
   * The server is stopping: the build under way is stopped (its SiteBuilder's signal) and none is started after it;
   * resolves when none runs. A build stopped so is neither live nor failed: nothing is withdrawn, its versions stay
   * published in the store, and the next start's look at the store (store-watch.ts) rebuilds for them.
   */
  stop(): Promise<void>;
}

export function makeRepublisher(options: {
  store: Db;
  build: SiteBuilder;
  /**
   * After a build that is already served (not a build hook's): reloads the functions' directory and returns the
   * workspace versions the new build contains (its `workspaceVersions`), or nothing when that is not known.
   */
  afterBuild: () => Promise<readonly string[] | undefined>;
  log?: (line: string) => void;
  wait?: boolean;
  /** Other servers on the same store look for new versions this often (REBUILD_CHECK_MS); the clerk is told. */
  othersWithinMs?: number;
}): Republisher {
  const states = new Map<string, PublicationState>();
  let pending: PublishedRow[] = [];
  /** The versions of the build under way: one recorded before it started needs no second build. */
  let inBuild: PublishedRow[] = [];
  /** A catch-up with no version to add (only a withdrawal is missing from the site) still builds once. */
  let rebuildWanted = false;
  let running: Promise<void> | undefined;
  /** Versions a failed build took back: one whose confirmation is answered only afterwards is not built. */
  const withdrawnIds = new Set<string>();
  /** Versions a catch-up added (published through another server): a failed build here never withdraws them. */
  const caughtUp = new Set<string>();
  /** For each agency whose state is `live` from a build of this server: the version's id. */
  const liveIds = new Map<string, string>();
  let last: 'built' | 'failed' | undefined;
  const stopping = new AbortController();
  /** Sets the agency's state; only a `live` one keeps the id of its version. */
  const setState = (v: PublishedRow, state: PublicationState) => {
    states.set(v.agency_id, state);
    if (state.state === 'live') liveIds.set(v.agency_id, v.id);
    else liveIds.delete(v.agency_id);
  };
  const dropState = (agencyId: string) => {
    states.delete(agencyId);
    liveIds.delete(agencyId);
  };

  const round = async () => {
    while (!stopping.signal.aborted && (pending.length || rebuildWanted)) {
      const batch = pending;
      inBuild = batch;
      pending = [];
      rebuildWanted = false;
      let result: Awaited<ReturnType<SiteBuilder>>;
      try {
        result = await options.build(stopping.signal);
      } catch (error) {
        result = { ok: false, message: (error as Error).message };
      }
      if (!result.ok && stopping.signal.aborted) {
        const which = [...batch, ...pending].map((v) => `${v.agency_id}#${v.seq}`).join(', ') || '其他服务器撤回的版本';
        options.log?.(
          `[publish] 服务停止，正在进行的网站重新生成已中止（${which}）：本服务器的网站仍是之前的；这些版本仍记录为已确认，没有撤回，下次启动时本服务器查看数据库并重新生成网站`,
        );
        return;
      }
      if (result.ok) {
        last = 'built';
        const contained = result.pending ? undefined : await options.afterBuild();
        const state = result.pending ? 'requested' : 'live';
        const others = state === 'live' && options.othersWithinMs ? { othersWithinMs: options.othersWithinMs } : {};
        const built = contained ? new Set(contained) : undefined;
        // A state said `live` by an earlier build whose version this one no longer contains (withdrawn since).
        if (built) for (const [agencyId, id] of [...liveIds]) if (!built.has(id)) dropState(agencyId);
        const missed: PublishedRow[] = [];
        for (const v of batch) {
          if (!built || built.has(v.id)) setState(v, { seq: v.seq, state, ...others });
          else {
            // Not in the build (withdrawn before it read the store, or it reads another store): not said to be live.
            missed.push(v);
            if (states.get(v.agency_id)?.seq === v.seq && states.get(v.agency_id)?.state === 'building') dropState(v.agency_id);
          }
        }
        const made = batch.filter((v) => !missed.includes(v));
        options.log?.(
          `[publish] site ${result.pending ? 'rebuild requested' : 'rebuilt'} for ${made.map((v) => `${v.agency_id}#${v.seq}`).join(', ') || (missed.length ? 'none of its versions' : 'versions withdrawn elsewhere')}${missed.length ? `; not in the new build: ${missed.map((v) => `${v.agency_id}#${v.seq}`).join(', ')}` : ''}`,
        );
        continue;
      }
      last = 'failed';
      // Why, as the clerk is told: the build's heading and reason lines (buildFailureMessage), one log line each,
      // before the line that says what was withdrawn.
      const which = batch.map((v) => `${v.agency_id}#${v.seq}`).join(', ') || 'versions withdrawn elsewhere';
      for (const line of result.message.split('\n')) options.log?.(`[publish] build error (${which}): ${line}`);
      // Versions of these agencies recorded after the failed ones were diffed against them: they go too, waiting or not.
      const done: string[] = [];
      // A catch-up (versions another server published and built) failing here is this server's own trouble (its
      // disk, its memory): those versions stay published for everyone, and this server keeps serving its previous
      // site until its next check tries again. Only confirmations taken here are withdrawn.
      const elsewhere = batch.filter((v) => caughtUp.has(v.id));
      if (elsewhere.length)
        done.push(`kept published elsewhere: ${elsewhere.map((v) => `${v.agency_id}#${v.seq}`).join(', ')} (this server's site stays as it was)`);
      for (const v of elsewhere) if (states.get(v.agency_id)?.seq === v.seq && states.get(v.agency_id)?.state === 'building') dropState(v.agency_id);
      const own = batch.filter((v) => !caughtUp.has(v.id));
      for (const agencyId of [...new Set(own.map((v) => v.agency_id))]) {
        const ids = own.filter((v) => v.agency_id === agencyId && v.id).map((v) => v.id);
        const { removed, restored } = await withdrawVersions(options.store, agencyId, ids);
        for (const r of removed) withdrawnIds.add(r.id);
        const seqs = removed.map((r) => r.seq);
        const newest = Math.max(...own.filter((v) => v.agency_id === agencyId).map((v) => v.seq), ...seqs);
        states.set(agencyId, { seq: newest, state: 'failed', message: result.message, withdrawn: seqs });
        liveIds.delete(agencyId);
        if (removed.length) done.push(`withdrew ${seqs.map((seq) => `${agencyId}#${seq}`).join(', ')}`);
        if (restored !== undefined) done.push(`${agencyId}#${restored} published again`);
      }
      pending = pending.filter((v) => !withdrawnIds.has(v.id));
      options.log?.(`[publish] site rebuild failed for ${which}${done.length ? `; ${done.join('; ')}` : '; nothing to withdraw'}`);
    }
  };

  const idle = async () => {
    while (running) await running;
  };
  const start = () => {
    running ??= round().finally(() => {
      running = undefined;
      inBuild = [];
    });
  };
  return {
    async request(version) {
      // Already in the build under way or waiting (a store check found it first): that build publishes it.
      if (!options.wait && [...inBuild, ...pending].some((v) => v.id === version.id)) {
        caughtUp.delete(version.id); // the confirmation was taken here after all: a failed build withdraws it

        const queued: PublicationState = { seq: version.seq, state: 'building' };
        setState(version, queued);
        return queued;
      }
      if (withdrawnIds.has(version.id)) {
        const known = states.get(version.agency_id);
        return known?.state === 'failed'
          ? known
          : { seq: version.seq, state: 'failed', message: '这一版是在生成失败的版本之后确认的，已随之撤回。请重新上传名单。', withdrawn: [version.seq] };
      }
      pending.push(version);
      const building: PublicationState = { seq: version.seq, state: 'building' };
      setState(version, building);
      start();
      if (!options.wait) return building;
      await idle();
      return states.get(version.agency_id) ?? building;
    },
    status: (agencyId) => states.get(agencyId),
    catchUp(versions) {
      if (running || stopping.signal.aborted) return false;
      for (const v of versions) {
        if (withdrawnIds.has(v.id)) continue;
        caughtUp.add(v.id);
        pending.push(v);
        setState(v, { seq: v.seq, state: 'building' });
      }
      rebuildWanted = true;
      start();
      return true;
    },
    busy: () => !!running,
    lastRound: () => last,
    rebuildsItself: !options.wait,
    idle,
    async stop() {
      stopping.abort();
      await idle();
    },
  };
}

/** Most lines of a failed build's reason shown to the clerk and written to the server log. */
export const FAILURE_LINES = 12;
const FAILURE_CHARS = 1500;

/**
 * Why a build failed, in the build's own words: the error's heading and reason lines, first first, without what
 * only a developer reads — stack frames and Astro's `Location:` / `Stack trace:`, Node's code frame (file:line,
 * source line, caret) and the object it dumps after an uncaught error, the `Node.js vNN` line, the progress and
 * warning lines Astro stamps with a time, the build's own `[tag] …` log lines and its phase headers. The same error
 * is printed by each process that met it (each portal part, then Astro): it is shown once. At most 12 lines and
 * ~1,500 characters, from the top — the heading says what is wrong (e.g. 名单来源冲突 and the Git file), the lines
 * after it are more of the same. The roster import only ever prints values of the allow-listed columns (an ID-card
 * number found in one is not repeated: src/import/roster/problems.ts), so this is fit for the server log too.
 */
export function buildFailureMessage(output: string): string {
  const lines = reasonLines(output);
  if (!lines.length) {
    // Nothing that looks like a reason: the last lines, as before, rather than nothing.
    const tail = output
      .split(/\r?\n/)
      .map((l) => l.replace(ANSI, '').trimEnd())
      .filter((l) => l.trim() && !/^\s+at /.test(l))
      .slice(-FAILURE_LINES)
      .join('\n');
    return (tail.length > FAILURE_CHARS ? `…${tail.slice(-FAILURE_CHARS)}` : tail) || '网站生成失败（没有输出）。';
  }
  const shown: string[] = [];
  let length = 0;
  for (const line of lines) {
    if (shown.length === FAILURE_LINES || length + line.length > FAILURE_CHARS) break;
    shown.push(line);
    length += line.length + 1;
  }
  if (!shown.length) shown.push(`${lines[0]!.slice(0, FAILURE_CHARS)}…`);
  const rest = lines.length - shown.length;
  return rest > 0 ? `${shown.join('\n')}\n……（另有 ${rest} 行未显示）` : shown.join('\n');
}

const ANSI = /\x1b\[[0-9;]*m/g;

/** The lines of a build's output that state an error, each once, in the order first printed. */
function reasonLines(output: string): string[] {
  const kept: string[] = [];
  const seen = new Set<string>();
  let inDump = false;
  let sourceLine = false;
  for (const raw of output.split(/\r?\n/)) {
    const line = raw.replace(ANSI, '').trimEnd();
    if (inDump) {
      // Node prints an uncaught error's own properties after its last stack frame, `{` … `}` at column 0.
      if (line === '}') inDump = false;
      continue;
    }
    if (sourceLine) {
      sourceLine = false;
      continue;
    }
    if (!line.trim()) continue;
    if (/^\s+at .*\{$/.test(line)) {
      inDump = true;
      continue;
    }
    if (/^\s+at /.test(line)) continue;
    // Node's code frame of an uncaught error: `file:///…/x.ts:39`, the source line, a caret line.
    if (/^(file:\/\/|\/)\S+:\d+$/.test(line)) {
      sourceLine = true;
      continue;
    }
    if (/^\s*\^+\s*$/.test(line) || /^Node\.js v\d/.test(line)) continue;
    if (/^\s*(Location|Stack trace):\s*$/.test(line) || /^\s*(file:\/\/|\/)\S+:\d+:\d+\s*$/.test(line)) continue;
    const stamped = /^\d\d:\d\d:\d\d \[(\w+)\](.*)$/.exec(line);
    if (stamped) {
      if (stamped[1] === 'ERROR') add(stamped[2]!.replace(/^\s*\[[^\]]+\]/, '').trim());
      continue;
    }
    if (/^\[[\w-]+\] /.test(line)) continue;
    // Astro's phase headers, e.g. ` generating static routes `.
    if (/^ [a-z][a-z ()]*$/.test(line)) continue;
    add(line.replace(/^[A-Z]\w*Error: /, ''));
  }
  return kept;

  function add(line: string) {
    const key = line.trim();
    if (!key || seen.has(key)) return;
    seen.add(key);
    kept.push(line);
  }
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
