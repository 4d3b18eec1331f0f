/**
 * Which actionflow a URL names, over HTTP: the version-10 URL, the ambiguous version-10 name
 * (409), the URL alias with the status code its definition sets, unknown names (404), and that
 * only a caller with a valid token learns which names exist (401/403 first, then 404/409).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../support/server.js';
import { call, envelopeOf, expectProblem, get, type Problem, statusPath, tokenFor, triggerPath, usePhixflowServer, v10Path } from './helpers.js';

let s: TestServer;
let token: string;
let integratorToken: string;
usePhixflowServer((started) => ({ s, token } = started));
beforeAll(async () => {
  integratorToken = await tokenFor(s, 'integrator');
});

describe('version-10 URL', () => {
  it('/phixflow/api/1/action/Legacy%20lookup/trigger runs Legacy/Legacy lookup: 200 with data.Result', async () => {
    expect(v10Path('Legacy lookup')).toBe('/phixflow/api/1/action/Legacy%20lookup/trigger');
    const env = await envelopeOf(await call(s, v10Path('Legacy lookup'), { token, json: [{ id: 7 }] }), 200);
    expect(env).toMatchObject({ status: 'Success', data: { Result: [{ id: 7, found: true }] } });
    expect(await s.fm.services.store.processes.byId(env.processId)).toMatchObject({ application: 'Legacy', actionflow: 'Legacy lookup' });
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
    expect(await s.fm.services.store.processes.byId(env.processId)).toMatchObject({ application: 'Demo', actionflow: 'Customer sync', httpStatus: 201 });
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

describe('credentials before names: without a valid token no URL tells which applications or actionflows exist', () => {
  // Every URL form, each naming a protected actionflow, an unknown one or an ambiguous name.
  const URLS: Array<[what: string, method: 'POST' | 'GET', url: string, withToken: number]> = [
    ['a protected actionflow (11.1.1+ URL)', 'POST', triggerPath('Demo', 'Echo and enrich'), 200],
    ['an unknown application (11.1.1+ URL)', 'POST', triggerPath('Nowhere', 'Echo and enrich'), 404],
    ['an unknown actionflow of a known application (11.1.1+ URL)', 'POST', triggerPath('Demo', 'No such flow'), 404],
    ['a protected actionflow (version-10 URL)', 'POST', v10Path('Legacy lookup'), 200],
    ['a protected actionflow (URL alias)', 'POST', v10Path('customers'), 201],
    ['a version-10 name two applications use', 'POST', v10Path('Echo and enrich'), 409],
    ['an unknown version-10 name or alias', 'POST', v10Path('nope'), 404],
    ['the status URL of a protected actionflow', 'GET', statusPath('Demo', 'Long report', 'no-such-process'), 404],
    ['the status URL of an unknown application', 'GET', statusPath('Nowhere', 'Long report', 'no-such-process'), 404],
    ['the status URL of an unknown actionflow', 'GET', statusPath('Demo', 'No such flow', 'no-such-process'), 404],
  ];
  const ask = (method: 'POST' | 'GET', url: string, bearer: string | null) =>
    method === 'POST' ? call(s, url, { token: bearer, json: [] }) : get(s, url, bearer);
  /** The problem without its request id: what must not differ from one URL to the next. */
  const sameness = async (what: string, res: Response, status: number) => {
    expect(res.status, what).toBe(status);
    const { requestId: _, ...rest } = (await expectProblem(res, status)) as Problem & { requestId?: string };
    return rest;
  };

  for (const [label, bearer, status] of [
    ['no token', () => null, 401],
    ['an invalid token', () => 'not.a.token', 401],
    ['the token of a user without the PhixFlow privileges', () => integratorToken, 403],
  ] as const) {
    it(`with ${label}: ${status}, the same problem for every URL`, async () => {
      const answers = [];
      for (const [what, method, url] of URLS) answers.push(await sameness(what, await ask(method, url, bearer()), status));
      for (const [i, answer] of answers.entries()) expect(answer, URLS[i][0]).toEqual(answers[0]);
      expect(JSON.stringify(answers[0])).not.toMatch(/Nowhere|Demo|Other|Legacy|Echo|customers|nope/);
    });
  }

  it('with a valid token, the names are told apart: 404 unknown, 409 ambiguous, the run otherwise', async () => {
    for (const [what, method, url, withToken] of URLS) expect((await ask(method, url, token)).status, what).toBe(withToken);
  });

  it('an anonymous actionflow still needs no token on either URL form (Public ping)', async () => {
    await envelopeOf(await call(s, triggerPath('Demo', 'Public ping')), 200);
    await envelopeOf(await call(s, v10Path('Public ping')), 200);
  });
});
