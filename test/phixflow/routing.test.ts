/**
 * Which actionflow a URL names, over HTTP: the version-10 URL, the ambiguous version-10 name
 * (409), the URL alias with the status code its definition sets, unknown names (404).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';
import { call, envelopeOf, expectProblem, tokenFor, triggerPath, v10Path } from './helpers.js';

let s: TestServer;
let token: string;

beforeAll(async () => {
  s = await startServer();
  token = await tokenFor(s, 'api-user');
});
afterAll(async () => {
  await s?.close();
});

describe('version-10 URL', () => {
  it('/phixflow/api/1/action/Legacy%20lookup/trigger runs Legacy/Legacy lookup: 200 with data.Result', async () => {
    expect(v10Path('Legacy lookup')).toBe('/phixflow/api/1/action/Legacy%20lookup/trigger');
    const env = await envelopeOf(await call(s, v10Path('Legacy lookup'), { token, json: [{ id: 7 }] }), 200);
    expect(env).toMatchObject({ status: 'Success', data: { Result: [{ id: 7, found: true }] } });
    expect(s.fm.services.store.processes.byId(env.processId)).toMatchObject({ application: 'Legacy', actionflow: 'Legacy lookup' });
  });

  it('the same actionflow answers the same on its 11.1.1+ URL /Legacy/Legacy%20lookup/trigger', async () => {
    const env = await envelopeOf(await call(s, triggerPath('Legacy', 'Legacy lookup'), { token, json: { id: 8 } }), 200);
    expect(env).toMatchObject({ status: 'Success', data: { Result: [{ id: 8, found: true }] } });
  });

  it('an ambiguous name (Echo%20and%20enrich, used by applications Demo and Other) is 409 problem+json naming both applications', async () => {
    expect(v10Path('Echo and enrich')).toBe('/phixflow/api/1/action/Echo%20and%20enrich/trigger');
    const res = await call(s, v10Path('Echo and enrich'), { token, json: [] });
    const problem = await expectProblem(res, 409, { detail: 'Echo and enrich' });
    expect(problem.detail).toContain('Demo');
    expect(problem.detail).toContain('Other');
    // Each application's actionflow stays reachable on its full URL.
    const other = await envelopeOf(await call(s, triggerPath('Other', 'Echo and enrich'), { token, json: [{ a: 1 }] }), 200);
    expect(other.data).toEqual({ Customers: [{ a: 1, application: 'Other' }] });
  });
});

describe('URL alias', () => {
  it('/phixflow/api/1/action/customers/trigger runs Demo/Customer sync and answers the 201 and header its definition sets', async () => {
    const res = await call(s, v10Path('customers'), { token, json: [{ id: 1 }, { id: 2 }] });
    const env = await envelopeOf(res, 201);
    expect(env).toMatchObject({ status: 'Success', message: 'Processed 2 records', data: { Customers: [{ id: 1 }, { id: 2 }] } });
    expect(res.headers.get('x-sync-result')).toBe('stored');
    expect(s.fm.services.store.processes.byId(env.processId)).toMatchObject({ application: 'Demo', actionflow: 'Customer sync', httpStatus: 201 });
  });

  it('the aliased actionflow also answers 201 on its application-and-name URL', async () => {
    const res = await call(s, triggerPath('Demo', 'Customer sync'), { token, json: [] });
    await envelopeOf(res, 201);
    expect(res.headers.get('x-sync-result')).toBe('stored');
  });

  it('the alias still needs a token (Customer sync is not anonymous): 401 without one', async () => {
    await expectProblem(await call(s, v10Path('customers'), { json: [] }), 401);
  });
});

describe('unknown application or actionflow', () => {
  it('an unknown application is 404 problem+json naming it', async () => {
    await expectProblem(await call(s, triggerPath('Nowhere', 'Echo and enrich'), { token, json: [] }), 404, { detail: '"Nowhere"' });
  });

  it('an unknown actionflow in a known application is 404 problem+json naming it', async () => {
    await expectProblem(await call(s, triggerPath('Demo', 'No such flow'), { token, json: [] }), 404, { detail: '"No such flow"' });
  });

  it('names compare exactly: a differently-cased name is 404', async () => {
    await expectProblem(await call(s, triggerPath('Demo', 'echo and enrich'), { token, json: [] }), 404);
  });

  it('an unknown version-10 name or alias is 404 problem+json', async () => {
    await expectProblem(await call(s, v10Path('nope'), { token, json: [] }), 404, { detail: '"nope"' });
  });

  it('the trigger URL only takes POST: GET is 405 problem+json with Allow: POST', async () => {
    const res = await fetch(s.base + triggerPath('Demo', 'Echo and enrich'), { headers: { Authorization: `Bearer ${token}` } });
    await expectProblem(res, 405);
    expect(res.headers.get('allow')).toBe('POST');
  });
});
