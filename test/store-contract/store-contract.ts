/**
 * What ANY store backend must guarantee, stated once and run against each backend: a backend's
 * test file calls `describeStoreContract` with a way to open a store on a named, empty database
 * (opening the same name twice gives two instances on one database) and to drop it afterwards.
 * See sqlite.test.ts; a PostgreSQL backend adds one file like it.
 *
 * It states: insert/get round trips for every collection; version bumps and optimistic saves;
 * ordering (queue order, newest-first lists); filters (the 17 operators, nested groups), paging
 * and sorting; transactions (commit, rollback on throw, nesting, isolation: a concurrent caller
 * waits or sees before or after, never half); change notification and credential invalidation,
 * also across two instances on the same database; health.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreQueryError } from '../../src/store/query-rules.js';
import type {
  UserQuery,
  ConditionGroup, ExecutionStatus, ProcessRecord, ResourceQuery, ResourceRecord, Store, StoreChange,
} from '../../src/store/types.js';
import { role, user, apiKey, printer, execution, documentRecord, processRecord, logEntry, baseQuery, ids, cond } from '../support/store-records.js';

/** Opens a store on the database `name` (created empty and migrated on first use). */
export type MakeStore = (name: string) => Promise<Store>;
/** Removes the database `name` (every store on it is closed by then). */
export type DropStore = (name: string) => Promise<void>;

// ---------------------------------------------------------------------------------------------

let counter = 0;

