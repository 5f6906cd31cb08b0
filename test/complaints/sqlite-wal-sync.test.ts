import { fdatasync, fstatSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CHECKPOINTS, openSqlite, type WalSync } from '../../functions/store/sqlite.ts';
import { tempDir } from './support.ts';

// The WAL's fsync runs off the event loop (sqlite.ts): a write may be answered only once the WAL holding it is on
// disk. The sync here is the real fdatasync, held back until the test lets it go.

describe('SQLite: a write is answered only after its WAL is synced', () => {
  it('holds every caller of a group until the WAL file’s fdatasync has returned, then answers them all', async () => {
    const file = join(tempDir(), 'synced.sqlite');
    const held: (() => void)[] = [];
    const synced: number[] = [];
    const walSync: WalSync = (fd, done) =>
      held.push(() =>
        fdatasync(fd, (error) => {
          synced.push(fstatSync(fd).ino);
          done(error);
        }),
      );
    const db = openSqlite(file, DEFAULT_CHECKPOINTS, walSync);
    const release = () => held.splice(0).forEach((go) => go());
    // A script (migrations) is synced too before it returns.
    const created = db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, note TEXT NOT NULL)');
    await new Promise((r) => setTimeout(r, 50));
    expect(held).toHaveLength(1);
    release();
    await created;

    let answered = 0;
    const writes = ['甲', '乙', '丙'].map((note) => db.run('INSERT INTO t (note) VALUES (?)', [note]).then(() => answered++));
    await new Promise((r) => setTimeout(r, 100));
    // Committed, but nobody is answered before the sync.
    expect(held.length).toBeGreaterThan(0);
    expect(answered).toBe(0);
    release();
    await Promise.all(writes);
    expect(answered).toBe(3);
    // What was synced is the store's WAL file.
    expect(synced.at(-1)).toBe(statSync(`${file}-wal`).ino);
    expect(await db.query<{ synchronous: number }>('PRAGMA synchronous')).toEqual([{ synchronous: 1 }]);
    await db.close();
  });

  it('a failed sync fails the group’s callers (the caller answers 503 rather than claim the rows are on disk)', async () => {
    const file = join(tempDir(), 'unsynced.sqlite');
    let fail = false;
    const walSync: WalSync = (fd, done) => (fail ? done(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' })) : fdatasync(fd, done));
    const db = openSqlite(file, DEFAULT_CHECKPOINTS, walSync);
    await db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, note TEXT NOT NULL)');
    await db.run('INSERT INTO t (note) VALUES (?)', ['甲']);
    fail = true;
    await expect(db.run('INSERT INTO t (note) VALUES (?)', ['乙'])).rejects.toThrow(/EIO/);
    fail = false;
    await db.close();
  });
});
