/**
 * The regular collections over HTTP, one table across the families the resource engine serves
 * (spec: components.x-flowmock-resources, operations bound by x-flowmock-resource): create (201 +
 * Location), read, list with filter, sort and paging, the filter body, update, delete, 404s,
 * 400s naming the field, duplicates (409), and permissions (a key borrows its user's rights: the
 * integrator, a plain User, lacks the collections' scopes). Every answer is checked against the
 * spec by the server (validateResponses).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';
import { expectProblem, json } from './helpers.js';

let s: TestServer;
beforeAll(async () => { s = await startServer(); });
afterAll(() => s?.close());

type Obj = Record<string, any>;
const JSON_HEADERS = { 'Content-Type': 'application/json' };
const admin = (path: string, init: RequestInit = {}) => s.call(path, { key: s.adminKey, ...init });
const send = (path: string, method: string, body: unknown, key?: string) =>
  s.call(path, { method, body: JSON.stringify(body), headers: JSON_HEADERS, key: key ?? s.adminKey });

interface Family {
  name: string;
  path: string;
  scope: string;
  /** A valid new object whose display name (or code) is `name`. */
  make(name: string): Obj;
  /** The field that is unique and names the object in lists. */
  nameField: string;
  /** The field a create must carry. */
  required: string;
}

const FAMILIES: Family[] = [
  { name: 'assets', path: '/api/v1/assets', scope: 'assets', nameField: 'displayName', required: 'displayName', make: (n) => ({ displayName: n, description: 'an asset', contentType: 'text/plain' }) },
  { name: 'connectors', path: '/api/v1/connectors', scope: 'connectors', nameField: 'displayName', required: 'displayName', make: (n) => ({ displayName: n, connectorType: { id: 'rest' }, active: true }) },
  { name: 'datasets', path: '/api/v1/datasets', scope: 'datasets', nameField: 'displayName', required: 'displayName', make: (n) => ({ displayName: n, datasources: [{ id: 'crm-accounts' }] }) },
  { name: 'languages', path: '/api/v1/languages', scope: 'languages', nameField: 'code', required: 'code', make: (n) => ({ displayName: `Language ${n}`, code: n, isDefault: false }) },
  { name: 'tag groups', path: '/api/v1/taggroups', scope: 'tags', nameField: 'displayName', required: 'displayName', make: (n) => ({ displayName: n, tags: ['a', 'b'], definedBy: 'user' }) },
  { name: 'templates', path: '/api/v1/templates', scope: 'templates', nameField: 'displayName', required: 'displayName', make: (n) => ({ displayName: n, type: 'standard', datasets: [{ id: 'crm-records', type: 'standard' }] }) },
];

