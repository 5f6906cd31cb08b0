import { chmodSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createMailer } from '../../functions/mail/transport.ts';
import { openStore, sqlitePath } from '../../functions/store/index.ts';
import { tempDir } from '../complaints/support.ts';

const mode = (path: string) => statSync(path).mode & 0o777;

/** The operator trial found a new SQLite store, with complainants' details, created readable by every user (0644). */
describe('a new SQLite store is readable by its owner only', () => {
  const root = tempDir('gongshi-mode-');
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('the VAR_DIR it makes, the database and its -wal and -shm files', async () => {
    const varDir = join(root, 'var', 'new');
    const store = await openStore({ databaseUrl: undefined, varDir });
    // Opening migrates it: the migrations' writes made the WAL.
    const file = sqlitePath(varDir);
    expect(mode(file)).toBe(0o600);
    expect(mode(`${file}-wal`)).toBe(0o600);
    expect(mode(`${file}-shm`)).toBe(0o600);
    expect(mode(varDir)).toBe(0o700);
    await store.close();
  });

  it('an existing store keeps the mode its operator gave it', async () => {
    const varDir = join(root, 'kept');
    mkdirSync(varDir, { recursive: true });
    const file = sqlitePath(varDir);
    writeFileSync(file, '');
    chmodSync(file, 0o640);
    const store = await openStore({ databaseUrl: undefined, varDir });
    await store.close();
    expect(mode(file)).toBe(0o640);
  });
});

/** The operator trial found the .eml outbox (no SMTP_URL) written with the umask: complaints readable by every user. */
describe('the .eml outbox is readable by its owner only', () => {
  const root = tempDir('gongshi-eml-mode-');
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('under umask 022, a written message is 0600 and the outbox folder it makes 0700', async () => {
    const umask = process.umask(0o022);
    const dir = join(root, 'var', 'outbox');
    const mailer = createMailer({ smtpUrl: undefined, outboxDir: dir });
    try {
      await mailer.send({
        from: 'noreply@gongshi.example',
        to: 'cgj@city.example',
        subject: '投诉',
        text: '张三 13800000000',
        messageId: 'TS-7K3M-9QX2.agency@gongshi.example',
      });
    } finally {
      mailer.close();
      process.umask(umask);
    }
    expect(readdirSync(dir)).toEqual(['TS-7K3M-9QX2.agency@gongshi.example.eml']);
    expect(mode(join(dir, 'TS-7K3M-9QX2.agency@gongshi.example.eml'))).toBe(0o600);
    expect(mode(dir)).toBe(0o700);
  });
});