export function describeStoreContract(backendName: string, makeStore: MakeStore, dropStore: DropStore): void {
  /** A fresh database per test; `open()` gives further instances on it. Everything opened is closed and dropped after the test. */
  function useStore(): { store: Store; name: string; open(): Promise<Store> } {
    const opened: Store[] = [];
    const names: string[] = [];
    const ctx = {
      store: undefined as unknown as Store,
      name: '',
      open: async () => {
        const s = await makeStore(ctx.name);
        opened.push(s);
        return s;
      },
    };
    beforeEach(async () => {
      ctx.name = `contract_${process.pid}_${++counter}`;
      names.push(ctx.name);
      ctx.store = await ctx.open();
    });
    afterEach(async () => {
      for (const s of opened.splice(0)) await s.close();
      for (const n of names.splice(0)) await dropStore(n);
    });
    return ctx;
  }

describe(`store contract: ${backendName}`, () => {
  describe('records', () => {
    const fresh = useStore(); let store: Store;
    beforeEach(() => { store = fresh.store; });

    it('meta: round-trips values and overwrites an existing key', async () => {
      expect((await store.meta.get('missing'))).toBeNull();
      await store.meta.set('pepper', 'one');
      await store.meta.set('pepper', 'two');
      expect((await store.meta.get('pepper'))).toBe('two');
    });

    it('roles: round-trip, upsert replaces in place and list keeps insertion order', async () => {
      await store.users.upsertRole(role('administrator'));
      await store.users.upsertRole(role('user'));
      await store.users.upsertRole(role('administrator', { displayName: 'Admin', privileges: ['Run Actions'] }));
      const roles = (await store.users.listRoles());
      expect(roles.map((r) => r.id)).toEqual(['administrator', 'user']);
      expect(roles[0]).toEqual(role('administrator', { displayName: 'Admin', privileges: ['Run Actions'] }));
    });

    it('users: round-trip by id, user name and resolve; password, enabled and count update', async () => {
      const u = user('u1', { roleIds: ['administrator', 'api'], email: null });
      await store.users.create(u);
      await store.users.create(user('u2', { passwordHash: null, enabled: false }));
      expect((await store.users.byId('u1'))).toEqual(u);
      expect((await store.users.byUsername('name-u1'))).toEqual(u);
      expect((await store.users.resolve('u1'))).toEqual(u);
      expect((await store.users.resolve('name-u1'))).toEqual(u);
      expect((await store.users.resolve('nobody'))).toBeNull();
      expect((await store.users.byId('nobody'))).toBeNull();
      expect((await store.users.count())).toBe(2);
      expect((await store.users.list()).map((x) => x.id)).toEqual(['u1', 'u2']);

      await store.users.setPassword('u2', 'scrypt$new');
      await store.users.setEnabled('u2', true);
      expect((await store.users.byId('u2'))).toMatchObject({ passwordHash: 'scrypt$new', enabled: true });
      await expect(store.users.setEnabled('nobody', true)).rejects.toThrow(/not found/);

      await store.users.recordLogin('u1', '2026-03-01T00:00:00.000Z');
      await store.users.recordLogin('u1', '2026-03-02T00:00:00.000Z');
      expect((await store.users.byId('u1'))).toMatchObject({ loginCount: 2, lastLogin: '2026-03-02T00:00:00.000Z' });
      await expect(store.users.recordLogin('nobody', '2026-03-01T00:00:00.000Z')).rejects.toThrow(/not found/);
    });

    it('password resets: one pending per user, replaced by a newer one, spent once', async () => {
      await store.users.create(user('u1'));
      const r = { userId: 'u1', tokenHash: 'aa'.repeat(32), createdAt: '2026-01-01T00:00:00.000Z', expiresAt: '2026-01-01T01:00:00.000Z' };
      await store.passwordResets.put(r);
      await store.passwordResets.put({ ...r, tokenHash: 'bb'.repeat(32) });
      expect((await store.passwordResets.byUser('u1'))).toEqual({ ...r, tokenHash: 'bb'.repeat(32) });
      expect((await store.passwordResets.delete('u1'))).toBe(true);
      expect((await store.passwordResets.delete('u1'))).toBe(false);
      expect((await store.passwordResets.byUser('u1'))).toBeNull();
    });

    it('users: a duplicate user name is rejected', async () => {
      await store.users.create(user('u1'));
      await expect(store.users.create(user('u9', { username: 'name-u1' }))).rejects.toThrow();
    });

    it('users: update saves the editable fields and keeps createdAt and the login count; a taken user name or unknown user throws', async () => {
      await store.users.create(user('u1'));
      await store.users.create(user('u2'));
      await store.users.recordLogin('u1', '2026-03-01T00:00:00.000Z');
      const before = (await store.users.byId('u1'))!;
      const changed = {
        ...before, username: 'renamed', displayName: 'Renamed', email: 'r@example.invalid', enabled: false,
        roleIds: ['user'], passwordHash: 'scrypt$other', firstName: 'Re', lastName: 'Named', description: 'moved',
        modifiedAt: '2026-03-02T00:00:00.000Z', settings: { theme: 'dark' },
        createdAt: '1999-01-01T00:00:00.000Z', loginCount: 99, lastLogin: null,
      };
      await store.users.update(changed);
      expect((await store.users.byId('u1'))).toEqual({ ...changed, createdAt: before.createdAt, loginCount: 1, lastLogin: '2026-03-01T00:00:00.000Z' });
      expect((await store.users.byUsername('renamed'))?.id).toBe('u1');
      await expect(store.users.update({ ...changed, username: 'name-u2' })).rejects.toThrow();
      await expect(store.users.update({ ...changed, id: 'nobody', username: 'nobody' })).rejects.toThrow(/not found/);
    });

    it('users: query filters (like, equalTo, booleans, nested or), sorts with nulls last ascending and pages with the total', async () => {
      await store.users.create(user('u1', { username: 'alice', email: null, lastLogin: '2026-02-01T00:00:00.000Z' }));
      await store.users.create(user('u2', { username: 'bob', enabled: false }));
      await store.users.create(user('u3', { username: 'Carol', lastLogin: '2026-01-15T00:00:00.000Z' }));
      const q = (over: Partial<UserQuery>) => store.users.query({ sort: { field: 'userName', direction: 'asc' }, page: 0, size: 10, ...over });
      const names = async (over: Partial<UserQuery>) => (await q(over)).content.map((u) => u.username);
      // Binary order on both backends: upper case first.
      expect(await names({})).toEqual(['Carol', 'alice', 'bob']);
      expect(await names({ sort: { field: 'userName', direction: 'desc' } })).toEqual(['bob', 'alice', 'Carol']);
      expect(await names({ sort: { field: 'lastLogin', direction: 'asc' } })).toEqual(['Carol', 'alice', 'bob']);
      expect(await names({ filter: { type: 'and', nodes: [{ condition: { key: 'userName', operator: 'like', values: ['AR'] } }] } })).toEqual(['Carol']);
      expect(await names({ filter: { type: 'and', nodes: [{ condition: { key: 'active', operator: 'isFalse', values: [] } }] } })).toEqual(['bob']);
      expect(await names({ filter: { type: 'and', nodes: [{ condition: { key: 'emailAddress', operator: 'isBlank', values: [] } }] } })).toEqual(['alice']);
      expect(await names({ filter: { type: 'or', nodes: [
        { condition: { key: 'id', operator: 'equalTo', values: ['u2'] } },
        { group: { type: 'and', nodes: [{ condition: { key: 'active', operator: 'isTrue', values: [] } }, { condition: { key: 'userName', operator: 'like', values: ['ali'] } }] } },
      ] } })).toEqual(['alice', 'bob']);
      const page = await q({ page: 1, size: 2 });
      expect(page.content.map((u) => u.id)).toEqual(['u2']);
      expect(page).toMatchObject({ number: 1, size: 2, totalElements: 3, totalPages: 2 });
      expect((await q({ page: 5, size: 2 }))).toMatchObject({ content: [], totalElements: 3 });
      await expect(q({ sort: { field: 'passwordHash', direction: 'asc' } })).rejects.toThrow(/sort field/);
      await expect(q({ filter: { type: 'and', nodes: [{ condition: { key: 'passwordHash', operator: 'like', values: ['s'] } }] } })).rejects.toThrow(/filter key/);
    });

    it('users: delete removes the user with its API keys and pending reset, once', async () => {
      await store.users.create(user('u1'));
      await store.users.create(user('u2'));
      await store.apiKeys.create(apiKey('k1', 'u1'));
      await store.apiKeys.create(apiKey('k2', 'u2'));
      await store.passwordResets.put({ userId: 'u1', tokenHash: 'aa'.repeat(32), createdAt: '2026-01-01T00:00:00.000Z', expiresAt: '2026-01-01T01:00:00.000Z' });
      const version = store.credentialsVersion();
      expect((await store.users.delete('u1'))).toBe(true);
      expect(store.credentialsVersion()).not.toBe(version);
      expect((await store.users.byId('u1'))).toBeNull();
      expect((await store.apiKeys.byId('k1'))).toBeNull();
      expect((await store.passwordResets.byUser('u1'))).toBeNull();
      expect((await store.apiKeys.byId('k2'))?.userId).toBe('u2');
      expect((await store.users.delete('u1'))).toBe(false);
      expect((await store.users.list()).map((u) => u.id)).toEqual(['u2']);
    });

    it('api keys: round-trip, touch, revoke once, and revoked keys leave listActive', async () => {
      await store.users.create(user('u1'));
      await store.apiKeys.create(apiKey('k1', 'u1'));
      await store.apiKeys.create(apiKey('k2', 'u1', { createdAt: '2026-01-03T00:00:00.000Z' }));
      expect((await store.apiKeys.byId('k1'))).toEqual(apiKey('k1', 'u1'));
      expect((await store.apiKeys.byId('nope'))).toBeNull();

      await store.apiKeys.touch('k1', '2026-02-01T00:00:00.000Z');
      expect((await store.apiKeys.byId('k1'))?.lastUsedAt).toBe('2026-02-01T00:00:00.000Z');

      expect((await store.apiKeys.revoke('k1', '2026-02-02T00:00:00.000Z'))).toBe(true);
      expect((await store.apiKeys.revoke('k1', '2026-02-03T00:00:00.000Z'))).toBe(false); // already revoked
      expect((await store.apiKeys.revoke('nope', '2026-02-03T00:00:00.000Z'))).toBe(false);
      expect((await store.apiKeys.byId('k1'))?.revokedAt).toBe('2026-02-02T00:00:00.000Z'); // first revocation kept
      expect((await store.apiKeys.listActive('u1')).map((k) => k.id)).toEqual(['k2']);
    });

    it('api keys: foreign keys are enforced, so a key for an unknown user is rejected', async () => {
      await expect(store.apiKeys.create(apiKey('k1', 'ghost'))).rejects.toThrow();
    });

    it('printers: round-trip, byName, update, delete', async () => {
      const p = printer('p1');
      await store.printers.insert(p);
      await store.printers.insert(printer('p2', { displayName: 'Another', properties: null, description: null, flavor: null }));
      expect((await store.printers.byId('p1'))).toEqual(p);
      expect((await store.printers.byName('Printer p1'))).toEqual(p);
      expect((await store.printers.byName('none'))).toBeNull();
      expect((await store.printers.list()).map((x) => x.id)).toEqual(['p2', 'p1']); // by display name
      expect((await store.printers.byId('p2'))).toMatchObject({ properties: null, description: null, flavor: null });

      const changed = { ...p, defaultPrinter: true, modifiedAt: '2026-03-01T00:00:00.000Z', properties: { a: [1] } };
      await store.printers.update(changed);
      expect((await store.printers.byId('p1'))).toEqual(changed);
      expect((await store.printers.delete('p1'))).toBe(true);
      expect((await store.printers.delete('p1'))).toBe(false);
      expect((await store.printers.byId('p1'))).toBeNull();
    });

    it('executions: every field round-trips, including JSON parts and queueSeq', async () => {
      const e = execution('e1', {
        status: 'Queued', queueSeq: 7, waitingFor: { type: 'callback', callbackId: 'cb', since: '2026-01-01T10:00:00.000Z' },
      });
      await store.executions.insert(e);
      expect((await store.executions.byId('e1'))).toEqual(e);
      expect((await store.executions.byId('nope'))).toBeNull();
      expect((await store.executions.count())).toBe(1);
    });

    it('executions: waitingOnCallback finds only a Waiting execution on that callback id', async () => {
      const wait = { type: 'callback' as const, callbackId: 'cb-1', since: '2026-01-01T10:00:00.000Z' };
      await store.executions.insert(execution('w1', { status: 'Waiting', waitingFor: wait }));
      await store.executions.insert(execution('q1', { status: 'Queued', waitingFor: { ...wait, callbackId: 'cb-2' } }));
      expect((await store.executions.waitingOnCallback('cb-1'))?.id).toBe('w1');
      expect((await store.executions.waitingOnCallback('cb-2'))).toBeNull(); // not Waiting
      expect((await store.executions.waitingOnCallback("' OR 1=1 --"))).toBeNull();
    });

    it('executions: save() bumps version by one each time, returns it and sets it on the object', async () => {
      const e = execution('e1');
      await store.executions.insert(e);
      e.status = 'Running';
      e.cursor = { step: 4 };
      expect((await store.executions.save(e))).toBe(1);
      expect(e.version).toBe(1);
      expect((await store.executions.save(e))).toBe(2);
      const loaded = (await store.executions.byId('e1'));
      expect(loaded).toEqual(e);
      expect(loaded?.version).toBe(2);
    });

    it('executions: progressById gives exactly what byId gives for the poll (status, owner, version, progress)', async () => {
      const e = execution('e1');
      await store.executions.insert(e);
      e.status = 'UserInput';
      e.progress = { percentage: 40, message: 'Waiting for input: approver', status: 'UserInput', form: [{ key: 'approver', title: 'Approver', type: 'string', required: true }] };
      await store.executions.save(e);
      const full = (await store.executions.byId('e1'))!;
      expect((await store.executions.progressById('e1'))).toEqual({
        id: full.id, status: full.status, createdBy: full.createdBy, version: full.version, progress: full.progress,
      });
      expect((await store.executions.progressById('nope'))).toBeNull();
    });

    it('executions: save() of a stale copy still moves the version forward', async () => {
      await store.executions.insert(execution('e1'));
      const a = (await store.executions.byId('e1'))!;
      const b = (await store.executions.byId('e1'))!;
      expect((await store.executions.save(a))).toBe(1);
      expect((await store.executions.save(b))).toBe(2); // not 1 again: long-polls would miss this change
    });

    it('executions: save() of an execution that was never inserted throws', async () => {
      await expect(store.executions.save(execution('ghost'))).rejects.toThrow(/not found/);
    });

    it('executions: listLive returns live statuses oldest first, listQueued orders by queueSeq', async () => {
      const statuses: ExecutionStatus[] = ['Success', 'Running', 'Queued', 'Waiting', 'UserInput', 'Queued', 'Error'];
      for (const [i, status] of statuses.entries()) {
        await store.executions.insert(execution(`e${i}`, {
          status, createdAt: `2026-01-01T10:00:0${i}.000Z`, queueSeq: status === 'Queued' ? 10 - i : null,
        }));
      }
      expect((await store.executions.listLive()).map((e) => e.id)).toEqual(['e1', 'e2', 'e3', 'e4', 'e5']);
      expect((await store.executions.listQueued()).map((e) => e.id)).toEqual(['e5', 'e2']); // seq 5 before seq 8
    });

    it('documents: metadata and binary content round-trip, listed by execution', async () => {
      await store.executions.insert(execution('e1'));
      await store.executions.insert(execution('e2'));
      const content = Buffer.from([0x25, 0x50, 0x44, 0x46, 0x00, 0xff, 0x10]);
      const d1 = documentRecord('d1', 'e1', { size: content.length });
      const d2 = documentRecord('d2', 'e1', { createdAt: '2026-01-01T10:00:02.000Z', finished: false, expiration: '2026-02-01T00:00:00.000Z' });
      await store.documents.insert(d1, content);
      await store.documents.insert(d2, Buffer.alloc(0));
      await store.documents.insert(documentRecord('d3', 'e2'), Buffer.from('x'));

      expect((await store.documents.byId('d1'))).toEqual(d1);
      expect((await store.documents.content('d1'))?.equals(content)).toBe(true);
      expect((await store.documents.content('d2'))?.length).toBe(0);
      expect((await store.documents.content('nope'))).toBeNull();
      expect((await store.documents.byId('nope'))).toBeNull();
      expect((await store.documents.byExecution('e1'))).toEqual([d1, d2]);
    });

    it('documents: one without an execution (CreateDocument) keeps its render source; listVisible by owner, newest first', async () => {
      await store.users.create(user('u1'));
      await store.users.create(user('u2'));
      await store.executions.insert(execution('e1'));
      await store.documents.insert(documentRecord('d1', 'e1'), Buffer.from('x'));
      const source = { title: 'T', flowName: 'T', executionId: '-', createdAt: '2026-01-01T10:00:05.000Z', body: '', inputValues: [{ label: 'a', value: 'b' }] };
      const own = documentRecord('d2', null as unknown as string, { executionId: null, createdBy: 'u2', createdAt: '2026-01-01T10:00:05.000Z', source });
      await store.documents.insert(own, Buffer.from('y'));
      expect((await store.documents.byId('d2'))).toEqual(own);
      expect((await store.documents.listVisible('u2', 10)).map((x) => x.doc.id)).toEqual(['d2']);
      expect((await store.documents.listVisible('u1', 10))).toEqual([{ doc: (await store.documents.byId('d1')), flow: { id: 'flow-a', name: 'Invoice' } }]);
      expect((await store.documents.listVisible(null, 10)).map((x) => x.doc.id)).toEqual(['d2', 'd1']);
      expect((await store.documents.listVisible(null, 1)).map((x) => x.doc.id)).toEqual(['d2']);
    });

    it('documents: a document for an unknown execution is rejected by the foreign key', async () => {
      await expect(store.documents.insert(documentRecord('d1', 'ghost'), Buffer.from('x'))).rejects.toThrow();
    });

    it('processes: round-trip, save, and listRunning only lists Running ones', async () => {
      const p = processRecord('p1');
      await store.processes.insert(p);
      await store.processes.insert(processRecord('p2', { userId: null, createdAt: '2026-01-01T00:00:01.000Z' }));
      expect((await store.processes.byId('p1'))).toEqual(p);
      expect((await store.processes.byId('nope'))).toBeNull();

      const done: ProcessRecord = {
        ...p, status: 'Success', finishedAt: '2026-01-01T00:01:00.000Z', httpStatus: 201,
        envelope: { result: { ok: true } }, recordsDone: 3, message: 'ok',
      };
      await store.processes.save(done);
      expect((await store.processes.byId('p1'))).toEqual(done);
      expect((await store.processes.listRunning()).map((x) => x.id)).toEqual(['p2']);
      await expect(store.processes.save(processRecord('ghost'))).rejects.toThrow(/not found/);
    });

    it('transaction: a document may be inserted before its execution in one transaction (foreign keys checked at commit)', async () => {
      await store.transaction(async (tx) => {
        await tx.documents.insert(documentRecord('d1', 'e1'), Buffer.from('x'));
        await tx.executions.insert(execution('e1'));
      });
      expect((await store.documents.byExecution('e1'))).toHaveLength(1);
    });
  });

  describe('executions.query', () => {
    const fresh = useStore(); let store: Store;
    beforeEach(async () => {
      store = fresh.store;
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
        await store.executions.insert(execution(id, {
          createdBy, flowId, flowName: flowId === 'flow-a' ? 'Invoice' : 'Order', status, createdAt, modifiedAt,
        }));
      }
    });

    it('pages through results with totals: page 1 of size 4 holds the last 2 of 6', async () => {
      const page0 = (await store.executions.query(baseQuery({ size: 4 })));
      expect(ids(page0)).toEqual(['e0', 'e1', 'e2', 'e3']);
      expect(page0).toMatchObject({ number: 0, size: 4, totalElements: 6, totalPages: 2 });
      const page1 = (await store.executions.query(baseQuery({ size: 4, page: 1 })));
      expect(ids(page1)).toEqual(['e4', 'e5']);
      const beyond = (await store.executions.query(baseQuery({ size: 4, page: 5 })));
      expect(beyond).toMatchObject({ content: [], totalElements: 6, totalPages: 2 });
    });

    it('returns full records (JSON fields included) from query', async () => {
      const page = (await store.executions.query(baseQuery({ size: 1 })));
      expect(page.content[0]).toEqual((await store.executions.byId('e0')));
    });

    it('sorts by createdAt desc, by modifiedAt asc, and by status with id as tie-breaker', async () => {
      expect(ids((await store.executions.query(baseQuery({ sort: { field: 'createdAt', direction: 'desc' } })))))
        .toEqual(['e5', 'e4', 'e3', 'e2', 'e1', 'e0']);
      expect(ids((await store.executions.query(baseQuery({ sort: { field: 'modifiedAt', direction: 'asc' } })))))
        .toEqual(['e2', 'e1', 'e0', 'e4', 'e3', 'e5']);
      // Error, Queued, Running, Success(e0, e3), Warning
      expect(ids((await store.executions.query(baseQuery({ sort: { field: 'status', direction: 'asc' } })))))
        .toEqual(['e1', 'e4', 'e2', 'e0', 'e3', 'e5']);
    });

    it('only returns the owner\'s executions when ownerId is set, and filters by flowId', async () => {
      expect(ids((await store.executions.query(baseQuery({ ownerId: 'u2' }))))).toEqual(['e1', 'e3']);
      expect((await store.executions.query(baseQuery({ ownerId: 'u2' }))).totalElements).toBe(2);
      expect(ids((await store.executions.query(baseQuery({ ownerId: 'u1', flowId: 'flow-b' }))))).toEqual(['e2']);
      expect(ids((await store.executions.query(baseQuery({ ownerId: 'nobody' }))))).toEqual([]);
    });

    it('filter: each operator selects the expected rows', async () => {
      const run = async (c: ReturnType<typeof cond>) => ids((await store.executions.query(baseQuery({ filter: { type: 'and', nodes: [c] } }))));
      expect(await run(cond('status', 'in', 'Success', 'Error'))).toEqual(['e0', 'e1', 'e3']);
      expect(await run(cond('createdAt', 'between', '2026-01-02T00:00:00.000Z', '2026-01-04T10:00:00.000Z'))).toEqual(['e1', 'e2', 'e3']);
      expect(await run(cond('createdAt', 'notBetween', '2026-01-02T00:00:00.000Z', '2026-01-04T10:00:00.000Z'))).toEqual(['e0', 'e4', 'e5']);
      // like/notLike: "contains", case-insensitive, % and _ literal.
      expect(await run(cond('status', 'like', 'ucc'))).toEqual(['e0', 'e3']);
      expect(await run(cond('flow.displayName', 'like', 'ORD'))).toEqual(['e1', 'e2']);
      expect(await run(cond('status', 'notLike', 'ucc'))).toEqual(['e1', 'e2', 'e4', 'e5']);
      expect(await run(cond('status', 'like', '%'))).toEqual([]);
      expect(await run(cond('status', 'like', 'SUCCESS'))).toEqual(['e0', 'e3']); // the whole value, any case
      expect(await run(cond('status', 'like', 'nothing'))).toEqual([]);
      expect(await run(cond('id', 'isNotNull'))).toHaveLength(6);
      expect(await run(cond('id', 'isNull'))).toEqual([]);
      expect(await run(cond('createdBy', 'notIsBlank'))).toHaveLength(6);
      expect(await run(cond('createdBy', 'isBlank'))).toEqual([]);
      expect(await run(cond('mode', 'equalTo', 'interactive'))).toHaveLength(6);
      expect(await run(cond('flowId', 'equalTo', 'flow-b'))).toEqual(['e1', 'e2']);
      expect(await run(cond('flowId', 'notEqualTo', 'flow-b'))).toEqual(['e0', 'e3', 'e4', 'e5']);
      expect(await run(cond('createdAt', 'lessThan', '2026-01-03T10:00:00.000Z'))).toEqual(['e0', 'e1']);
      expect(await run(cond('createdAt', 'lessThanOrEqualTo', '2026-01-03T10:00:00.000Z'))).toEqual(['e0', 'e1', 'e2']);
      expect(await run(cond('modifiedAt', 'greaterThan', '2026-01-05T10:00:00.000Z'))).toEqual(['e3', 'e5']);
      expect(await run(cond('modifiedAt', 'greaterThanOrEqualTo', '2026-01-05T10:00:00.000Z'))).toEqual(['e3', 'e4', 'e5']);
      // A bare date compares lexicographically against ISO timestamps: everything on or after that day.
      expect(await run(cond('createdAt', 'greaterThanOrEqualTo', '2026-01-05'))).toEqual(['e4', 'e5']);
    });

    it('filter: nested and/or groups combine as written', async () => {
      // flow-a AND (status = Queued OR createdAt < 2026-01-02)  ->  e0, e4
      const filter: ConditionGroup = {
        type: 'and',
        nodes: [
          { id: 'n1', ...cond('flowId', 'equalTo', 'flow-a') },
          { id: 'n2', group: { type: 'or', nodes: [cond('status', 'equalTo', 'Queued'), cond('createdAt', 'lessThan', '2026-01-02')] } },
        ],
      };
      expect(ids((await store.executions.query(baseQuery({ filter }))))).toEqual(['e0', 'e4']);

      // (flow-b AND Error) OR (Warning) OR (and-group inside or-group inside and-group)
      const deeper: ConditionGroup = {
        type: 'or',
        nodes: [
          { group: { type: 'and', nodes: [cond('flowId', 'equalTo', 'flow-b'), cond('status', 'equalTo', 'Error')] } },
          cond('status', 'equalTo', 'Warning'),
          { group: { type: 'and', nodes: [{ group: { type: 'or', nodes: [cond('status', 'equalTo', 'Running')] } }] } },
        ],
      };
      expect(ids((await store.executions.query(baseQuery({ filter: deeper }))))).toEqual(['e1', 'e2', 'e5']);
    });

    it('filter: an empty nodes list matches everything, also when nested', async () => {
      expect((await store.executions.query(baseQuery({ filter: { type: 'and', nodes: [] } }))).totalElements).toBe(6);
      expect((await store.executions.query(baseQuery({ filter: { type: 'or', nodes: [] } }))).totalElements).toBe(6);
      const nested: ConditionGroup = { type: 'and', nodes: [{ group: { type: 'or', nodes: [] } }, cond('status', 'equalTo', 'Error')] };
      expect(ids((await store.executions.query(baseQuery({ filter: nested }))))).toEqual(['e1']);
    });

    it('filter: combines with ownership (a filter never widens past the owner)', async () => {
      const filter: ConditionGroup = { type: 'or', nodes: [cond('status', 'in', 'Success', 'Error')] };
      expect(ids((await store.executions.query(baseQuery({ ownerId: 'u1', filter }))))).toEqual(['e0']);
    });

    it('filter: SQL metacharacters in a value are treated as data, not SQL', async () => {
      const evil = "' OR 1=1 --";
      // "'" sorts before every letter, so lessThan must match nothing if the value stays data.
      for (const operator of ['equalTo', 'in', 'lessThan']) {
        const page = (await store.executions.query(baseQuery({ ownerId: 'u2', filter: { type: 'and', nodes: [cond('status', operator, evil)] } })));
        expect(page.totalElements).toBe(0);
      }
      // Still only data when it is the owner id or flowId.
      expect((await store.executions.query(baseQuery({ ownerId: evil }))).totalElements).toBe(0);
      expect((await store.executions.query(baseQuery({ flowId: evil }))).totalElements).toBe(0);
      // And such a value can actually be matched exactly.
      await store.executions.insert(execution('evil', { flowId: evil }));
      const match = (await store.executions.query(baseQuery({ filter: { type: 'and', nodes: [cond('flowId', 'equalTo', evil)] } })));
      expect(ids(match)).toEqual(['evil']);
      expect((await store.executions.count())).toBe(7); // table intact
    });

    it('filter: unknown key, operator or group type throws StoreQueryError naming it', async () => {
      const bad = (filter: unknown) => expect(store.executions.query(baseQuery({ filter: filter as ConditionGroup }))).rejects;
      await bad({ type: 'and', nodes: [{ condition: { key: 'flowName', operator: 'equalTo', values: ['x'] } }] })
        .toThrow(new StoreQueryError('unknown filter key: flowName'));
      await bad({ type: 'and', nodes: [cond('status', 'notIn', 'x')] }).toThrow(StoreQueryError);
      await bad({ type: 'and', nodes: [cond('status', 'notIn', 'x')] }).toThrow(/notIn/);
      await bad({ type: 'xor', nodes: [] }).toThrow(/xor/);
      await bad({ type: 'and', nodes: [{}] }).toThrow(StoreQueryError);
      await bad({ type: 'and', nodes: [cond('status', 'equalTo', 'a', 'b')] }).toThrow(/equalTo takes 1 values, got 2/);
      await bad({ type: 'and', nodes: [{ condition: { key: 'constructor', operator: 'equalTo', values: ['x'] } }] })
        .toThrow(/constructor/);
    });

    it('filter: excessive nesting is refused instead of reaching the database limits', async () => {
      let g: ConditionGroup = { type: 'and', nodes: [cond('status', 'equalTo', 'Success')] };
      for (let i = 0; i < 40; i++) g = { type: 'or', nodes: [{ group: g }] };
      await expect(store.executions.query(baseQuery({ filter: g }))).rejects.toThrow(/nested deeper/);
    });

    it('rejects an unknown sort field and invalid paging with StoreQueryError', async () => {
      await expect(store.executions.query(baseQuery({ sort: { field: 'nope' as 'status', direction: 'asc' } }))).rejects.toThrow(StoreQueryError);
      await expect(store.executions.query(baseQuery({ size: 0 }))).rejects.toThrow(StoreQueryError);
      await expect(store.executions.query(baseQuery({ page: -1 }))).rejects.toThrow(StoreQueryError);
    });

    it('statistics: counts total, per status, per UTC day, per flow and per user', async () => {
      const stats = (await store.executions.statistics(null));
      expect(stats.total).toBe(6);
      expect(stats.perTime).toEqual([
        { label: '2026-01-01', perStatus: [{ status: 'Success', count: 1 }], totalCount: 1 },
        { label: '2026-01-02', perStatus: [{ status: 'Error', count: 1 }], totalCount: 1 },
        { label: '2026-01-03', perStatus: [{ status: 'Running', count: 1 }], totalCount: 1 },
        { label: '2026-01-04', perStatus: [{ status: 'Success', count: 1 }], totalCount: 1 },
        { label: '2026-01-05', perStatus: [{ status: 'Queued', count: 1 }, { status: 'Warning', count: 1 }], totalCount: 2 },
      ]);
      // Grouped by month, one period holds them all.
      expect((await store.executions.statistics(null, undefined, 'month')).perTime).toEqual([{
        label: '2026-01', totalCount: 6,
        perStatus: [{ status: 'Error', count: 1 }, { status: 'Queued', count: 1 }, { status: 'Running', count: 1 }, { status: 'Success', count: 2 }, { status: 'Warning', count: 1 }],
      }]);
      expect(stats.perObject).toEqual([
        { flowId: 'flow-a', flowName: 'Invoice', count: 4 }, { flowId: 'flow-b', flowName: 'Order', count: 2 },
      ]);
      expect(stats.perUser).toEqual([{ userId: 'u1', count: 4 }, { userId: 'u2', count: 2 }]);
    });

    it('statistics: respects ownership and the filter', async () => {
      const stats = (await store.executions.statistics('u1', { type: 'and', nodes: [cond('flowId', 'equalTo', 'flow-a')] }));
      expect(stats.total).toBe(3);
      expect(stats.perTime.flatMap((t) => t.perStatus.map((p) => p.status)).sort()).toEqual(['Queued', 'Success', 'Warning']);
      expect(stats.perObject).toEqual([{ flowId: 'flow-a', flowName: 'Invoice', count: 3 }]);
      expect(stats.perUser).toEqual([{ userId: 'u1', count: 3 }]);
      const none = (await store.executions.statistics('nobody'));
      expect(none).toEqual({ total: 0, perTime: [], perObject: [], perUser: [] });
    });

    it('statistics: perObject reports the flow name of the newest execution', async () => {
      await store.executions.insert(execution('e6', { flowId: 'flow-b', flowName: 'Order v2', createdAt: '2026-02-01T00:00:00.000Z' }));
      const stats = (await store.executions.statistics(null));
      expect(stats.perObject.find((o) => o.flowId === 'flow-b')).toEqual({ flowId: 'flow-b', flowName: 'Order v2', count: 3 });
    });
  });

  describe('actionflowLogs.query', () => {
    const fresh = useStore(); let store: Store;
    beforeEach(async () => {
      store = fresh.store;
      await store.actionflowLogs.insert(logEntry('l1', { at: '2026-01-01T00:00:01.000Z' }));
      await store.actionflowLogs.insert(logEntry('l2', { at: '2026-01-01T00:00:02.000Z', kind: 'response', content: 'text' }));
      await store.actionflowLogs.insert(logEntry('l3', { at: '2026-01-01T00:00:03.000Z', processId: 'p2', actionflow: 'other' }));
      await store.actionflowLogs.insert(logEntry('l4', { at: '2026-01-01T00:00:04.000Z', processId: 'p3', application: 'app2', content: null }));
    });

    it('lists newest first with paging totals and round-trips JSON content', async () => {
      const page = (await store.actionflowLogs.query({ page: 0, size: 3 }));
      expect(ids(page)).toEqual(['l4', 'l3', 'l2']);
      expect(page).toMatchObject({ number: 0, size: 3, totalElements: 4, totalPages: 2 });
      expect(ids((await store.actionflowLogs.query({ page: 1, size: 3 })))).toEqual(['l1']);
      expect(page.content[2]).toEqual(logEntry('l2', { at: '2026-01-01T00:00:02.000Z', kind: 'response', content: 'text' }));
      expect(page.content[0].content).toBeNull();
    });

    it('filters by application, actionflow and processId, alone and combined', async () => {
      expect(ids((await store.actionflowLogs.query({ application: 'app', page: 0, size: 10 })))).toEqual(['l3', 'l2', 'l1']);
      expect(ids((await store.actionflowLogs.query({ actionflow: 'other', page: 0, size: 10 })))).toEqual(['l3']);
      expect(ids((await store.actionflowLogs.query({ processId: 'p1', page: 0, size: 10 })))).toEqual(['l2', 'l1']);
      expect(ids((await store.actionflowLogs.query({ application: 'app', actionflow: 'af', processId: 'p1', page: 0, size: 10 }))))
        .toEqual(['l2', 'l1']);
      expect((await store.actionflowLogs.query({ application: "' OR 1=1 --", page: 0, size: 10 })).totalElements).toBe(0);
    });

    it('entries with the same timestamp come back newest-inserted first', async () => {
      await store.actionflowLogs.insert(logEntry('a-req', { at: '2026-01-02T00:00:00.000Z', processId: 'p9' }));
      await store.actionflowLogs.insert(logEntry('0-res', { at: '2026-01-02T00:00:00.000Z', processId: 'p9', kind: 'response' }));
      expect(ids((await store.actionflowLogs.query({ processId: 'p9', page: 0, size: 10 })))).toEqual(['0-res', 'a-req']);
    });
  });


  describe('versions and the queue', () => {
    const fresh = useStore(); let store: Store;
    beforeEach(() => { store = fresh.store; });

    it('saveIf saves only over the version the caller read: a concurrent save makes it return null and change nothing', async () => {
      await store.executions.insert(execution('e1', { status: 'Running' }));
      const a = (await store.executions.byId('e1'))!;
      const b = (await store.executions.byId('e1'))!;
      a.progress = { ...a.progress, message: 'from a' };
      expect(await store.executions.saveIf(a, 0)).toBe(1);
      expect(a.version).toBe(1);
      b.progress = { ...b.progress, message: 'from b' };
      expect(await store.executions.saveIf(b, 0)).toBeNull(); // b read version 0, a saved meanwhile
      expect(b.version).toBe(0);
      expect((await store.executions.byId('e1'))?.progress.message).toBe('from a');
      expect(await store.executions.saveIf(execution('ghost'), 0)).toBeNull();
    });

    it('the queue: listQueued(limit) gives the first by queueSeq, maxQueueSeq the highest (0 when none), countByStatus counts', async () => {
      expect(await store.executions.maxQueueSeq()).toBe(0);
      for (const [i, seq] of [3, 1, 2].entries()) {
        await store.executions.insert(execution(`q${seq}`, { status: 'Queued', queueSeq: seq, createdAt: `2026-01-01T10:00:0${i}.000Z` }));
      }
      await store.executions.insert(execution('r1', { status: 'Running' }));
      expect((await store.executions.listQueued(2)).map((e) => e.id)).toEqual(['q1', 'q2']);
      expect(await store.executions.maxQueueSeq()).toBe(3);
      expect(await store.executions.countByStatus('Queued')).toBe(3);
      expect(await store.executions.countByStatus('Running')).toBe(1);
      expect(await store.executions.countByStatus('Error')).toBe(0);
    });

    it('processes: pruneAnonymous deletes finished runs without a user, with their logs, and nothing else', async () => {
      await store.processes.insert(processRecord('anon-old', { userId: null, status: 'Success', finishedAt: '2026-01-01T00:00:00.000Z' }));
      await store.processes.insert(processRecord('anon-new', { userId: null, status: 'Success', finishedAt: '2026-03-01T00:00:00.000Z' }));
      await store.processes.insert(processRecord('anon-running', { userId: null }));
      await store.processes.insert(processRecord('mine', { status: 'Success', finishedAt: '2026-01-01T00:00:00.000Z' }));
      await store.actionflowLogs.insert(logEntry('l1', { processId: 'anon-old' }));
      await store.actionflowLogs.insert(logEntry('l2', { processId: 'mine' }));
      expect(await store.processes.pruneAnonymous('2026-02-01T00:00:00.000Z')).toBe(1);
      expect(await store.processes.byId('anon-old')).toBeNull();
      expect((await store.actionflowLogs.query({ page: 0, size: 10 })).content.map((l) => l.id)).toEqual(['l2']);
      expect((await store.processes.listRunning()).map((p) => p.id)).toEqual(['anon-running']);
    });
  });

  describe('data objects, API flows, journal and overview', () => {
    const fresh = useStore(); let store: Store;
    beforeEach(() => { store = fresh.store; });

    const dataRecord = (id: string, over: Partial<import('../../src/store/types.js').DataRecord> = {}) => ({
      id, executionId: null, usage: 'userCreated' as const, displayName: `data ${id}`, description: null,
      createdAt: '2026-01-01T00:00:00.000Z', createdBy: 'u1', modifiedAt: '2026-01-01T00:00:00.000Z', modifiedBy: 'u1',
      expiration: null, contentType: 'application/xml', size: 3, ...over,
    });

    it('data: round-trip with content, inputOf, update, list newest first by owner, delete', async () => {
      await store.executions.insert(execution('e1'));
      const input = dataRecord('d1', { executionId: 'e1', usage: 'flowExecutionInput' });
      await store.data.insert(input, Buffer.from('<a>'));
      await store.data.insert(dataRecord('d2', { createdBy: 'u2', createdAt: '2026-01-02T00:00:00.000Z' }), Buffer.from('<b>'));
      expect(await store.data.byId('d1')).toEqual(input);
      expect((await store.data.content('d1'))?.toString()).toBe('<a>');
      expect(await store.data.content('nope')).toBeNull();
      expect(await store.data.inputOf('e1')).toEqual(input);
      expect(await store.data.inputOf('e2')).toBeNull();
      await store.data.update({ id: 'd1', displayName: 'renamed', description: 'x', expiration: null, modifiedAt: '2026-02-01T00:00:00.000Z', modifiedBy: 'u3' });
      expect(await store.data.byId('d1')).toMatchObject({ displayName: 'renamed', description: 'x', modifiedBy: 'u3', usage: 'flowExecutionInput' });
      await expect(store.data.update({ id: 'ghost', displayName: '', description: null, expiration: null, modifiedAt: '', modifiedBy: '' })).rejects.toThrow();
      expect((await store.data.list(null, 10)).map((d) => d.id)).toEqual(['d2', 'd1']);
      expect((await store.data.list('u1', 10)).map((d) => d.id)).toEqual(['d1']);
      expect(await store.data.delete('d1')).toBe(true);
      expect(await store.data.delete('d1')).toBe(false);
    });

    it('cleanup: data and documents of an execution deleted by usage, then the execution with what is left of it', async () => {
      const changes: unknown[] = [];
      const stop = store.onChange((c) => changes.push(c));
      await store.executions.insert(execution('e1'));
      await store.executions.insert(execution('e2'));
      await store.data.insert(dataRecord('in1', { executionId: 'e1', usage: 'flowExecutionInput' }), Buffer.from('<a>'));
      await store.data.insert(dataRecord('int1', { executionId: 'e1', usage: 'flowExecutionInternal' }), Buffer.from('<b>'));
      await store.data.insert(dataRecord('out1', { executionId: 'e1', usage: 'flowExecutionOutput' }), Buffer.from('<c>'));
      await store.data.insert(dataRecord('in2', { executionId: 'e2', usage: 'flowExecutionInput' }), Buffer.from('<d>'));
      await store.documents.insert(documentRecord('doc1', 'e1'), Buffer.from('pdf'));
      await store.documents.insert(documentRecord('doc2', 'e2'), Buffer.from('pdf'));

      expect(await store.data.deleteByExecution('e1', ['flowExecutionInput', 'flowExecutionInternal'])).toBe(2);
      expect(await store.data.byId('in1')).toBeNull();
      expect(await store.data.byId('out1')).not.toBeNull();
      expect(await store.data.byId('in2')).not.toBeNull(); // another execution's
      expect(await store.documents.deleteByExecution('e1')).toBe(1);
      expect(await store.documents.byId('doc1')).toBeNull();
      expect(await store.documents.byId('doc2')).not.toBeNull();

      expect(await store.executions.delete('e1')).toBe(true);
      expect(await store.executions.byId('e1')).toBeNull();
      expect(await store.executions.progressById('e1')).toBeNull();
      expect(await store.data.byId('out1')).toBeNull();
      expect(await store.executions.delete('e1')).toBe(false);
      expect(await store.executions.count()).toBe(1);
      await store.transaction(async (tx) => { expect(await tx.executions.delete('e2')).toBe(true); });
      expect(await store.documents.byId('doc2')).toBeNull();
      expect(await store.data.byId('in2')).toBeNull();
      await new Promise((r) => setTimeout(r, 0));
      expect(changes).toContainEqual(expect.objectContaining({ kind: 'execution', id: 'e1' }));
      stop();
    });

    it('API flows: round-trip, list oldest first, update, delete', async () => {
      const f = { id: 'f1', flow: { displayName: 'One', steps: [{ a: 1 }] }, createdAt: '2026-01-02T00:00:00.000Z', createdBy: 'u1', modifiedAt: '2026-01-02T00:00:00.000Z', modifiedBy: 'u1' };
      await store.apiFlows.insert(f);
      await store.apiFlows.insert({ ...f, id: 'f0', createdAt: '2026-01-01T00:00:00.000Z' });
      expect(await store.apiFlows.byId('f1')).toEqual(f);
      expect((await store.apiFlows.list()).map((x) => x.id)).toEqual(['f0', 'f1']);
      expect(await store.apiFlows.update({ ...f, flow: { displayName: 'Two' }, modifiedBy: 'u2' })).toBe(true);
      expect(await store.apiFlows.byId('f1')).toMatchObject({ flow: { displayName: 'Two' }, modifiedBy: 'u2', createdBy: 'u1' });
      expect(await store.apiFlows.update({ ...f, id: 'ghost' })).toBe(false);
      expect(await store.apiFlows.delete('f1')).toBe(true);
      expect(await store.apiFlows.byId('f1')).toBeNull();
    });

    const entry = (atMs: number, over: Partial<import('../../src/store/types.js').NewJournalEntry> = {}) => ({
      atMs, durationMs: 1.5, method: 'GET', path: '/api/v1/flows', query: { a: 'b' }, status: 200, operationId: 'GetFlows',
      apiKeyId: 'k1', user: 'admin', tokenSubject: null, executionId: null, requestHeaders: { accept: 'application/json' },
      responseHeaders: {}, requestBody: null, responseBody: { contentType: 'application/json', size: 2, truncated: false, text: '[]' }, ...over,
    });

    it('journal: entries newest first with filters (path templates too), count, latestId, trimming to maxEntries, clear', async () => {
      expect(await store.journal.latestId()).toBe(0);
      await store.journal.insertMany([entry(1000), entry(2000, { path: '/api/v1/flows/abc', status: 404 }), entry(3000, { method: 'POST' })], 10);
      const page = await store.journal.query({}, 0, 2);
      expect(page.content.map((e) => e.at)).toEqual([new Date(3000).toISOString(), new Date(2000).toISOString()]);
      expect(page).toMatchObject({ totalElements: 3, totalPages: 2 });
      expect(page.content[0]).toMatchObject({ method: 'POST', client: 'key:k1', query: { a: 'b' }, responseBody: { text: '[]' } });
      expect(await store.journal.count({ path: '/api/v1/flows/{flowId}' })).toBe(1);
      expect(await store.journal.count({ status: 404 })).toBe(1);
      expect(await store.journal.count({ sinceMs: 2000 })).toBe(2);
      const latest = await store.journal.latestId();
      await store.journal.insertMany([entry(4000), entry(5000)], 3);
      expect(await store.journal.latestId()).toBe(latest + 2);
      expect(await store.journal.count({})).toBe(3); // the oldest two trimmed
      await store.journal.clear();
      expect(await store.journal.count({})).toBe(0);
    });

    it('overview: processes newest first with the user name, executions changed since a time, latest changes', async () => {
      await store.users.create(user('u1'));
      await store.processes.insert(processRecord('p1'));
      await store.processes.insert(processRecord('p2', { createdAt: '2026-01-02T00:00:00.000Z', userId: null }));
      const page = await store.overview.processes(0, 10);
      expect(page.content.map((p) => [p.id, p.username])).toEqual([['p2', null], ['p1', 'name-u1']]);
      expect(await store.overview.processById('p1')).toMatchObject({ id: 'p1', username: 'name-u1' });
      expect(await store.overview.latestProcessChange()).toBe('2026-01-02T00:00:00.000Z');
      expect(await store.overview.latestExecutionChange()).toBe('');
      await store.executions.insert(execution('e1', { modifiedAt: '2026-01-01T10:00:00.000Z' }));
      await store.executions.insert(execution('e2', { modifiedAt: '2026-01-01T11:00:00.000Z' }));
      expect(await store.overview.latestExecutionChange()).toBe('2026-01-01T11:00:00.000Z');
      expect(await store.overview.executionsChangedSince('2026-01-01T10:30:00.000Z')).toEqual([{ id: 'e2', version: 0, modifiedAt: '2026-01-01T11:00:00.000Z' }]);
      expect((await store.overview.processesActiveSince('2026-01-02T00:00:00.000Z')).map((p) => p.id).sort()).toEqual(['p1', 'p2']); // both Running
    });
  });

  describe('transactions', () => {
    const fresh = useStore(); let store: Store;
    beforeEach(() => { store = fresh.store; });

    it('commits all writes together and returns the callback\'s value', async () => {
      expect(await store.transaction(async (tx) => {
        await tx.meta.set('a', '1');
        await tx.meta.set('b', '2');
        expect(await tx.meta.get('a')).toBe('1'); // its own writes are visible inside
        return 42;
      })).toBe(42);
      expect([await store.meta.get('a'), await store.meta.get('b')]).toEqual(['1', '2']);
    });

    it('rolls every write back when the callback throws, and the error propagates', async () => {
      await store.meta.set('kept', 'before');
      await expect(store.transaction(async (tx) => {
        await tx.meta.set('kept', 'changed');
        await tx.executions.insert(execution('e1'));
        throw new Error('boom');
      })).rejects.toThrow('boom');
      expect(await store.meta.get('kept')).toBe('before');
      expect(await store.executions.byId('e1')).toBeNull();
    });

    it('a nested transaction runs in the same one; when it throws, only its writes are undone', async () => {
      await store.transaction(async (tx) => {
        await tx.meta.set('outer', '1');
        await tx.transaction(async (inner) => { await inner.meta.set('nested', '1'); });
        await expect(tx.transaction(async (inner) => {
          await inner.meta.set('undone', '1');
          throw new Error('inner');
        })).rejects.toThrow('inner');
      });
      expect([await store.meta.get('outer'), await store.meta.get('nested'), await store.meta.get('undone')]).toEqual(['1', '1', null]);
    });

    it('a transaction view used after its transaction ended is refused', async () => {
      let kept: Parameters<Parameters<Store['transaction']>[0]>[0] | undefined;
      await store.transaction(async (tx) => { kept = tx; });
      await expect(kept!.meta.set('late', '1')).rejects.toThrow();
      expect(await store.meta.get('late')).toBeNull();
    });

    it('isolation: one call on the store while a transaction is open sees it before or after, never half', async () => {
      // One call reading both rows the transaction changes (two separate calls may straddle the
      // commit on a backend that serves the store beside an open transaction, as PostgreSQL does).
      await store.executions.insert(execution('iso-1', { status: 'Running' }));
      await store.executions.insert(execution('iso-2', { status: 'Running' }));
      let release!: () => void;
      const gate = new Promise<void>((r) => { release = r; });
      let inside!: () => void;
      const entered = new Promise<void>((r) => { inside = r; });
      const tx = store.transaction(async (t) => {
        for (const id of ['iso-1', 'iso-2']) {
          const e = (await t.executions.byId(id))!;
          await t.executions.save({ ...e, status: 'Success' });
          if (id === 'iso-1') { inside(); await gate; } // the transaction stays open across awaits, half done
        }
      });
      await entered;
      const read = store.executions.query(baseQuery());
      const write = store.meta.set('c', 'x');
      release();
      await tx;
      const statuses = (await read).content.map((e) => e.status);
      expect([['Running', 'Running'], ['Success', 'Success']]).toContainEqual(statuses);
      await write;
      expect(await store.meta.get('c')).toBe('x');
      expect((await store.executions.query(baseQuery())).content.map((e) => e.status)).toEqual(['Success', 'Success']);
    });

    it('isolation: read-modify-writes in concurrent transactions lose no update', async () => {
      await store.meta.set('n', '0');
      await Promise.all(Array.from({ length: 20 }, () => store.transaction(async (tx) => {
        const n = Number(await tx.meta.get('n'));
        await Promise.resolve(); // other callers get the event loop in between
        await tx.meta.set('n', String(n + 1));
      })));
      expect(await store.meta.get('n')).toBe('20');
    });

    it('isolation: another instance on the same database sees a transaction all or nothing', async () => {
      const other = await fresh.open();
      await store.meta.set('a', '0');
      await store.meta.set('b', '0');
      let release!: () => void;
      const gate = new Promise<void>((r) => { release = r; });
      let inside!: () => void;
      const entered = new Promise<void>((r) => { inside = r; });
      const tx = store.transaction(async (t) => {
        await t.meta.set('a', '1');
        inside();
        await gate;
        await t.meta.set('b', '1');
      });
      await entered;
      expect([await other.meta.get('a'), await other.meta.get('b')]).toEqual(['0', '0']);
      release();
      await tx;
      expect([await other.meta.get('a'), await other.meta.get('b')]).toEqual(['1', '1']);
    });
  });

  describe('change notification and credential invalidation', () => {
    const fresh = useStore(); let store: Store;
    beforeEach(() => { store = fresh.store; });

    const collect = (s: Store) => {
      const seen: StoreChange[] = [];
      const stop = s.onChange((c) => { seen.push(c); });
      return { seen, stop };
    };
    /** Waits for a notification another instance's commit causes (the backend's delay, not a speed claim). */
    const eventually = async (check: () => boolean | Promise<boolean>) => {
      for (let i = 0; i < 500 && !(await check()); i++) await new Promise((r) => setTimeout(r, 10));
      expect(await check()).toBe(true);
    };
    const settle = () => new Promise((r) => setTimeout(r, 0));

    it('an execution insert and save are reported after they are made, with the saved version', async () => {
      const { seen } = collect(store);
      const e = execution('e1', { status: 'Running' });
      await store.executions.insert(e);
      await store.executions.save(e);
      await settle();
      expect(seen.filter((c) => c.kind === 'execution')).toEqual([
        { kind: 'execution', id: 'e1', version: 0 }, { kind: 'execution', id: 'e1', version: 1 },
      ]);
    });

    it('inside a transaction: reported only after the commit; a rolled-back change is never reported', async () => {
      const { seen } = collect(store);
      await store.executions.insert(execution('e1'));
      await settle();
      seen.length = 0;
      await expect(store.transaction(async (tx) => {
        const e = (await tx.executions.byId('e1'))!;
        await tx.executions.save(e);
        throw new Error('undo');
      })).rejects.toThrow('undo');
      await settle();
      expect(seen.filter((c) => c.kind === 'execution')).toEqual([]);
      await store.transaction(async (tx) => {
        const e = (await tx.executions.byId('e1'))!;
        await tx.executions.save(e);
        await settle();
        expect(seen.filter((c) => c.kind === 'execution')).toEqual([]); // not yet committed
      });
      await settle();
      expect(seen.filter((c) => c.kind === 'execution').map((c) => c.kind === 'execution' && c.version)).toEqual([1]);
    });

    it('unsubscribing stops the reports; a throwing listener does not stop the others', async () => {
      const bad = store.onChange(() => { throw new Error('listener'); });
      const { seen, stop } = collect(store);
      await store.executions.insert(execution('e1'));
      await settle();
      expect(seen.length).toBeGreaterThan(0);
      stop();
      bad();
      seen.length = 0;
      await store.executions.insert(execution('e2'));
      await settle();
      expect(seen).toEqual([]);
    });

    it('an execution change committed by another instance is reported (exactly or as external)', async () => {
      const other = await fresh.open();
      const { seen } = collect(store);
      await other.executions.insert(execution('e1'));
      await eventually(() => seen.some((c) => (c.kind === 'execution' && c.id === 'e1') || c.kind === 'external'));
    });

    it('credential writes change credentialsVersion at once and are reported as credentials', async () => {
      const { seen } = collect(store);
      const v0 = store.credentialsVersion();
      await store.users.create(user('u1'));
      const v1 = store.credentialsVersion();
      expect(v1).not.toBe(v0);
      await store.apiKeys.create(apiKey('k1', 'u1'));
      const v2 = store.credentialsVersion();
      expect(v2).not.toBe(v1);
      await store.apiKeys.revoke('k1', '2026-02-01T00:00:00.000Z');
      expect(store.credentialsVersion()).not.toBe(v2);
      await settle();
      expect(seen.filter((c) => c.kind === 'credentials').length).toBeGreaterThanOrEqual(3);
      // An unrelated write leaves it alone: caches of verified credentials stay valid.
      const v3 = store.credentialsVersion();
      await store.executions.insert(execution('e1'));
      await settle();
      expect(store.credentialsVersion()).toBe(v3);
    });

    it('a key revoked through another instance changes credentialsVersion here and is reported (credentials or external)', async () => {
      await store.users.create(user('u1'));
      await store.apiKeys.create(apiKey('k1', 'u1'));
      const other = await fresh.open();
      const { seen } = collect(store);
      const before = store.credentialsVersion();
      expect(await other.apiKeys.revoke('k1', '2026-02-01T00:00:00.000Z')).toBe(true);
      await eventually(() => store.credentialsVersion() !== before);
      await eventually(() => seen.some((c) => c.kind === 'credentials' || c.kind === 'external'));
      expect((await store.apiKeys.byId('k1'))?.revokedAt).toBe('2026-02-01T00:00:00.000Z');
    });
  });

  describe('resources (the regular collections)', () => {
    const fresh = useStore(); let store: Store;
    beforeEach(() => { store = fresh.store; });

    const res = (type: string, id: string, body: Record<string, unknown>, over: Partial<ResourceRecord> = {}): ResourceRecord => ({
      type, id, body, createdAt: '2026-01-01T00:00:00.000Z', createdBy: 'u1', modifiedAt: '2026-01-01T00:00:00.000Z', modifiedBy: 'u1', ...over,
    });
    const props: ResourceQuery['properties'] = {
      id: { path: 'id', kind: 'text' }, displayName: { path: 'displayName', kind: 'text' }, createdAt: { path: 'createdAt', kind: 'date' },
      createdBy: { path: 'createdBy', kind: 'text' }, active: { path: 'active', kind: 'boolean' }, 'connectorType.id': { path: 'connectorType.id', kind: 'text' },
    };
    const q = (over: Partial<ResourceQuery> = {}): ResourceQuery => ({
      type: 'connector', properties: props, sort: { field: 'displayName', direction: 'asc' }, page: 0, size: 20, ...over,
    });
    const ids = async (over: Partial<ResourceQuery>) => (await store.resources.query(q(over))).content.map((r) => r.id);
    const cond = (key: string, operator: string, values?: string[]): ConditionGroup => ({ type: 'and', nodes: [{ condition: { key, operator, values } }] });

    async function seedConnectors() {
      await store.resources.insert(res('connector', 'c1', { displayName: 'Beta', active: true, connectorType: { id: 'rest' } }, { createdAt: '2026-01-03T00:00:00.000Z' }));
      await store.resources.insert(res('connector', 'c2', { displayName: 'alpha', active: false, connectorType: { id: 'soap' } }, { createdAt: '2026-01-01T00:00:00.000Z', createdBy: 'u2' }));
      await store.resources.insert(res('connector', 'c3', { displayName: 'Gamma 100%', connectorType: { id: 'rest' } }, { createdAt: '2026-01-02T00:00:00.000Z' }));
      await store.resources.insert(res('template', 'c1', { displayName: 'same id, other type' }));
    }

    it('round-trip by type and id, update replaces the body, a duplicate is refused, count per type', async () => {
      const r = res('asset', 'a1', { displayName: 'Logo', tags: ['x'], nested: { ok: true, n: 1.5 } });
      await store.resources.insert(r);
      expect(await store.resources.byId('asset', 'a1')).toEqual(r);
      expect(await store.resources.byId('template', 'a1')).toBeNull();
      await expect(store.resources.insert(r)).rejects.toThrow();
      const changed = { ...r, body: { displayName: 'Logo 2' }, modifiedAt: '2026-02-01T00:00:00.000Z', modifiedBy: 'u2' };
      expect(await store.resources.update(changed)).toBe(true);
      expect(await store.resources.byId('asset', 'a1')).toEqual(changed);
      expect(await store.resources.update({ ...changed, id: 'ghost' })).toBe(false);
      expect(await store.resources.count('asset')).toBe(1);
      expect(await store.resources.count('template')).toBe(0);
    });

    it('query: sorts by a body field (code point order, nulls last ascending) or a column, then id, and pages with totals', async () => {
      await seedConnectors();
      expect(await ids({})).toEqual(['c1', 'c3', 'c2']); // 'B' < 'G' < 'a'
      expect(await ids({ sort: { field: 'displayName', direction: 'desc' } })).toEqual(['c2', 'c3', 'c1']);
      expect(await ids({ sort: { field: 'createdAt', direction: 'asc' } })).toEqual(['c2', 'c3', 'c1']);
      expect(await ids({ sort: { field: 'active', direction: 'asc' } })).toEqual(['c2', 'c1', 'c3']);
      const page = await store.resources.query(q({ page: 1, size: 2 }));
      expect(page).toMatchObject({ number: 1, size: 2, totalElements: 3, totalPages: 2 });
      expect(page.content.map((r) => r.id)).toEqual(['c2']);
      // A page past the end: no objects, the total still counted (and a filtered one: its own total).
      expect(await store.resources.query(q({ page: 5, size: 2 }))).toMatchObject({ content: [], totalElements: 3, totalPages: 2 });
      expect(await store.resources.query(q({ page: 3, size: 1, filter: cond('displayName', 'like', ['0%']) }))).toMatchObject({ content: [], totalElements: 1 });
      expect((await store.resources.query(q({ page: 0, size: 1, filter: cond('displayName', 'like', ['A']) }))).totalElements).toBe(3);
    });

    it('query: the operators on body fields, booleans and columns, nested groups; values are data, not SQL', async () => {
      await seedConnectors();
      expect(await ids({ filter: cond('displayName', 'like', ['A']) })).toEqual(['c1', 'c3', 'c2']);
      expect(await ids({ filter: cond('displayName', 'like', ['0%']) })).toEqual(['c3']);
      expect(await ids({ filter: cond('displayName', 'notLike', ['a']) })).toEqual([]);
      expect(await ids({ filter: cond('connectorType.id', 'equalTo', ['rest']) })).toEqual(['c1', 'c3']);
      expect(await ids({ filter: cond('connectorType.id', 'in', ['soap', 'x']) })).toEqual(['c2']);
      expect(await ids({ filter: cond('active', 'isTrue') })).toEqual(['c1']);
      expect(await ids({ filter: cond('active', 'isFalse') })).toEqual(['c2']);
      expect(await ids({ filter: cond('active', 'isNull') })).toEqual(['c3']);
      expect(await ids({ filter: cond('active', 'equalTo', ['true']) })).toEqual(['c1']);
      expect(await ids({ filter: cond('createdAt', 'between', ['2026-01-01T12:00:00.000Z', '2026-01-03T00:00:00.000Z']) })).toEqual(['c1', 'c3']);
      expect(await ids({ filter: cond('createdBy', 'notEqualTo', ['u1']) })).toEqual(['c2']);
      expect(await ids({ filter: cond('displayName', "equalTo", ["x' OR 1=1 --"]) })).toEqual([]);
      const nested: ConditionGroup = { type: 'or', nodes: [
        { condition: { key: 'active', operator: 'isTrue' } },
        { group: { type: 'and', nodes: [{ condition: { key: 'connectorType.id', operator: 'equalTo', values: ['rest'] } }, { condition: { key: 'active', operator: 'isNull' } }] } },
      ] };
      expect(await ids({ filter: nested })).toEqual(['c1', 'c3']);
    });

    it('query: an unknown filter key or sort field, a path that is not identifiers, or bad paging is a StoreQueryError', async () => {
      await expect(store.resources.query(q({ filter: cond('nope', 'equalTo', ['x']) }))).rejects.toBeInstanceOf(StoreQueryError);
      await expect(store.resources.query(q({ sort: { field: 'nope', direction: 'asc' } }))).rejects.toBeInstanceOf(StoreQueryError);
      await expect(store.resources.query(q({ properties: { bad: { path: "a') --", kind: 'text' } }, sort: { field: 'bad', direction: 'asc' } }))).rejects.toBeInstanceOf(StoreQueryError);
      await expect(store.resources.query(q({ page: -1 }))).rejects.toBeInstanceOf(StoreQueryError);
    });

    it('references: replaced per object, read both ways; deleting an object removes its outbound references and contents', async () => {
      await store.resources.insert(res('template', 't1', { displayName: 'T' }));
      await store.resources.setReferences('template', 't1', [
        { field: '/datasets/0/id', toType: 'dataset', toId: 'd1' }, { field: '/tagGroups/0/group/id', toType: 'tagGroup', toId: 'g1' },
      ]);
      await store.resources.setReferences('flow', 'f1', [{ field: '/primaryTemplate/id', toType: 'template', toId: 't1' }]);
      expect((await store.resources.referencesFrom('template', 't1')).map((r) => r.toId)).toEqual(['d1', 'g1']);
      expect(await store.resources.referencesTo('dataset', 'd1')).toEqual([{ fromType: 'template', fromId: 't1', field: '/datasets/0/id', toType: 'dataset', toId: 'd1' }]);
      await store.resources.setReferences('template', 't1', [{ field: '/datasets/0/id', toType: 'dataset', toId: 'd2' }]);
      expect(await store.resources.referencesTo('dataset', 'd1')).toEqual([]);
      expect((await store.resources.referencesTo('dataset', 'd2')).map((r) => r.fromId)).toEqual(['t1']);
      await store.resources.putContent({ type: 'template', id: 't1', slot: 'en', description: null, contentType: 'application/pdf', createdAt: '2026-01-01T00:00:00.000Z', createdBy: 'u1' }, Buffer.from([1]));
      expect(await store.resources.delete('template', 't1')).toBe(true);
      expect(await store.resources.delete('template', 't1')).toBe(false);
      expect(await store.resources.referencesFrom('template', 't1')).toEqual([]);
      expect(await store.resources.contentSlots('template', 't1')).toEqual([]);
      // Who used it keeps its reference until the caller removes it (deleteInbound is the engine's).
      expect((await store.resources.referencesTo('template', 't1')).map((r) => r.fromId)).toEqual(['f1']);
    });

    it('contents: each put is a new revision per slot, bytes round-trip exactly, history newest first, a slot deletes alone', async () => {
      const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
      const base = { type: 'template', id: 't1', contentType: 'application/octet-stream', createdAt: '2026-01-01T00:00:00.000Z', createdBy: 'u1' };
      const r1 = await store.resources.putContent({ ...base, slot: 'en', description: 'first' }, bytes);
      const r2 = await store.resources.putContent({ ...base, slot: 'en', description: null }, Buffer.from('second'));
      await store.resources.putContent({ ...base, slot: 'de', description: null }, Buffer.alloc(0));
      expect(r1).toMatchObject({ revision: 1, size: 256, slot: 'en', description: 'first' });
      expect(r2).toMatchObject({ revision: 2, size: 6 });
      expect((await store.resources.content('template', 't1', 'en'))?.content.toString()).toBe('second');
      expect(Buffer.compare((await store.resources.content('template', 't1', 'en', 1))!.content, bytes)).toBe(0);
      expect((await store.resources.content('template', 't1', 'de'))?.content.length).toBe(0);
      expect(await store.resources.content('template', 't1', 'en', 9)).toBeNull();
      expect(await store.resources.content('template', 't1', 'fr')).toBeNull();
      expect((await store.resources.contentHistory('template', 't1', 'en')).map((c) => [c.revision, c.description])).toEqual([[2, null], [1, 'first']]);
      expect(await store.resources.contentSlots('template', 't1')).toEqual(['de', 'en']);
      expect(await store.resources.deleteContent('template', 't1', 'en')).toBe(2);
      expect(await store.resources.contentSlots('template', 't1')).toEqual(['de']);
    });

    it('a transaction that throws takes its resource writes back', async () => {
      await expect(store.transaction(async (tx) => {
        await tx.resources.insert(res('asset', 'a1', { displayName: 'x' }));
        await tx.resources.setReferences('asset', 'a1', [{ field: '/x', toType: 'template', toId: 't' }]);
        throw new Error('undo');
      })).rejects.toThrow('undo');
      expect(await store.resources.byId('asset', 'a1')).toBeNull();
      expect(await store.resources.referencesTo('template', 't')).toEqual([]);
    });
  });

  describe('health', () => {
    const fresh = useStore();

    it('a fresh store is healthy, and probing it (the write lock, taken and let go) keeps it so', async () => {
      expect(fresh.store.health.state()).toMatchObject({ ok: true, problem: null, lost: false });
      expect(await fresh.store.probeWritable()).toMatchObject({ ok: true, lost: false });
      await fresh.store.meta.set('still', 'writable');
      expect(await fresh.store.meta.get('still')).toBe('writable');
    });

    it('close waits for an open transaction, which commits', async () => {
      const other = await fresh.open();
      let release!: () => void;
      const gate = new Promise<void>((r) => { release = r; });
      let inside!: () => void;
      const entered = new Promise<void>((r) => { inside = r; });
      const tx = other.transaction(async (t) => { inside(); await gate; await t.meta.set('late', 'committed'); });
      await entered;
      const closing = other.close();
      release();
      await tx;
      await closing;
      expect(await fresh.store.meta.get('late')).toBe('committed');
    });
  });

});
}