describe.each(FAMILIES)('$name', (f) => {
  const prefix = `zz-${f.scope}`;

  it('create answers 201 with Location and the object (server fields set); GET at Location answers the same', async () => {
    const res = await send(f.path, 'POST', { ...f.make(`${prefix}-created`), id: 'ignored', createdAt: '1999-01-01T00:00:00Z', notInTheModel: 1 });
    const created = await json<Obj>(res, 201);
    expect(created.id).not.toBe('ignored');
    expect(res.headers.get('location')).toBe(`${f.path}/${created.id}`);
    expect(created).toMatchObject({ [f.nameField]: `${prefix}-created`, createdBy: { displayName: 'Administrator', type: 'user' } });
    expect(created.createdAt).not.toBe('1999-01-01T00:00:00Z');
    expect(created).not.toHaveProperty('notInTheModel');
    expect(await json(await admin(res.headers.get('location')!))).toEqual(created);
  });

  it('lists with the query filter, sort both ways and paging; the filter body takes nested groups (languages: the vendor\'s unpaged list, all by code)', async () => {
    for (const n of ['1', '3', '2']) await json(await send(f.path, 'POST', f.make(`${prefix}-list-${n}`)), 201);
    const names = (list: Obj[]) => list.map((o) => o[f.nameField]);
    if (f.name === 'languages') {
      const all = names(await json(await admin(f.path)));
      expect(all).toEqual([...all].sort());
      expect(all).toEqual(expect.arrayContaining(['de', 'en', 'nl', `${prefix}-list-1`, `${prefix}-list-2`, `${prefix}-list-3`]));
      return;
    }
    const asc = await admin(`${f.path}?filter=${f.nameField}:${prefix}-LIST&sort=${f.nameField},asc`);
    expect(names(await json(asc))).toEqual([`${prefix}-list-1`, `${prefix}-list-2`, `${prefix}-list-3`]);
    expect(asc.headers.get('x-total-count')).toBe('3');
    const page = await admin(`${f.path}?filter=${f.nameField}:${prefix}-list&sort=${f.nameField},desc&page=1&size=2`);
    expect(names(await json(page))).toEqual([`${prefix}-list-1`]);
    const body = { group: { type: 'and', nodes: [
      { condition: { key: f.nameField, operator: 'like', values: [`${prefix}-list`] } },
      { group: { type: 'or', nodes: [
        { condition: { key: f.nameField, operator: 'equalTo', values: [`${prefix}-list-1`] } },
        { condition: { key: f.nameField, operator: 'in', values: [`${prefix}-list-3`, 'nothing'] } },
      ] } },
    ] } };
    const filterPath = `${f.path}/filter?sort=${f.nameField},desc`;
    expect(names(await json(await send(filterPath, 'POST', body)))).toEqual([`${prefix}-list-3`, `${prefix}-list-1`]);
  });

  it('a sort or filter property the list does not have is a 400 naming the parameter', async () => {
    if (f.name === 'languages') return; // GetLanguages takes no query
    await expectProblem(await admin(`${f.path}?sort=nope,asc`), 400, { field: { in: 'query', pointer: '/sort', rule: 'enum' } });
    await expectProblem(await admin(`${f.path}?filter=nope:x`), 400, { field: { in: 'query', pointer: '/filter', rule: 'enum' } });
    await expectProblem(await send(`${f.path}/filter`, 'POST', { group: { type: 'and', nodes: [{ condition: { key: 'nope', operator: 'like', values: ['x'] } }] } }),
      400, { field: { in: 'body', pointer: '/group/nodes/0/condition/key', rule: 'enum' } });
  });

  it('update replaces the client fields and keeps the creation; unknown ids are 404 on get, update and delete', async () => {
    const created = await json<Obj>(await send(f.path, 'POST', f.make(`${prefix}-upd`)), 201);
    const changed = { ...f.make(`${prefix}-upd2`), description: 'changed' };
    const updated = await json<Obj>(await send(`${f.path}/${created.id}`, 'PUT', changed));
    expect(updated).toMatchObject({ id: created.id, [f.nameField]: `${prefix}-upd2`, description: 'changed', createdAt: created.createdAt });
    expect(await json(await admin(`${f.path}/${created.id}`))).toEqual(updated);
    await expectProblem(await admin(`${f.path}/no-such-id`), 404);
    await expectProblem(await send(`${f.path}/no-such-id`, 'PUT', changed), 404);
    await expectProblem(await admin(`${f.path}/no-such-id`, { method: 'DELETE' }), 404);
  });

  it('a missing required field is a 400 naming it; a second object with the same unique field is a 409 naming the holder', async () => {
    const { [f.required]: _dropped, ...without } = f.make(`${prefix}-req`);
    await expectProblem(await send(f.path, 'POST', without), 400, { field: { in: 'body', pointer: `/${f.required}` } });
    const first = await json<Obj>(await send(f.path, 'POST', f.make(`${prefix}-dup`)), 201);
    await expectProblem(await send(f.path, 'POST', f.make(`${prefix}-dup`)), 409, { detail: first.id, field: { in: 'body', pointer: `/${f.nameField}`, rule: 'unique' } });
    const other = await json<Obj>(await send(f.path, 'POST', f.make(`${prefix}-dup-other`)), 201);
    await expectProblem(await send(`${f.path}/${other.id}`, 'PUT', f.make(`${prefix}-dup`)), 409, { field: { in: 'body', pointer: `/${f.nameField}`, rule: 'unique' } });
  });

  it('delete removes an unused object: 200, then 404', async () => {
    const created = await json<Obj>(await send(f.path, 'POST', f.make(`${prefix}-del`)), 201);
    expect(await json(await admin(`${f.path}/${created.id}`, { method: 'DELETE' }))).toEqual({});
    await expectProblem(await admin(`${f.path}/${created.id}`), 404);
  });

  it('the integrator (a User without the scopes) gets 403 on read, write and delete', async () => {
    const created = await json<Obj>(await send(f.path, 'POST', f.make(`${prefix}-perm`)), 201);
    await expectProblem(await s.call(f.path), 403, { detail: `read:${f.scope}` });
    await expectProblem(await s.call(`${f.path}/${created.id}`), 403, { detail: `read:${f.scope}` });
    await expectProblem(await send(f.path, 'POST', f.make(`${prefix}-perm2`), s.integratorKey), 403, { detail: `write:${f.scope}` });
    await expectProblem(await s.call(`${f.path}/${created.id}`, { method: 'DELETE' }), 403, { detail: `delete:${f.scope}` });
    await json(await admin(`${f.path}/${created.id}`));
  });
});

