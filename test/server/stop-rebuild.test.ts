import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSiteInBackground } from '../../scripts/build/atomic.ts';
import { writeProvince } from '../../scripts/sample/province.ts';
import { listVersions } from '../../functions/store/records/roster-versions.ts';
import { openSqlite } from '../../functions/store/sqlite.ts';
import { sqlitePath } from '../../functions/store/index.ts';
import { tempDir } from '../complaints/support.ts';
import { csv } from '../publish/support.ts';
import { mailedSignInPath, serverClient, startServer, stopServer, until, type Server } from '../publish/servers.ts';
import { commandLine, processesMarked, STOP_MARK } from '../support/processes.ts';

/**
 * Operator trial: SIGTERM to `npm start` while the site was being rebuilt after a clerk's confirmation made the server
 * wait until the rebuild was done — minutes at a large province, past a service manager's stop timeout (systemd's
 * 90 s). Now the rebuild is stopped with the server: every process of the build (Astro, the portal parts) is gone
 * soon after, the site served is the one from before, nothing was withdrawn, and the next start rebuilds for the
 * confirmed version at its first look at the store, saying 正在重新生成 until then (docs/DEPLOY.md, "Stopping").
 */
const SITE = 'http://localhost:4321';
const AGENCY = 'renqiu-jtys';
const NUMBER = 'RQ-JT-9077';
/** A province large enough that its build takes a good while (~25 s here at 20,000 people), so a stop lands in it. */
const PEOPLE = 20_000;
/** Builds on a shared machine: waiting, not timing. */
const DEADLINE_MS = 400_000;
/** How soon the stopped server must be gone: the build's own stop grace (5 s) and more, far below a build. */
const EXIT_WITHIN_MS = 20_000;

const statusOf = async (server: Server, path: string) => (await fetch(`${server.url}${path}`, { redirect: 'manual' })).status;

