import { afterAll, describe, expect, it, vi } from 'vitest';
import { resolve } from 'node:path';
import { rmSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { createApp, type App } from '../../functions/server/app.ts';
import { readSettings } from '../../src/core/settings.ts';
import { tempDir } from '../complaints/support.ts';
import { distDir, siteBuilt } from '../support/site.ts';

/**
 * `npm start`, `npm run outbox` and the serverless functions create the app without saying where to log: what the
 * functions do besides answering requests (an agency's action, fresh links, retention, an orphaned complaint) must
 * still reach the process's log. It went nowhere (world.log unset) until 2026-12-01.
 */
describe.skipIf(!siteBuilt())('the log of an app created as the entry points create it', () => {
  const varDir = tempDir('gongshi-app-log-');
  let app: App;
  afterAll(async () => {
    await app?.close();
    rmSync(varDir, { recursive: true, force: true });
  });

  it('an agency asking for fresh links is logged to stdout, without the mailbox', async () => {
    const settings = readSettings({ VAR_DIR: varDir, CONTENT_DIR: resolve('content'), OUT_DIR: distDir, DATABASE_URL: '', SMTP_URL: '' });
    app = await createApp(settings, { env: {}, limits: { powBits: 0 } });
    const call = (path: string, init: RequestInit) => app.functions(new Request(`http://127.0.0.1:4321${path}`, init), { clientAddress: '127.0.0.1' });
    const certificateNo = [...app.world.directory.certificates()][0]!.certificateNo;
    const submitted = await call('/api/complaints', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({
        kind: 'complaint',
        about: 'auxiliary',
        certificateNo,
        category: 'other',
        when: '2026-11-20',
        place: '示例路 1 号',
        description: '对方在没有执法人员在场的情况下单独检查摊位。',
        name: '测试',
        phone: '13800000000',
        idempotencyKey: randomUUID(),
      }),
    });
    expect(submitted!.status, await submitted!.clone().text()).toBe(201);
    const { reference } = (await submitted!.json()) as { reference: string };
    const mailbox = app.world.directory.agency(app.world.directory.auxiliary(certificateNo)!.agencyId)!.complaints.email;
    const written: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    try {
      const asked = await call('/api/action-links', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams({ reference, mailbox }).toString(),
      });
      expect(asked!.status).toBeLessThan(300);
      await new Promise((r) => setImmediate(r));
    } finally {
      spy.mockRestore();
    }
    const log = written.join('');
    expect(log).toContain('[handling] fresh links queued');
    expect(log).not.toContain(mailbox);
  });
});
