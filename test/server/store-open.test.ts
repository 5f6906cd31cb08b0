import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore, StoreOpenError } from '../../functions/store/index.ts';
import { pgSkipReason, tempDir, TEST_DATABASE_URL } from '../complaints/support.ts';

/**
 * A store that cannot be opened at start is named in words an operator can act on — which setting, which host and
 * database, what to check — never with the URL's password, and `npm start` / `npm run outbox` stop there (exit 1)
 * without a stack trace, as for a missing key.
 */
const PASSWORD = 'Pw-7f3kq9-not-to-be-printed';
const withDatabase = (name: string, port?: number) => {
  const u = new URL(TEST_DATABASE_URL);
  u.pathname = `/${name}`;
  if (port) u.port = String(port);
  u.password = PASSWORD;
  return u.toString();
};

describe('a store that cannot be opened', () => {
  it.skipIf(!!pgSkipReason)('PostgreSQL: a database that does not exist, a port nobody listens on — each said plainly', async () => {
    const cases: [string, RegExp][] = [
      [withDatabase('gongshi_no_such_database'), /数据库 gongshi_no_such_database）：数据库不存在，请先创建它/],
      [withDatabase('test', 1), /PostgreSQL [^:]+:1，数据库 test）：连接被拒绝：数据库没有运行，或 DATABASE_URL 中的主机、端口不对/],
    ];
    for (const [url, said] of cases) {
      const error = await openStore({ databaseUrl: url, varDir: tempDir() }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(StoreOpenError);
      expect((error as Error).message).toMatch(said);
      expect((error as Error).message).not.toContain(PASSWORD);
    }
  });

  it('SQLite: a VAR_DIR that cannot be written; an address of another kind', async () => {
    const varDir = join(tempDir(), 'locked');
    mkdirSync(varDir);
    chmodSync(varDir, 0o500);
    const locked = await openStore({ databaseUrl: undefined, varDir }).then(
      () => undefined,
      (e: unknown) => e,
    );
    chmodSync(varDir, 0o700);
    // root may write anyway: then the store opens, and there is nothing to say.
    if (locked) expect((locked as Error).message).toMatch(/SQLite 文件 .*gongshi\.sqlite/);
    await expect(openStore({ databaseUrl: `mysql://root:${PASSWORD}@127.0.0.1/x`, varDir: tempDir() })).rejects.toThrow(/只支持 postgres/);
  });

  it.skipIf(!!pgSkipReason)('npm run outbox stops with the message and exit 1, no stack trace, no password', () => {
    const run = spawnSync(process.execPath, ['scripts/outbox.ts', '--once'], {
      env: { ...process.env, DATABASE_URL: withDatabase('gongshi_no_such_database'), VAR_DIR: tempDir() },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('[outbox] 无法打开数据库');
    expect(run.stderr).toContain('数据库不存在');
    expect(run.stderr + run.stdout).not.toContain(PASSWORD);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
