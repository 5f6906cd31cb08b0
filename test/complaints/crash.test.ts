import { afterAll, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { openSqlite } from '../../functions/store/sqlite.ts';
import { openPostgres } from '../../functions/store/postgres.ts';
import { pgSkipReason, startSmtp, tempDir, TEST_DATABASE_URL } from './support.ts';
import { loadSite } from '../../src/import/site.ts';
import { DEFAULT_CONCURRENCY } from '../../functions/outbox/worker.ts';
import { writeDirectoryFile } from '../../src/build/directory/write.ts';

const root = join(import.meta.dirname, '../..');
const children: ChildProcess[] = [];
afterAll(() => children.forEach((c) => c.kill('SIGKILL')));

/** Starts `scripts/start.ts` (no build: a stand-in dist with the sample content's directory file) and resolves with its URL once it listens. */
function startServer(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [join(root, 'scripts/start.ts')], {
    cwd: root,
    env: {
      ...process.env,
      ...env,
      NO_BUILD: '1',
      PORT: '0',
      RATE_BURST: '100000',
      RATE_PER_MINUTE: '6000000',
      OUTBOX_INTERVAL_MS: '200',
      OUTBOX_LEASE_MS: '2000',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening (http:\/\/[\d.:]+)/.exec(out);
      if (m) resolve({ child, url: m[1]! });
    });
    child.once('exit', (code) => reject(new Error(`server exited (${code}) before listening:\n${out}`)));
  });
}

const body = (i: number) =>
  JSON.stringify({
    kind: 'report',
    about: 'unit',
    agencyId: 'renqiu-cgj',
    category: 'other',
    when: '2026-11-01',
    place: `示例路 ${i} 号`,
    description: `第 ${i} 件：对方没有执法人员在场时单独检查摊位。`,
    idempotencyKey: `crash-test-${i.toString().padStart(6, '0')}`,
  });

for (const store of ['sqlite', 'postgres'] as const)
  it.skipIf(store === 'postgres' && pgSkipReason)(
    `keeps every complaint answered 201 across a kill -9 during a burst, and delivers each after restart (${store})`,
    async () => {
      const smtp = await startSmtp();
      const schema = `test_${randomBytes(6).toString('hex')}`;
      const varDir = tempDir();
      const dist = join(tempDir(), 'dist');
      mkdirSync(join(dist, 'complaint'), { recursive: true });
      writeFileSync(join(dist, 'complaint/index.html'), '<!doctype html><title>stand-in</title>');
      await writeDirectoryFile(await loadSite(join(root, 'content')), dist);
      const databaseUrl = store === 'postgres' ? `${TEST_DATABASE_URL}${TEST_DATABASE_URL.includes('?') ? '&' : '?'}options=-c%20search_path%3D${schema}` : '';
      // A published SITE_URL is a deployment: it must bring its own signing key.
      const env = {
        SECRET: randomBytes(32).toString('base64url'),
        VAR_DIR: varDir,
        OUT_DIR: dist,
        SMTP_URL: smtp.url,
        SITE_URL: 'https://gongshi.example',
        CONTENT_DIR: join(root, 'content'),
        DATABASE_URL: databaseUrl,
      };
      const pgDb = store === 'postgres' ? openPostgres(TEST_DATABASE_URL, { schema }) : undefined;
      if (pgDb) await pgDb.exec('SELECT 1'); // creates the schema
      const first = await startServer(env);

      const answered = new Set<string>();
      let _sent = 0;
      let killed = false;
      const worker = async (lane: number) => {
        for (let i = lane; i < 100_000 && !killed; i += 16) {
          _sent++;
          try {
            const r = await fetch(`${first.url}/api/complaints`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body(i) });
            if (r.status === 201) answered.add(((await r.json()) as { reference: string }).reference);
          } catch {
            /* connection cut by the kill: this submission was not answered */
          }
          if (answered.size >= 150 && !killed) {
            killed = true;
            first.child.kill('SIGKILL');
          }
        }
      };
      await Promise.all(Array.from({ length: 16 }, (_, lane) => worker(lane)));
      expect(killed).toBe(true);
      expect(answered.size).toBeGreaterThanOrEqual(150);

      // After restart every answered complaint is in the store…
      const second = await startServer(env);
      const db = pgDb ?? openSqlite(join(varDir, 'gongshi.sqlite'));
      const stored = new Set((await db.query<{ reference: string }>('SELECT reference FROM complaints')).map((r) => r.reference));
      for (const reference of answered) expect(stored.has(reference)).toBe(true);
      // …and its agency e-mail reaches the SMTP server (the worker runs in the restarted server).
      const delivered = () => new Set(smtp.received.map((m) => /TS-[0-9A-Z]{4}-[0-9A-Z]{4}/.exec(m.raw)?.[0]));
      for (let i = 0; i < 600 && [...stored].some((ref) => !delivered().has(ref)); i++) await new Promise((r) => setTimeout(r, 100));
      for (const reference of stored) expect(delivered().has(reference)).toBe(true);
      // Exactly one agency message per stored complaint; the only repeats are sends the kill cut between the SMTP
      // server's acceptance and their record — at most one per send in flight — each with its own Message-ID again.
      // (The deadline jobs of the restarted server may add the oversight bureaus' daily summaries: not counted.)
      const ids = smtp.received.map((m) => /^Message-ID:\s*(.+)$/im.exec(m.raw)![1]!.trim()).filter((id) => id.includes('.agency@'));
      expect(new Set(ids).size).toBe(stored.size);
      expect(ids.length - new Set(ids).size).toBeLessThanOrEqual(DEFAULT_CONCURRENCY);
      // The kill may cut sends in the middle of a mail: the SMTP server sees those as resets, nothing else.
      for (const err of smtp.cut) expect((err as NodeJS.ErrnoException).code).toMatch(/^(ECONNRESET|EPIPE)$/);
      second.child.kill('SIGTERM');
      if (pgDb) await pgDb.exec(`DROP SCHEMA ${schema} CASCADE`);
      await db.close();
      await smtp.stop();
    },
    120_000,
  );
