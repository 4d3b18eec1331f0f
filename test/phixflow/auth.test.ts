/**
 * PhixFlow token authentication over HTTP. The server runs with a known `phixflow-api-key`
 * secret, so the test mints tokens itself with jose exactly as the spec describes them (JWT,
 * HS256, `sub` = user name, optional `exp`) and also forges the bad ones.
 */
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import type { TestServer } from '../support/server.js';
import { call, envelopeOf, expectProblem, tokenFor, triggerPath, usePhixflowServer } from './helpers.js';

const PHIXFLOW_API_KEY = 'flowmock-test-phixflow-api-key-0123456789abcdef';
const SECRET = new TextEncoder().encode(PHIXFLOW_API_KEY);
const ECHO = triggerPath('Demo', 'Echo and enrich');
const PING = triggerPath('Demo', 'Public ping');

let s: TestServer;
usePhixflowServer((started) => ({ s } = started), { phixflowApiKey: PHIXFLOW_API_KEY });

const nowSeconds = () => Math.floor(Date.now() / 1000);

function mint(sub: string | null, opts: { key?: Uint8Array; alg?: string; exp?: number } = {}): Promise<string> {
  let jwt = new SignJWT({}).setProtectedHeader({ alg: opts.alg ?? 'HS256', typ: 'JWT' }).setIssuedAt();
  if (sub !== null) jwt = jwt.setSubject(sub);
  if (opts.exp !== undefined) jwt = jwt.setExpirationTime(opts.exp);
  return jwt.sign(opts.key ?? SECRET);
}

const b64url = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');

describe('anonymous and protected actionflows', () => {
  it('Public ping (allowAnonymous) works without a token: 200 Success with data.Pong, run as the system user (no user id)', async () => {
    const env = await envelopeOf(await call(s, PING), 200);
    expect(env).toMatchObject({ status: 'Success', data: { Pong: [{ pong: true }] } });
    expect(await s.fm.services.store.processes.byId(env.processId)).toMatchObject({ status: 'Success', userId: null });
  });

  it('a protected actionflow without a token is 401 problem+json saying it does not allow anonymous connections', async () => {
    await expectProblem(await call(s, ECHO, { json: [] }), 401, { detail: 'does not allow anonymous connections' });
  });

  it('a Smart Flows X-API-Key (even the admin key) is not a PhixFlow token: 401', async () => {
    await expectProblem(await call(s, ECHO, { json: [], headers: { 'X-API-Key': s.adminKey } }), 401);
  });
});

describe('PhixFlow tokens', () => {
  it('a token minted outside the server (HS256 with the phixflow-api-key secret, sub = user name) is accepted: 200', async () => {
    const env = await envelopeOf(await call(s, ECHO, { token: await mint('api-user'), json: [{ email: 'a@b.c' }] }), 200);
    expect(env).toMatchObject({ status: 'Success', data: { Customers: [{ email: 'a@b.c', domain: 'b.c' }] } });
  });

  it('a token the server issued (issuePhixflowToken) and one with a future exp are accepted', async () => {
    await envelopeOf(await call(s, ECHO, { token: await tokenFor(s, 'api-user'), json: [] }), 200);
    await envelopeOf(await call(s, ECHO, { token: await mint('api-user', { exp: nowSeconds() + 600 }), json: [] }), 200);
  });

  it('an expired token is 401 problem+json saying it has expired', async () => {
    const expired = await mint('api-user', { exp: nowSeconds() - 60 });
    await expectProblem(await call(s, ECHO, { token: expired, json: [] }), 401, { detail: 'expired' });
    // The server's own issuer with a lifetime already over gives the same answer.
    await expectProblem(await call(s, ECHO, { token: await tokenFor(s, 'api-user', -60), json: [] }), 401, { detail: 'expired' });
  });

  it('a token signed with another key is 401 problem+json (signature does not verify)', async () => {
    const other = await mint('api-user', { key: new TextEncoder().encode('some-other-secret-of-at-least-32-bytes!!') });
    await expectProblem(await call(s, ECHO, { token: other, json: [] }), 401, { detail: 'signature' });
  });

  it('an alg "none" (unsigned) token is 401 problem+json', async () => {
    const unsigned = `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url({ sub: 'api-user', iat: nowSeconds() })}.`;
    await expectProblem(await call(s, ECHO, { token: unsigned, json: [] }), 401);
  });

  it('a token signed with another HMAC algorithm (HS512, same secret) is 401 problem+json: only HS256 is accepted', async () => {
    await expectProblem(await call(s, ECHO, { token: await mint('api-user', { alg: 'HS512' }), json: [] }), 401, { detail: 'HS256' });
  });

  it('a token for integrator (a User without "Use API Key" and "Run Actions") is 403 problem+json naming the missing privileges', async () => {
    const problem = await expectProblem(await call(s, ECHO, { token: await mint('integrator'), json: [] }), 403, { detail: 'integrator' });
    expect(problem.detail).toContain('"Use API Key"');
    expect(problem.detail).toContain('"Run Actions"');
  });

  it('a token for a user that does not exist (or without sub) is 401 problem+json', async () => {
    await expectProblem(await call(s, ECHO, { token: await mint('ghost'), json: [] }), 401, { detail: 'no known user' });
    await expectProblem(await call(s, ECHO, { token: await mint(null), json: [] }), 401);
  });

  it('a token for a disabled user with the privileges is 403 problem+json', async () => {
    const store = s.fm.services.store;
    await store.users.create({
      id: randomUUID(), username: 'disabled-api-user', displayName: 'Disabled', email: null,
      enabled: false, roleIds: ['super-user'], passwordHash: null, createdAt: new Date().toISOString(),
    });
    await expectProblem(await call(s, ECHO, { token: await mint('disabled-api-user'), json: [] }), 403, { detail: 'disabled' });
  });

  it('a malformed Authorization header is 401 problem+json: not Bearer, Bearer without a token, a token that is not a JWT', async () => {
    for (const header of ['Basic YXBpLXVzZXI6c2VjcmV0', 'Bearer', 'Bearer two tokens', 'Token abc.def.ghi']) {
      await expectProblem(await call(s, ECHO, { json: [], headers: { Authorization: header } }), 401);
    }
    await expectProblem(await call(s, ECHO, { json: [], token: 'not-a-jwt' }), 401, { detail: 'malformed' });
  });
});
