import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CHECKPOINT_START_WAL_BYTES, startCheckpointer } from './checkpointer.js';

describe('startCheckpointer', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowmock-checkpointer-')); });
  afterEach(() => { fs.rmSync(dir, { recursive: true, force: true }); });

  it('starts its worker thread only once the WAL has grown past the threshold, and stops it', () => {
    const file = path.join(dir, 'wal.db');
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('wal_autocheckpoint = 0'); // the WAL only grows here
    db.exec('CREATE TABLE t (b BLOB)');
    const cp = startCheckpointer(file, { watchMs: 3_600_000 }); // the test looks itself (check())
    try {
      expect(cp.check()).toBe(false); // a small WAL: no thread
      const insert = db.prepare('INSERT INTO t (b) VALUES (?)');
      for (let i = 0; i * 64 * 1024 < CHECKPOINT_START_WAL_BYTES; i++) insert.run(Buffer.alloc(64 * 1024, i));
      expect(fs.statSync(`${file}-wal`).size).toBeGreaterThanOrEqual(CHECKPOINT_START_WAL_BYTES);
      expect(cp.check()).toBe(true);
      expect(cp.check()).toBe(true); // started once
    } finally {
      cp.stop();
      db.close();
    }
    expect(fs.existsSync(`${file}-wal`)).toBe(false); // the last connection closed checkpointed and removed it
    expect(cp.check()).toBe(false); // stopped: never starts again
  });
});
