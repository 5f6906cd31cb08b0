import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { complaintFormPage, COMPLAINT_FORM_PATH } from '../../functions/complaints/form-page.ts';
import { directoryFilePath, readDirectoryFile } from '../../functions/server/directory-file.ts';
import type { Directory } from '../../src/core/directory.ts';
import { distDir } from '../support/site.ts';

const reason = existsSync(join(distDir, 'complaint', 'index.html')) ? undefined : `no built site at ${distDir} (run npm run build)`;
if (reason) console.log(`form page tests skipped: ${reason}`);

describe.skipIf(reason)('the form filled in from a link, for a browser without JavaScript', () => {
  let directory: Directory;
  let serve: ReturnType<typeof complaintFormPage>;
  beforeAll(async () => {
    directory = await readDirectoryFile(directoryFilePath(distDir));
    serve = complaintFormPage({ directory }, distDir);
  });
  afterAll(() => undefined);
  const get = async (path: string) => serve(new Request(`http://localhost${path}`), { clientAddress: '127.0.0.1' });

  it('fills in the number, keeps the island and the build’s policy, and leaves /complaint/ without a query to the static file', async () => {
    const no = readdirSync(join(distDir, 'verify')).sort()[0]!;
    const response = (await get(`/complaint/?no=${encodeURIComponent(no)}`))!;
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain(`name="certificateNo" value="${no}"`);
    expect(html).toMatch(/<input type="radio" name="about" value="auxiliary" checked/);
    expect(html).toContain('<astro-island');
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await get('/complaint/')).toBeUndefined();
    expect((await get(COMPLAINT_FORM_PATH))!.status).toBe(302);
  });

  it('the privacy notice says how long the no-JS check page keeps evidence, as the policy sets it', () => {
    const html = readFileSync(join(distDir, 'privacy', 'index.html'), 'utf8');
    const note = /<p id="draft-evidence">([\s\S]*?)<\/p>/.exec(html)?.[1] ?? '';
    expect(note).toContain(`${directory.policy.complaintData.draftEvidenceHours} 小时`);
    expect(note).toContain('本平台的规则');
  });

  it('a reported number on no roster is a possible fake; an agency link prefills the unit; hostile input stays text', async () => {
    const report = await (await get(`${COMPLAINT_FORM_PATH}?kind=report&no=NO-SUCH-1`))!.text();
    expect(report).toMatch(/name="about" value="unknownNumber" checked/);
    expect(report).toMatch(/name="kind" value="report" checked/);
    const agency = directory.agencies[0]!;
    const unit = await (await get(`/complaint/?agency=${agency.id}&about=agency`))!.text();
    expect(unit).toContain(`<option value="${agency.id}" selected>`);
    expect(unit).toMatch(/name="about" value="agency" checked/);
    const hostile = await (await get(`/complaint/?no=${encodeURIComponent('"><script>alert(1)</script>')}`))!.text();
    expect(hostile).not.toContain('<script>alert(1)');
    expect(hostile).toContain('&lt;script&gt;');
  });
});
