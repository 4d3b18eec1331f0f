import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS, applyMigrations } from './migrations.js';
import { StoreQueryError, openStore } from './sqlite-store.js';
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

  it('creates missing parent folders for the database file', () => {
    const file = path.join(dir, 'a', 'b', 'flowmock.db');
    openStore(file).close();
    expect(fs.existsSync(file)).toBe(true);
  });

  it('the progress of a stable execution, kept in memory, follows a save here at once and a commit elsewhere on the next turn', async () => {
    const file = path.join(dir, 'progress.db');
    const store = openStore(file);
    try {
      const e = execution('done', { status: 'Success' });
      e.progress = { percentage: 100, message: 'first', status: 'Success' };
      store.executions.insert(e);
      expect(store.executions.progressById('done')?.progress.message).toBe('first');
      expect(store.executions.progressById('done')?.progress.message).toBe('first'); // kept

      e.progress = { ...e.progress, message: 'saved here' };
      store.executions.save(e);
      expect(store.executions.progressById('done')?.progress.message).toBe('saved here');

      const other = new Database(file);
      other.prepare(`UPDATE executions SET progress = json_set(progress, '$.message', 'committed elsewhere') WHERE id = 'done'`).run();
      other.close();
      await new Promise((r) => setImmediate(r)); // the next request: a later turn of the event loop
      expect(store.executions.progressById('done')?.progress.message).toBe('committed elsewhere');
    } finally {
      store.close();
    }
  });

  it('applies each migration once, even when the same file is opened twice', () => {
    const file = path.join(dir, 'twice.db');
    const first = openStore(file);
    first.meta.set('kept', 'yes');
    first.close();
    const raw1 = new Database(file);
    const before = raw1.prepare('SELECT version, applied_at FROM schema_migrations ORDER BY version').all();
    raw1.close();

    const second = openStore(file);
    expect(second.meta.get('kept')).toBe('yes');
    second.close();
    const raw2 = new Database(file);
    const after = raw2.prepare('SELECT version, applied_at FROM schema_migrations ORDER BY version').all();
    raw2.close();

    expect(before).toHaveLength(MIGRATIONS.length);
    expect(after).toEqual(before); // same rows, same applied_at: nothing re-ran
  });

  it('puts a file database in WAL journal mode', () => {
    const file = path.join(dir, 'wal.db');
    const store = openStore(file);
    store.meta.set('k', 'v');
    const raw = new Database(file);
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.close();
    store.close();
  });

  it('refuses a database whose schema is newer than the known migrations', () => {
    const file = path.join(dir, 'newer.db');
    openStore(file).close();
    const raw = new Database(file);
    raw.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(9999, 'future', 'now');
    raw.close();
    expect(() => openStore(file)).toThrow(/newer/);
  });
});

describe('applyMigrations', () => {
  it('applies only migrations not yet recorded and reports which ran', () => {
    const db = new Database(':memory:');
    const extra = [...MIGRATIONS, { version: 1000, name: 'extra', up: 'CREATE TABLE extra (x INTEGER)' }];
    expect(applyMigrations(db)).toEqual(MIGRATIONS.map((m) => m.version));
    expect(applyMigrations(db)).toEqual([]);
    expect(applyMigrations(db, extra)).toEqual([1000]);
    db.close();
  });

  it('migration 3 moves the progress of executions stored by version 2 into its column, losing nothing', () => {
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
        expect(store.executions.byId('e-old')).toEqual(e);
        expect(store.executions.progressById('e-old')?.progress).toEqual(e.progress);
      } finally {
        store.close();
      }
      const raw = new Database(file, { readonly: true });
      expect(raw.prepare("SELECT json_type(data, '$.progress') FROM executions").pluck().get()).toBeNull(); // not kept twice
      raw.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rolls back a failing migration so neither its changes nor its record remain', () => {
    const db = new Database(':memory:');
    applyMigrations(db);
    const broken = [...MIGRATIONS, { version: 1001, name: 'broken', up: 'CREATE TABLE half (x INTEGER); SELECT * FROM nope;' }];
    expect(() => applyMigrations(db, broken)).toThrow();
    expect(db.prepare("SELECT COUNT(*) FROM sqlite_master WHERE name = 'half'").pluck().get()).toBe(0);
    expect(db.prepare('SELECT COUNT(*) FROM schema_migrations WHERE version = 1001').pluck().get()).toBe(0);
    db.close();
  });
});

