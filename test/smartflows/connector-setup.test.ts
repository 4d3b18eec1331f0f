/**
 * The connector setup wizard over HTTP (SetupConnector, ...Current, ...Next, ...Previous,
 * ...Finish, ...Cancel): each connector type walks its documented stages (connection ->
 * authentication -> options -> review), bad values are 400s naming the field, the walk's state
 * errors are 409s, finish writes the collected values into the connector, cancel leaves it as it
 * was, and a setup in progress survives a restart on the same database. Every answer is checked
 * against the spec by the server (validateResponses).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, type TestServer } from '../support/server.js';
import { expectProblem, json } from './helpers.js';

type Obj = Record<string, any>;
const JSON_HEADERS = { 'Content-Type': 'application/json' };

let s: TestServer;
beforeAll(async () => { s = await startServer(); });
afterAll(() => s?.close());

const get = (p: string, srv = s) => srv.call(p, { key: srv.adminKey });
const post = (p: string, body?: unknown, opts: { key?: string; srv?: TestServer } = {}) => {
  const srv = opts.srv ?? s;
  return srv.call(p, { method: 'POST', key: opts.key ?? srv.adminKey, ...(body === undefined ? {} : { body: JSON.stringify(body), headers: JSON_HEADERS }) });
};
const setup = (id: string, step = '') => `/api/v1/connectors/${id}/setup${step ? `/${step}` : ''}`;

async function newConnector(name: string, type: string, extra: Obj = {}, srv = s): Promise<Obj> {
  return json<Obj>(await post('/api/v1/connectors', { displayName: name, connectorType: { id: type }, active: true, ...extra }, { srv }), 201);
}

describe('a REST connector walks connection -> authentication -> options -> review', () => {
  it('starts at connection filled from the connector, checks each stage, goes back keeping values, and finish applies them', async () => {
    const c = await newConnector('zz-setup-rest', 'rest', { properties: { baseUrl: 'https://old.example.test', keep: 'me' } });
    const first = await json<Obj>(await post(setup(c.id)));
    expect(first).toMatchObject({ id: 'connection', hasNext: true, hasPrevious: false, canFinish: false, model: { baseUrl: 'https://old.example.test' } });
    expect(first.schema).toMatchObject({ type: 'object', required: ['baseUrl'], properties: { baseUrl: { type: 'string', format: 'uri' } } });
    expect(first.form.map((f: Obj) => f.key)).toEqual(['baseUrl']);
    expect(await json(await get(setup(c.id, 'current')))).toEqual(first);

    // Bad values: a 400 naming each field, and the setup stays where it was.
    await expectProblem(await post(setup(c.id, 'next'), { baseUrl: 'ftp://files.example.test' }), 400, { field: { in: 'body', pointer: '/baseUrl', rule: 'format' } });
    await expectProblem(await post(setup(c.id, 'next'), { baseUrl: 42 }), 400, { field: { in: 'body', pointer: '/baseUrl', rule: 'type' } });
    await expectProblem(await post(setup(c.id, 'next'), { baseUrl: null }), 400, { field: { in: 'body', pointer: '/baseUrl', rule: 'required' } });
    await expectProblem(await post(setup(c.id, 'next'), { host: 'x' }), 400, { field: { in: 'body', pointer: '/host', rule: 'additionalProperties' }, detail: 'baseUrl' });
    expect((await json<Obj>(await get(setup(c.id, 'current')))).id).toBe('connection');

    const auth = await json<Obj>(await post(setup(c.id, 'next'), { baseUrl: 'https://api.example.test/v2' }));
    expect(auth).toMatchObject({ id: 'authentication', hasNext: true, hasPrevious: true, canFinish: false, model: { authType: 'none', apiKeyHeader: 'X-API-Key' } });
    // basic needs username and password: each missing one is named.
    const missing = await expectProblem(await post(setup(c.id, 'next'), { authType: 'basic' }), 400, { field: { in: 'body', pointer: '/username', rule: 'required' } });
    expect(missing.errors!.map((e) => e.pointer)).toEqual(['/username', '/password']);
    await expectProblem(await post(setup(c.id, 'next'), { authType: 'kerberos' }), 400, { field: { in: 'body', pointer: '/authType', rule: 'enum' } });

    // Previous keeps what was typed (incomplete is fine going back) and the connection values stay.
    const back = await json<Obj>(await post(setup(c.id, 'previous'), { authType: 'basic', username: 'svc' }));
    expect(back).toMatchObject({ id: 'connection', model: { baseUrl: 'https://api.example.test/v2' } });
    await expectProblem(await post(setup(c.id, 'previous')), 409, { field: { in: 'path', pointer: '/connectorId', rule: 'firstStage' } });
    const again = await json<Obj>(await post(setup(c.id, 'next'), {}));
    expect(again.model).toEqual({ authType: 'basic', username: 'svc', apiKeyHeader: 'X-API-Key' });
    expect(again.nextDisabled).toBe('Needs password.');
    await expectProblem(await post(setup(c.id, 'finish')), 409, { field: { in: 'path', pointer: '/connectorId', rule: 'notLastStage' }, detail: 'Authentication (stage 2 of 4)' });

    const options = await json<Obj>(await post(setup(c.id, 'next'), { password: 's3cret' }));
    expect(options).toMatchObject({ id: 'options', model: { active: true, timeoutSeconds: 30 } });
    await expectProblem(await post(setup(c.id, 'next'), { timeoutSeconds: 601 }), 400, { field: { in: 'body', pointer: '/timeoutSeconds', rule: 'maximum' } });
    await expectProblem(await post(setup(c.id, 'next'), { timeoutSeconds: 1.5 }), 400, { field: { in: 'body', pointer: '/timeoutSeconds', rule: 'type' } });
    const review = await json<Obj>(await post(setup(c.id, 'next'), { active: false, timeoutSeconds: 90 }));
    expect(review).toMatchObject({ id: 'review', hasNext: false, hasPrevious: true, canFinish: true, form: [] });
    // The review shows every stage's values, never a secret.
    expect(review.model).toEqual({
      connection: { baseUrl: 'https://api.example.test/v2' },
      authentication: { authType: 'basic', username: 'svc', apiKeyHeader: 'X-API-Key' },
      options: { active: false, timeoutSeconds: 90 },
    });
    await expectProblem(await post(setup(c.id, 'next')), 409, { field: { in: 'path', pointer: '/connectorId', rule: 'lastStage' } });
    await expectProblem(await post(setup(c.id, 'finish'), { extra: 1 }), 400, { field: { in: 'body', pointer: '/extra', rule: 'additionalProperties' } });

    const finished = await json<Obj>(await post(setup(c.id, 'finish'), {}));
    expect(finished).toMatchObject({ id: c.id, displayName: 'zz-setup-rest', active: false, modifiedBy: { displayName: 'Administrator' } });
    expect(finished.properties).toEqual({
      keep: 'me', baseUrl: 'https://api.example.test/v2', authType: 'basic', username: 'svc', password: 's3cret', apiKeyHeader: 'X-API-Key', timeoutSeconds: 90,
    });
    expect(await json(await get(`/api/v1/connectors/${c.id}`))).toEqual(finished);
    // The setup is over: each step but a new start is a 409.
    for (const step of ['current']) await expectProblem(await get(setup(c.id, step)), 409, { field: { in: 'path', pointer: '/connectorId', rule: 'setupNotStarted' } });
    for (const step of ['next', 'previous', 'finish', 'cancel']) await expectProblem(await post(setup(c.id, step)), 409, { field: { in: 'path', pointer: '/connectorId', rule: 'setupNotStarted' } });
    // TestConnector sees the connector the wizard made inactive.
    expect(await json<Obj>(await get(`/api/v1/connectors/${c.id}/test`))).toMatchObject({ status: 'failed' });
  });

  it('a secret left out of a later body keeps its value; null clears a field, and finish removes it from the properties', async () => {
    const c = await newConnector('zz-setup-secret', 'rest', { properties: { baseUrl: 'https://a.example.test', authType: 'bearer', token: 'old-token', timeoutSeconds: 12 } });
    await json(await post(setup(c.id)));
    const auth = await json<Obj>(await post(setup(c.id, 'next'), {}));
    expect(auth.model).toEqual({ authType: 'bearer', apiKeyHeader: 'X-API-Key' }); // token not shown
    expect(auth.form.find((f: Obj) => f.key === 'token')).toMatchObject({ secret: true, hasValue: true, required: true });
    await json(await post(setup(c.id, 'next'), { apiKeyHeader: null }));
    await json(await post(setup(c.id, 'next'), {}));
    const done = await json<Obj>(await post(setup(c.id, 'finish')));
    expect(done.properties).toEqual({ baseUrl: 'https://a.example.test', authType: 'bearer', token: 'old-token', timeoutSeconds: 12 });
    expect(done.active).toBe(true);
  });
});

describe('cancel, restart, other types, errors', () => {
  it('cancel discards what the setup collected and answers the connector unchanged', async () => {
    const c = await newConnector('zz-setup-cancel', 'rest', { properties: { baseUrl: 'https://keep.example.test' } });
    await json(await post(setup(c.id)));
    await json(await post(setup(c.id, 'next'), { baseUrl: 'https://changed.example.test' }));
    await expectProblem(await post(setup(c.id, 'cancel'), { baseUrl: 'x' }), 400, { field: { in: 'body', pointer: '/baseUrl' } });
    const cancelled = await json<Obj>(await post(setup(c.id, 'cancel')));
    expect(cancelled).toEqual(c);
    await expectProblem(await get(setup(c.id, 'current')), 409, { field: { in: 'path', pointer: '/connectorId', rule: 'setupNotStarted' } });
    // A new start begins at connection again from the connector's own values.
    expect((await json<Obj>(await post(setup(c.id)))).model).toEqual({ baseUrl: 'https://keep.example.test' });
  });

  it('starting again restarts at the first stage, dropping what was collected', async () => {
    const c = await newConnector('zz-setup-restart', 'rest');
    await json(await post(setup(c.id)));
    await json(await post(setup(c.id, 'next'), { baseUrl: 'https://one.example.test' }));
    const restarted = await json<Obj>(await post(setup(c.id)));
    expect(restarted).toMatchObject({ id: 'connection', model: {}, nextDisabled: 'Needs baseUrl.' });
  });

  it('Dynamics and Salesforce connectors walk their own fields', async () => {
    const d = await newConnector('zz-setup-dynamics', 'dynamics');
    expect((await json<Obj>(await post(setup(d.id)))).model).toEqual({ apiVersion: '9.2' });
    await expectProblem(await post(setup(d.id, 'next'), { organizationUrl: 'https://org.crm.dynamics.com', apiVersion: '8.0' }), 400, { field: { in: 'body', pointer: '/apiVersion', rule: 'enum' } });
    await json(await post(setup(d.id, 'next'), { organizationUrl: 'https://org.crm.dynamics.com' }));
    await expectProblem(await post(setup(d.id, 'next'), { tenantId: 'not-a-guid', clientId: '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0', clientSecret: 'x' }), 400,
      { field: { in: 'body', pointer: '/tenantId', rule: 'format' } });
    await json(await post(setup(d.id, 'next'), { tenantId: '11111111-2222-4333-8444-555555555555', clientId: '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0', clientSecret: 'x' }));
    await json(await post(setup(d.id, 'next'), {}));
    expect((await json<Obj>(await post(setup(d.id, 'finish')))).properties).toEqual({
      organizationUrl: 'https://org.crm.dynamics.com', apiVersion: '9.2', tenantId: '11111111-2222-4333-8444-555555555555',
      clientId: '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0', clientSecret: 'x', timeoutSeconds: 30,
    });

    const sf = await newConnector('zz-setup-salesforce', 'salesforce');
    await expectProblem(await post(setup(sf.id)).then(() => post(setup(sf.id, 'next'), { instanceUrl: 'https://acme.my.salesforce.com', apiVersion: 'v60' })), 400,
      { field: { in: 'body', pointer: '/apiVersion', rule: 'pattern' } });
    const auth = await json<Obj>(await post(setup(sf.id, 'next'), { instanceUrl: 'https://acme.my.salesforce.com' }));
    expect(auth.form.map((f: Obj) => f.key)).toEqual(['loginUrl', 'clientId', 'clientSecret']);
    expect(auth.model).toEqual({ loginUrl: 'https://login.salesforce.com' });
  });

  it('unknown connectors are 404, a type without a wizard 409, a body that is no object a 400, and the wizard needs write:connectors (current read:connectors)', async () => {
    for (const step of ['', 'next', 'previous', 'finish', 'cancel']) await expectProblem(await post(setup('ghost', step)), 404);
    await expectProblem(await get(setup('ghost', 'current')), 404);
    // A connector type without a wizard (the vendor API creates no types: one made through the engine) is a 409 naming the rule.
    const r = s.fm.services.resources;
    await r.create(r.collection('connectorTypes'), { displayName: 'zz-telex', description: 'no wizard' }, 'system');
    const telexType = (await r.list(r.collection('connectorTypes'), { page: 0, size: 10, filter: { type: 'and', nodes: [{ condition: { key: 'displayName', operator: 'equalTo', values: ['zz-telex'] } }] } })).content[0].record.id;
    const telex = await newConnector('zz-setup-telex', telexType);
    await expectProblem(await post(setup(telex.id)), 409, { field: { in: 'path', pointer: '/connectorId', rule: 'connectorType' }, detail: 'rest, dynamics, salesforce' });
    await expectProblem(await post(setup('crm-connector'), undefined, { key: s.integratorKey }), 403, { detail: 'write:connectors' });
    await expectProblem(await s.call(setup('crm-connector', 'current')), 403, { detail: 'read:connectors' });
    await expectProblem(await post(setup('crm-connector', 'next'), [1, 2]), 400);
  });
});

describe('a setup in progress is state in the store', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'flowmock-connector-setup-'));
  const servers: TestServer[] = [];
  afterAll(async () => {
    for (const x of servers) await x.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('survives a restart on the same database and finishes there; the setup record is no collection object', async () => {
    const db = path.join(dir, 'flowmock.db');
    const first = await startServer({ db });
    servers.push(first);
    const c = await newConnector('zz-setup-restart-db', 'rest', {}, first);
    await json(await post(setup(c.id), undefined, { srv: first }));
    await json(await post(setup(c.id, 'next'), { baseUrl: 'https://kept.example.test' }, { srv: first }));
    await first.close();
    servers.pop();

    const second = await startServer({ db });
    servers.push(second);
    expect(await json<Obj>(await get(setup(c.id, 'current'), second))).toMatchObject({ id: 'authentication', hasPrevious: true });
    await json(await post(setup(c.id, 'next'), {}, { srv: second }));
    await json(await post(setup(c.id, 'next'), {}, { srv: second }));
    expect((await json<Obj>(await post(setup(c.id, 'finish'), undefined, { srv: second }))).properties).toMatchObject({ baseUrl: 'https://kept.example.test', authType: 'none' });
    const listed = await json<Obj[]>(await get('/api/v1/connectors?size=100', second));
    expect(listed.every((x) => typeof x.displayName === 'string')).toBe(true);
    await expectProblem(await get(`/api/v1/dependencies/connectorSetup/${c.id}`, second), 400);
  });
});
