import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS, applyMigrations } from './migrations.js';
import { openStore } from './sqlite-store.js';
import type {
  ActionflowLogRecord, ApiKeyRecord, ConditionGroup, DocumentRecord, ExecutionQuery, ExecutionRecord,
  ExecutionStatus, PrinterRecord, ProcessRecord, RoleRecord, Store, UserRecord,
} from './types.js';

// ---------------------------------------------------------------------------------------------
// Fixtures

const role = (id: string, over: Partial<RoleRecord> = {}): RoleRecord => ({
  id, name: id, displayName: id.toUpperCase(), description: `the ${id} role`,
  permissions: ['execute:flows', 'read:ownFlowExecutions'], privileges: ['Use API Key'], ...over,
});

const user = (id: string, over: Partial<UserRecord> = {}): UserRecord => ({
  id, username: `name-${id}`, displayName: `User ${id}`, email: `${id}@example.test`, enabled: true,
  roleIds: ['user'], passwordHash: 'scrypt$16384$8$1$c2FsdA$aGFzaA', createdAt: '2026-01-01T00:00:00.000Z',
  firstName: `First ${id}`, lastName: `Last ${id}`, description: null, modifiedAt: null, lastLogin: null, loginCount: 0, settings: {}, ...over,
});

const apiKey = (id: string, userId: string, over: Partial<ApiKeyRecord> = {}): ApiKeyRecord => ({
  id, userId, name: `key ${id}`, hash: 'ab'.repeat(32), last4: 'wxyz',
  createdAt: '2026-01-02T00:00:00.000Z', lastUsedAt: null, revokedAt: null, description: null, createdBy: userId, ...over,
});

const printer = (id: string, over: Partial<PrinterRecord> = {}): PrinterRecord => ({
  id, displayName: `Printer ${id}`, description: 'second floor', definition: { id: 'generic-pdf', displayName: 'Generic' },
  flavor: 'jps', defaultPrinter: false, properties: { duplex: true, copies: 2 },
  createdAt: '2026-01-01T00:00:00.000Z', createdBy: 'u1', modifiedAt: '2026-01-01T00:00:00.000Z', modifiedBy: 'u1', ...over,
});

const execution = (id: string, over: Partial<ExecutionRecord> = {}): ExecutionRecord => ({
  id, flowId: 'flow-a', flowName: 'Invoice', status: 'Success',
  progress: { percentage: 100, message: 'done', status: over.status ?? 'Success', currentData: { id: 'blk', type: 'data' } },
  createdAt: '2026-01-01T10:00:00.000Z', createdBy: 'u1', modifiedAt: '2026-01-01T10:00:00.000Z', modifiedBy: 'u1',
  inputKind: 'xml', inputData: { xml: '<order/>' }, skipUserInput: false,
  stages: [{ start: '2026-01-01T10:00:00.000Z', end: null, input: { a: 1 }, lastProgress: null }],
  iterations: [{ id: 'it1', report: [{ id: 'z1', blocks: [{ id: 'b1', step: { status: 'Output' } }] }] }],
  report: [{ id: 'z1', blocks: [] }],
  warnings: [],
  errors: [],
  output: { model: { total: 120.5 } },
  waitingFor: null,
  cursor: { step: 3, values: { x: 'y' } },
  version: 0,
  queueSeq: null,
  ...over,
});

const documentRecord = (id: string, executionId: string, over: Partial<DocumentRecord> = {}): DocumentRecord => ({
  id, executionId, displayName: `doc ${id}`, description: null, createdAt: '2026-01-01T10:00:01.000Z', createdBy: 'u1',
  templateId: 'tpl', language: 'en', finished: true, expiration: null, contentType: 'application/pdf', size: 4, source: null, ...over,
});

const processRecord = (id: string, over: Partial<ProcessRecord> = {}): ProcessRecord => ({
  id, application: 'app', actionflow: 'af', status: 'Running', userId: 'u1', createdAt: '2026-01-01T00:00:00.000Z',
  finishedAt: null, httpStatus: null, envelope: null, recordsDone: 0, message: null, ...over,
});

const logEntry = (id: string, over: Partial<ActionflowLogRecord> = {}): ActionflowLogRecord => ({
  id, processId: 'p1', application: 'app', actionflow: 'af', kind: 'request', at: '2026-01-01T00:00:00.000Z',
  content: { body: { n: 1 } }, ...over,
});

const baseQuery = (over: Partial<ExecutionQuery> = {}): ExecutionQuery => ({
  ownerId: null, sort: { field: 'createdAt', direction: 'asc' }, page: 0, size: 100, ...over,
});
const ids = (page: { content: Array<{ id: string }> }) => page.content.map((e) => e.id);
const cond = (key: string, operator: string, ...values: string[]) =>
  ({ condition: { key, operator, values } });

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