describe.skipIf(!existsSync('/proc/self'))('a stop signal while the site is being rebuilt after a confirmation', { timeout: 900_000 }, () => {
  const work = tempDir('gongshi-stop-rebuild-');
  const outDir = join(work, 'dist');
  const varDir = join(work, 'var');
  const marker = randomBytes(8).toString('hex');
  let env: NodeJS.ProcessEnv = {};
  const servers: Server[] = [];

  beforeAll(async () => {
    await writeProvince(join(work, 'content'), { auxiliaries: PEOPLE });
    env = {
      ...process.env,
      CONTENT_DIR: join(work, 'content'),
      VAR_DIR: varDir,
      OUT_DIR: outDir,
      ASTRO_CACHE_DIR: join(work, 'cache'),
      SITE_URL: SITE,
      SECRET: 'stop-rebuild-secret-stop-rebuild-secret-0123',
      PORT: '0',
      NO_BUILD: '1',
      OUTBOX_INTERVAL_MS: '200',
      [STOP_MARK]: marker,
    };
    for (const name of ['DATABASE_URL', 'ROSTER_STORE_URL', 'SMTP_URL', 'REBUILD_CHECK_MS', 'NODE_ENV']) delete env[name];
    const first = await buildSiteInBackground({ outDir, env });
    if (!first.ok) throw new Error(first.output);
  }, DEADLINE_MS);

  afterAll(async () => {
    for (const server of servers) await stopServer(server);
    for (const pid of processesMarked(marker)) process.kill(pid, 'SIGKILL');
    rmSync(work, { recursive: true, force: true });
  });

  it('stops the rebuild with the server, keeps the previous site and the version, and the next start rebuilds it', async () => {
    const first = await startServer(env);
    servers.push(first);
    const served = realpathSync(outDir);
    const call = serverClient();
    expect((await call(first, 'POST', '/publish/sign-in', new URLSearchParams({ agency: AGENCY }))).status).toBe(200);
    expect((await call(first, 'POST', await mailedSignInPath(varDir, SITE, first.output))).status).toBe(303);
    const form = new FormData();
    const rows = csv([
      ['姓名', '证件编号', '岗位', '状态'],
      ['路政停', NUMBER, '路政协管员', '在岗'],
    ]);
    form.append('roster', new File([rows], '交通运输局-2026-12-01.csv'));
    const uploaded = await call(first, 'POST', '/publish/workspace/upload', form);
    expect(uploaded.status, uploaded.text).toBe(200);
    const draft = /name="draft" value="([0-9a-f-]{36})"/.exec(uploaded.text)![1]!;
    expect((await call(first, 'POST', '/publish/workspace/confirm', new URLSearchParams({ draft }))).status).toBe(303);
    expect((await call(first, 'GET', '/publish/workspace/')).text).toContain('data-state="building"');

    // Well under way: its portal parts run (Astro's children: they must stop too) and it writes its folder.
    const halfBuilt = `dist.build-`;
    const building = await until(
      'the rebuild under way',
      async () => {
        const pids = processesMarked(marker).filter((pid) => pid !== first.child.pid);
        const writing = readdirSync(work).some((name) => name.startsWith(halfBuilt) && name.endsWith(`-${first.child.pid}`));
        return writing && pids.some((pid) => commandLine(pid).startsWith('portal-part-')) ? pids : undefined;
      },
      DEADLINE_MS,
      first.output,
    );
    const exited = new Promise<void>((done) => first.child.once('exit', () => done()));
    const stoppedAt = Date.now();
    first.child.kill('SIGTERM');
    const inTime = await Promise.race([exited.then(() => true), new Promise<false>((r) => setTimeout(() => r(false), EXIT_WITHIN_MS))]);
    expect(inTime, `not gone ${EXIT_WITHIN_MS / 1000} s after SIGTERM:\n${first.output()}`).toBe(true);
    const tookMs = Date.now() - stoppedAt;
    expect(first.child.exitCode).toBe(0);
    // Every process of the build is gone with it (a moment for the kernel to reap them).
    await until(
      'the build processes gone',
      async () => (processesMarked(marker).length ? undefined : true),
      10_000,
      () =>
        processesMarked(marker)
          .map((pid) => `${pid} ${commandLine(pid)}`)
          .join('\n'),
    );
    for (const pid of building) expect(commandLine(pid), `${pid}`).toBe('');
    expect(first.output()).toContain(`[publish] 服务停止，正在进行的网站重新生成已中止（${AGENCY}#1）：本服务器的网站仍是之前的`);
    expect(first.output()).not.toMatch(/\[publish\] site rebuil(t|d failed)/);

    // Nothing half-published: the output link still names the build from before, and the version is not withdrawn.
    expect(realpathSync(outDir)).toBe(served);
    expect(readFileSync(join(outDir, '_functions', 'directory.json'), 'utf8')).not.toContain(NUMBER);
    const store = openSqlite(sqlitePath(varDir));
    try {
      const versions = await listVersions(store, AGENCY);
      expect(versions.map((v) => [v.seq, v.status])).toEqual([[1, 'published']]);
    } finally {
      await store.close();
    }
    const left = readdirSync(work).filter((name) => name.startsWith(halfBuilt) && name.endsWith(`-${first.child.pid}`));
    expect(left).toHaveLength(1);

    // The next start: the clerk is told 正在重新生成 (never 已公示) until its first look has rebuilt the site for the
    // version — at once, not one REBUILD_CHECK_MS (60 s by default) later.
    const second = await startServer(env);
    servers.push(second);
    expect(await statusOf(second, `/verify/${NUMBER}/`)).toBe(302);
    const page = (await call(second, 'GET', '/publish/workspace/')).text;
    expect(page).toContain('data-state="building"');
    expect(page).not.toContain('data-state="live"');
    await until('the rebuild at start', async () => (second.output().includes(`（${AGENCY}#1），正在重新生成网站`) ? true : undefined), 30_000, second.output);
    await until('the version served', async () => ((await statusOf(second, `/verify/${NUMBER}/`)) === 200 ? true : undefined), DEADLINE_MS, second.output);
    expect((await call(second, 'GET', '/publish/workspace/')).text).toContain('data-state="live"');
    // The stopped build's folder goes with the next build's clean-up.
    await until('the half-built folder removed', async () => (existsSync(join(work, left[0]!)) ? undefined : true), 60_000);
    expect(basename(realpathSync(outDir))).not.toBe(basename(served));
    console.log(`stopped ${tookMs} ms after SIGTERM during a rebuild of ${PEOPLE} people`);
  });
});
