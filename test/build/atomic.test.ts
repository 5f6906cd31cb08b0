import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, cpSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startServer, type RunningServer } from '../../functions/server/node.ts';
import { tempDir } from '../complaints/support.ts';

/**
 * `npm run build` (scripts/build.ts) as an operator runs it, into a temporary OUT_DIR:
 * - it creates nothing under VAR_DIR and publishes no statistics (the function serves them); it reads the workspace's
 *   rosters from the store the functions use (docs/DEPLOY.md), so a DATABASE_URL it cannot read fails it, naming the
 *   setting, with the site left as it was — never a site silently without those rosters;
 * - it builds into a fresh folder and swaps it in when complete: while a build that fails runs, a server reading
 *   OUT_DIR keeps serving the previous site, which stays byte for byte intact; a good build switches atomically.
 */
const root = resolve(import.meta.dirname, '../..');
const work = tempDir('gongshi-build-');
const outDir = join(work, 'dist');
const varDir = join(work, 'var');

function build(env: Record<string, string>): Promise<{ code: number; output: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [join(root, 'scripts/build.ts')], {
      cwd: root,
      env: { ...process.env, OUT_DIR: outDir, VAR_DIR: varDir, ASTRO_CACHE_DIR: join(work, 'cache'), ...env },
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('exit', (code) => done({ code: code ?? -1, output }));
  });
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** Every file of the served folder with its hash: the site as a visitor gets it. */
function fingerprint(dir: string): string {
  const hash = createHash('sha256');
  for (const file of filesUnder(dir).sort()) hash.update(file.slice(dir.length)).update(readFileSync(file));
  return hash.digest('hex');
}