describe('data sources (read only in the vendor API)', () => {
  it('lists, filters and reads the seeded data source; an unknown one is a 404', async () => {
    const list = await json<Obj[]>(await admin('/api/v1/datasources?filter=connector.id:crm'));
    expect(list.map((d) => d.id)).toEqual(['crm-accounts']);
    const filtered = await json<Obj[]>(await send('/api/v1/datasources/filter', 'POST', { group: { type: 'and', nodes: [{ condition: { key: 'displayName', operator: 'equalTo', values: ['CRM accounts'] } }] } }));
    expect(filtered.map((d) => d.id)).toEqual(['crm-accounts']);
    expect(await json(await admin('/api/v1/datasources/crm-accounts'))).toMatchObject({ connector: { id: 'crm-connector' } });
    await expectProblem(await admin('/api/v1/datasources/nope'), 404);
  });
});

describe('connector types (read only in the vendor API)', () => {
  it('lists every seeded type by name, reads one, and a connector must name one of them', async () => {
    expect((await json<Obj[]>(await admin('/api/v1/connectors/types'))).map((t) => t.id)).toEqual(['dynamics', 'rest', 'salesforce']);
    const dynamics = await json<Obj>(await admin('/api/v1/connectors/types/dynamics'));
    expect(dynamics).toMatchObject({ displayName: 'Microsoft Dynamics 365', supportsLogin: true });
    expect(dynamics).not.toHaveProperty('createdAt'); // the vendor's ConnectorType has no creation fields
    await expectProblem(await admin('/api/v1/connectors/types/nope'), 404);
    await expectProblem(await send('/api/v1/connectors', 'POST', { displayName: 'zz-typeless', connectorType: { id: 'telex' } }), 400,
      { field: { in: 'body', pointer: '/connectorType/id', rule: 'reference' } });
    await expectProblem(await s.call('/api/v1/connectors/types'), 403, { detail: 'read:connectors' });
  });
});

describe('connectors: test and refresh', () => {
  it('an active connector tests successful with a warning that nothing was contacted, an inactive one failed; refresh answers {}; unknown ones 404', async () => {
    expect(await json<Obj>(await admin('/api/v1/connectors/crm-connector/test'))).toMatchObject({ status: 'successful', hasWarnings: true, messages: [{ type: 'warning', code: 'sandbox' }] });
    const off = await json<Obj>(await send('/api/v1/connectors', 'POST', { displayName: 'zz-off', connectorType: { id: 'rest' }, active: false }), 201);
    expect(await json<Obj>(await admin(`/api/v1/connectors/${off.id}/test`))).toMatchObject({ status: 'failed', messages: [{ type: 'error', code: 'inactive' }] });
    expect(await json(await admin('/api/v1/connectors/crm-connector/refresh', { method: 'POST' }))).toEqual({});
    await expectProblem(await admin('/api/v1/connectors/ghost/test'), 404);
    await expectProblem(await admin('/api/v1/connectors/ghost/refresh', { method: 'POST' }), 404);
    await expectProblem(await s.call('/api/v1/connectors/crm-connector/refresh', { method: 'POST' }), 403, { detail: 'write:connectors' });
  });
});

