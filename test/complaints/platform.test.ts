import { afterAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { pgSkipReason, startSmtp, TEST_DATABASE_URL } from './support.ts';
import { distDir, siteBuilt } from '../support/site.ts';

describe.skipIf(pgSkipReason || !siteBuilt())('Netlify Functions adapter', () => {
  const schema = `test_${randomBytes(6).toString('hex')}`;
  afterAll(async () => {
    const client = new pg.Client(TEST_DATABASE_URL);
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  });

  it('refuses without PostgreSQL, then files a complaint and delivers it from the scheduled function', async () => {
    const smtp = await startSmtp();
    const env = { ...process.env };
    try {
      Object.assign(process.env, { DATABASE_URL: '', SMTP_URL: smtp.url, OUT_DIR: distDir, SITE_URL: 'https://gongshi.example' });
      const { default: complaints } = await import('../../functions/platform/netlify/complaints.ts');
      const { default: outbox } = await import('../../functions/platform/netlify/outbox.ts');
      const request = () =>
        new Request('https://gongshi.example/api/complaints', {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify({
            kind: 'report',
            about: 'agency',
            agencyId: 'renqiu-cgj',
            category: 'other',
            when: '2026-11-01',
            place: '示例',
            description: '该局长期不公示辅助人员名单，群众无法核验。',
          }),
        });
      expect((await complaints(request(), { ip: '192.0.2.1' })).status).toBe(503);

      process.env.DATABASE_URL = `${TEST_DATABASE_URL}${TEST_DATABASE_URL.includes('?') ? '&' : '?'}options=-c%20search_path%3D${schema}`;
      // No SECRET: refused (503) and the log names the setting; a serverless instance is never a local run.
      delete process.env.SECRET;
      const logged: string[] = [];
      const errorLog = console.error;
      console.error = (...args: unknown[]) => void logged.push(args.join(' '));
      try {
        expect((await complaints(request(), { ip: '192.0.2.1' })).status).toBe(503);
      } finally {
        console.error = errorLog;
      }
      expect(logged.join('\n')).toContain('SECRET');
      process.env.SECRET = randomBytes(32).toString('base64url');
      const client = new pg.Client(TEST_DATABASE_URL);
      await client.connect();
      await client.query(`CREATE SCHEMA ${schema}`);
      await client.end();
      const response = await complaints(request(), { ip: '192.0.2.1' });
      expect(response.status).toBe(201);
      const { reference } = (await response.json()) as { reference: string };
      expect((await complaints(new Request('https://gongshi.example/api/nothing'), {})).status).toBe(404);
      expect((await outbox()).status).toBe(204);
      const mail = smtp.received.find((m) => m.raw.includes(reference))!;
      // About the agency itself → its parent, the city government.
      expect(mail.to).toEqual(['zfbgs@renqiu.gov.cn.example']);
      const { getApp } = await import('../../functions/platform/netlify/shared.ts');
      await (await getApp()).close();
    } finally {
      process.env = env;
      await smtp.stop();
    }
  });
});
