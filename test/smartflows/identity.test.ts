/**
 * Over HTTP, the vendor's authentication and printer operations as flowmock serves them: a reset
 * through the sandbox outbox lets a user log in; OAuth2 is a 409 (no provider); printers keep one
 * default, delete the default only with force, filter/sort/page by the vendor's parameters, and
 * bad filters are 400s naming the field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';
import { problemOf } from '../support/problem.js';

let s: TestServer;
beforeAll(async () => { s = await startServer(); });
afterAll(async () => { await s.close(); });

const send = (method: string, body: unknown, key?: string | null) =>
  ({ method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), key });

describe('authentication', () => {
  it('a password reset mailed to the sandbox outbox sets a password that logs in', async () => {
    expect((await s.call('/api/v1/authenticate/reset', send('POST', { username: 'no-such-user' }, null))).status).toBe(200);
    const asked = await s.call('/api/v1/authenticate/reset', send('POST', { username: 'integrator', path: '/reset' }, null));
    expect(asked.status).toBe(200);
    expect(await asked.json()).toEqual({});
    expect((await s.call('/__flowmock/outbox')).status).toBe(403); // administrators only
    const outbox = await (await s.call('/__flowmock/outbox', { key: s.adminKey })).json();
    expect(outbox).toHaveLength(1); // none for the unknown user
    const { userId, resetToken } = outbox[0];

    const wrong = await s.call('/api/v1/authenticate/authorizeReset', send('POST', { userId, resetToken: 'nope', password: 'pw1' }, null));
    expect(wrong.status).toBe(400);
    expect((await problemOf(wrong)).errors![0].pointer).toBe('/resetToken');
    const ok = await s.call('/api/v1/authenticate/authorizeReset', send('POST', { userId, resetToken, password: 'brand new password' }, null));
    expect(ok.status).toBe(200);

    const login = await s.call('/api/v1/authenticate/login', send('POST', { username: 'integrator', password: 'brand new password', scope: 'portal' }, null));
    expect(login.status).toBe(200);
    const auth = await login.json();
    expect(auth.tokens.map((t: { scope: string }) => t.scope)).toEqual(['portal']);
    const me = await s.call('/api/v1/users/me', { key: null, headers: { Authorization: `Bearer ${auth.tokens[0].token}` } });
    expect((await me.json()).loginCount).toBe(1);
  });

  it('OAuth2 is a 409 (no provider); a body without responseParams is a 400 naming it', async () => {
    expect((await s.call('/api/v1/authenticate/oauth2', send('POST', { responseParams: 'code=1' }, null))).status).toBe(409);
    const bad = await s.call('/api/v1/authenticate/oauth2', send('POST', {}, null));
    expect(bad.status).toBe(400);
    expect(JSON.stringify((await problemOf(bad)).errors)).toContain('responseParams');
  });
});

describe('printers', () => {
  const printer = (name: string, extra: object = {}) => ({ displayName: name, definition: { id: 'generic-pdf' }, flavor: 'jps', ...extra });

  it('one default printer at a time; the default is removed only with force', async () => {
    expect((await s.call('/api/v1/printers/default')).status).toBe(404);
    const a = await (await s.call('/api/v1/printers', send('POST', printer('Alpha', { defaultPrinter: true }), s.adminKey))).json();
    const b = await (await s.call('/api/v1/printers', send('POST', printer('Beta', { defaultPrinter: true }), s.adminKey))).json();
    expect((await (await s.call('/api/v1/printers/default')).json()).id).toBe(b.id);
    expect((await (await s.call(`/api/v1/printers/${a.id}`)).json()).defaultPrinter).toBe(false);
    const set = await s.call('/api/v1/printers/default', send('PUT', { ...a, defaultPrinter: false }, s.adminKey));
    expect((await set.json()).defaultPrinter).toBe(true);
    expect((await s.call('/api/v1/printers/default', send('PUT', printer('x', { id: 'nope' }), s.adminKey))).status).toBe(404);
    const noId = await s.call('/api/v1/printers/default', send('PUT', printer('x'), s.adminKey));
    expect((await problemOf(noId)).errors![0].pointer).toBe('/id');
    expect((await s.call(`/api/v1/printers/${a.id}`, { method: 'DELETE', key: s.adminKey })).status).toBe(409);
    expect((await s.call(`/api/v1/printers/${a.id}?force=true&deleteInbound=true`, { method: 'DELETE', key: s.adminKey })).status).toBe(200);
    expect((await s.call('/api/v1/printers/default')).status).toBe(404);
    const test = await s.call(`/api/v1/printers/${b.id}/test`, { method: 'POST', key: s.adminKey });
    expect((await test.json()).printer).toEqual({ id: b.id, displayName: 'Beta', type: 'printer' });
    expect((await s.call(`/api/v1/printers/${b.id}/test`, { method: 'POST' })).status).toBe(403);
    expect((await s.call(`/api/v1/printers/${b.id}`, { method: 'DELETE', key: s.adminKey })).status).toBe(200);
  });

  it('GetFilteredPrinters filters, sorts and pages; an unknown property or a wrong value count is a 400 naming it', async () => {
    for (const n of ['Gamma one', 'Gamma two', 'Gamma three', 'Delta']) {
      expect((await s.call('/api/v1/printers', send('POST', printer(n), s.adminKey))).status).toBe(201);
    }
    const filter = (body: unknown, q = '') => s.call(`/api/v1/printers/filter${q}`, send('POST', body, undefined));
    const like = { group: { type: 'and', nodes: [{ condition: { key: 'displayName', operator: 'like', values: ['gamma'] } }] } };
    const names = async (res: Response) => (await res.json()).map((p: { displayName: string }) => p.displayName);
    expect(await names(await filter(like, '?sort=displayName,desc'))).toEqual(['Gamma two', 'Gamma three', 'Gamma one']);
    expect(await names(await filter(like, '?sort=displayName,asc&size=2&page=1'))).toEqual(['Gamma two']);
    const either = { group: { type: 'or', nodes: [{ condition: { key: 'displayName', operator: 'equalTo', values: ['Delta'] } },
      { group: { type: 'and', nodes: [{ condition: { key: 'displayName', operator: 'like', values: ['one'] } }] } }] } };
    expect(await names(await filter(either))).toEqual(['Delta', 'Gamma one']);

    const unknown = await filter({ group: { type: 'and', nodes: [{ condition: { key: 'colour', operator: 'equalTo', values: ['x'] } }] } });
    expect(unknown.status).toBe(400);
    expect((await problemOf(unknown)).errors![0].pointer).toBe('/group/nodes/0/condition/key');
    const count = await filter({ group: { type: 'and', nodes: [{ condition: { key: 'displayName', operator: 'between', values: ['a'] } }] } });
    expect((await problemOf(count)).errors![0].pointer).toBe('/group/nodes/0/condition/values');
    expect((await filter(like, '?sort=colour,asc')).status).toBe(400);
  });
});