describe('references', () => {
  it('an object naming one that does not exist is a 400 naming the field (rule reference)', async () => {
    await expectProblem(await send('/api/v1/templates', 'POST', { displayName: 'zz-ref', datasets: [{ id: 'crm-records' }, { id: 'ghost' }] }),
      400, { detail: 'ghost', field: { in: 'body', pointer: '/datasets/1/id', rule: 'reference' } });
    await expectProblem(await send('/api/v1/datasets', 'POST', { displayName: 'zz-ref', tagGroups: [{ group: { id: 'ghost' }, tags: [] }] }),
      400, { field: { in: 'body', pointer: '/tagGroups/0/group/id', rule: 'reference' } });
  });

  it('deleting a used object is a 409 naming every user; deleteInbound=true takes the references out of the users, then deletes', async () => {
    const group = await json<Obj>(await send('/api/v1/taggroups', 'POST', { displayName: 'zz-used-group', tags: ['x'] }), 201);
    const ds = await json<Obj>(await send('/api/v1/datasets', 'POST', {
      displayName: 'zz-used-ds', tagGroups: [{ group: { id: 'region' }, tags: ['EMEA'] }, { group: { id: group.id }, tags: ['x'] }],
    }), 201);
    const tpl = await json<Obj>(await send('/api/v1/templates', 'POST', {
      displayName: 'zz-user-tpl', datasets: [{ id: ds.id }], tagGroups: [{ group: { id: group.id }, tags: ['x'] }],
    }), 201);
    const problem = await expectProblem(await admin(`/api/v1/taggroups/${group.id}`, { method: 'DELETE' }), 409, { field: { in: 'query', pointer: '/deleteInbound', rule: 'inUse' } });
    expect(problem.detail).toContain(`dataset zz-used-ds (${ds.id}) in /tagGroups/1/group/id`);
    expect(problem.detail).toContain(`template zz-user-tpl (${tpl.id}) in /tagGroups/0/group/id`);
    expect(problem.errors).toHaveLength(2);

    expect(await json(await admin(`/api/v1/taggroups/${group.id}?deleteInbound=true`, { method: 'DELETE' }))).toEqual({});
    await expectProblem(await admin(`/api/v1/taggroups/${group.id}`), 404);
    expect((await json<Obj>(await admin(`/api/v1/datasets/${ds.id}`))).tagGroups).toEqual([{ group: { id: 'region' }, tags: ['EMEA'] }]);
    expect((await json<Obj>(await admin(`/api/v1/templates/${tpl.id}`))).tagGroups).toEqual([]);
    // The data set is still used by the template.
    await expectProblem(await admin(`/api/v1/datasets/${ds.id}`, { method: 'DELETE' }), 409, { detail: tpl.id });
  });

  it('flows are users: deleting the template a demo flow prints is a 409 naming the flow; a language takes force=true too', async () => {
    await expectProblem(await admin('/api/v1/templates/contract', { method: 'DELETE' }), 409, { detail: /flow E-signature \(11111111-1111-4111-8111-111111111105\) in \/steps\/\d+\/templateId/ });
    const tpl = await json<Obj>(await send('/api/v1/languages', 'POST', { displayName: 'Klingon', code: 'tlh' }), 201);
    expect(await json(await admin(`/api/v1/languages/${tpl.id}?force=true`, { method: 'DELETE' }))).toEqual({});
    await expectProblem(await admin('/api/v1/languages/en', { method: 'DELETE' }), 409, { detail: 'flow Invoice' });
  });
});

