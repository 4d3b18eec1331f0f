import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS, applyMigrations } from './migrations.js';
import { openStore } from './sqlite-store.js';
import { execution } from '../../test/support/store-records.js';

// ---------------------------------------------------------------------------------------------

describe('openStore on files', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowmock-store-')); });
  afterEach(() => { fs.rmSync(dir, { recursive: true, force: true }); });

  it('creates missing parent folders for the database file', async () => {
    const file = path.join(dir, 'a', 'b', 'flowmock.db');
    await openStore(file).close();
    expect(fs.existsSync(file)).toBe(true);
  });

  it('the progress of a stable execution, kept in memory, follows a save here at once and a commit elsewhere on the next turn', async () => {
    const file = path.join(dir, 'progress.db');
    const store = openStore(file);
    try {
      const e = execution('done', { status: 'Success' });
      e.progress = { percentage: 100, message: 'first', status: 'Success' };
      await store.executions.insert(e);
      expect((await store.executions.progressById('done'))?.progress.message).toBe('first');
      expect((await store.executions.progressById('done'))?.progress.message).toBe('first'); // kept

      e.progress = { ...e.progress, message: 'saved here' };
      await store.executions.save(e);
      expect((await store.executions.progressById('done'))?.progress.message).toBe('saved here');

      const other = new Database(file);
      other.prepare(`UPDATE executions SET progress = json_set(progress, '$.message', 'committed elsewhere') WHERE id = 'done'`).run();
      other.close();
      await new Promise((r) => setImmediate(r)); // the next request: a later turn of the event loop
      expect((await store.executions.progressById('done'))?.progress.message).toBe('committed elsewhere');
    } finally {
      await store.close();
    }
  });

  it('a filter on status pages the same whether many or few executions match (index or sort order, chosen by the count)', async () => {
    const store = openStore(path.join(dir, 'plans.db'));
    try {
      // 300 executions, newest first by createdAt: every third Error (many), two Warning (few).
      const all = Array.from({ length: 300 }, (_, i) => execution(`e${String(i).padStart(3, '0')}`, {
        status: i === 7 || i === 250 ? 'Warning' : i % 3 === 0 ? 'Error' : 'Success',
        createdAt: new Date(Date.UTC(2026, 0, 1) - i * 1000).toISOString(),
      }));
      await store.transaction(async (tx) => { for (const e of all) await tx.executions.insert(e); });
      const page = async (value: string, operator: 'like' | 'equalTo', p: number, size: number) => {
        const r = await store.executions.query({
          ownerId: null, filter: { type: 'and', nodes: [{ condition: { key: 'status', operator, values: [value] } }] },
          sort: { field: 'createdAt', direction: 'desc' }, page: p, size,
        });
        return { total: r.totalElements, ids: r.content.map((e) => e.id) };
      };
      const expected = (status: string, p: number, size: number) => {
        const match = all.filter((e) => e.status === status);
        return { total: match.length, ids: match.slice(p * size, (p + 1) * size).map((e) => e.id) };
      };
      expect(await page('ERR', 'like', 0, 5)).toEqual(expected('Error', 0, 5));
      expect(await page('rror', 'like', 7, 5)).toEqual(expected('Error', 7, 5));
      expect(await page('Error', 'equalTo', 3, 20)).toEqual(expected('Error', 3, 20));
      expect(await page('warn', 'like', 0, 5)).toEqual(expected('Warning', 0, 5));
      expect(await page('Warning', 'equalTo', 0, 1)).toEqual(expected('Warning', 0, 1));
      expect(await page('nothing', 'like', 0, 5)).toEqual({ total: 0, ids: [] });
    } finally {
      await store.close();
    }
  });

  it('applies each migration once, even when the same file is opened twice', async () => {
    const file = path.join(dir, 'twice.db');
    const first = openStore(file);
    await first.meta.set('kept', 'yes');
    await first.close();
    const raw1 = new Database(file);
    const before = raw1.prepare('SELECT version, applied_at FROM schema_migrations ORDER BY version').all();
    raw1.close();

    const second = openStore(file);
    expect(await second.meta.get('kept')).toBe('yes');
    await second.close();
    const raw2 = new Database(file);
    const after = raw2.prepare('SELECT version, applied_at FROM schema_migrations ORDER BY version').all();
    raw2.close();

    expect(before).toHaveLength(MIGRATIONS.length);
    expect(after).toEqual(before); // same rows, same applied_at: nothing re-ran
  });

  it('puts a file database in WAL journal mode', async () => {
    const file = path.join(dir, 'wal.db');
    const store = openStore(file);
    await store.meta.set('k', 'v');
    const raw = new Database(file);
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.close();
    await store.close();
  });

  it('refuses a database whose schema is newer than the known migrations', async () => {
    const file = path.join(dir, 'newer.db');
    await openStore(file).close();
    const raw = new Database(file);
    raw.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(9999, 'future', 'now');
    raw.close();
    expect(() => openStore(file)).toThrow(/newer/);
  });
});

describe('applyMigrations', () => {
  it('applies only migrations not yet recorded and reports which ran', async () => {
    const db = new Database(':memory:');
    const extra = [...MIGRATIONS, { version: 1000, name: 'extra', up: 'CREATE TABLE extra (x INTEGER)' }];
    expect(applyMigrations(db)).toEqual(MIGRATIONS.map((m) => m.version));
    expect(applyMigrations(db)).toEqual([]);
    expect(applyMigrations(db, extra)).toEqual([1000]);
    db.close();
  });

  it('migration 3 moves the progress of executions stored by version 2 into its column, losing nothing', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowmock-migrate-'));
    const file = path.join(dir, 'v2.db');
    try {
      // A database as flowmock with migrations 1 and 2 left it: the progress inside `data`.
      const old = new Database(file);
      applyMigrations(old, MIGRATIONS.filter((m) => m.version <= 2));
      const e = execution('e-old', { status: 'Success' });
      e.progress = { percentage: 100, message: 'Done', status: 'Success', model: { invoice: { document: { id: 'd1' } } } };
      const { id, flowId, flowName, status, createdAt, createdBy, modifiedAt, queueSeq, version, ...data } = e;
      old.prepare(`INSERT INTO executions (id, flow_id, flow_name, status, created_at, created_by, modified_at, queue_seq, version, data)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(id, flowId, flowName, status, createdAt, createdBy, modifiedAt, queueSeq, version, JSON.stringify(data));
      old.close();

      const store = openStore(file);
      try {
        expect((await store.executions.byId('e-old'))).toEqual(e);
        expect((await store.executions.progressById('e-old'))?.progress).toEqual(e.progress);
      } finally {
        await store.close();
      }
      const raw = new Database(file, { readonly: true });
      expect(raw.prepare("SELECT json_type(data, '$.progress') FROM executions").pluck().get()).toBeNull(); // not kept twice
      raw.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rolls back a failing migration so neither its changes nor its record remain', async () => {
    const db = new Database(':memory:');
    applyMigrations(db);
    const broken = [...MIGRATIONS, { version: 1001, name: 'broken', up: 'CREATE TABLE half (x INTEGER); SELECT * FROM nope;' }];
    expect(() => applyMigrations(db, broken)).toThrow();
    expect(db.prepare("SELECT COUNT(*) FROM sqlite_master WHERE name = 'half'").pluck().get()).toBe(0);
    expect(db.prepare('SELECT COUNT(*) FROM schema_migrations WHERE version = 1001').pluck().get()).toBe(0);
    db.close();
  });
});
