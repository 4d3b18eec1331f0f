/**
 * The seed's promises: a key borrows its user's rights (a user key cannot add a printer, an admin
 * key can), keys are shown once, listed as metadata only, stored only as keyed hashes, and a
 * revoked key is a 401 at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, problemOf, type TestServer } from '../support/server.js';

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
    expect(me.username).toBe('integrator');
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
    expect((await s.call(`/api/v1/printers/${second.id}`, { method: 'DELETE', key: s.adminKey })).status).toBe(204);
    expect((await s.call(`/api/v1/printers/${second.id}`)).status).toBe(404);
  });
});

describe('API keys', () => {
  it('a created key is shown once, works at once, is listed without the key, and a revoked key is 401 at once', async () => {
    const created = await s.call('/api/v1/users/me/apikeys', post({ name: 'CI pipeline' }));
    expect(created.status).toBe(201);
    const k = await created.json();
    expect(k.key).toMatch(/^fm_[0-9a-f]{32}_[A-Za-z0-9_-]{43}$/);
    expect(k.last4).toBe(k.key.slice(-4));

    const me = await s.call('/api/v1/users/me', { key: k.key });
    expect(me.status).toBe(200);

    const list = await (await s.call('/api/v1/users/integrator/apikeys')).json();
    const listed = list.find((x: { id: string }) => x.id === k.id);
    expect(listed).toMatchObject({ id: k.id, name: 'CI pipeline', last4: k.last4 });
    expect(JSON.stringify(list)).not.toContain(k.key);
    expect(listed.lastUsedAt).not.toBeNull(); // the call above used it

    const del = await s.call(`/api/v1/users/me/apikeys/${k.id}`, { method: 'DELETE' });
    expect(del.status).toBe(204);
    const after = await s.call('/api/v1/users/me', { key: k.key });
    expect(after.status).toBe(401);
    expect((await problemOf(after)).detail).toMatch(/revoked/);
    expect((await s.call(`/api/v1/users/me/apikeys/${k.id}`, { method: 'DELETE' })).status).toBe(404);
  });

  it('a user cannot list or create another user\'s keys (403); an admin can', async () => {
    expect((await s.call('/api/v1/users/admin/apikeys')).status).toBe(403);
    expect((await s.call('/api/v1/users/admin/apikeys', post({ name: 'x' }))).status).toBe(403);
    expect((await s.call('/api/v1/users/integrator/apikeys', { key: s.adminKey })).status).toBe(200);
    const made = await s.call('/api/v1/users/api-user/apikeys', { ...post({ name: 'for api-user' }), key: s.adminKey });
    expect(made.status).toBe(201);
    expect((await s.call('/api/v1/users/nobody/apikeys', { key: s.adminKey })).status).toBe(404);
  });

  it('keys never appear in clear in the database files', async () => {
    const created = await (await s.call('/api/v1/users/me/apikeys', post({ name: 'grep me' }))).json();
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
  it('GET /api/v1/authenticate lists the methods without credentials', async () => {
    const res = await s.call('/api/v1/authenticate', { key: null });
    expect(res.status).toBe(200);
    expect((await res.json()).methods.map((m: { type: string }) => m.type)).toEqual(['password', 'apiKey']);
  });

  it('a user with a password gets a JWT that works as Bearer; wrong password and tampered tokens are 401', async () => {
    const { hashPassword } = await import('../../src/store/secrets.js');
    const store = s.fm.services.store;
    store.users.setPassword(store.users.byUsername('integrator')!.id, hashPassword('correct horse battery'));
    const login = (password: string) => s.call('/api/v1/authenticate/login', { ...post({ username: 'integrator', password }), key: null });
    expect((await login('wrong password')).status).toBe(401);
    const ok = await login('correct horse battery');
    expect(ok.status).toBe(200);
    const { token, tokenType } = await ok.json();
    expect(tokenType).toBe('Bearer');
    const me = await s.call('/api/v1/users/me', { key: null, headers: { Authorization: `Bearer ${token}` } });
    expect((await me.json()).username).toBe('integrator');
    const tampered = token.slice(0, -2) + (token.endsWith('A') ? 'BB' : 'AA');
    expect((await s.call('/api/v1/users/me', { key: null, headers: { Authorization: `Bearer ${tampered}` } })).status).toBe(401);
    expect((await s.call('/api/v1/users/me', { key: null, headers: { Authorization: 'Basic abc' } })).status).toBe(401);
  });
});