describe('the build: no store, and never a half-built folder', () => {
  let server: RunningServer;
  const content = join(work, 'content');

  beforeAll(() => {
    cpSync(join(root, 'content'), content, { recursive: true });
    // A plain folder from an older build is replaced too.
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, 'index.html'), 'old');
  });
  afterAll(async () => {
    await server?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('builds without a store and creates nothing under VAR_DIR; no /stats/ files are built; an unreachable DATABASE_URL fails it, changing nothing', {
    timeout: 300_000,
  }, async () => {
    const result = await build({ CONTENT_DIR: content, DATABASE_URL: '', ROSTER_STORE_URL: '', SITE_ICP: '冀ICP备2026000001号-1' });
    expect(result.code, result.output).toBe(0);
    // Which columns of each roster file were dropped (never published), one line each, said once.
    const dropped = '[名单] rosters/luan-jinan/luan-jinan-yjgl-2026-11-01.csv：已丢弃、不会公开的列：序号、身份证号、联系电话';
    expect(result.output.split(dropped).length - 1, result.output).toBe(1);
    expect(result.output.split('\n').filter((line) => line.startsWith('[名单] rosters/')).length).toBe(
      filesUnder(join(content, 'rosters')).filter((f) => /\.(csv|xlsx|xls|et)$/.test(f)).length,
    );
    // The footer's filing number on the pages Astro writes and on those the build's parts write.
    const verify = readdirSync(join(outDir, 'verify')).sort()[0]!;
    for (const page of ['index.html', `verify/${verify}/index.html`]) expect(readFileSync(join(outDir, page), 'utf8')).toContain('冀ICP备2026000001号-1</a>');
    expect(existsSync(varDir)).toBe(false);
    expect(lstatSync(outDir).isSymbolicLink()).toBe(true);
    expect(existsSync(join(outDir, 'complaint/index.html'))).toBe(true);
    expect(existsSync(join(outDir, 'stats'))).toBe(false);
    const built = readlinkSync(outDir);
    const unreachable = await build({ CONTENT_DIR: content, DATABASE_URL: 'postgres://nobody:nothing@127.0.0.1:9/unreachable', ROSTER_STORE_URL: '' });
    expect(unreachable.code, unreachable.output).not.toBe(0);
    expect(unreachable.output).toContain('DATABASE_URL');
    expect(unreachable.output).not.toContain('nothing@');
    expect(readlinkSync(outDir)).toBe(built);
    expect(existsSync(varDir)).toBe(false);
    // A filing number not shaped like one is not published: the build stops, naming the setting once.
    const malformed = await build({ CONTENT_DIR: content, DATABASE_URL: '', ROSTER_STORE_URL: '', SITE_ICP: '冀ICP备' });
    expect(malformed.code, malformed.output).not.toBe(0);
    expect(malformed.output.split('SITE_ICP 的格式不对').length - 1, malformed.output).toBe(1);
    expect(malformed.output).not.toMatch(/^\s+at /m);
    expect(readlinkSync(outDir)).toBe(built);
  });

  it('a build that fails half way leaves the previous site served and intact; a good build switches to the new one', { timeout: 400_000 }, async () => {
    server = await startServer({ distDir: outDir, port: 0 });
    const before = fingerprint(outDir);
    const home = await (await fetch(`${server.url}/`)).text();
    const certificate = readdirSync(join(outDir, 'verify')).sort()[0]!;
    const verifyPath = `/verify/${encodeURIComponent(certificate)}/`;
    expect((await fetch(`${server.url}${verifyPath}`)).status).toBe(200);

    // Break one roster: the build gets past emptying its output folder before it finds out.
    const roster = filesUnder(join(content, 'rosters')).find((f) => f.endsWith('.csv'))!;
    const good = readFileSync(roster);
    appendFileSync(roster, '\n张三,不存在的单位,,,,,,,\n');
    const failing = build({ CONTENT_DIR: content, DATABASE_URL: `sqlite:${join(work, 'store.sqlite')}` });
    let finished = false;
    void failing.then(() => (finished = true));
    const seen: number[] = [];
    while (!finished) {
      const [page, verify] = await Promise.all([fetch(`${server.url}/`), fetch(`${server.url}${verifyPath}`)]);
      seen.push(page.status, verify.status);
      expect(await page.text()).toBe(home);
      await verify.arrayBuffer();
      await new Promise((r) => setTimeout(r, 100));
    }
    const result = await failing;
    expect(result.code, result.output).not.toBe(0);
    expect(result.output).toContain('保持不变');
    // Why, said once (the build's parts read the same inputs and stay quiet), with no stack trace under it.
    const said = result.output.split('\n').filter((line) => line.trim() && !/^\d\d:\d\d:\d\d /.test(line));
    expect(
      said.filter((line, i) => said.indexOf(line) !== i),
      result.output,
    ).toEqual([]);
    expect(result.output).not.toMatch(/^\s+at /m);
    const brokenRoster = await build({ CONTENT_DIR: content, DATABASE_URL: '' });
    expect(brokenRoster.code, brokenRoster.output).not.toBe(0);
    expect(brokenRoster.output.split('未生成网站').length - 1, brokenRoster.output).toBe(1);
    expect(brokenRoster.output).not.toMatch(/^\s+at /m);
    // Not even the heading of an empty stack trace under the list of problems.
    expect(brokenRoster.output).not.toContain('Stack trace');
    expect(seen.length).toBeGreaterThan(10);
    expect(new Set(seen)).toEqual(new Set([200]));
    expect(fingerprint(outDir)).toBe(before);
    expect(existsSync(join(work, 'store.sqlite'))).toBe(false);
    // The failed build's folder is gone.
    const staged = () => readdirSync(work).filter((n) => n.startsWith('dist.build-'));
    expect(staged()).toHaveLength(2); // the current build and the plain folder it replaced

    // Fixed: the next build replaces the site in one step, keeping only the previous build.
    writeFileSync(roster, good);
    const previousTarget = readlinkSync(outDir);
    writeFileSync(join(content, 'agencies.yaml'), readFileSync(join(content, 'agencies.yaml'), 'utf8').replace('0317-0200120', '0317-0299999'));
    const ok = await build({ CONTENT_DIR: content });
    expect(ok.code, ok.output).toBe(0);
    expect(readlinkSync(outDir)).not.toBe(previousTarget);
    const agencyPage = await (await fetch(`${server.url}/agencies/renqiu-cgj/`)).text();
    expect(agencyPage).toContain('0317-0299999');
    expect(agencyPage).not.toContain('0317-0200120');
    expect(staged().sort()).toEqual([previousTarget, readlinkSync(outDir)].sort());
  });
});
