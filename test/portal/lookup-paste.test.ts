/**
 * The functions' lookup answer (`/lookup/?no=`, `/api/lookup`) for what citizens paste, against the built
 * directory file: a badge's QR link goes to the number's page, a labelled number too; a link to another site
 * gets the same number looked up here, with the foreign-link hint instead of a silent redirect.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { directoryFilePath, readDirectoryFile } from '../../functions/server/directory-file.ts';
import { lookupFunctions } from '../../functions/server/lookup.ts';
import { verifyUrl } from '../../src/build/qr/index.ts';
import type { Directory } from '../../src/core/directory.ts';
import { distDir, siteBuilt } from '../support/site.ts';
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { createApp } from '../../functions/server/app.ts';
import { readSettings } from '../../src/core/settings.ts';
import { tempDir } from '../complaints/support.ts';

const SITE = 'https://gongshi.example.gov.cn';
const HINT = '您粘贴的链接不是本站地址';

describe.skipIf(!siteBuilt())('pasted links and labelled numbers answered by the functions', () => {
  let directory: Directory;
  let no: string;
  let handle: ReturnType<typeof lookupFunctions>;
  const own = (n: string) => `/verify/${encodeURIComponent(n)}/`;
  const lookup = (typed: string, accept = 'text/html', path = '/lookup/') =>
    handle(new Request(`${SITE}${path}?no=${encodeURIComponent(typed)}`, { headers: { accept } }), { clientAddress: '127.0.0.1' });

  beforeAll(async () => {
    directory = await readDirectoryFile(directoryFilePath(distDir));
    no = [...directory.certificates()].find((c) => /^[A-Z]+-\d{4}-\d{4}$/.test(c.certificateNo))!.certificateNo;
    handle = lookupFunctions(() => directory);
  });

  it('sends this site’s QR link of a listed number, pasted as phones and chats show it, to the number’s page', async () => {
    const fullWidth = (s: string) => s.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
    for (const pasted of [
      verifyUrl(SITE, no),
      `${SITE}/verify/${no}`,
      `http://gongshi.example.gov.cn/verify/${no.toLowerCase()}/?from=singlemessage&isappinstalled=0`,
      `${SITE}/verify/${no}/#auxiliary`,
      ` \n${SITE}/verify/${no}/\n `,
      fullWidth(verifyUrl(SITE, no)),
      `请核验 ${verifyUrl(SITE, no)} 谢谢`,
      `gongshi.example.gov.cn/verify/${no}/`,
      `/verify/${no}/`,
    ]) {
      for (const path of ['/lookup/', '/lookup', '/api/lookup']) {
        const r = await lookup(pasted, 'text/html', path);
        expect([r?.status, r?.headers.get('location')], `${path} ${pasted}`).toEqual([303, own(no)]);
      }
    }
  });

  it('sends a labelled number to its page, and a name (labelled or not) to search', async () => {
    for (const pasted of [`证件编号：${no}`, `证号:${no.toLowerCase()}`, `执法辅助证号 ${no}`, `No.${no}`, `编号：${no}，请核实`]) {
      const r = await lookup(pasted);
      expect([r?.status, r?.headers.get('location')], pasted).toEqual([303, own(no)]);
    }
    const name = await lookup('张三');
    expect([name?.status, name?.headers.get('location')]).toEqual([303, `/search/?q=${encodeURIComponent('张三')}`]);
    const labelOnly = await lookup('证件编号：');
    expect(labelOnly?.headers.get('location')).toBe(`/search/?q=${encodeURIComponent('证件编号：')}`);
  });

  it('answers another site’s link to a listed number with the hint and this site’s page, not a silent redirect', async () => {
    const pasted = `https://gongshi-example.com/verify/${encodeURIComponent(no)}/?from=timeline`;
    const r = (await lookup(pasted))!;
    expect(r.status).toBe(200);
    expect(r.headers.get('location')).toBeNull();
    const html = await r.text();
    expect(html).toContain(HINT);
    expect(html).toContain('「gongshi-example.com」');
    expect(html).toContain('「gongshi.example.gov.cn」');
    expect(html).toContain(`id="ff-verify" href="${own(no)}"`);
    expect(html.indexOf(HINT)).toBeLessThan(html.indexOf('ff-verify'));
    expect(html).not.toContain('查无此证');
    const json = (await (await lookup(pasted, 'application/json', '/api/lookup'))!.json()) as Record<string, unknown>;
    expect(json).toEqual({ found: no, href: own(no), foreignHost: 'gongshi-example.com' });
    // This site's own link says nothing of the kind.
    expect(await (await lookup(verifyUrl(SITE, no), 'application/json', '/api/lookup'))!.json()).toEqual({ found: no, href: own(no) });
  });

  it('counts a link to SITE_URL’s host (what the QR codes carry) as this site’s, whatever host was asked', async () => {
    const atAlias = lookupFunctions(() => directory, `${SITE}/`);
    const ask = (typed: string) => atAlias(new Request(`http://127.0.0.1:4321/lookup/?no=${encodeURIComponent(typed)}`), { clientAddress: '127.0.0.1' });
    const r = await ask(verifyUrl(SITE, no));
    expect([r?.status, r?.headers.get('location')]).toEqual([303, own(no)]);
    expect((await ask(`http://127.0.0.1:4321/verify/${no}/`))?.status).toBe(303);
    const other = (await ask(verifyUrl('https://evil.example', no)))!;
    expect(other.status).toBe(200);
    expect(await other.text()).toContain('本站是「127.0.0.1」');
  });

  it('answers a link to a number not on the roster with that number (not the link), escaped, and the hint for another site', async () => {
    const pasted = `请核验 https://evil.example/verify/${encodeURIComponent('ZZQQ-<i>-9999')}/?from=singlemessage 谢谢`;
    const html = await (await lookup(pasted))!.text();
    expect(html).toMatch(/不在(截至 [^<]+ 的)?公示名单中/);
    expect(html).toContain('<b id="nf-no">ZZQQ-&lt;i&gt;-9999</b>');
    expect(html).toContain('value="ZZQQ-&lt;i&gt;-9999"');
    expect(html).not.toContain('evil.example/verify');
    expect(html).not.toContain('<i>');
    expect(html).toContain(HINT);
    expect(html.indexOf(HINT)).toBeLessThan(html.indexOf('id="not-found"'));
    const ownLink = await (await lookup(`${SITE}/verify/ZZQQ-1999-9999/`))!.text();
    expect(ownLink).toContain('<b id="nf-no">ZZQQ-1999-9999</b>');
    expect(ownLink).not.toContain(HINT);
  });

  it('offers close numbers for the number a link carries', async () => {
    const typo = no.slice(0, -1) + (no.endsWith('9') ? '8' : '9');
    if (directory.auxiliary(typo)) return;
    const json = (await (await lookup(verifyUrl(SITE, typo), 'application/json', '/api/lookup'))!.json()) as {
      number: string;
      suggestions: { no: string }[];
    };
    expect(json.number).toBe(typo);
    expect(json.suggestions.map((s) => s.no)).toContain(no);
  });

  it('reads hostile pastes without failing', async () => {
    for (const pasted of ['javascript:alert(1)//verify/x/', `${'a'.repeat(5000)}/verify/1/`, '%E0%A4%A', '<script>alert(1)</script>']) {
      const r = (await lookup(pasted))!;
      expect(r.status, pasted.slice(0, 30)).toBeLessThan(400);
      expect(await r.text()).not.toContain('<script>alert');
    }
  });

  it('npm start counts SITE_URL’s host (what the QR codes carry) as this site’s, whatever host it is reached at', async () => {
    const varDir = tempDir('gongshi-paste-');
    const settings = { ...readSettings({ VAR_DIR: varDir, CONTENT_DIR: resolve('content'), OUT_DIR: distDir }), siteUrl: 'https://qr.example.gov.cn' };
    const app = await createApp(settings, { env: {}, log: () => undefined });
    try {
      const ask = async (typed: string) =>
        (await app.functions(new Request(`http://127.0.0.1:4321/lookup/?no=${encodeURIComponent(typed)}`, { headers: { accept: 'text/html' } }), {
          clientAddress: '127.0.0.1',
        }))!;
      const ours = await ask(verifyUrl('https://qr.example.gov.cn', no));
      expect(ours.status).toBe(303);
      expect(ours.headers.get('location')).toBe(own(no));
      const theirs = await ask(verifyUrl('https://qr-example.gov.cn.evil.example', no));
      expect(theirs.status).toBe(200);
      expect(await theirs.text()).toContain(HINT);
    } finally {
      await app.close();
      rmSync(varDir, { recursive: true, force: true });
    }
  });
});
