import { appendFileSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSiteInBackground } from '../../scripts/build/atomic.ts';
import { createApp, outboxDir, type App } from '../../functions/server/app.ts';
import { buildFailureMessage } from '../../functions/publish/republish.ts';
import { listVersions } from '../../functions/store/records/roster-versions.ts';
import { readSettings } from '../../src/core/settings.ts';
import { tempDir } from '../complaints/support.ts';
import { makeContent, PEOPLE } from '../legal/content.ts';
import { client, csv, draftOf } from './support.ts';

/**
 * Moving an agency from a Git roster to the workspace on one server, with the real parts: Astro builds the site
 * from a content folder whose renqiu-cgj roster is a Git file, the functions run as `npm start` makes them (SQLite
 * under VAR_DIR, mail as .eml files), and a confirmed version is rebuilt in the background by the real build.
 *
 * - Confirmed while the Git file is still there, the build fails: the clerk is shown the build's heading and
 *   reasons (名单来源冲突, the file), not the tail of a stack trace, and the server log says the same.
 * - After the operator deletes the file, the same upload is confirmed and published: the people the export left out
 *   and the clerk confirmed as left are still verified (as left), not 「查无此证」; those the Git roster had as left,
 *   revoked or cancelled were carried over without being asked about, and their pages say the same, from the same dates.
 * - A build that fails on a broken roster is logged with its row and column, and never with the private columns
 *   or the ID-card number the roster had.
 */
const AGENCY = 'renqiu-cgj';
const GIT_FILE = 'rosters/renqiu/renqiu-cgj-2026-11-01.csv';
const content = makeContent();
/** 300 more people in the Git roster (and in the export): a conflict then runs to hundreds of lines, printed by each process. */
const STAFF = Array.from({ length: 300 }, (_, i) => ({ no: `RQT-2${String(i).padStart(3, '0')}`, name: `员工${String.fromCharCode(0x4e00 + i)}` }));
appendFileSync(join(content, GIT_FILE), `${STAFF.map((p) => `${p.name},renqiu-cgj,${p.no},巡查员,在岗,,,,,,,`).join('\n')}\n`);
const work = tempDir('gongshi-git-move-');
const env: NodeJS.ProcessEnv = {
  ...process.env,
  CONTENT_DIR: content,
  OUT_DIR: join(work, 'dist'),
  VAR_DIR: join(work, 'var'),
  ASTRO_CACHE_DIR: join(work, 'cache'),
  SITE_URL: 'http://localhost:4321',
  SECRET: 'publish-test-secret-publish-test-secret-0123',
};
delete env.ROSTER_STORE_URL;
delete env.DATABASE_URL;
delete env.SMTP_URL;

const settings = readSettings(env);
const verifyPage = (no: string) => join(settings.outDir, 'verify', no, 'index.html');
/** The day a clerk confirms someone as left, in Beijing (functions/publish/confirm.ts). */
const beijingToday = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);

