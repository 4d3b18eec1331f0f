/**
 * User administration over HTTP (issue 13): GetUsers, GetFilteredUsers, GetUser, CreateUser,
 * UpdateUser, DeleteUser. Proves: the scopes (a plain User's key gets 403), create (201 +
 * Location, the password hashed and usable for login, roles by id or name), every bad field a 400
 * naming it, a taken user name a 409 naming it, the one list query (filter, sort, paging,
 * X-Total-Count, the filter body), update (names, roles, enabled; absent fields kept) applied to
 * the user's keys on their next call (the credential cache honours it), delete (409 while the user
 * owns executions, force=true deletes and its keys are refused at once) and that the last enabled
 * administrator is never disabled, demoted or deleted. Every answer is checked against the spec
 * by the server (validateResponses).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';
import { expectProblem, json, startFlow, FLOW } from './helpers.js';

let s: TestServer;
beforeAll(async () => { s = await startServer(); });
afterAll(() => s?.close());

type Obj = Record<string, any>;
const JSON_HEADERS = { 'Content-Type': 'application/json' };
const send = (path: string, method: string, body: unknown, key?: string | null) =>
  s.call(path, { method, body: JSON.stringify(body), headers: JSON_HEADERS, key: key === undefined ? s.adminKey : key });
const admin = (path: string) => s.call(path, { key: s.adminKey });

const newUser = (userName: string, over: Obj = {}): Obj => ({
  userName, firstName: 'Jane', lastName: 'Doe', emailAddress: `${userName}@example.invalid`, ...over,
});
async function create(userName: string, over: Obj = {}): Promise<Obj> {
  return json<Obj>(await send('/api/v1/users', 'POST', newUser(userName, over)), 201);
}
/** A personal access token of the user, created by the administrator (CreateUserToken). */
async function keyOf(user: string): Promise<string> {
  return (await json<Obj>(await send(`/api/v1/users/${encodeURIComponent(user)}/tokens`, 'POST', { displayName: 'test key' }), 201)).apiKey;
}

describe('permissions: the vendor scopes, held by administrators only', () => {
  const CALLS: Array<{ op: string; path: string; method: string; body?: unknown; scope: string }> = [
    { op: 'GetUsers', path: '/api/v1/users', method: 'GET', scope: 'read:users' },
    { op: 'GetFilteredUsers', path: '/api/v1/users/filter', method: 'POST', body: { group: { type: 'and', nodes: [] } }, scope: 'read:users' },
    { op: 'GetUser', path: '/api/v1/users/admin', method: 'GET', scope: 'read:users' },
    { op: 'CreateUser', path: '/api/v1/users', method: 'POST', body: newUser('never-made'), scope: 'write:users' },
    { op: 'UpdateUser', path: '/api/v1/users/integrator', method: 'PUT', body: newUser('integrator', { roles: [{ id: 'administrator' }] }), scope: 'write:users' },
    { op: 'DeleteUser', path: '/api/v1/users/admin', method: 'DELETE', scope: 'delete:users' },
  ];
  it.each(CALLS)('$op: a plain User\'s key (the integrator) gets 403 naming $scope; no key gets 401', async (c) => {
    const init = c.body === undefined ? { method: c.method } : { method: c.method, body: JSON.stringify(c.body), headers: JSON_HEADERS };
    await expectProblem(await s.call(c.path, { ...init, key: s.integratorKey }), 403, { detail: c.scope });
    await expectProblem(await s.call(c.path, { ...init, key: null }), 401);
  });

  it('nothing the refused calls asked for happened (the integrator is still a plain User, never-made does not exist)', async () => {
    expect((await json<Obj>(await admin('/api/v1/users/integrator'))).roles.map((r: Obj) => r.id)).toEqual(['user']);
    await expectProblem(await admin('/api/v1/users/never-made'), 404);
  });
});

