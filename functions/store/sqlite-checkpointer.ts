/**
 * The SQLite checkpointer thread (worker_threads): its own connection to the store's file, copying the WAL's
 * committed pages into the database file (`wal_checkpoint(PASSIVE)`: never waits for, never blocks a writer)
 * whenever the WAL has grown past `thresholdBytes`. The main connection would otherwise do it inside the COMMIT
 * that crosses SQLite's limit — with the database file's fsync — and every request on the event loop would wait.
 * Commits are as durable as before: each still returns only after the WAL's fsync on the main connection.
 */
import Database from 'better-sqlite3';
import { statSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';

export interface CheckpointerData {
  file: string;
  thresholdBytes: number;
  intervalMs: number;
}

const { file, thresholdBytes, intervalMs } = workerData as CheckpointerData;
const db = new Database(file);
db.pragma('busy_timeout = 0');
db.pragma('synchronous = FULL');

const walBytes = (): number => {
  try {
    return statSync(`${file}-wal`).size;
  } catch {
    return 0;
  }
};

const timer = setInterval(() => {
  try {
    if (walBytes() >= thresholdBytes) db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // A failed round changes nothing: the next one tries again, and the main connection still checkpoints past its own limit.
  }
}, intervalMs);

parentPort!.on('message', (message: unknown) => {
  if (message !== 'close') return;
  clearInterval(timer);
  db.close();
  parentPort!.close();
});