describe('dependencies', () => {
  it('the demo flows point at seeded templates, data sets and languages that exist, each reachable by its own operation', async () => {
    const paths: Record<string, string> = { template: '/api/v1/templates', dataset: '/api/v1/datasets', language: '/api/v1/languages' };
    const seen = new Set<string>();
    for (const flowId of ['11111111-1111-4111-8111-111111111101', '11111111-1111-4111-8111-111111111102', '11111111-1111-4111-8111-111111111103', '11111111-1111-4111-8111-111111111105']) {
      const tree = await json<Obj>(await s.call(`/api/v1/dependencies/flow/${flowId}`, { key: null }));
      expect(tree.object).toMatchObject({ id: flowId, type: 'flow' });
      expect(tree.outbound.length).toBeGreaterThan(0);
      for (const n of tree.outbound) {
        seen.add(n.target.type);
        expect(await json<Obj>(await admin(`${paths[n.target.type]}/${n.target.id}`))).toMatchObject({ id: n.target.id });
      }
    }
    expect([...seen].sort()).toEqual(['dataset', 'language', 'template']);
  });

  it('answers both directions to the depth asked: a template, the flow that prints it, its data set and that one\'s tag group', async () => {
    const tree = await json<Obj>(await s.call('/api/v1/dependencies/template/order-confirmation?depth=2', { key: null }));
    expect(tree.object).toEqual({ id: 'order-confirmation', displayName: 'Order confirmation', type: 'template' });
    expect(tree.inbound.map((n: Obj) => n.target)).toEqual([{ id: '11111111-1111-4111-8111-111111111102', displayName: 'Order confirmation', type: 'flow' }]);
    const ds = tree.outbound.find((n: Obj) => n.target.type === 'dataset');
    expect(ds).toMatchObject({ loaded: 'eager', target: { id: '11111111-1111-4111-8111-111111111102-dataset' } });
    expect(ds.children).toEqual([{ loaded: 'lazy', target: { id: 'department', displayName: 'Department', type: 'tagGroup' }, children: [] }]);
    const outOnly = await json<Obj>(await s.call('/api/v1/dependencies/template/order-confirmation?direction=outbound', { key: null }));
    expect(outOnly.inbound).toEqual([]);
    expect(outOnly.outbound.every((n: Obj) => n.loaded === 'lazy' && n.children.length === 0)).toBe(true);
    expect(outOnly.users).toEqual([{ id: 'system', displayName: 'system', type: 'user' }]);
  });

  it('every vendor object type is accepted: one flowmock keeps outside the collections (a user) answers its tree, one it keeps none of (a portal template) a 404', async () => {
    const me = await json<Obj>(await admin('/api/v1/users/me'));
    const tree = await json<Obj>(await s.call(`/api/v1/dependencies/user/${me.id}`, { key: null }));
    expect(tree.object).toEqual({ id: me.id, displayName: me.displayName, type: 'user' });
    expect(tree.inbound).toEqual([]);
    expect(tree.outbound).toEqual([]);
    await expectProblem(await s.call('/api/v1/dependencies/user/ghost', { key: null }), 404);
    await expectProblem(await s.call('/api/v1/dependencies/portalTemplate/any', { key: null }), 404);
  });

  it('an unknown object type or direction is a 400 naming it; an unknown object a 404', async () => {
    await expectProblem(await s.call('/api/v1/dependencies/spaceship/x', { key: null }), 400, { field: { in: 'path', pointer: '/objectType', rule: 'enum' } });
    await expectProblem(await s.call('/api/v1/dependencies/template/invoice?direction=sideways', { key: null }), 400, { field: { in: 'query', pointer: '/direction' } });
    await expectProblem(await s.call('/api/v1/dependencies/template/ghost', { key: null }), 404);
    await expectProblem(await s.call('/api/v1/dependencies/flow/ghost', { key: null }), 404);
  });
});

describe('languages: the default', () => {
  it('the seeded default is English; setting another moves the flag, and templates\' content without lang then means that language', async () => {
    expect(await json<Obj>(await admin('/api/v1/languages/default'))).toMatchObject({ id: 'en', isDefault: true });
    const lang = await json<Obj>(await send('/api/v1/languages', 'POST', { displayName: 'Frisian', code: 'fy' }), 201);
    const tpl = await json<Obj>(await send('/api/v1/templates', 'POST', { displayName: 'zz-default-lang' }), 201);
    await json(await s.call(`/api/v1/templates/${tpl.id}/content?lang=fy`, { method: 'PUT', key: s.adminKey, body: Buffer.from('fy bytes'), headers: { 'Content-Type': 'application/octet-stream' } }));
    await expectProblem(await admin(`/api/v1/templates/${tpl.id}/content`), 404, { detail: 'language en' });
    expect(await json<Obj>(await send('/api/v1/languages/default', 'PUT', { id: lang.id }))).toMatchObject({ id: lang.id, isDefault: true });
    expect(await json<Obj>(await admin('/api/v1/languages/en'))).toMatchObject({ isDefault: false });
    expect(await (await admin(`/api/v1/templates/${tpl.id}/content`)).text()).toBe('fy bytes');
    await expectProblem(await send('/api/v1/languages/default', 'PUT', { id: 'ghost' }), 404);
    expect(await json<Obj>(await send('/api/v1/languages/default', 'PUT', { id: 'en' }))).toMatchObject({ id: 'en', isDefault: true });
  });
});
