import { randomBytes } from 'node:crypto';
/**
 * Local runs on another port: without SITE_URL, `npm start` builds and serves for the port it actually listens on,
 * so the QR codes and the links in mail lead back to it. In production (SITE_URL set), the first request for
 * another host is logged once, with both values.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../../functions/server/app.ts';
import { startServer } from '../../functions/server/node.ts';
import { runtimeSiteUrl } from '../../functions/server/site-url.ts';
import { builtSiteUrl } from '../../scripts/build/built-with.ts';
import { readSettings } from '../../src/core/settings.ts';
import { chromiumAvailable, launchChromium } from '../support/browser.ts';
import { decodeQr } from '../portal/helpers.ts';
import { distDir, siteBuilt } from '../support/site.ts';
import { startSmtp, tempDir } from '../complaints/support.ts';
import { simpleParser } from '../complaints/parse.ts';

const root = join(import.meta.dirname, '../..');
const children: ChildProcess[] = [];
afterAll(() => children.forEach((c) => c.kill('SIGKILL')));

function getWithHost(url: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    httpRequest(url, { headers: { host } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode!));
    })
      .on('error', reject)
      .end();
  });
}

describe('SITE_URL at run time', () => {
  it('is the listening port on localhost when SITE_URL is unset, and SITE_URL when set', () => {
    expect(runtimeSiteUrl({}, 'http://127.0.0.1:8080')).toBe('http://localhost:8080');
    expect(runtimeSiteUrl({}, 'http://0.0.0.0:5000')).toBe('http://localhost:5000');
    expect(runtimeSiteUrl({ SITE_URL: 'https://gs.example.org/' }, 'http://127.0.0.1:8080')).toBe('https://gs.example.org');
  });

  it.skipIf(!siteBuilt())('logs the first request for another host than SITE_URL once, with both values', async () => {
    const lines: string[] = [];
    const varDir = tempDir('gongshi-host-');
    const settings = { ...readSettings({ VAR_DIR: varDir, CONTENT_DIR: join(root, 'content'), OUT_DIR: distDir }), siteUrl: 'https://gongshi.example' };
    const app = await createApp(settings, { log: (l) => lines.push(l), watchHost: true });
    const server = await startServer({ distDir: tempDir('gongshi-empty-'), port: 0, functions: app.functions });
    try {
      await getWithHost(`${server.url}/`, 'gongshi.example');
      expect(lines.filter((l) => l.includes('Host'))).toEqual([]);
      await getWithHost(`${server.url}/`, 'wrong.example:8443');
      await getWithHost(`${server.url}/complaint/`, 'other.example');
      const logged = lines.filter((l) => l.includes('Host'));
      expect(logged).toHaveLength(1);
      expect(logged[0]).toContain('wrong.example:8443');
      expect(logged[0]).toContain('https://gongshi.example');
    } finally {
      await server.close();
      await app.close();
      rmSync(varDir, { recursive: true, force: true });
    }
  });

  it.skipIf(!siteBuilt())('watches the Host by itself when SITE_URL is set (production), and not on a local run without it', async () => {
    const varDir = tempDir('gongshi-host-env-');
    // A deployment's settings: a generated key, and a mail server (never reached here).
    const base = {
      VAR_DIR: varDir,
      CONTENT_DIR: join(root, 'content'),
      OUT_DIR: distDir,
      SECRET: randomBytes(36).toString('base64'),
      SMTP_URL: 'smtp://127.0.0.1:9',
    };
    try {
      for (const [env, expected] of [
        [{ ...base, SITE_URL: 'https://gongshi.example' }, 1],
        [base, 0],
      ] as const) {
        const lines: string[] = [];
        const app = await createApp(readSettings(env), { log: (l) => lines.push(l), env: { ...env } });
        const server = await startServer({ distDir: tempDir('gongshi-empty-'), port: 0, functions: app.functions });
        try {
          await getWithHost(`${server.url}/`, 'wrong.example');
          await getWithHost(`${server.url}/`, 'other.example');
          const logged = lines.filter((l) => l.includes('Host'));
          expect(logged, JSON.stringify(env)).toHaveLength(expected);
          if (expected) expect(logged[0]).toMatch(/wrong\.example.*https:\/\/gongshi\.example/);
        } finally {
          await server.close();
          await app.close();
        }
      }
    } finally {
      rmSync(varDir, { recursive: true, force: true });
    }
  });

  it.skipIf(!chromiumAvailable())(
    'npm start with PORT=0 and no SITE_URL builds QR codes and mail links for the port in use',
    { timeout: 300_000 },
    async () => {
      const smtp = await startSmtp();
      const out = tempDir('gongshi-port-');
      const dist = join(out, 'dist');
      const env = {
        ...process.env,
        PORT: '0',
        SITE_URL: '',
        OUT_DIR: dist,
        VAR_DIR: join(out, 'var'),
        SMTP_URL: smtp.url,
        DATABASE_URL: '',
        CONTENT_DIR: join(root, 'content'),
        OUTBOX_INTERVAL_MS: '200',
      };
      delete (env as Record<string, string | undefined>).NO_BUILD;
      const child = spawn(process.execPath, [join(root, 'scripts/start.ts')], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
      children.push(child);
      let log = '';
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout!.on('data', (chunk: Buffer) => {
          log += chunk.toString();
          const m = /listening (http:\/\/[\d.:]+)/.exec(log);
          if (m) resolve(m[1]!);
        });
        child.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
        child.once('exit', (code) => reject(new Error(`start exited (${code}):\n${log}`)));
      });
      const port = new URL(url).port;
      const expected = `http://localhost:${port}`;
      try {
        // The build's own record of its address, which the next start reads (scripts/build/built-with.ts).
        expect(builtSiteUrl(dist)).toBe(expected);
        // A QR code of the freshly built site encodes this port.
        const no = readdirSync(join(dist, 'verify')).sort()[0]!;
        const browser = await launchChromium();
        try {
          const decoded = await decodeQr(await browser.newPage(), `${url}/verify/${no}/qr.svg`);
          expect(decoded).toBe(`${expected}/verify/${no}/`);
        } finally {
          await browser.close();
        }
        // The mails of a complaint link to this port.
        const r = await fetch(`${url}/api/complaints`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify({
            kind: 'report',
            about: 'unit',
            agencyId: 'renqiu-cgj',
            category: 'other',
            when: '2026-11-01',
            place: '示例路 1 号',
            description: '对方没有执法人员在场时单独检查摊位。',
            email: 'citizen@example.org',
          }),
        });
        expect(r.status).toBe(201);
        const { reference } = (await r.json()) as { reference: string };
        // Other mail may arrive first (the daily summaries go out once the server starts after 08:00 Beijing time):
        // wait for the complaint's own two mails (to the agency and the acknowledgement), decoded.
        const mine = async () => {
          const texts = await Promise.all(smtp.received.map(async (m) => (await simpleParser(m.raw)).text));
          return texts.filter((t) => t.includes(reference));
        };
        const deadline = Date.now() + 20_000;
        while ((await mine()).length < 2 && Date.now() < deadline) await new Promise((d) => setTimeout(d, 200));
        const links = (await mine()).flatMap((t) => [...t.matchAll(/https?:\/\/[^\s"<>）]+/g)].map((x) => x[0]));
        const ours = links.filter((l) => /\/(complaint|api|verify|agencies)\//.test(l));
        expect(ours.length).toBeGreaterThan(0);
        expect(ours.filter((l) => !l.startsWith(`${expected}/`))).toEqual([]);
      } finally {
        child.kill('SIGTERM');
        await new Promise((d) => child.once('exit', d));
        await smtp.stop();
        if (existsSync(out)) rmSync(out, { recursive: true, force: true });
        rmSync(`${dist}-cache`, { recursive: true, force: true });
      }
    },
  );
});