describe('SqliteStore records', () => {
  let store: Store;
  beforeEach(() => { store = openStore(':memory:'); });
  afterEach(() => { store.close(); });

  it('meta: round-trips values and overwrites an existing key', () => {
    expect(store.meta.get('missing')).toBeNull();
    store.meta.set('pepper', 'one');
    store.meta.set('pepper', 'two');
    expect(store.meta.get('pepper')).toBe('two');
  });

  it('roles: round-trip, upsert replaces in place and list keeps insertion order', () => {
    store.users.upsertRole(role('administrator'));
    store.users.upsertRole(role('user'));
    store.users.upsertRole(role('administrator', { displayName: 'Admin', privileges: ['Run Actions'] }));
    const roles = store.users.listRoles();
    expect(roles.map((r) => r.id)).toEqual(['administrator', 'user']);
    expect(roles[0]).toEqual(role('administrator', { displayName: 'Admin', privileges: ['Run Actions'] }));
  });

  it('users: round-trip by id, user name and resolve; password, enabled and count update', () => {
    const u = user('u1', { roleIds: ['administrator', 'api'], email: null });
    store.users.create(u);
    store.users.create(user('u2', { passwordHash: null, enabled: false }));
    expect(store.users.byId('u1')).toEqual(u);
    expect(store.users.byUsername('name-u1')).toEqual(u);
    expect(store.users.resolve('u1')).toEqual(u);
    expect(store.users.resolve('name-u1')).toEqual(u);
    expect(store.users.resolve('nobody')).toBeNull();
    expect(store.users.byId('nobody')).toBeNull();
    expect(store.users.count()).toBe(2);
    expect(store.users.list().map((x) => x.id)).toEqual(['u1', 'u2']);

    store.users.setPassword('u2', 'scrypt$new');
    store.users.setEnabled('u2', true);
    expect(store.users.byId('u2')).toMatchObject({ passwordHash: 'scrypt$new', enabled: true });
    expect(() => store.users.setEnabled('nobody', true)).toThrow(/not found/);

    store.users.recordLogin('u1', '2026-03-01T00:00:00.000Z');
    store.users.recordLogin('u1', '2026-03-02T00:00:00.000Z');
    expect(store.users.byId('u1')).toMatchObject({ loginCount: 2, lastLogin: '2026-03-02T00:00:00.000Z' });
    expect(() => store.users.recordLogin('nobody', '2026-03-01T00:00:00.000Z')).toThrow(/not found/);
  });

  it('password resets: one pending per user, replaced by a newer one, spent once', () => {
    store.users.create(user('u1'));
    const r = { userId: 'u1', tokenHash: 'aa'.repeat(32), createdAt: '2026-01-01T00:00:00.000Z', expiresAt: '2026-01-01T01:00:00.000Z' };
    store.passwordResets.put(r);
    store.passwordResets.put({ ...r, tokenHash: 'bb'.repeat(32) });
    expect(store.passwordResets.byUser('u1')).toEqual({ ...r, tokenHash: 'bb'.repeat(32) });
    expect(store.passwordResets.delete('u1')).toBe(true);
    expect(store.passwordResets.delete('u1')).toBe(false);
    expect(store.passwordResets.byUser('u1')).toBeNull();
  });

  it('users: a duplicate user name is rejected', () => {
    store.users.create(user('u1'));
    expect(() => store.users.create(user('u9', { username: 'name-u1' }))).toThrow(/UNIQUE/);
  });

  it('api keys: round-trip, touch, revoke once, and revoked keys leave listActive', () => {
    store.users.create(user('u1'));
    store.apiKeys.create(apiKey('k1', 'u1'));
    store.apiKeys.create(apiKey('k2', 'u1', { createdAt: '2026-01-03T00:00:00.000Z' }));
    expect(store.apiKeys.byId('k1')).toEqual(apiKey('k1', 'u1'));
    expect(store.apiKeys.byId('nope')).toBeNull();

    store.apiKeys.touch('k1', '2026-02-01T00:00:00.000Z');
    expect(store.apiKeys.byId('k1')?.lastUsedAt).toBe('2026-02-01T00:00:00.000Z');

    expect(store.apiKeys.revoke('k1', '2026-02-02T00:00:00.000Z')).toBe(true);
    expect(store.apiKeys.revoke('k1', '2026-02-03T00:00:00.000Z')).toBe(false); // already revoked
    expect(store.apiKeys.revoke('nope', '2026-02-03T00:00:00.000Z')).toBe(false);
    expect(store.apiKeys.byId('k1')?.revokedAt).toBe('2026-02-02T00:00:00.000Z'); // first revocation kept
    expect(store.apiKeys.listActive('u1').map((k) => k.id)).toEqual(['k2']);
  });

  it('api keys: foreign keys are enforced, so a key for an unknown user is rejected', () => {
    expect(() => store.apiKeys.create(apiKey('k1', 'ghost'))).toThrow(/FOREIGN KEY/);
  });

  it('printers: round-trip, byName, update, delete', () => {
    const p = printer('p1');
    store.printers.insert(p);
    store.printers.insert(printer('p2', { displayName: 'Another', properties: null, description: null, flavor: null }));
    expect(store.printers.byId('p1')).toEqual(p);
    expect(store.printers.byName('Printer p1')).toEqual(p);
    expect(store.printers.byName('none')).toBeNull();
    expect(store.printers.list().map((x) => x.id)).toEqual(['p2', 'p1']); // by display name
    expect(store.printers.byId('p2')).toMatchObject({ properties: null, description: null, flavor: null });

    const changed = { ...p, defaultPrinter: true, modifiedAt: '2026-03-01T00:00:00.000Z', properties: { a: [1] } };
    store.printers.update(changed);
    expect(store.printers.byId('p1')).toEqual(changed);
    expect(store.printers.delete('p1')).toBe(true);
    expect(store.printers.delete('p1')).toBe(false);
    expect(store.printers.byId('p1')).toBeNull();
  });

  it('executions: every field round-trips, including JSON parts and queueSeq', () => {
    const e = execution('e1', {
      status: 'Queued', queueSeq: 7, waitingFor: { type: 'callback', callbackId: 'cb', since: '2026-01-01T10:00:00.000Z' },
    });
    store.executions.insert(e);
    expect(store.executions.byId('e1')).toEqual(e);
    expect(store.executions.byId('nope')).toBeNull();
    expect(store.executions.count()).toBe(1);
  });

  it('executions: waitingOnCallback finds only a Waiting execution on that callback id', () => {
    const wait = { type: 'callback' as const, callbackId: 'cb-1', since: '2026-01-01T10:00:00.000Z' };
    store.executions.insert(execution('w1', { status: 'Waiting', waitingFor: wait }));
    store.executions.insert(execution('q1', { status: 'Queued', waitingFor: { ...wait, callbackId: 'cb-2' } }));
    expect(store.executions.waitingOnCallback('cb-1')?.id).toBe('w1');
    expect(store.executions.waitingOnCallback('cb-2')).toBeNull(); // not Waiting
    expect(store.executions.waitingOnCallback("' OR 1=1 --")).toBeNull();
  });

  it('executions: save() bumps version by one each time, returns it and sets it on the object', () => {
    const e = execution('e1');
    store.executions.insert(e);
    e.status = 'Running';
    e.cursor = { step: 4 };
    expect(store.executions.save(e)).toBe(1);
    expect(e.version).toBe(1);
    expect(store.executions.save(e)).toBe(2);
    const loaded = store.executions.byId('e1');
    expect(loaded).toEqual(e);
    expect(loaded?.version).toBe(2);
  });

  it('executions: progressById gives exactly what byId gives for the poll (status, owner, version, progress)', () => {
    const e = execution('e1');
    store.executions.insert(e);
    e.status = 'UserInput';
    e.progress = { percentage: 40, message: 'Waiting for input: approver', status: 'UserInput', form: [{ key: 'approver', title: 'Approver', type: 'string', required: true }] };
    store.executions.save(e);
    const full = store.executions.byId('e1')!;
    expect(store.executions.progressById('e1')).toEqual({
      id: full.id, status: full.status, createdBy: full.createdBy, version: full.version, progress: full.progress,
    });
    expect(store.executions.progressById('nope')).toBeNull();
  });

  it('executions: save() of a stale copy still moves the version forward', () => {
    store.executions.insert(execution('e1'));
    const a = store.executions.byId('e1')!;
    const b = store.executions.byId('e1')!;
    expect(store.executions.save(a)).toBe(1);
    expect(store.executions.save(b)).toBe(2); // not 1 again: long-polls would miss this change
  });

  it('executions: save() of an execution that was never inserted throws', () => {
    expect(() => store.executions.save(execution('ghost'))).toThrow(/not found/);
  });

  it('executions: listLive returns live statuses oldest first, listQueued orders by queueSeq', () => {
    const statuses: ExecutionStatus[] = ['Success', 'Running', 'Queued', 'Waiting', 'UserInput', 'Queued', 'Error'];
    statuses.forEach((status, i) => store.executions.insert(execution(`e${i}`, {
      status, createdAt: `2026-01-01T10:00:0${i}.000Z`, queueSeq: status === 'Queued' ? 10 - i : null,
    })));
    expect(store.executions.listLive().map((e) => e.id)).toEqual(['e1', 'e2', 'e3', 'e4', 'e5']);
    expect(store.executions.listQueued().map((e) => e.id)).toEqual(['e5', 'e2']); // seq 5 before seq 8
  });

  it('documents: metadata and binary content round-trip, listed by execution', () => {
    store.executions.insert(execution('e1'));
    store.executions.insert(execution('e2'));
    const content = Buffer.from([0x25, 0x50, 0x44, 0x46, 0x00, 0xff, 0x10]);
    const d1 = documentRecord('d1', 'e1', { size: content.length });
    const d2 = documentRecord('d2', 'e1', { createdAt: '2026-01-01T10:00:02.000Z', finished: false, expiration: '2026-02-01T00:00:00.000Z' });
    store.documents.insert(d1, content);
    store.documents.insert(d2, Buffer.alloc(0));
    store.documents.insert(documentRecord('d3', 'e2'), Buffer.from('x'));

    expect(store.documents.byId('d1')).toEqual(d1);
    expect(store.documents.content('d1')?.equals(content)).toBe(true);
    expect(store.documents.content('d2')?.length).toBe(0);
    expect(store.documents.content('nope')).toBeNull();
    expect(store.documents.byId('nope')).toBeNull();
    expect(store.documents.byExecution('e1')).toEqual([d1, d2]);
  });

  it('documents: one without an execution (CreateDocument) keeps its render source; listVisible by owner, newest first', () => {
    store.users.create(user('u1'));
    store.users.create(user('u2'));
    store.executions.insert(execution('e1'));
    store.documents.insert(documentRecord('d1', 'e1'), Buffer.from('x'));
    const source = { title: 'T', flowName: 'T', executionId: '-', createdAt: '2026-01-01T10:00:05.000Z', body: '', inputValues: [{ label: 'a', value: 'b' }] };
    const own = documentRecord('d2', null as unknown as string, { executionId: null, createdBy: 'u2', createdAt: '2026-01-01T10:00:05.000Z', source });
    store.documents.insert(own, Buffer.from('y'));
    expect(store.documents.byId('d2')).toEqual(own);
    expect(store.documents.listVisible('u2', 10).map((x) => x.doc.id)).toEqual(['d2']);
    expect(store.documents.listVisible('u1', 10)).toEqual([{ doc: store.documents.byId('d1'), flow: { id: 'flow-a', name: 'Invoice' } }]);
    expect(store.documents.listVisible(null, 10).map((x) => x.doc.id)).toEqual(['d2', 'd1']);
    expect(store.documents.listVisible(null, 1).map((x) => x.doc.id)).toEqual(['d2']);
  });

  it('documents: a document for an unknown execution is rejected by the foreign key', () => {
    expect(() => store.documents.insert(documentRecord('d1', 'ghost'), Buffer.from('x'))).toThrow(/FOREIGN KEY/);
  });

  it('processes: round-trip, save, and listRunning only lists Running ones', () => {
    const p = processRecord('p1');
    store.processes.insert(p);
    store.processes.insert(processRecord('p2', { userId: null, createdAt: '2026-01-01T00:00:01.000Z' }));
    expect(store.processes.byId('p1')).toEqual(p);
    expect(store.processes.byId('nope')).toBeNull();

    const done: ProcessRecord = {
      ...p, status: 'Success', finishedAt: '2026-01-01T00:01:00.000Z', httpStatus: 201,
      envelope: { result: { ok: true } }, recordsDone: 3, message: 'ok',
    };
    store.processes.save(done);
    expect(store.processes.byId('p1')).toEqual(done);
    expect(store.processes.listRunning().map((x) => x.id)).toEqual(['p2']);
    expect(() => store.processes.save(processRecord('ghost'))).toThrow(/not found/);
  });

  it('transaction: commits all writes together and rolls all back on an exception', () => {
    expect(store.transaction(() => { store.meta.set('a', '1'); store.meta.set('b', '2'); return 42; })).toBe(42);
    expect(() => store.transaction(() => { store.meta.set('c', '3'); throw new Error('boom'); })).toThrow('boom');
    expect([store.meta.get('a'), store.meta.get('b'), store.meta.get('c')]).toEqual(['1', '2', null]);
  });

  it('transaction: deferred foreign keys allow a document before its execution in one transaction', () => {
    store.transaction(() => {
      store.documents.insert(documentRecord('d1', 'e1'), Buffer.from('x'));
      store.executions.insert(execution('e1'));
    });
    expect(store.documents.byExecution('e1')).toHaveLength(1);
  });
});

