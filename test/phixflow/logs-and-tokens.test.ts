/**
 * The flowmock extensions around PhixFlow, over HTTP: the actionflow request/response log
 * (`GET /__flowmock/phixflow/logs`) and issuing tokens (`POST /__flowmock/phixflow/tokens`).
 */
import { describe, expect, it } from 'vitest';
import type { TestServer } from '../support/server.js';
import { call, envelopeOf, expectProblem, triggerPath, usePhixflowServer } from './helpers.js';

let s: TestServer;
let token: string;
usePhixflowServer((started) => ({ s, token } = started));

interface LogEntry {
  id: string; processId: string; application: string; actionflow: string; kind: 'request' | 'response'; at: string;
  content: Record<string, any>;
}
interface LogPage { content: LogEntry[]; number: number; size: number; totalElements: number; totalPages: number }

const logsOf = (processId: string, key: string | null) =>
  s.call(`/__flowmock/phixflow/logs?processId=${encodeURIComponent(processId)}`, { key });

const issue = (body: unknown, key: string | null) =>
  s.call('/__flowmock/phixflow/tokens', { method: 'POST', key, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

describe('request/response logging (Echo and enrich has logRequest and logResponse on)', () => {
  it('GET /__flowmock/phixflow/logs?processId= with the admin key lists the request (Authorization redacted) and the response', async () => {
    const body = JSON.stringify([{ name: 'Ann', email: 'ann@example.com' }]);
    const res = await call(s, triggerPath('Demo', 'Echo and enrich', '?source=crm'), {
      token, raw: body, contentType: 'application/json', headers: { 'X-Correlation-Id': 'corr-42' },
    });
    const env = await envelopeOf(res, 200);

    const logs = await s.call(`/__flowmock/phixflow/logs?processId=${env.processId}`, { key: s.adminKey });
    expect(logs.status).toBe(200);
    expect(logs.headers.get('content-type')).toMatch(/^application\/json\b/);
    const page = (await logs.json()) as LogPage;
    expect(page.totalElements).toBe(2);
    expect(page.content.map((e) => e.kind).sort()).toEqual(['request', 'response']);
    for (const e of page.content) {
      expect(e).toMatchObject({ processId: env.processId, application: 'Demo', actionflow: 'Echo and enrich' });
    }

    const request = page.content.find((e) => e.kind === 'request')!;
    expect(request.content).toMatchObject({
      method: 'POST',
      url: '/phixflow/api/1/action/Demo/Echo%20and%20enrich/trigger?source=crm',
      body,
    });
    expect(request.content.headers.authorization).toBe('[redacted]');
    expect(request.content.headers['x-correlation-id']).toBe('corr-42');
    expect(request.content.headers['content-type']).toBe('application/json');

    const response = page.content.find((e) => e.kind === 'response')!;
    expect(response.content).toEqual({ statusCode: 200, envelope: env });

    // The token itself appears nowhere in the log.
    expect(JSON.stringify(page)).not.toContain(token);
  });

  it('filters by processId: another run of the same actionflow has its own two entries', async () => {
    const a = await envelopeOf(await call(s, triggerPath('Demo', 'Echo and enrich'), { token, json: [] }), 200);
    const b = await envelopeOf(await call(s, triggerPath('Demo', 'Echo and enrich'), { token, json: [] }), 200);
    for (const id of [a.processId, b.processId]) {
      const page = (await (await logsOf(id, s.adminKey)).json()) as LogPage;
      expect(page.content.map((e) => e.processId)).toEqual([id, id]);
    }
  });

  it('an actionflow without logging switched on (Credit check) writes no entries', async () => {
    const env = await envelopeOf(await call(s, triggerPath('Demo', 'Credit check'), { token, json: [{ amount: 1 }] }), 200);
    const page = (await (await logsOf(env.processId, s.adminKey)).json()) as LogPage;
    expect(page).toMatchObject({ totalElements: 0, content: [] });
  });

  it('with the integrator key (no read:users) the log is 403 problem+json; without a key 401', async () => {
    await expectProblem(await logsOf('any', s.integratorKey), 403, { detail: 'read:users' });
    await expectProblem(await logsOf('any', null), 401);
  });

  it('a PhixFlow token is not a credential for the log: 401', async () => {
    const res = await fetch(`${s.base}/__flowmock/phixflow/logs`, { headers: { Authorization: `Bearer ${token}` } });
    await expectProblem(res, 401);
  });
});

describe('POST /__flowmock/phixflow/tokens', () => {
  it('with the admin key answers 201 with a token for the user, and that token triggers a protected actionflow', async () => {
    const res = await issue({ user: 'api-user', expiresIn: '1h' }, s.adminKey);
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toMatch(/^application\/json\b/);
    const body = (await res.json()) as { token: string; user: string; expiresAt: string | null };
    expect(body.user).toBe('api-user');
    const inAnHour = Date.now() + 3600_000;
    expect(Math.abs(Date.parse(body.expiresAt!) - inAnHour)).toBeLessThan(10_000);

    // JWT, HS256, sub = user name, exp set.
    const [header, payload] = body.token.split('.').slice(0, 2).map((p) => JSON.parse(Buffer.from(p, 'base64url').toString('utf8')));
    expect(header).toMatchObject({ alg: 'HS256', typ: 'JWT' });
    expect(payload).toMatchObject({ sub: 'api-user' });
    expect(typeof payload.exp).toBe('number');

    const env = await envelopeOf(await call(s, triggerPath('Demo', 'Echo and enrich'), { token: body.token, json: [{ email: 'z@q.io' }] }), 200);
    expect(env.data).toEqual({ Customers: [{ email: 'z@q.io', domain: 'q.io' }] });
  });

  it('without expiresIn the token does not expire (expiresAt null, no exp claim)', async () => {
    const res = await issue({ user: 'api-user' }, s.adminKey);
    expect(res.status).toBe(201);
    const body = (await res.json()) as { token: string; expiresAt: string | null };
    expect(body.expiresAt).toBeNull();
    const payload = JSON.parse(Buffer.from(body.token.split('.')[1], 'base64url').toString('utf8'));
    expect(payload.exp).toBeUndefined();
  });

  it('a token issued for integrator is issued (201) but the trigger refuses it with 403', async () => {
    const res = await issue({ user: 'integrator' }, s.adminKey);
    expect(res.status).toBe(201);
    const { token: integratorToken } = (await res.json()) as { token: string };
    await expectProblem(await call(s, triggerPath('Demo', 'Echo and enrich'), { token: integratorToken, json: [] }), 403);
  });

  it('with the integrator key (no write:users) is 403 problem+json', async () => {
    await expectProblem(await issue({ user: 'api-user' }, s.integratorKey), 403, { detail: 'write:users' });
  });

  it('without a key is 401 problem+json', async () => {
    await expectProblem(await issue({ user: 'api-user' }, null), 401);
  });

  it('for an unknown user is 404 problem+json naming the user', async () => {
    await expectProblem(await issue({ user: 'ghost' }, s.adminKey), 404, { detail: 'ghost' });
  });

  it('a bad expiresIn is 400 problem+json naming body /expiresIn', async () => {
    for (const expiresIn of ['1y', '0s', '-5m', '10', 'soon']) {
      await expectProblem(await issue({ user: 'api-user', expiresIn }, s.adminKey), 400, {
        field: { in: 'body', pointer: '/expiresIn', rule: 'pattern' },
      });
    }
  });

  it('a body without user, or with an unknown field, is 400 problem+json naming the field', async () => {
    await expectProblem(await issue({}, s.adminKey), 400, { field: { in: 'body', pointer: '/user', rule: 'required' } });
    await expectProblem(await issue({ user: 'api-user', role: 'admin' }, s.adminKey), 400, {
      field: { in: 'body', pointer: '/role', rule: 'additionalProperties' },
    });
  });
});
