import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { replacementProblem, writeBuiltWith } from '../../scripts/build/built-with.ts';
import { tempDir } from '../complaints/support.ts';

/**
 * The operator trial: a scheduled `npm run build` run without the deployment's environment file exited 0 and put the
 * repository's sample province, with localhost QR codes, in place of the real directory. `npm run build` now refuses
 * to replace a site built for a public address with one built for another address or from another content folder,
 * unless REPLACE_SITE=1 says it is meant.
 */
const root = resolve(import.meta.dirname, '../..');
const work = tempDir('gongshi-built-with-');
afterAll(() => rmSync(work, { recursive: true, force: true }));

function build(outDir: string, env: Record<string, string>): Promise<{ code: number; output: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [join(root, 'scripts/build.ts')], {
      cwd: root,
      env: { ...process.env, SITE_URL: '', CONTENT_DIR: '', OUT_DIR: outDir, VAR_DIR: join(work, 'var'), ASTRO_CACHE_DIR: join(work, 'cache'), ...env },
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('exit', (code) => done({ code: code ?? -1, output }));
  });
}

describe('npm run build over a deployed site', { timeout: 180_000 }, () => {
  it('refuses a build without SITE_URL over a site built for the public address, changing nothing; REPLACE_SITE=1 replaces it', async () => {
    const outDir = join(work, 'dist');
    const deployed = { SITE_URL: 'https://gongshi.example.gov.cn', SITE_OWNER: '示例市司法局', SECRET: 'x'.repeat(40) };
    const first = await build(outDir, deployed);
    expect(first.code, first.output).toBe(0);
    expect(JSON.parse(readFileSync(join(outDir, '_functions', 'built-with.json'), 'utf8'))).toEqual({
      siteUrl: 'https://gongshi.example.gov.cn',
      contentDir: join(root, 'content'),
    });
    const live = readlinkSync(outDir);

    const cron = await build(outDir, {});
    expect(cron.code).toBe(1);
    expect(cron.output).toContain('SITE_URL：现网站为 https://gongshi.example.gov.cn，本次为 http://localhost:4321（未设置）');
    expect(cron.output).toContain('REPLACE_SITE=1');
    expect(cron.output).not.toContain('astro');
    expect(readlinkSync(outDir)).toBe(live);

    const meant = await build(outDir, { REPLACE_SITE: '1' });
    expect(meant.code, meant.output).toBe(0);
    expect(readlinkSync(outDir)).not.toBe(live);
    expect(JSON.parse(readFileSync(join(outDir, '_functions', 'built-with.json'), 'utf8')).siteUrl).toBe('http://localhost:4321');
  });
});

describe('replacementProblem', () => {
  const dir = join(work, 'marker');
  const content = join(root, 'content');

  it('says nothing over a local site, a site with no record, or the same settings', () => {
    expect(replacementProblem(join(work, 'none'), { siteUrl: 'http://localhost:4321', contentDir: content })).toBeUndefined();
    writeBuiltWith(dir, { siteUrl: 'http://localhost:8080', contentDir: content });
    expect(replacementProblem(dir, { siteUrl: 'http://localhost:4321', contentDir: '/elsewhere' })).toBeUndefined();
    writeBuiltWith(dir, { siteUrl: 'https://gongshi.example.gov.cn', contentDir: '/srv/gongshi/content' });
    expect(replacementProblem(dir, { siteUrl: 'https://gongshi.example.gov.cn', contentDir: '/srv/gongshi/content' })).toBeUndefined();
    expect(existsSync(join(dir, '_functions', 'built-with.json'))).toBe(true);
  });

  it("names a content folder that differs (the sample content instead of the agency's own)", () => {
    writeBuiltWith(dir, { siteUrl: 'https://gongshi.example.gov.cn', contentDir: '/srv/gongshi/content' });
    const said = replacementProblem(dir, { siteUrl: 'https://gongshi.example.gov.cn', contentDir: content });
    expect(said).toContain(`CONTENT_DIR：现网站用 /srv/gongshi/content，本次用 ${content}`);
    expect(said).not.toContain('SITE_URL：');
  });
});
