/**
 * Data source types and layouts over HTTP: the documented catalogue of types (404 for another id)
 * and a data source's layout derived from its properties (entity, fields, lookups; full adds the
 * looked-up entities), one entity of it (404 for another name), following a change of the data
 * source. Every answer is checked against the spec by the server (validateResponses).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';
import { expectProblem, json } from './helpers.js';

type Obj = Record<string, any>;
let s: TestServer;
beforeAll(async () => { s = await startServer(); });
afterAll(() => s?.close());

const get = (p: string, key = s.adminKey) => s.call(p, { key });

describe('data source types', () => {
  it('lists the catalogue, one per connector type, reads one, and 404s another', async () => {
    const types = await json<Obj[]>(await get('/api/v1/datasources/types'));
    expect(types.map((t) => [t.id, t.connectorType.id])).toEqual([['dynamics-entity', 'dynamics'], ['rest-entity', 'rest'], ['salesforce-object', 'salesforce']]);
    // Every type's connector type exists in the connector types collection.
    for (const t of types) await json(await get(`/api/v1/connectors/types/${t.connectorType.id}`));
    const rest = await json<Obj>(await get('/api/v1/datasources/types/rest-entity'));
    expect(rest).toEqual(types[1]);
    expect(rest.properties.entity).toMatchObject({ required: true, type: 'string' });
    expect(rest.properties.fields).toMatchObject({ required: false, default: 'id,name' });
    await expectProblem(await get('/api/v1/datasources/types/odbc'), 404, { detail: 'rest-entity' });
    await expectProblem(await s.call('/api/v1/datasources/types'), 403, { detail: 'read:datasources' });
  });
});

describe('data source layouts', () => {
  it('derives the seeded CRM accounts layout from its properties; full adds the looked-up entity', async () => {
    const layout = await json<Obj>(await get('/api/v1/datasources/crm-accounts/layout'));
    expect(layout).toMatchObject({ type: 'relational', datasourceType: { id: 'rest-entity', displayName: 'REST entity' } });
    expect(layout.entities.map((e: Obj) => e.name)).toEqual(['account']);
    expect(layout.entities[0].fields.map((f: Obj) => f.name)).toEqual(['id', 'name', 'email', 'city', 'primarycontact']);
    expect(layout.entities[0].lookups).toEqual([{ name: 'primarycontact', displayName: 'Primarycontact', to: ['contact'] }]);
    const full = await json<Obj>(await get('/api/v1/datasources/crm-accounts/layout?full=true'));
    expect(full.entities.map((e: Obj) => [e.name, e.canBePrimary])).toEqual([['account', true], ['contact', false]]);
    expect(await json(await get('/api/v1/datasources/crm-accounts/layout/contact'))).toEqual(full.entities[1]);
    await expectProblem(await get('/api/v1/datasources/crm-accounts/layout/invoice'), 404, { detail: 'account, contact' });
    await expectProblem(await get('/api/v1/datasources/ghost/layout'), 404);
    await expectProblem(await get('/api/v1/datasources/ghost/layout/account'), 404);
    await expectProblem(await get('/api/v1/datasources/crm-accounts/layout?full=maybe'), 400, { field: { in: 'query', pointer: '/full' } });
  });

  // The vendor API creates no data sources (they come from the installation: seeds, a restored backup): made through the engine.
  const engine = () => s.fm.services.resources;
  const make = async (body: Obj) => (await engine().create(engine().collection('datasources'), body, 'system')).record;

  it('follows the data source: another one with its own entity and the type\'s default fields, then changed', async () => {
    const ds = await make({ displayName: 'zz-sf-contacts', datasourceType: { id: 'salesforce-object' }, properties: { entity: 'Contact', lookups: 'AccountId:Account,ReportsToId:Contact' } });
    const l = await json<Obj>(await get(`/api/v1/datasources/${ds.id}/layout?full=true`));
    expect(l.entities.map((e: Obj) => e.name)).toEqual(['Contact', 'Account']); // the self-lookup adds no entity
    expect(l.entities[0].fields.map((f: Obj) => f.name)).toEqual(['Id', 'Name', 'AccountId', 'ReportsToId']);
    expect(l.entities[1].fields.map((f: Obj) => f.name)).toEqual(['Id', 'Name']);
    await engine().update(engine().collection('datasources'), ds.id, { displayName: 'zz-sf-contacts', datasourceType: { id: 'salesforce-object' }, properties: { entity: 'Lead', fields: 'Id, Email' } }, 'system');
    const changed = await json<Obj>(await get(`/api/v1/datasources/${ds.id}/layout?full=true`));
    expect(changed.entities.map((e: Obj) => [e.name, e.fields.map((f: Obj) => f.name)])).toEqual([['Lead', ['Id', 'Email']]]);
    const bare = await make({ displayName: 'zz-no-entity' });
    expect(await json(await get(`/api/v1/datasources/${bare.id}/layout`))).toEqual({ type: 'relational', entities: [] });
    await expectProblem(await get(`/api/v1/datasources/${bare.id}/layout/anything`), 404, { detail: 'no entity' });
  });
});