describe('moving an agency from a Git roster to the workspace (one server, real builds)', () => {
  let app: App;
  const log: string[] = [];
  beforeAll(async () => {
    const first = await buildSiteInBackground({ outDir: settings.outDir, env });
    if (!first.ok) throw new Error(first.output);
    app = await createApp(settings, {
      env,
      log: (line) => log.push(line),
      rebuildSite: async () => {
        const result = await buildSiteInBackground({ outDir: settings.outDir, env });
        return result.ok ? { ok: true } : { ok: false, message: buildFailureMessage(result.output) };
      },
    });
  }, 300_000);
  afterAll(async () => {
    await app?.close();
    rmSync(work, { recursive: true, force: true });
    rmSync(content, { recursive: true, force: true });
  });

  /** A clerk of `agencyId` signed in through the link mailed (as an .eml file) to `mailbox`. */
  async function clerk(agencyId: string, mailbox: string) {
    const { call } = client(app.world, '127.0.0.1', app.functions);
    expect((await call('POST', '/publish/sign-in', new URLSearchParams({ agency: agencyId }))).status).toBe(200);
    await app.sendPendingMail();
    const { simpleParser } = await import('../complaints/parse.ts');
    let link: string | undefined;
    for (const name of readdirSync(outboxDir(settings)).filter((n) => n.endsWith('.eml'))) {
      const raw = readFileSync(join(outboxDir(settings), name), 'utf8');
      if (!new RegExp(`^To: .*${mailbox.replace(/\./g, '\\.')}`, 'm').test(raw)) continue;
      const mail = await simpleParser(raw);
      link = /http:\/\/localhost:4321(\/publish\/sign-in\/[A-Za-z0-9_-]{43})/.exec(mail.text ?? '')?.[1];
    }
    expect((await call('POST', link!)).status).toBe(303);
    return {
      workspace: () => call('GET', '/publish/workspace/'),
      upload: (rows: string[][]) => {
        const form = new FormData();
        form.append('roster', new File([csv([['姓名', '证件编号', '岗位', '状态'], ...rows])], 'export-2026-11-30.csv'));
        return call('POST', '/publish/workspace/upload', form);
      },
      confirm: (html: string, left: string[] = []) => {
        return call('POST', '/publish/workspace/confirm', new URLSearchParams([['draft', draftOf(html)], ...left.map((no) => ['left', no])]));
      },
    };
  }

  it('logs why a build failed — file, row, column — and nothing of the private columns', async () => {
    // The operator broke another agency's Git roster: an ID-card number typed as the certificate number, and a private phone column.
    const luan = join(content, 'rosters/luan/luan-cgj-2026-11-01.csv');
    const good = readFileSync(luan, 'utf8');
    writeFileSync(
      luan,
      `${good
        .trimEnd()
        .replace('状态日期', '状态日期,联系电话')
        .replace(/\n(.*)$/, '\n$1,13912345678')}\n`,
    );
    appendFileSync(luan, '癸身份,luan-cgj,130982198801185746,在岗,2026-11-01,13987654321\n');
    const jt = await clerk('renqiu-jtys', 'jtj@renqiu.gov.cn.example');
    const up = await jt.upload([['路政新', 'RQ-JT-9001', '路政协管员', '在岗']]);
    expect(up.status).toBe(200);
    expect((await jt.confirm(up.text)).status).toBe(303);
    await app.republisher!.idle();
    writeFileSync(luan, good);

    const page = (await jt.workspace()).text;
    expect(page).toContain('data-state="failed"');
    expect(page).toContain('名单有 1 处问题，未生成网站');
    expect(page).toContain('rosters/luan/luan-cgj-2026-11-01.csv 第 3 行，C 列「证件编号」：含有居民身份证号码');
    expect(log.at(-1)).toBe('[publish] site rebuild failed for renqiu-jtys#1; withdrew renqiu-jtys#1');
    const reasons = log.filter((l) => l.startsWith('[publish] build error (renqiu-jtys#1): '));
    expect(reasons[0]).toBe('[publish] build error (renqiu-jtys#1): 名单有 1 处问题，未生成网站：');
    expect(reasons.join('\n')).toContain('rosters/luan/luan-cgj-2026-11-01.csv 第 3 行，C 列「证件编号」：含有居民身份证号码');
    for (const secret of ['130982198801185746', '13912345678', '13987654321']) {
      expect(log.join('\n')).not.toContain(secret);
      expect(page).not.toContain(secret);
    }
    expect(existsSync(verifyPage('RQ-JT-9001'))).toBe(false);
  }, 300_000);

  it('confirmed while the Git file is there: the clerk and the log get the heading and the reasons; after the file is deleted, nobody is unpublished', async () => {
    log.length = 0;
    const cg = await clerk(AGENCY, 'cgj@renqiu.gov.cn.example');
    const ws = await cg.workspace();
    expect(ws.text).toContain('data-source="git"');
    expect(ws.text).toContain('共 308 人');

    const rows = [
      [PEOPLE.activeConsent.name, PEOPLE.activeConsent.no, '巡查员', '在岗'],
      [PEOPLE.activeNoConsent.name, PEOPLE.activeNoConsent.no, '巡查员', '在岗'],
      [PEOPLE.leftRecently.name, PEOPLE.leftRecently.no, '巡查员', '离职'],
      ['新来人', 'RQT-0100', '巡查员', '在岗'],
      ...STAFF.map((p) => [p.name, p.no, '巡查员', '在岗']),
    ];
    const missing = [PEOPLE.expired, PEOPLE.suspended].map((p) => p.no);
    const ended = [
      { ...PEOPLE.leftLongAgo, shown: 'left' },
      { ...PEOPLE.revokedLongAgo, shown: 'revoked' },
      { ...PEOPLE.cancelled, shown: 'cancelled' },
    ];
    const first = await cg.upload(rows);
    expect(first.text).toContain('名单中消失的人员（2 人）');
    expect(first.text).toContain('data-carried="3"');
    expect((await cg.confirm(first.text, missing)).status).toBe(303);
    await app.republisher!.idle();

    // The Git file is still there: the build fails, and says why first.
    const failed = (await cg.workspace()).text;
    expect(failed).toContain('data-state="failed"');
    const shown = /<pre>([\s\S]*?)<\/pre>/.exec(failed)![1]!;
    expect(shown.split('\n')[0]).toBe('名单来源冲突，网站没有生成：');
    expect(shown).toContain(`既有 Git 中的名单文件 ${GIT_FILE}，又有名单发布工作台发布的第 1 版`);
    expect(shown).toContain('证件编号 RQT-0001 同时出现在');
    // 309 reasons: the first ones, and how many more (the build's output keeps its beginning, where the heading is).
    expect(shown.split('\n')).toHaveLength(13);
    expect(shown).toMatch(/……（另有 \d+ 行未显示）$/);
    for (const noise of ['Stack trace', 'Location:', '    at ', 'node_modules', 'Node.js v', 'file://', '[workspace]', '[WARN]'])
      expect(shown).not.toContain(noise);
    expect(log[0]).toBe(`[publish] build error (${AGENCY}#1): 名单来源冲突，网站没有生成：`);
    expect(log[1]).toContain(`[publish] build error (${AGENCY}#1):   1. 任丘市城市管理综合行政执法局（renqiu-cgj）既有 Git 中的名单文件 ${GIT_FILE}`);
    expect(log.at(-1)).toBe(`[publish] site rebuild failed for ${AGENCY}#1; withdrew ${AGENCY}#1`);
    expect(log.join('\n')).not.toContain('Stack trace');
    expect(await listVersions(app.world.store, AGENCY)).toEqual([]);
    expect(existsSync(verifyPage('RQT-0100'))).toBe(false);

    // The operator deletes the Git file (PUBLISHING.md, moving from Git), without building; the clerk uploads and confirms again.
    rmSync(join(content, GIT_FILE));
    const again = await cg.upload(rows);
    expect(again.text).toContain('data-git-removed="2"');
    expect((await cg.confirm(again.text, missing)).status).toBe(303);
    await app.republisher!.idle();
    expect((await cg.workspace()).text).toContain('data-state="live"');

    expect(readFileSync(verifyPage('RQT-0100'), 'utf8')).toContain('新来人');
    // Everyone of the Git roster still answers: left out of the export and confirmed as left, or listed as left.
    for (const no of [...missing, PEOPLE.leftRecently.no]) expect(existsSync(verifyPage(no)), no).toBe(true);
    expect(readFileSync(verifyPage(PEOPLE.expired.no), 'utf8')).toContain(`data-status="left" data-status-since="${beijingToday()}"`);
    // …and the ones the Git roster had as ended, carried over: the same status, from the same date.
    for (const p of ended) {
      expect(readFileSync(verifyPage(p.no), 'utf8'), p.no).toContain(`data-status="${p.shown}" data-status-since="${p.since}"`);
      expect(app.world.directory.publishedStatus(p.no), p.no).toEqual({ status: p.shown, statusSince: p.since });
    }
    expect(readFileSync(verifyPage(PEOPLE.activeConsent.no), 'utf8')).toContain('data-status="active"');
    expect(app.world.directory.auxiliary(PEOPLE.suspended.no)).toMatchObject({ agencyId: AGENCY });
  }, 400_000);
});
