import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Socket } from 'node:net';
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
  it.skipIf(!!pgSkipReason)('PostgreSQL: a database or a schema that does not exist, a port nobody listens on — each said plainly', async () => {
    const cases: [string, RegExp][] = [
      [withDatabase('gongshi_no_such_database'), /数据库 gongshi_no_such_database）：数据库不存在，请先创建它/],
      [withDatabase('test', 1), /PostgreSQL [^:]+:1，数据库 test）：连接被拒绝：数据库没有运行，或 DATABASE_URL 中的主机、端口不对/],
      [
        `${withDatabase('test')}?options=-csearch_path%3Dgongshi_no_such_schema`,
        /schema gongshi_no_such_schema）：DATABASE_URL 的 search_path 指定的 schema 不存在，请先创建它（CREATE SCHEMA/,
      ],
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

describe('a DATABASE_URL whose port is not PostgreSQL, a VAR_DIR that is a file', () => {
  /** A TCP server on loopback that, on each connection, either closes it at once or never answers. */
  async function listener(behaviour: 'close' | 'silent') {
    const sockets: Socket[] = [];
    const server = createServer((socket) => {
      sockets.push(socket);
      if (behaviour === 'close') socket.destroy();
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    return {
      port: (server.address() as AddressInfo).port,
      close: () => {
        for (const s of sockets) s.destroy();
        return new Promise((done) => server.close(done));
      },
    };
  }
  const openError = (databaseUrl: string | undefined, varDir = tempDir()) =>
    openStore({ databaseUrl, varDir }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );

  it('a service that closes the connection (another service on that port) and one that never answers are named, not just "Error"', async () => {
    const closing = await listener('close');
    const silent = await listener('silent');
    try {
      const closed = await openError(`postgres://gongshi:${PASSWORD}@127.0.0.1:${closing.port}/gongshi`);
      expect(closed).toBeInstanceOf(StoreOpenError);
      expect(closed!.message).toContain(`127.0.0.1:${closing.port}，数据库 gongshi）：连接被对方断开：这个主机和端口上的多半不是 PostgreSQL`);
      const timedOut = await openError(`postgres://gongshi:${PASSWORD}@127.0.0.1:${silent.port}/gongshi`);
      expect(timedOut).toBeInstanceOf(StoreOpenError);
      expect(timedOut!.message).toContain(`127.0.0.1:${silent.port}，数据库 gongshi）：连接超时（没有得到 PostgreSQL 的应答）`);
      for (const e of [closed!, timedOut!]) expect(e.message).not.toContain(PASSWORD);
    } finally {
      await closing.close();
      await silent.close();
    }
  }, 30_000);

  it('VAR_DIR naming a file says to make it a folder', async () => {
    const file = join(tempDir(), 'not-a-folder');
    writeFileSync(file, '');
    const error = await openError(undefined, file);
    expect(error).toBeInstanceOf(StoreOpenError);
    expect(error!.message).toContain('这个路径上已有一个文件而不是目录，请把 VAR_DIR 设为一个目录');
  });
});