describe('SqliteStore executions.query', () => {
  let store: Store;
  beforeEach(() => {
    store = openStore(':memory:');
    // e0..e5: alternating owners, two flows, distinct times and statuses.
    const rows: Array<[string, string, string, ExecutionStatus, string, string]> = [
      ['e0', 'u1', 'flow-a', 'Success', '2026-01-01T10:00:00.000Z', '2026-01-05T00:00:00.000Z'],
      ['e1', 'u2', 'flow-b', 'Error', '2026-01-02T10:00:00.000Z', '2026-01-04T00:00:00.000Z'],
      ['e2', 'u1', 'flow-b', 'Running', '2026-01-03T10:00:00.000Z', '2026-01-03T12:00:00.000Z'],
      ['e3', 'u2', 'flow-a', 'Success', '2026-01-04T10:00:00.000Z', '2026-01-06T00:00:00.000Z'],
      ['e4', 'u1', 'flow-a', 'Queued', '2026-01-05T10:00:00.000Z', '2026-01-05T10:00:00.000Z'],
      ['e5', 'u1', 'flow-a', 'Warning', '2026-01-05T11:00:00.000Z', '2026-01-07T00:00:00.000Z'],
    ];
    for (const [id, createdBy, flowId, status, createdAt, modifiedAt] of rows) {
      store.executions.insert(execution(id, {
        createdBy, flowId, flowName: flowId === 'flow-a' ? 'Invoice' : 'Order', status, createdAt, modifiedAt,
      }));
    }
  });
  afterEach(() => { store.close(); });

  it('pages through results with totals: page 1 of size 4 holds the last 2 of 6', () => {
    const page0 = store.executions.query(baseQuery({ size: 4 }));
    expect(ids(page0)).toEqual(['e0', 'e1', 'e2', 'e3']);
    expect(page0).toMatchObject({ number: 0, size: 4, totalElements: 6, totalPages: 2 });
    const page1 = store.executions.query(baseQuery({ size: 4, page: 1 }));
    expect(ids(page1)).toEqual(['e4', 'e5']);
    const beyond = store.executions.query(baseQuery({ size: 4, page: 5 }));
    expect(beyond).toMatchObject({ content: [], totalElements: 6, totalPages: 2 });
  });

  it('returns full records (JSON fields included) from query', () => {
    const page = store.executions.query(baseQuery({ size: 1 }));
    expect(page.content[0]).toEqual(store.executions.byId('e0'));
  });

  it('sorts by createdAt desc, by modifiedAt asc, and by status with id as tie-breaker', () => {
    expect(ids(store.executions.query(baseQuery({ sort: { field: 'createdAt', direction: 'desc' } }))))
      .toEqual(['e5', 'e4', 'e3', 'e2', 'e1', 'e0']);
    expect(ids(store.executions.query(baseQuery({ sort: { field: 'modifiedAt', direction: 'asc' } }))))
      .toEqual(['e2', 'e1', 'e0', 'e4', 'e3', 'e5']);
    // Error, Queued, Running, Success(e0, e3), Warning
    expect(ids(store.executions.query(baseQuery({ sort: { field: 'status', direction: 'asc' } }))))
      .toEqual(['e1', 'e4', 'e2', 'e0', 'e3', 'e5']);
  });

  it('only returns the owner\'s executions when ownerId is set, and filters by flowId', () => {
    expect(ids(store.executions.query(baseQuery({ ownerId: 'u2' })))).toEqual(['e1', 'e3']);
    expect(store.executions.query(baseQuery({ ownerId: 'u2' })).totalElements).toBe(2);
    expect(ids(store.executions.query(baseQuery({ ownerId: 'u1', flowId: 'flow-b' })))).toEqual(['e2']);
    expect(ids(store.executions.query(baseQuery({ ownerId: 'nobody' })))).toEqual([]);
  });

  it('filter: each operator selects the expected rows', () => {
    const run = (c: ReturnType<typeof cond>) => ids(store.executions.query(baseQuery({ filter: { type: 'and', nodes: [c] } })));
    expect(run(cond('status', 'in', 'Success', 'Error'))).toEqual(['e0', 'e1', 'e3']);
    expect(run(cond('createdAt', 'between', '2026-01-02T00:00:00.000Z', '2026-01-04T10:00:00.000Z'))).toEqual(['e1', 'e2', 'e3']);
    expect(run(cond('createdAt', 'notBetween', '2026-01-02T00:00:00.000Z', '2026-01-04T10:00:00.000Z'))).toEqual(['e0', 'e4', 'e5']);
    // like/notLike: "contains", case-insensitive, % and _ literal.
    expect(run(cond('status', 'like', 'ucc'))).toEqual(['e0', 'e3']);
    expect(run(cond('flow.displayName', 'like', 'ORD'))).toEqual(['e1', 'e2']);
    expect(run(cond('status', 'notLike', 'ucc'))).toEqual(['e1', 'e2', 'e4', 'e5']);
    expect(run(cond('status', 'like', '%'))).toEqual([]);
    expect(run(cond('id', 'isNotNull'))).toHaveLength(6);
    expect(run(cond('id', 'isNull'))).toEqual([]);
    expect(run(cond('createdBy', 'notIsBlank'))).toHaveLength(6);
    expect(run(cond('createdBy', 'isBlank'))).toEqual([]);
    expect(run(cond('mode', 'equalTo', 'interactive'))).toHaveLength(6);
    expect(run(cond('flowId', 'equalTo', 'flow-b'))).toEqual(['e1', 'e2']);
    expect(run(cond('flowId', 'notEqualTo', 'flow-b'))).toEqual(['e0', 'e3', 'e4', 'e5']);
    expect(run(cond('createdAt', 'lessThan', '2026-01-03T10:00:00.000Z'))).toEqual(['e0', 'e1']);
    expect(run(cond('createdAt', 'lessThanOrEqualTo', '2026-01-03T10:00:00.000Z'))).toEqual(['e0', 'e1', 'e2']);
    expect(run(cond('modifiedAt', 'greaterThan', '2026-01-05T10:00:00.000Z'))).toEqual(['e3', 'e5']);
    expect(run(cond('modifiedAt', 'greaterThanOrEqualTo', '2026-01-05T10:00:00.000Z'))).toEqual(['e3', 'e4', 'e5']);
    // A bare date compares lexicographically against ISO timestamps: everything on or after that day.
    expect(run(cond('createdAt', 'greaterThanOrEqualTo', '2026-01-05'))).toEqual(['e4', 'e5']);
  });

  it('filter: nested and/or groups combine as written', () => {
    // flow-a AND (status = Queued OR createdAt < 2026-01-02)  ->  e0, e4
    const filter: ConditionGroup = {
      type: 'and',
      nodes: [
        { id: 'n1', ...cond('flowId', 'equalTo', 'flow-a') },
        { id: 'n2', group: { type: 'or', nodes: [cond('status', 'equalTo', 'Queued'), cond('createdAt', 'lessThan', '2026-01-02')] } },
      ],
    };
    expect(ids(store.executions.query(baseQuery({ filter })))).toEqual(['e0', 'e4']);

    // (flow-b AND Error) OR (Warning) OR (and-group inside or-group inside and-group)
    const deeper: ConditionGroup = {
      type: 'or',
      nodes: [
        { group: { type: 'and', nodes: [cond('flowId', 'equalTo', 'flow-b'), cond('status', 'equalTo', 'Error')] } },
        cond('status', 'equalTo', 'Warning'),
        { group: { type: 'and', nodes: [{ group: { type: 'or', nodes: [cond('status', 'equalTo', 'Running')] } }] } },
      ],
    };
    expect(ids(store.executions.query(baseQuery({ filter: deeper })))).toEqual(['e1', 'e2', 'e5']);
  });

  it('filter: an empty nodes list matches everything, also when nested', () => {
    expect(store.executions.query(baseQuery({ filter: { type: 'and', nodes: [] } })).totalElements).toBe(6);
    expect(store.executions.query(baseQuery({ filter: { type: 'or', nodes: [] } })).totalElements).toBe(6);
    const nested: ConditionGroup = { type: 'and', nodes: [{ group: { type: 'or', nodes: [] } }, cond('status', 'equalTo', 'Error')] };
    expect(ids(store.executions.query(baseQuery({ filter: nested })))).toEqual(['e1']);
  });

  it('filter: combines with ownership (a filter never widens past the owner)', () => {
    const filter: ConditionGroup = { type: 'or', nodes: [cond('status', 'in', 'Success', 'Error')] };
    expect(ids(store.executions.query(baseQuery({ ownerId: 'u1', filter })))).toEqual(['e0']);
  });

  it('filter: SQL metacharacters in a value are treated as data, not SQL', () => {
    const evil = "' OR 1=1 --";
    // "'" sorts before every letter, so lessThan must match nothing if the value stays data.
    for (const operator of ['equalTo', 'in', 'lessThan']) {
      const page = store.executions.query(baseQuery({ ownerId: 'u2', filter: { type: 'and', nodes: [cond('status', operator, evil)] } }));
      expect(page.totalElements).toBe(0);
    }
    // Still only data when it is the owner id or flowId.
    expect(store.executions.query(baseQuery({ ownerId: evil })).totalElements).toBe(0);
    expect(store.executions.query(baseQuery({ flowId: evil })).totalElements).toBe(0);
    // And such a value can actually be matched exactly.
    store.executions.insert(execution('evil', { flowId: evil }));
    const match = store.executions.query(baseQuery({ filter: { type: 'and', nodes: [cond('flowId', 'equalTo', evil)] } }));
    expect(ids(match)).toEqual(['evil']);
    expect(store.executions.count()).toBe(7); // table intact
  });

  it('filter: unknown key, operator or group type throws StoreQueryError naming it', () => {
    const bad = (filter: unknown) => () => store.executions.query(baseQuery({ filter: filter as ConditionGroup }));
    expect(bad({ type: 'and', nodes: [{ condition: { key: 'flowName', operator: 'equalTo', values: ['x'] } }] }))
      .toThrow(new StoreQueryError('unknown filter key: flowName'));
    expect(bad({ type: 'and', nodes: [cond('status', 'notIn', 'x')] })).toThrow(StoreQueryError);
    expect(bad({ type: 'and', nodes: [cond('status', 'notIn', 'x')] })).toThrow(/notIn/);
    expect(bad({ type: 'xor', nodes: [] })).toThrow(/xor/);
    expect(bad({ type: 'and', nodes: [{}] })).toThrow(StoreQueryError);
    expect(bad({ type: 'and', nodes: [cond('status', 'equalTo', 'a', 'b')] })).toThrow(/equalTo takes 1 values, got 2/);
    expect(bad({ type: 'and', nodes: [{ condition: { key: 'constructor', operator: 'equalTo', values: ['x'] } }] }))
      .toThrow(/constructor/);
  });

  it('filter: excessive nesting is refused instead of reaching SQLite limits', () => {
    let g: ConditionGroup = { type: 'and', nodes: [cond('status', 'equalTo', 'Success')] };
    for (let i = 0; i < 40; i++) g = { type: 'or', nodes: [{ group: g }] };
    expect(() => store.executions.query(baseQuery({ filter: g }))).toThrow(/nested deeper/);
  });

  it('rejects an unknown sort field and invalid paging with StoreQueryError', () => {
    expect(() => store.executions.query(baseQuery({ sort: { field: 'nope' as 'status', direction: 'asc' } }))).toThrow(StoreQueryError);
    expect(() => store.executions.query(baseQuery({ size: 0 }))).toThrow(StoreQueryError);
    expect(() => store.executions.query(baseQuery({ page: -1 }))).toThrow(StoreQueryError);
  });

  it('statistics: counts total, per status, per UTC day, per flow and per user', () => {
    const stats = store.executions.statistics(null);
    expect(stats.total).toBe(6);
    expect(stats.perTime).toEqual([
      { label: '2026-01-01', perStatus: [{ status: 'Success', count: 1 }], totalCount: 1 },
      { label: '2026-01-02', perStatus: [{ status: 'Error', count: 1 }], totalCount: 1 },
      { label: '2026-01-03', perStatus: [{ status: 'Running', count: 1 }], totalCount: 1 },
      { label: '2026-01-04', perStatus: [{ status: 'Success', count: 1 }], totalCount: 1 },
      { label: '2026-01-05', perStatus: [{ status: 'Queued', count: 1 }, { status: 'Warning', count: 1 }], totalCount: 2 },
    ]);
    // Grouped by month, one period holds them all.
    expect(store.executions.statistics(null, undefined, 'month').perTime).toEqual([{
      label: '2026-01', totalCount: 6,
      perStatus: [{ status: 'Error', count: 1 }, { status: 'Queued', count: 1 }, { status: 'Running', count: 1 }, { status: 'Success', count: 2 }, { status: 'Warning', count: 1 }],
    }]);
    expect(stats.perObject).toEqual([
      { flowId: 'flow-a', flowName: 'Invoice', count: 4 }, { flowId: 'flow-b', flowName: 'Order', count: 2 },
    ]);
    expect(stats.perUser).toEqual([{ userId: 'u1', count: 4 }, { userId: 'u2', count: 2 }]);
  });

  it('statistics: respects ownership and the filter', () => {
    const stats = store.executions.statistics('u1', { type: 'and', nodes: [cond('flowId', 'equalTo', 'flow-a')] });
    expect(stats.total).toBe(3);
    expect(stats.perTime.flatMap((t) => t.perStatus.map((p) => p.status)).sort()).toEqual(['Queued', 'Success', 'Warning']);
    expect(stats.perObject).toEqual([{ flowId: 'flow-a', flowName: 'Invoice', count: 3 }]);
    expect(stats.perUser).toEqual([{ userId: 'u1', count: 3 }]);
    const none = store.executions.statistics('nobody');
    expect(none).toEqual({ total: 0, perTime: [], perObject: [], perUser: [] });
  });

  it('statistics: perObject reports the flow name of the newest execution', () => {
    store.executions.insert(execution('e6', { flowId: 'flow-b', flowName: 'Order v2', createdAt: '2026-02-01T00:00:00.000Z' }));
    const stats = store.executions.statistics(null);
    expect(stats.perObject.find((o) => o.flowId === 'flow-b')).toEqual({ flowId: 'flow-b', flowName: 'Order v2', count: 3 });
  });
});