describe('CreateUser and GetUser', () => {
  it('answers 201 with Location and the vendor User (no password); GET at Location, by id and by user name, answers the same', async () => {
    const res = await send('/api/v1/users', 'POST', newUser('jdoe', {
      id: 'ignored', createdAt: '1999-01-01T00:00:00Z', description: 'billing', settings: { theme: 'dark' },
      roles: [{ name: 'Super User' }], identity: { type: 'native', native: { password: 'correct horse' } },
    }));
    const created = await json<Obj>(res, 201);
    expect(created.id).not.toBe('ignored');
    expect(res.headers.get('location')).toBe(`/api/v1/users/${created.id}`);
    expect(created).toMatchObject({
      userName: 'jdoe', displayName: 'Jane Doe', firstName: 'Jane', lastName: 'Doe', emailAddress: 'jdoe@example.invalid',
      description: 'billing', settings: { theme: 'dark' }, active: true, loginCount: 0, identity: { type: 'native' },
      roles: [{ id: 'super-user', name: 'Super User' }],
    });
    expect(created.createdAt).not.toBe('1999-01-01T00:00:00Z');
    expect(JSON.stringify(created)).not.toContain('correct horse');
    expect(await json(await admin(res.headers.get('location')!))).toEqual(created);
    expect(await json(await admin('/api/v1/users/jdoe'))).toEqual(created);
  });

  it('stores the password as a scrypt hash that password login accepts', async () => {
    const stored = await s.fm.services.store.users.byUsername('jdoe');
    expect(stored?.passwordHash).toMatch(/^scrypt\$/);
    const login = await send('/api/v1/authenticate/login', 'POST', { username: 'jdoe', password: 'correct horse', scope: 'portal' }, null);
    expect(login.status).toBe(200);
    const wrong = await send('/api/v1/authenticate/login', 'POST', { username: 'jdoe', password: 'wrong horse!', scope: 'portal' }, null);
    expect(wrong.status).toBe(401);
  });

  it('gives a user without roles the User role, and takes roles by id', async () => {
    expect((await create('plain')).roles.map((r: Obj) => r.id)).toEqual(['user']);
    expect((await create('boss', { roles: [{ id: 'administrator' }] })).roles.map((r: Obj) => r.id)).toEqual(['administrator']);
  });

  it('answers 409 naming a user name that is taken (and creates nothing)', async () => {
    const before = (await json<Obj[]>(await admin('/api/v1/users?size=100'))).length;
    await expectProblem(await send('/api/v1/users', 'POST', newUser('jdoe', { firstName: 'Other' })), 409, { detail: 'jdoe' });
    expect((await json<Obj[]>(await admin('/api/v1/users?size=100'))).length).toBe(before);
  });

  const BAD: Array<{ why: string; body: Obj; pointer: string }> = [
    { why: 'a user name with a space', body: newUser('j doe'), pointer: '/userName' },
    { why: 'an email address without @', body: newUser('bad-mail', { emailAddress: 'nobody' }), pointer: '/emailAddress' },
    { why: 'a password under 8 characters', body: newUser('short-pw', { identity: { type: 'native', native: { password: 'short' } } }), pointer: '/identity/native/password' },
    { why: 'a role that does not exist', body: newUser('no-role', { roles: [{ id: 'user' }, { id: 'wizard' }] }), pointer: '/roles/1' },
    { why: 'an empty role list', body: newUser('empty-roles', { roles: [] }), pointer: '/roles' },
    { why: 'an external identity', body: newUser('ext-identity', { identity: { type: 'external' } }), pointer: '/identity/type' },
    { why: 'a missing required field (lastName)', body: { userName: 'no-last', firstName: 'A', emailAddress: '' }, pointer: '/lastName' },
  ];
  it.each(BAD)('answers 400 naming the field for $why (and creates nothing)', async (c) => {
    const problem = await expectProblem(await send('/api/v1/users', 'POST', c.body), 400);
    expect(problem.errors!.map((e) => e.pointer)).toContain(c.pointer);
    await expectProblem(await admin(`/api/v1/users/${encodeURIComponent(c.body.userName)}`), 404);
  });

  it('answers 404 for an unknown user', async () => {
    await expectProblem(await admin('/api/v1/users/nobody-at-all'), 404, { detail: 'nobody-at-all' });
  });
});

