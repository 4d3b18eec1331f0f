/**
 * GetExternalUsers and SyncExternalUsers over HTTP: the built-in sandbox directory, and a directory
 * file edited between syncs as a provider's administrator would: users are created, updated,
 * disabled (an inactive entry, an entry removed), the counts are what changed, a second sync of
 * the same directory changes nothing; a broken directory file is a 503 naming the entry.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, type TestServer } from '../support/server.js';
import { expectProblem, json } from './helpers.js';

type Obj = Record<string, any>;
const admin = (s: TestServer, p: string, method = 'GET') => s.call(p, { key: s.adminKey, method });

describe('the built-in sandbox directory', () => {
  let s: TestServer;
  beforeAll(async () => { s = await startServer(); });
  afterAll(() => s?.close());

  it('lists its users as external Users, paged, sorted and filtered; sync creates the active ones, once', async () => {
    const all = await json<Obj[]>(await admin(s, '/api/v1/users/external'));
    expect(all.map((u) => `${u.userName} ${u.active}`)).toEqual(['ext.alice true', 'ext.bob true', 'ext.carol true', 'ext.dave false']);
    expect(all[0]).toEqual({
      userName: 'ext.alice', displayName: 'Alice Jansen', firstName: 'Alice', lastName: 'Jansen', description: 'Sales, Amsterdam',
      emailAddress: 'alice.jansen@directory.example', active: true, identity: { type: 'external', external: { externalId: 'ext.alice' } },
    });
    expect((await json<Obj[]>(await admin(s, '/api/v1/users/external?filter=active:false'))).map((u) => u.userName)).toEqual(['ext.dave']);
    expect((await json<Obj[]>(await admin(s, '/api/v1/users/external?sort=lastName,desc&size=2'))).map((u) => u.lastName)).toEqual(['Smith', 'Peeters']);
    await expectProblem(await admin(s, '/api/v1/users/external?sort=password,asc'), 400, { field: { in: 'query', pointer: '/sort' } });

    expect(await json<Obj>(await admin(s, '/api/v1/users/external', 'POST'))).toEqual({ addCount: 3, updateCount: 0, deactivatedCount: 0 });
    const alice = await json<Obj>(await admin(s, '/api/v1/users/ext.alice'));
    expect(alice).toMatchObject({ userName: 'ext.alice', firstName: 'Alice', emailAddress: 'alice.jansen@directory.example', active: true, roles: [{ id: 'user' }] });
    await expectProblem(await admin(s, '/api/v1/users/ext.dave'), 404);
    expect((await json<Obj[]>(await admin(s, '/api/v1/users/external?filter=userName:alice')))[0].id).toBe(alice.id);
    expect(await json<Obj>(await admin(s, '/api/v1/users/external', 'POST'))).toEqual({ addCount: 0, updateCount: 0, deactivatedCount: 0 });
  });

  it('needs read:users to list and write:users to sync', async () => {
    await expectProblem(await s.call('/api/v1/users/external'), 403);
    await expectProblem(await s.call('/api/v1/users/external', { method: 'POST' }), 403);
    await expectProblem(await s.call('/api/v1/users/external', { key: null }), 401);
  });
});

describe('a directory file edited between syncs', () => {
  let s: TestServer;
  let dir: string;
  let file: string;
  const write = (users: unknown) => writeFileSync(file, JSON.stringify(users));
  const sync = async () => json<Obj>(await admin(s, '/api/v1/users/external', 'POST'));

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'flowmock-directory-'));
    file = path.join(dir, 'directory.json');
    write([]);
    s = await startServer({ externalUsersFile: file });
  });
  afterAll(async () => { await s?.close(); rmSync(dir, { recursive: true, force: true }); });

  it('creates, updates, takes over, disables and re-enables local users, counting what changed', async () => {
    // A native user of an entry's name is taken over by the sync.
    const created = await s.call('/api/v1/users', {
      key: s.adminKey, method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userName: 'erin', firstName: 'Erin', lastName: 'Old', emailAddress: '' }),
    });
    expect(created.status).toBe(201);
    write([
      { userName: 'frank', firstName: 'Frank', lastName: 'Ocean', emailAddress: 'frank@example.test' },
      { userName: 'erin', firstName: 'Erin', lastName: 'New', emailAddress: 'erin@example.test' },
      { userName: 'gone', firstName: 'Gone', lastName: 'Soon' },
    ]);
    expect(await sync()).toEqual({ addCount: 2, updateCount: 1, deactivatedCount: 0 });
    expect(await json<Obj>(await admin(s, '/api/v1/users/erin'))).toMatchObject({ lastName: 'New', emailAddress: 'erin@example.test', active: true });

    write([
      { userName: 'frank', firstName: 'Frank', lastName: 'Ocean', emailAddress: 'frank@example.test', active: false },
      { userName: 'erin', firstName: 'Erin', lastName: 'New', emailAddress: 'erin@example.test', description: 'moved to Sales' },
    ]);
    expect(await sync()).toEqual({ addCount: 0, updateCount: 1, deactivatedCount: 2 });
    expect((await json<Obj>(await admin(s, '/api/v1/users/frank'))).active).toBe(false);
    expect((await json<Obj>(await admin(s, '/api/v1/users/gone'))).active).toBe(false);
    expect((await json<Obj>(await admin(s, '/api/v1/users/erin'))).description).toBe('moved to Sales');
    expect(await sync()).toEqual({ addCount: 0, updateCount: 0, deactivatedCount: 0 });

    write([{ userName: 'frank', firstName: 'Frank', lastName: 'Ocean', emailAddress: 'frank@example.test' }]);
    expect(await sync()).toEqual({ addCount: 0, updateCount: 1, deactivatedCount: 1 }); // frank back, erin gone
    expect((await json<Obj>(await admin(s, '/api/v1/users/frank'))).active).toBe(true);
    expect((await json<Obj>(await admin(s, '/api/v1/users/erin'))).active).toBe(false);
  });

  it('never disables the last enabled administrator', async () => {
    write([{ userName: 'admin', firstName: 'The', lastName: 'Admin', active: false }]);
    const result = await sync();
    expect(result.deactivatedCount).toBe(1); // frank left the directory; admin stays enabled
    expect((await json<Obj>(await admin(s, '/api/v1/users/admin'))).active).toBe(true);
  });

  it('a directory file that breaks a rule or is not JSON is a 503 naming the entry; nothing changes', async () => {
    write([{ userName: 'ok', firstName: 'O', lastName: 'K' }, { firstName: 'No', lastName: 'Name' }]);
    await expectProblem(await admin(s, '/api/v1/users/external', 'POST'), 503, { detail: '/1/userName: required text' });
    await expectProblem(await admin(s, '/api/v1/users/external'), 503, { detail: '/1/userName' });
    await expectProblem(await admin(s, '/api/v1/users/ok'), 404);
    writeFileSync(file, '[{');
    await expectProblem(await admin(s, '/api/v1/users/external'), 503, { detail: 'not valid JSON' });
  });
});
