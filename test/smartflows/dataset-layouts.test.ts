/**
 * A data set's layout over HTTP: GetDatasetLayout of a definition sent (its own entities, its data
 * sources' entities, the primary one; primaryOnly), a data source that does not exist a 400 naming
 * the field; GetDatasetEntityReferences of a stored data set (paged, sorted, filtered; 404 for an
 * unknown one). Every answer is checked against the spec by the server (validateResponses).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';
import { expectProblem, json } from './helpers.js';

type Obj = Record<string, any>;
let s: TestServer;
beforeAll(async () => { s = await startServer(); });
afterAll(() => s?.close());

const get = (p: string, key = s.adminKey) => s.call(p, { key });
const send = (p: string, method: string, body: unknown, key = s.adminKey) =>
  s.call(p, { method, key, body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } });
const names = (l: Obj[]) => l.map((e) => e.name);

describe('GetDatasetLayout', () => {
  it('derives the entities of a data set on a data source: the source\'s full layout, its entity primary', async () => {
    const layout = await json<Obj[]>(await send('/api/v1/datasets/layout', 'POST', { displayName: 'x', datasources: [{ id: 'crm-accounts' }] }));
    expect(layout.map((e) => [e.name, e.canBePrimary])).toEqual([['account', true], ['contact', false]]);
    expect(layout[0].fields.map((f: Obj) => f.name)).toEqual(['id', 'name', 'email', 'city', 'primarycontact']);
    expect(names(await json<Obj[]>(await send('/api/v1/datasets/layout?primaryOnly=true', 'POST', { displayName: 'x', datasources: [{ id: 'crm-accounts' }] })))).toEqual(['account']);
  });

  it('takes the definition\'s own entities first, and the primary entity its content names', async () => {
    const body = {
      displayName: 'orders',
      datasources: [{ id: 'crm-accounts' }],
      content: {
        type: 'standard',
        standardContent: {
          primaryEntity: 'order',
          entities: [
            { name: 'order', displayName: 'Order', fields: [{ name: 'number', displayName: 'Number' }, { name: 'account' }], lookups: [{ name: 'account', relatedEntities: ['account'] }] },
            { name: 'contact', displayName: 'Person', fields: [{ name: 'email' }] },
          ],
        },
      },
    };
    const layout = await json<Obj[]>(await send('/api/v1/datasets/layout', 'POST', body));
    expect(layout.map((e) => [e.name, e.displayName, e.canBePrimary])).toEqual([['order', 'Order', true], ['contact', 'Person', false], ['account', 'Account', false]]);
    expect(layout[0]).toMatchObject({ fields: [{ name: 'number', displayName: 'Number' }, { name: 'account', displayName: 'account' }], lookups: [{ name: 'account', to: ['account'] }] });
    const primary = await json<Obj[]>(await send('/api/v1/datasets/layout?primaryOnly=true', 'POST', body));
    expect(primary).toEqual([layout[0]]);
    // A primary entity nothing defines yet: an entity without fields.
    expect(await json(await send('/api/v1/datasets/layout?primaryOnly=true', 'POST', { displayName: 'y', content: { type: 'schema', schemaContent: { primaryEntity: 'invoice' } } })))
      .toMatchObject([{ name: 'invoice', canBePrimary: true, fields: [] }]);
    expect(await json(await send('/api/v1/datasets/layout', 'POST', { displayName: 'empty' }))).toEqual([]);
  });

  it('a data source that does not exist is a 400 naming it; rights', async () => {
    await expectProblem(await send('/api/v1/datasets/layout', 'POST', { displayName: 'x', datasources: [{ id: 'crm-accounts' }, { id: 'ghost' }] }), 400,
      { field: { in: 'body', pointer: '/datasources/1/id', rule: 'reference' } });
    await expectProblem(await send('/api/v1/datasets/layout', 'POST', { displayName: 'x' }, s.integratorKey), 403, { detail: 'read:datasets' });
  });
});

describe('GetDatasetEntityReferences', () => {
  it('names the entities of a stored data set, paged, sorted and filtered; 404 for an unknown one', async () => {
    const refs = await json<Obj[]>(await get('/api/v1/datasets/crm-records/entityrefs'));
    expect(refs).toEqual([{ id: 'account', displayName: 'Account', type: 'entityReference' }, { id: 'contact', displayName: 'Contact', type: 'entityReference' }]);
    expect((await json<Obj[]>(await get('/api/v1/datasets/crm-records/entityrefs?sort=id,desc&size=1'))).map((r) => r.id)).toEqual(['contact']);
    expect((await json<Obj[]>(await get('/api/v1/datasets/crm-records/entityrefs?filter=displayName:acc'))).map((r) => r.id)).toEqual(['account']);
    await expectProblem(await get('/api/v1/datasets/crm-records/entityrefs?sort=size,asc'), 400, { field: { in: 'query', pointer: '/sort' } });
    const made = await json<Obj>(await send('/api/v1/datasets', 'POST', { displayName: 'zz-refs', content: { type: 'standard', standardContent: { entities: [{ name: 'ticket' }] } } }), 201);
    expect(await json(await get(`/api/v1/datasets/${made.id}/entityrefs`))).toEqual([{ id: 'ticket', displayName: 'ticket', type: 'entityReference' }]);
    await expectProblem(await get('/api/v1/datasets/ghost/entityrefs'), 404);
  });
});