describe('GetUsers and GetFilteredUsers: the one list query', () => {
  beforeAll(async () => {
    for (const n of ['list-c', 'list-a', 'list-b']) await create(n, { lastName: n.toUpperCase() });
    await create('list-off', { active: false });
  });

  it('filters (contains, case-insensitive), sorts both ways, pages and counts in X-Total-Count', async () => {
    const asc = await admin('/api/v1/users?filter=userName:LIST-&sort=userName,asc');
    expect((await json<Obj[]>(asc)).map((u) => u.userName)).toEqual(['list-a', 'list-b', 'list-c', 'list-off']);
    expect(asc.headers.get('x-total-count')).toBe('4');
    const page = await admin('/api/v1/users?filter=userName:list-&sort=userName,desc&page=1&size=3');
    expect((await json<Obj[]>(page)).map((u) => u.userName)).toEqual(['list-a']);
    expect(page.headers.get('x-total-count')).toBe('4');
  });

  it('sorts by default by user name, ascending', async () => {
    const names = (await json<Obj[]>(await admin('/api/v1/users?size=100'))).map((u) => u.userName);
    expect(names).toEqual([...names].sort());
    expect(names).toEqual(expect.arrayContaining(['admin', 'api-user', 'integrator']));
  });

  it('takes the filter body: nested groups and the boolean active', async () => {
    const body = { group: { type: 'and', nodes: [
      { condition: { key: 'userName', operator: 'like', values: ['list-'] } },
      { group: { type: 'or', nodes: [
        { condition: { key: 'active', operator: 'isFalse' } },
        { condition: { key: 'lastName', operator: 'in', values: ['LIST-B'] } },
      ] } },
    ] } };
    const res = await send('/api/v1/users/filter?sort=userName,asc', 'POST', body);
    expect((await json<Obj[]>(res)).map((u) => u.userName)).toEqual(['list-b', 'list-off']);
    expect(res.headers.get('x-total-count')).toBe('2');
  });

  const BAD: Array<{ why: string; call: () => Promise<Response>; field: { in: string; pointer: string } }> = [
    { why: 'an unknown sort property', call: () => admin('/api/v1/users?sort=password,asc'), field: { in: 'query', pointer: '/sort' } },
    { why: 'an unknown filter property', call: () => admin('/api/v1/users?filter=password:x'), field: { in: 'query', pointer: '/filter' } },
    { why: 'isTrue on a text property in the body', call: () => send('/api/v1/users/filter', 'POST', { group: { type: 'and', nodes: [{ condition: { key: 'userName', operator: 'isTrue' } }] } }), field: { in: 'body', pointer: '/group/nodes/0/condition/operator' } },
  ];
  it.each(BAD)('answers 400 naming the parameter for $why', async (c) => {
    await expectProblem(await c.call(), 400, { field: c.field });
  });
});

describe('UpdateUser', () => {
  it('changes names, email and description, keeps absent roles, active and password, and bumps modifiedAt only', async () => {
    const before = await create('upd', { roles: [{ id: 'super-user' }], identity: { type: 'native', native: { password: 'first password' } } });
    const res = await send('/api/v1/users/upd', 'PUT', { userName: 'upd', firstName: 'Up', lastName: 'Dated', emailAddress: '', description: 'now' });
    const after = await json<Obj>(res);
    expect(after).toMatchObject({ id: before.id, displayName: 'Up Dated', firstName: 'Up', lastName: 'Dated', emailAddress: '', description: 'now', active: true, createdAt: before.createdAt });
    expect(after.roles.map((r: Obj) => r.id)).toEqual(['super-user']);
    expect(await json(await admin(`/api/v1/users/${before.id}`))).toEqual(after);
    const login = await send('/api/v1/authenticate/login', 'POST', { username: 'upd', password: 'first password', scope: 'portal' }, null);
    expect(login.status).toBe(200);
  });

  it('renames a user (by id), and answers 409 naming a user name another user has', async () => {
    const u = await create('rename-me');
    expect((await json<Obj>(await send(`/api/v1/users/${u.id}`, 'PUT', newUser('renamed')))).userName).toBe('renamed');
    await expectProblem(await admin('/api/v1/users/rename-me'), 404);
    await expectProblem(await send('/api/v1/users/renamed', 'PUT', newUser('integrator')), 409, { detail: 'integrator' });
  });

  it('disabling a user refuses its key at the next call (403); enabling it again lets the key in', async () => {
    await create('switch');
    const key = await keyOf('switch');
    expect((await s.call('/api/v1/users/me', { key })).status).toBe(200); // now in the credential cache
    await json(await send('/api/v1/users/switch', 'PUT', newUser('switch', { active: false })));
    await expectProblem(await s.call('/api/v1/users/me', { key }), 403, { detail: 'switch is disabled' });
    await json(await send('/api/v1/users/switch', 'PUT', newUser('switch', { active: true })));
    expect((await s.call('/api/v1/users/me', { key })).status).toBe(200);
  });

  it('a role change applies to the user\'s key at the next call (promoted: may list users; demoted: 403 again)', async () => {
    await create('climber');
    const key = await keyOf('climber');
    await expectProblem(await s.call('/api/v1/users', { key }), 403);
    await json(await send('/api/v1/users/climber', 'PUT', newUser('climber', { roles: [{ id: 'administrator' }] })));
    expect((await s.call('/api/v1/users', { key })).status).toBe(200);
    await json(await send('/api/v1/users/climber', 'PUT', newUser('climber', { roles: [{ id: 'user' }] })));
    await expectProblem(await s.call('/api/v1/users', { key }), 403);
  });

  it('answers 400 naming an unknown role and 404 for an unknown user', async () => {
    await expectProblem(await send('/api/v1/users/integrator', 'PUT', newUser('integrator', { roles: [{ name: 'Wizard' }] })), 400, { field: { in: 'body', pointer: '/roles/0' } });
    await expectProblem(await send('/api/v1/users/nobody-at-all', 'PUT', newUser('nobody-at-all')), 404);
  });
});

