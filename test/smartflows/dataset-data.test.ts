/**
 * A data set's data objects over HTTP: CreateDatasetData stores a data object (201, Location),
 * it is a data object like an execution's input (GetData, GetDataContent, DeleteData) and lists
 * in GetDatasetDatas (paging, sort, filter; only what the caller may see); bad bodies are 400s
 * naming the field; a read-only data set is a 409; the data set is in use while it holds data.
 * Every answer is checked against the spec by the server (validateResponses).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';
import { expectProblem, json } from './helpers.js';

type Obj = Record<string, any>;
let s: TestServer;
beforeAll(async () => { s = await startServer({ clock: 'virtual' }); });
afterAll(() => s?.close());

const get = (p: string, key = s.adminKey) => s.call(p, { key });
const send = (p: string, method: string, body: unknown, key = s.adminKey) =>
  s.call(p, { method, key, body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } });

async function newDataset(name: string): Promise<string> {
  return (await json<Obj>(await send('/api/v1/datasets', 'POST', { displayName: name, readOnly: false }), 201)).id;
}

describe('CreateDatasetData and GetDatasetDatas', () => {
  it('stores JSON and XML data in the data set; each is a data object with its content, listed by the data set', async () => {
    const ds = await newDataset('zz-data-set');
    const res = await send(`/api/v1/datasets/${ds}/data`, 'POST', { displayName: 'order 1', description: 'first', value: { content: { order: { id: 1, lines: [1, 2] } } } });
    const made = await json<Obj>(res, 201);
    expect(res.headers.get('location')).toBe(`/api/v1/data/${made.id}`);
    expect(made).toMatchObject({
      type: 'value', displayName: 'order 1', description: 'first', usage: 'userCreated', contentType: 'application/json', dataAvailable: true,
      dataset: { id: ds, displayName: 'zz-data-set', type: 'dataset' }, value: { content: { order: { id: 1, lines: [1, 2] } }, contentType: 'application/json' },
      createdBy: { displayName: 'Administrator' },
    });
    expect(await json(await get(`/api/v1/data/${made.id}`))).toEqual(made);
    expect(JSON.parse(await (await get(`/api/v1/data/${made.id}/content`)).text())).toEqual({ order: { id: 1, lines: [1, 2] } });

    const xml = await json<Obj>(await send(`/api/v1/datasets/${ds}/data`, 'POST', { value: { content: '<order id="2"/>' }, expiration: '2027-01-01T00:00:00Z' }), 201);
    expect(xml).toMatchObject({ displayName: 'Data of zz-data-set', contentType: 'application/xml', expiration: '2027-01-01T00:00:00.000Z', value: { content: '<order id="2"/>' } });
    expect(await (await get(`/api/v1/data/${xml.id}/content`)).text()).toBe('<order id="2"/>');

    await s.advance(1000);
    const third = await json<Obj>(await send(`/api/v1/datasets/${ds}/data`, 'POST', { displayName: 'order 3', value: { content: [3], contentType: 'application/json' } }), 201);
    const ids = (l: Obj[]) => l.map((d) => d.id);
    const all = await json<Obj[]>(await get(`/api/v1/datasets/${ds}/data`));
    expect(ids(all)[0]).toBe(third.id); // newest first
    expect(ids(all).sort()).toEqual([made.id, xml.id, third.id].sort());
    expect(ids(await json<Obj[]>(await get(`/api/v1/datasets/${ds}/data?sort=displayName,asc`)))).toEqual([xml.id, made.id, third.id]);
    expect(ids(await json<Obj[]>(await get(`/api/v1/datasets/${ds}/data?filter=displayName:order`)))).toHaveLength(2);
    expect(ids(await json<Obj[]>(await get(`/api/v1/datasets/${ds}/data?sort=displayName,desc&size=1&page=1`)))).toEqual([made.id]);
    await expectProblem(await get(`/api/v1/datasets/${ds}/data?sort=colour,asc`), 400, { field: { in: 'query', pointer: '/sort' } });
    await expectProblem(await get(`/api/v1/datasets/${ds}/data?filter=colour:red`), 400, { field: { in: 'query', pointer: '/filter' } });
    // Another data set holds none of them.
    expect(await json(await get('/api/v1/datasets/11111111-1111-4111-8111-111111111102-dataset/data?filter=displayName:order 1'))).toEqual([]);

    // A deleted data object leaves the data set's list.
    expect((await s.call(`/api/v1/data/${third.id}`, { method: 'DELETE', key: s.adminKey })).status).toBe(204);
    expect(ids(await json<Obj[]>(await get(`/api/v1/datasets/${ds}/data`)))).not.toContain(third.id);
  });

  it('a data set holding data is in use: delete is a 409 naming the data, deleteInbound unlinks it and the data stays', async () => {
    const ds = await newDataset('zz-data-in-use');
    const d = await json<Obj>(await send(`/api/v1/datasets/${ds}/data`, 'POST', { displayName: 'kept', value: { content: { a: 1 } } }), 201);
    const deps = await json<Obj>(await get(`/api/v1/dependencies/dataset/${ds}?direction=inbound`));
    expect(deps.inbound.map((n: Obj) => n.target)).toEqual([{ id: d.id, displayName: 'kept', type: 'data' }]);
    await expectProblem(await s.call(`/api/v1/datasets/${ds}`, { method: 'DELETE', key: s.adminKey }), 409, { detail: d.id });
    expect(await json(await s.call(`/api/v1/datasets/${ds}?deleteInbound=true`, { method: 'DELETE', key: s.adminKey }))).toEqual({});
    const after = await json<Obj>(await get(`/api/v1/data/${d.id}`));
    expect(after).not.toHaveProperty('dataset');
    expect(after.value.content).toEqual({ a: 1 });
    await expectProblem(await get(`/api/v1/datasets/${ds}/data`), 404);
  });

  it('bad bodies are 400s naming the field; unknown data sets 404; a read-only data set 409; rights', async () => {
    const ds = await newDataset('zz-data-bad');
    const post = (body: unknown) => send(`/api/v1/datasets/${ds}/data`, 'POST', body);
    await expectProblem(await post({ displayName: 'x' }), 400, { field: { in: 'body', pointer: '/value/content', rule: 'required' } });
    await expectProblem(await post({ type: 'reference', reference: { query: 'q' }, value: { content: 1 } }), 400, { field: { in: 'body', pointer: '/type', rule: 'enum' } });
    await expectProblem(await post({ value: { content: '<open>', contentType: 'application/xml' } }), 400, { field: { in: 'body', pointer: '/value/content', rule: 'xml' } });
    await expectProblem(await post({ value: { content: 'x', contentType: 'text/csv' } }), 400, { field: { in: 'body', pointer: '/value/contentType', rule: 'enum' } });
    await expectProblem(await post({ value: { content: 1 }, expiration: 'soon' }), 400, { field: { in: 'body', pointer: '/expiration', rule: 'format' } });
    await expectProblem(await post({ value: { content: 1 }, displayName: '' }), 400, { field: { in: 'body', pointer: '/displayName' } });
    expect(await json(await get(`/api/v1/datasets/${ds}/data`))).toEqual([]);
    await expectProblem(await send('/api/v1/datasets/ghost/data', 'POST', { value: { content: 1 } }), 404);
    await expectProblem(await get('/api/v1/datasets/ghost/data'), 404);
    await expectProblem(await send('/api/v1/datasets/crm-records/data', 'POST', { value: { content: 1 } }), 409, { field: { in: 'path', pointer: '/datasetId', rule: 'readOnly' } });
    await expectProblem(await send(`/api/v1/datasets/${ds}/data`, 'POST', { value: { content: 1 } }, s.integratorKey), 403, { detail: 'write:data' });
  });
});
