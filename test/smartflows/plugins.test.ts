/**
 * The plugin operations over HTTP: GetPlugins (anonymous, flowmock's catalogue), the tag groups
 * the plugins provide (GetPluginTagGroups) synced into the tag groups collection
 * (SyncPluginTagGroups: created, then unchanged on a second sync, restored after a change or a
 * delete, 409 when a user's group has the name), and the data sets the plugins provide
 * (GetPluginDatasets, GetPluginOutputDatasets) from the data sets collection. Every answer is
 * checked against the spec by the server (validateResponses).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';
import { expectProblem, json } from './helpers.js';

type Obj = Record<string, any>;
let s: TestServer;
beforeAll(async () => { s = await startServer({ clock: 'virtual' }); });
afterAll(() => s?.close());

const get = (p: string, key: string | null = s.adminKey) => s.call(p, { key });
const send = (p: string, method: string, body?: unknown, key = s.adminKey) =>
  s.call(p, { method, key, ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } }) });

describe('GetPlugins', () => {
  it('answers the catalogue without credentials; the CRM plugin names its connector type and input data set, which exist', async () => {
    const plugins = await json<Obj[]>(await get('/api/v1/plugins', null));
    expect(plugins.map((p) => p.id)).toEqual(['crm', 'documents', 'interaction', 'flow-control']);
    const crm = plugins[0];
    expect(crm).toMatchObject({ connectorType: { id: 'rest' }, inputDataset: { id: 'crm-records' }, flowSteps: [] });
    await json(await get(`/api/v1/connectors/types/${crm.connectorType.id}`));
    await json(await get(`/api/v1/datasets/${crm.inputDataset.id}`));
    expect(plugins[1].flowSteps).toEqual([{ id: 'document', displayName: 'Document' }]);
  });
});

describe('plugin tag groups', () => {
  it('lists what the plugins provide; sync creates them, a second sync changes nothing, a changed or deleted one is put back', async () => {
    const provided = await json<Obj[]>(await get('/api/v1/taggroups/plugin'));
    expect(provided.map((g) => [g.id, g.definedBy])).toEqual([['crm-record-type', 'system'], ['document-kind', 'system']]);
    await expectProblem(await get('/api/v1/taggroups/crm-record-type'), 404); // not synced yet

    const first = await json<Obj[]>(await send('/api/v1/taggroups/plugin', 'POST'));
    expect(first.map((g) => g.id)).toEqual(['crm-record-type', 'document-kind']);
    expect(first[0]).toMatchObject({ displayName: 'CRM record type', tags: ['Account', 'Contact', 'Lead'], definedBy: 'system', createdBy: { displayName: 'Administrator' } });
    expect(await json(await get('/api/v1/taggroups/crm-record-type'))).toEqual(first[0]);
    const listed = await json<Obj[]>(await get('/api/v1/taggroups?filter=definedBy:system'));
    expect(listed.map((g) => g.id).sort()).toEqual(['crm-record-type', 'document-kind']);

    await s.advance(60_000);
    expect(await json(await send('/api/v1/taggroups/plugin', 'POST'))).toEqual(first); // idempotent: not even modifiedAt moves

    await json(await send('/api/v1/taggroups/document-kind', 'PUT', { displayName: 'Document kind', tags: ['Letter'], definedBy: 'user' }));
    await json(await send('/api/v1/taggroups/crm-record-type', 'DELETE'));
    await s.advance(60_000);
    const third = await json<Obj[]>(await send('/api/v1/taggroups/plugin', 'POST'));
    expect(third.map((g) => [g.id, g.definedBy, g.tags.length])).toEqual([['crm-record-type', 'system', 3], ['document-kind', 'system', 4]]);
    expect(third[1].modifiedAt).not.toBe(first[1].modifiedAt);
    expect(third[1].createdAt).toBe(first[1].createdAt);
  });

  it('a user\'s tag group with a plugin group\'s name is a 409 and nothing is synced; rights', async () => {
    const mine = await json<Obj>(await send('/api/v1/taggroups/crm-record-type', 'DELETE'));
    expect(mine).toEqual({});
    const clash = await json<Obj>(await send('/api/v1/taggroups', 'POST', { displayName: 'CRM record type', tags: ['x'], definedBy: 'user' }), 201);
    await json(await send('/api/v1/taggroups/document-kind', 'PUT', { displayName: 'Document kind', tags: ['Changed'], definedBy: 'user' }));
    await expectProblem(await send('/api/v1/taggroups/plugin', 'POST'), 409, { field: { in: 'body', pointer: '/displayName', rule: 'unique' }, detail: clash.id });
    await expectProblem(await get('/api/v1/taggroups/crm-record-type'), 404);
    expect((await json<Obj>(await get('/api/v1/taggroups/document-kind'))).tags).toEqual(['Changed']); // one transaction: nothing synced
    await json(await send(`/api/v1/taggroups/${clash.id}`, 'DELETE'));
    await expectProblem(await send('/api/v1/taggroups/plugin', 'POST', undefined, s.integratorKey), 403, { detail: 'write:tags' });
    await expectProblem(await get('/api/v1/taggroups/plugin', s.integratorKey), 403, { detail: 'read:tags' });
  });
});

describe('plugin data sets', () => {
  it('the data sets whose plugin is one of the catalogue\'s; output ones by purpose; following the collection', async () => {
    const ids = (l: Obj[]) => l.map((d) => d.id);
    expect(ids(await json<Obj[]>(await get('/api/v1/datasets/plugin')))).toEqual(['crm-activities', 'crm-records']);
    expect(ids(await json<Obj[]>(await get('/api/v1/datasets/plugin/output')))).toEqual(['crm-activities']);
    const made = await json<Obj>(await send('/api/v1/datasets', 'POST', { displayName: 'zz-doc-output', plugin: { id: 'documents' }, purpose: ['output'] }), 201);
    await json(await send('/api/v1/datasets', 'POST', { displayName: 'zz-no-plugin', plugin: { id: 'telex' }, purpose: ['output'] }), 201);
    expect(ids(await json<Obj[]>(await get('/api/v1/datasets/plugin/output')))).toEqual(['crm-activities', made.id]);
    expect(ids(await json<Obj[]>(await get('/api/v1/datasets/plugin')))).toEqual(['crm-activities', 'crm-records', made.id]);
    await expectProblem(await get('/api/v1/datasets/plugin', s.integratorKey), 403, { detail: 'read:datasets' });
  });
});
