/**
 * The seed's promises: a key borrows its user's rights (a user key cannot add a printer, an admin
 * key can), keys are shown once, listed as metadata only, stored only as keyed hashes, and a
 * revoked key is a 401 at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, type TestServer } from '../support/server.js';
import { problemOf } from '../support/problem.js';

let s: TestServer;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'flowmock-keys-'));
  s = await startServer({ db: path.join(dir, 'flowmock.db') });
});
afterAll(async () => {
  await s.close();
  rmSync(dir, { recursive: true, force: true });
});

const printer = { displayName: 'Office printer', definition: { id: 'generic-pdf', displayName: 'Generic PDF' } };
const post = (body: unknown) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('users and rights', () => {
  it('GET /api/v1/users/me answers the key\'s user with its role and permissions', async () => {
    const res = await s.call('/api/v1/users/me');
    expect(res.status).toBe(200);
    const me = await res.json();
    expect(me).toMatchObject({ userName: 'integrator', displayName: 'Integrator', firstName: 'Integrator', lastName: '', emailAddress: '', active: true, loginCount: 0, identity: { type: 'native' }, settings: {} });
    // Exactly the vendor's User fields (lastLogin and description only once they have a value).
    expect(Object.keys(me).sort()).toEqual(['active', 'createdAt', 'createdBy', 'displayName', 'emailAddress', 'firstName', 'id', 'identity', 'lastName', 'loginCount', 'modifiedAt', 'modifiedBy', 'roles', 'settings', 'userName']);
    expect(me.roles[0].name).toBe('User');
    expect(me.roles[0].permissions).toContain('execute:flows');
    expect(me.roles[0].permissions).not.toContain('write:printers');
  });

  it('a user key cannot add a printer (403), an admin key can (201), and the user can read it', async () => {
    expect((await s.call('/api/v1/printers', post(printer))).status).toBe(403);
    const created = await s.call('/api/v1/printers', { ...post(printer), key: s.adminKey });
    expect(created.status).toBe(201);
    const p = await created.json();
    expect(created.headers.get('location')).toBe(`/api/v1/printers/${p.id}`);
    const list = await (await s.call('/api/v1/printers')).json();
    expect(list.map((x: { id: string }) => x.id)).toContain(p.id);
    expect((await s.call(`/api/v1/printers/${p.id}`)).status).toBe(200);
  });

  it('printers: a duplicate name is a 409, update needs write:printers, delete needs delete:printers, unknown is 404', async () => {
    const dup = await s.call('/api/v1/printers', { ...post(printer), key: s.adminKey });
    expect(dup.status).toBe(409);
    await problemOf(dup);
    const second = await (await s.call('/api/v1/printers', { ...post({ ...printer, displayName: 'Second' }), key: s.adminKey })).json();
    const put = { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...printer, displayName: 'Renamed' }) };
    expect((await s.call(`/api/v1/printers/${second.id}`, put)).status).toBe(403);
    const updated = await s.call(`/api/v1/printers/${second.id}`, { ...put, key: s.adminKey });
    expect(updated.status).toBe(200);
    expect((await updated.json()).displayName).toBe('Renamed');
    expect((await s.call(`/api/v1/printers/${second.id}`, { method: 'DELETE' })).status).toBe(403);
    expect((await s.call(`/api/v1/printers/${second.id}`, { method: 'DELETE', key: s.adminKey })).status).toBe(200);
    expect((await s.call(`/api/v1/printers/${second.id}`)).status).toBe(404);
  });
});

describe('personal access tokens (API keys)', () => {
  it('a created token shows its key once, the key works at once, the list never shows it, and a revoked key is 401 at once', async () => {
    const created = await s.call('/api/v1/users/me/tokens', post({ displayName: 'CI pipeline', description: 'nightly' }));
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe('/api/v1/users/integrator/tokens');
    const k = await created.json();
    expect(k.apiKey).toMatch(/^fm_[0-9a-f]{32}_[A-Za-z0-9_-]{43}$/);
    expect(k.apiKey.endsWith(`_${k.secret}`)).toBe(true);
    expect(k).toMatchObject({ id: expect.any(String), displayName: 'CI pipeline', description: 'nightly', createdBy: { displayName: 'Integrator', type: 'user' } });

    const me = await s.call('/api/v1/users/me', { key: k.apiKey });
    expect(me.status).toBe(200);

    const list = await (await s.call('/api/v1/users/integrator/tokens')).json();
    const listed = list.find((x: { id: string }) => x.id === k.id);
    expect(Object.keys(listed).sort()).toEqual(['createdAt', 'createdBy', 'description', 'displayName', 'id']);
    expect(JSON.stringify(list)).not.toContain(k.secret);

    const del = await s.call(`/api/v1/users/me/tokens/${k.id}`, { method: 'DELETE' });
    expect(del.status).toBe(200);
    expect(await del.json()).toEqual({});
    const after = await s.call('/api/v1/users/me', { key: k.apiKey });
    expect(after.status).toBe(401);
    expect((await problemOf(after)).detail).toMatch(/revoked/);
    expect((await s.call(`/api/v1/users/me/tokens/${k.id}`, { method: 'DELETE' })).status).toBe(404);
  });

  it('a token without displayName is a 400 naming it', async () => {
    const res = await s.call('/api/v1/users/me/tokens', post({ description: 'no name' }));
    expect(res.status).toBe(400);
    expect((await problemOf(res)).errors?.map((e: { pointer: string }) => e.pointer)).toContain('/displayName');
  });

  it('a user cannot list or create another user\'s tokens (403); an admin can, and a token borrows its user\'s rights', async () => {
    expect((await s.call('/api/v1/users/admin/tokens')).status).toBe(403);
    expect((await s.call('/api/v1/users/admin/tokens', post({ displayName: 'x' }))).status).toBe(403);
    expect((await s.call('/api/v1/users/integrator/tokens', { key: s.adminKey })).status).toBe(200);
    const made = await s.call('/api/v1/users/api-user/tokens', { ...post({ displayName: 'for api-user' }), key: s.adminKey });
    expect(made.status).toBe(201);
    const { apiKey } = await made.json();
    // api-user is a Super User: reads every execution, but may not add printers.
    const me = await (await s.call('/api/v1/users/me', { key: apiKey })).json();
    expect(me.userName).toBe('api-user');
    expect((await s.call('/api/v1/printers', { ...post({ displayName: 'x', definition: { id: 'generic-pdf' } }), key: apiKey })).status).toBe(403);
    expect((await s.call('/api/v1/users/nobody/tokens', { key: s.adminKey })).status).toBe(404);
  });

  it('GET /roles lists the roles with the vendor permission names, for administrators only', async () => {
    expect((await s.call('/api/v1/roles')).status).toBe(403);
    const roles = await (await s.call('/api/v1/roles', { key: s.adminKey })).json();
    expect(roles.map((r: { name: string }) => r.name)).toEqual(['Administrator', 'Super User', 'User']);
    expect(Object.keys(roles[0]).sort()).toEqual(['description', 'displayName', 'id', 'name', 'permissions']);
    expect(roles[2].permissions).toContain('execute:flows');
  });

  it('keys never appear in clear in the database files', async () => {
    const created = await (await s.call('/api/v1/users/me/tokens', post({ displayName: 'grep me' }))).json();
    created.key = created.apiKey;
    // Make sure SQLite has written its pages (WAL included): read every file of the folder.
    const files = readdirSync(dir).map((f) => readFileSync(path.join(dir, f)));
    expect(files.length).toBeGreaterThan(0);
    for (const bytes of files) {
      expect(bytes.includes(Buffer.from(created.key))).toBe(false);
      expect(bytes.includes(Buffer.from(s.integratorKey))).toBe(false);
      expect(bytes.includes(Buffer.from(s.adminKey))).toBe(false);
    }
    // ...while the metadata is there (the search above would have found the key if it were stored).
    expect(files.some((b) => b.includes(Buffer.from('grep me')))).toBe(true);
  });
});

describe('login with a password (JWT)', () => {
  it('GET /api/v1/authenticate answers the vendor AuthenticationInfo without credentials', async () => {
    const res = await s.call('/api/v1/authenticate?prompt=login', { key: null });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      login: { enabled: true }, resetPasswordSupported: true, oauth2: [],
      methods: [{ methodType: 'password', id: 'password', displayName: 'User name and password' }],
    });
  });

  it('a user with a password gets a JWT that works as Bearer; wrong password and tampered tokens are 401', async () => {
    const { hashPassword } = await import('../../src/auth/secrets.js');
    const store = s.fm.services.store;
    await store.users.setPassword((await store.users.byUsername('integrator'))!.id, hashPassword('correct horse battery'));
    const login = (password: string) => s.call('/api/v1/authenticate/login', { ...post({ username: 'integrator', password }), key: null });
    expect((await login('wrong password')).status).toBe(401);
    const ok = await login('correct horse battery');
    expect(ok.status).toBe(200);
    const auth = await ok.json();
    expect(auth.tokens).toHaveLength(1);
    expect(auth.tokens[0].scope).toBe('api');
    expect(auth.user).toMatchObject({ userName: 'integrator', active: true, loginCount: 1, lastLogin: expect.any(String) });
    const token: string = auth.tokens[0].token;
    const me = await s.call('/api/v1/users/me', { key: null, headers: { Authorization: `Bearer ${token}` } });
    expect((await me.json()).userName).toBe('integrator');
    const tampered = token.slice(0, -2) + (token.endsWith('A') ? 'BB' : 'AA');
    expect((await s.call('/api/v1/users/me', { key: null, headers: { Authorization: `Bearer ${tampered}` } })).status).toBe(401);
    expect((await s.call('/api/v1/users/me', { key: null, headers: { Authorization: 'Basic abc' } })).status).toBe(401);
  });
});