describe('SqliteStore actionflowLogs.query', () => {
  let store: Store;
  beforeEach(() => {
    store = openStore(':memory:');
    store.actionflowLogs.insert(logEntry('l1', { at: '2026-01-01T00:00:01.000Z' }));
    store.actionflowLogs.insert(logEntry('l2', { at: '2026-01-01T00:00:02.000Z', kind: 'response', content: 'text' }));
    store.actionflowLogs.insert(logEntry('l3', { at: '2026-01-01T00:00:03.000Z', processId: 'p2', actionflow: 'other' }));
    store.actionflowLogs.insert(logEntry('l4', { at: '2026-01-01T00:00:04.000Z', processId: 'p3', application: 'app2', content: null }));
  });
  afterEach(() => { store.close(); });

  it('lists newest first with paging totals and round-trips JSON content', () => {
    const page = store.actionflowLogs.query({ page: 0, size: 3 });
    expect(ids(page)).toEqual(['l4', 'l3', 'l2']);
    expect(page).toMatchObject({ number: 0, size: 3, totalElements: 4, totalPages: 2 });
    expect(ids(store.actionflowLogs.query({ page: 1, size: 3 }))).toEqual(['l1']);
    expect(page.content[2]).toEqual(logEntry('l2', { at: '2026-01-01T00:00:02.000Z', kind: 'response', content: 'text' }));
    expect(page.content[0].content).toBeNull();
  });

  it('filters by application, actionflow and processId, alone and combined', () => {
    expect(ids(store.actionflowLogs.query({ application: 'app', page: 0, size: 10 }))).toEqual(['l3', 'l2', 'l1']);
    expect(ids(store.actionflowLogs.query({ actionflow: 'other', page: 0, size: 10 }))).toEqual(['l3']);
    expect(ids(store.actionflowLogs.query({ processId: 'p1', page: 0, size: 10 }))).toEqual(['l2', 'l1']);
    expect(ids(store.actionflowLogs.query({ application: 'app', actionflow: 'af', processId: 'p1', page: 0, size: 10 })))
      .toEqual(['l2', 'l1']);
    expect(store.actionflowLogs.query({ application: "' OR 1=1 --", page: 0, size: 10 }).totalElements).toBe(0);
  });

  it('entries with the same timestamp come back newest-inserted first', () => {
    store.actionflowLogs.insert(logEntry('a-req', { at: '2026-01-02T00:00:00.000Z', processId: 'p9' }));
    store.actionflowLogs.insert(logEntry('0-res', { at: '2026-01-02T00:00:00.000Z', processId: 'p9', kind: 'response' }));
    expect(ids(store.actionflowLogs.query({ processId: 'p9', page: 0, size: 10 }))).toEqual(['0-res', 'a-req']);
  });
});