describe('the last enabled administrator', () => {
  // The seeded admin (whose key the tests use) is the only enabled administrator here: the
  // administrators these tests create are disabled or removed first.
  beforeAll(async () => {
    const admins = (await json<Obj[]>(await send('/api/v1/users/filter?size=100', 'POST', { group: { type: 'and', nodes: [{ condition: { key: 'active', operator: 'isTrue' } }] } })))
      .filter((u) => u.userName !== 'admin' && u.roles.some((r: Obj) => r.id === 'administrator'));
    for (const u of admins) await json(await send(`/api/v1/users/${u.id}`, 'PUT', newUser(u.userName, { active: false })));
  });

  const REFUSED: Array<{ why: string; call: () => Promise<Response> }> = [
    { why: 'disabling it', call: () => send('/api/v1/users/admin', 'PUT', { userName: 'admin', firstName: 'Administrator', lastName: '', emailAddress: '', active: false }) },
    { why: 'taking its Administrator role', call: () => send('/api/v1/users/admin', 'PUT', { userName: 'admin', firstName: 'Administrator', lastName: '', emailAddress: '', roles: [{ id: 'user' }] }) },
    { why: 'deleting it', call: () => s.call('/api/v1/users/admin', { method: 'DELETE', key: s.adminKey }) },
    { why: 'deleting it with force=true', call: () => s.call('/api/v1/users/admin?force=true', { method: 'DELETE', key: s.adminKey }) },
  ];
  it.each(REFUSED)('answers 409 to $why, and admin stays an enabled administrator', async (c) => {
    await expectProblem(await c.call(), 409, { detail: 'last enabled administrator' });
    expect(await json<Obj>(await admin('/api/v1/users/admin'))).toMatchObject({ active: true, roles: [{ id: 'administrator' }] });
  });

  it('with a second enabled administrator, either may be removed: the second is deleted', async () => {
    const second = await create('admin-two', { roles: [{ id: 'administrator' }] });
    expect(await json(await s.call(`/api/v1/users/${second.id}`, { method: 'DELETE', key: s.adminKey }))).toEqual({});
    await expectProblem(await admin('/api/v1/users/admin-two'), 404);
  });
});

describe('DeleteUser', () => {
  it('deletes a user who owns nothing, with its keys: the key is refused (401) at once', async () => {
    await create('leaver');
    const key = await keyOf('leaver');
    expect((await s.call('/api/v1/users/me', { key })).status).toBe(200);
    expect(await json(await s.call('/api/v1/users/leaver', { method: 'DELETE', key: s.adminKey }))).toEqual({});
    await expectProblem(await s.call('/api/v1/users/me', { key }), 401);
    await expectProblem(await admin('/api/v1/users/leaver'), 404);
    await expectProblem(await s.call('/api/v1/users/leaver', { method: 'DELETE', key: s.adminKey }), 404);
  });

  it('answers 409 naming the executions a user still owns; force=true deletes it anyway and the execution stays', async () => {
    await create('owner');
    const key = await keyOf('owner');
    const progress = await startFlow(s, FLOW.warning, { key });
    await expectProblem(await s.call('/api/v1/users/owner', { method: 'DELETE', key: s.adminKey }), 409, { detail: '1 flow execution' });
    expect((await admin('/api/v1/users/owner')).status).toBe(200);
    expect(await json(await s.call('/api/v1/users/owner?force=true', { method: 'DELETE', key: s.adminKey }))).toEqual({});
    await expectProblem(await admin('/api/v1/users/owner'), 404);
    expect((await admin(`/api/v1/flows/executions/${progress.id}`)).status).toBe(200);
  });
});
