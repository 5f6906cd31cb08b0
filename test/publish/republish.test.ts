import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSiteInBackground } from '../../scripts/build/atomic.ts';
import { createApp, outboxDir, type App } from '../../functions/server/app.ts';
import { buildFailureMessage } from '../../functions/publish/republish.ts';
import { readSettings } from '../../src/core/settings.ts';
import { tempDir } from '../complaints/support.ts';
import { csv } from './support.ts';

/**
 * The one-server journey with real parts: the site built by Astro into a temporary OUT_DIR, the functions as
 * `npm start` makes them (SQLite under VAR_DIR, mail written as .eml files), a confirmed version rebuilt in the
 * background by the real build, which reads it back from the store read-only.
 */
const root = resolve(import.meta.dirname, '../..');
const work = tempDir('gongshi-publish-');
const env: NodeJS.ProcessEnv = {
  ...process.env,
  CONTENT_DIR: join(root, 'content'),
  OUT_DIR: join(work, 'dist'),
  VAR_DIR: join(work, 'var'),
  ASTRO_CACHE_DIR: join(work, 'cache'),
  SITE_URL: 'http://localhost:4321',
  SECRET: 'publish-test-secret-publish-test-secret-0123',
};
delete env.ROSTER_STORE_URL;
delete env.DATABASE_URL;
delete env.SMTP_URL;

describe('publishing on one server: confirm → background rebuild → live', () => {
  let app: App;
  const settings = readSettings(env);
  const rebuildSite = async () => {
    const result = await buildSiteInBackground({ outDir: settings.outDir, env });
    return result.ok ? ({ ok: true } as const) : ({ ok: false, message: buildFailureMessage(result.output) } as const);
  };
  beforeAll(async () => {
    const first = await buildSiteInBackground({ outDir: settings.outDir, env });
    if (!first.ok) throw new Error(first.output);
    app = await createApp(settings, { env, rebuildSite, log: () => undefined });
  }, 300_000);
  afterAll(async () => {
    await app?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('signs in from the mailed .eml link, uploads, confirms, and the new number is served and routed', async () => {
    const jar: string[] = [];
    const call = async (method: string, path: string, body?: URLSearchParams | FormData) => {
      const response = (await app.functions(
        new Request(`http://localhost:4321${path}`, {
          method,
          headers: {
            ...(body instanceof URLSearchParams ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
            ...(jar.length ? { cookie: jar.join('; ') } : {}),
          },
          ...(body ? { body: body instanceof URLSearchParams ? body.toString() : body } : {}),
        }),
        { clientAddress: '127.0.0.1' },
      ))!;
      const set = response.headers.get('set-cookie');
      if (set) jar.push(set.split(';')[0]!);
      return { status: response.status, text: await response.text(), cookie: set };
    };
    expect((await call('POST', '/publish/sign-in', new URLSearchParams({ agency: 'renqiu-jtys' }))).status).toBe(200);
    await app.sendPendingMail();
    const eml = readdirSync(outboxDir(settings)).filter((n) => n.endsWith('.eml'));
    expect(eml).toHaveLength(1);
    const { simpleParser } = await import('../complaints/parse.ts');
    const mail = await simpleParser(readFileSync(join(outboxDir(settings), eml[0]!), 'utf8'));
    const link = /http:\/\/localhost:4321(\/publish\/sign-in\/[A-Za-z0-9_-]{43})/.exec(mail.text ?? '')![1]!;
    const signed = await call('POST', link);
    expect(signed.status).toBe(303);
    // A plainly local http run: no Secure flag (browsers would drop the cookie), still HttpOnly and Strict.
    expect(signed.cookie).toMatch(/^gongshi-publish=[A-Za-z0-9_-]{43}; Path=\/; Max-Age=28(799|800); HttpOnly; SameSite=Strict$/);

    expect(app.world.directory.auxiliary('RQ-JT-9001')).toBeUndefined();
    const form = new FormData();
    form.append(
      'roster',
      new File(
        [
          csv([
            ['姓名', '证件编号', '岗位', '状态'],
            ['路政新', 'RQ-JT-9001', '路政协管员', '在岗'],
          ]),
        ],
        '交通运输局-2026-11-20.csv',
      ),
    );
    const uploaded = await call('POST', '/publish/workspace/upload', form);
    expect(uploaded.status).toBe(200);
    const draft = /name="draft" value="([0-9a-f-]{36})"/.exec(uploaded.text)![1]!;
    const started = performance.now();
    expect((await call('POST', '/publish/workspace/confirm', new URLSearchParams({ draft }))).status).toBe(303);
    expect((await call('GET', '/publish/workspace/')).text).toContain('data-state="building"');
    await app.republisher!.idle();
    const seconds = Math.round((performance.now() - started) / 1000);
    console.log(`[publish] confirm → new pages live: ${seconds} s`);
    expect((await call('GET', '/publish/workspace/')).text).toContain('data-state="live"');
    expect(existsSync(join(settings.outDir, 'verify', 'RQ-JT-9001', 'index.html'))).toBe(true);
    expect(readFileSync(join(settings.outDir, 'verify', 'RQ-JT-9001', 'index.html'), 'utf8')).toContain('路政新');
    // The functions' directory was reloaded: a complaint about the new number routes to its agency at once.
    expect(app.world.directory.auxiliary('RQ-JT-9001')).toMatchObject({ agencyId: 'renqiu-jtys', name: '路政新' });
  }, 400_000);
});
