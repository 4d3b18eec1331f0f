/**
 * WAL checkpoints off the event loop. SQLite's automatic checkpoint runs inside the commit that
 * fills the WAL past its limit, on the server's only thread: with `synchronous = NORMAL` it
 * fsyncs the WAL and the database file, 10-20 ms during which no request is answered (every
 * ~70 actionflow runs under load, the p99 of every write). Here a worker thread with its own
 * connection runs `PRAGMA wal_checkpoint(PASSIVE)` every `intervalMs`: PASSIVE never waits
 * for, nor blocks, the server's reads and writes. The server keeps a (raised) automatic
 * checkpoint as a backstop, so the WAL stays bounded even if the worker falls behind; it then
 * finds most frames already copied.
 *
 * The worker is plain CommonJS evaluated from a string, so it runs the same under tsx, a build,
 * or a test runner, and loads the very better-sqlite3 the server uses. It starts when the WAL has
 * grown (see startCheckpointer), not when the store opens.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

const WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.driver);
const state = new Int32Array(workerData.state);
let db = null;
try {
  db = new Database(workerData.file, { fileMustExist: true });
  db.pragma('busy_timeout = 0');
  db.pragma('synchronous = NORMAL');
} catch (err) {
  db = null;
}
const stop = () => {
  clearInterval(timer);
  try { if (db) db.close(); } catch {}
  db = null;
  Atomics.store(state, 0, 1);
  Atomics.notify(state, 0);
  parentPort.close();
};
const timer = setInterval(() => {
  if (!db) return stop();
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch { /* busy or gone: next time */ }
}, workerData.intervalMs);
parentPort.on('message', (m) => { if (m === 'stop') stop(); });
`;

export interface Checkpointer {
  /** Stops the worker and closes its connection; waits for that (at most `waitMs`). Idempotent. */
  stop(waitMs?: number): void;
  /** Looks at the WAL now (as the watch timer does) and starts the worker if it is due; whether it runs (false once stopped). */
  check(): boolean;
}

const driverPath = createRequire(import.meta.url).resolve('better-sqlite3');

/** WAL size from which the worker is started: 256 pages of 4 KiB, far below the backstop (4,000 pages). */
export const CHECKPOINT_START_WAL_BYTES = 1024 * 1024;

/**
 * Starts the worker once the WAL holds `startAtWalBytes` (looked at every `watchMs`): the worker
 * is a thread with its own V8 heap (~10 MB resident, measured by `npm run bench -- --workloads 6`),
 * which a server that writes little (idle, read-mostly, a CLI command, a test) never needs; one
 * that writes starts it within a second of its WAL growing, long before the backstop checkpoint.
 */
export function startCheckpointer(file: string, opts: { intervalMs?: number; watchMs?: number; startAtWalBytes?: number } = {}): Checkpointer {
  const state = new SharedArrayBuffer(4);
  let worker: Worker | null = null;
  let stopped = false;
  const walFile = `${file}-wal`;
  const startAt = opts.startAtWalBytes ?? CHECKPOINT_START_WAL_BYTES;
  const check = (): boolean => {
    if (stopped) return false;
    if (worker) return true;
    let size = 0;
    try {
      size = fs.statSync(walFile).size;
    } catch {
      return false; // no WAL yet
    }
    if (size < startAt) return false;
    clearInterval(watch);
    worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { file, driver: driverPath, intervalMs: opts.intervalMs ?? 100, state },
      stdout: false,
      stderr: false,
    });
    worker.unref(); // never keeps the process alive
    worker.on('error', () => { /* the backstop checkpoint in the server covers for it */ });
    return true;
  };
  const watch = setInterval(check, opts.watchMs ?? 1000);
  watch.unref();
  return {
    check,
    stop(waitMs = 2000) {
      if (stopped) return;
      stopped = true;
      clearInterval(watch);
      if (!worker) return;
      worker.postMessage('stop');
      // Synchronous on purpose: the store's close() is synchronous, and the server's connection
      // must be the last one closed so that it can checkpoint and remove the WAL file.
      Atomics.wait(new Int32Array(state), 0, 0, waitMs);
      void worker.terminate();
    },
  };
}
