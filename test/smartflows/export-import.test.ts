/**
 * CreateExport, PrepareImport and ExecuteImport over HTTP (issue 13): an export holds the named
 * objects with what they use (the vendor's Archive describes them) and everything when it names
 * none; a round trip (export, prepare, import over changes) leaves the collections equal to what
 * was exported; a second installation takes in a selection, with a dependency mapped to one of
 * its own; bad input is a 400 naming the field; permissions are the vendor's.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';
import { expectProblem, json } from './helpers.js';

let s: TestServer;
let other: TestServer;
beforeAll(async () => { [s, other] = await Promise.all([startServer(), startServer()]); });
afterAll(async () => { await s?.close(); await other?.close(); });

type Obj = Record<string, any>;
const send = (srv: TestServer, path: string, method: string, body: unknown, key = srv.adminKey) =>
  srv.call(path, { key, method, body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } });

async function exportOf(srv: TestServer, items: Obj[] | undefined, query = ''): Promise<{ bytes: Buffer; file: Obj }> {
  const res = await send(srv, `/api/v1/system/export${query}`, 'POST', items === undefined ? {} : { items });
  expect(res.status, await res.clone().text()).toBe(200);
  expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="flowmock-export-.*\.json\.gz"$/);
  const bytes = Buffer.from(await res.arrayBuffer());
  return { bytes, file: JSON.parse(gunzipSync(bytes).toString('utf8')) };
}
const prepare = (srv: TestServer, bytes: Buffer | string) =>
  srv.call('/api/v1/system/import/prepare', { key: null, method: 'POST', body: bytes, headers: { 'Content-Type': 'application/octet-stream' } });
const execute = (srv: TestServer, ctx: Obj, key = srv.adminKey) => send(srv, '/api/v1/system/import', 'POST', ctx, key);
/** The collections as a backup sees them, without its time. */
async function state(srv: TestServer): Promise<Obj> {
  const res = await srv.call('/api/v1/system/backup?includeHistory=true', { key: srv.adminKey, method: 'POST' });
  const a = JSON.parse(gunzipSync(Buffer.from(await res.arrayBuffer())).toString('utf8'));
  return { ...a, createdAt: undefined };
}
const ids = (file: Obj) => file.archive.items.map((it: Obj) => `${it.archiveType} ${it.identifier.type} ${it.identifier.id}`).sort();

describe('CreateExport', () => {
  it('holds the named object with everything it uses, described by the vendor Archive', async () => {
    const { file } = await exportOf(s, [{ id: 'crm-records', type: 'dataset' }]);
    expect(file).toMatchObject({ format: 'flowmock-export', version: 1, options: { includeHistory: false, includeSensitiveData: false, includeUserData: false } });
    expect(file.archive.general).toMatchObject({ purpose: 'export', createdBy: { displayName: 'Administrator', type: 'user' } });
    expect(ids(file)).toEqual([
      'dependency connector crm-connector', 'dependency connectorType rest', 'dependency datasource crm-accounts', 'dependency tagGroup department',
      'explicit dataset crm-records',
    ].sort());
    const dataset = file.archive.items.find((it: Obj) => it.identifier.id === 'crm-records');
    expect(JSON.parse(dataset.definition)).toMatchObject({ displayName: 'CRM records' });
    expect(dataset.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(dataset.outboundDependencies).toEqual(expect.arrayContaining([{ loaded: 'eager', target: { id: 'crm-accounts', type: 'datasource' } }]));
    expect(file.content.resources).toHaveLength(5);
    expect(file.users).toBeUndefined();
  });

  it('users only with includeUserData, their password hashes only with includeSensitiveData, never API keys', async () => {
    const plain = (await exportOf(s, [{ id: 'crm-connector' }], '?includeUserData=true')).file;
    expect(plain.users).toBeUndefined(); // named items only: users come with an export of everything
    const users = (await exportOf(s, undefined, '?includeUserData=true')).file.users;
    expect(users.map((u: Obj) => u.username).sort()).toEqual(['admin', 'api-user', 'integrator']);
    expect(users.every((u: Obj) => !('passwordHash' in u))).toBe(true);
    const sensitive = (await exportOf(s, undefined, '?includeUserData=true&includeSensitiveData=true')).file;
    expect(sensitive.users.every((u: Obj) => 'passwordHash' in u)).toBe(true);
    expect(JSON.stringify(sensitive)).not.toContain(s.adminKey);
  });

  it('an item that does not exist, or of a type that cannot be exported, is a 400 naming it; write:system only', async () => {
    await expectProblem(await send(s, '/api/v1/system/export', 'POST', { items: [{ id: 'crm-records', type: 'dataset' }, { id: 'nope', type: 'template' }] }), 400,
      { field: { in: 'body', pointer: '/items/1/id', rule: 'reference' } });
    await expectProblem(await send(s, '/api/v1/system/export', 'POST', { items: [{ id: 'x', type: 'document' }] }), 400, { field: { in: 'body', pointer: '/items/0/type', rule: 'exportable' } });
    await expectProblem(await send(s, '/api/v1/system/export', 'POST', {}, s.integratorKey), 403, { detail: 'write:system' });
  });
});

describe('export, prepare, import: a round trip', () => {
  it('leaves the collections equal to what was exported: deleted objects are back, changed ones as they were, content byte for byte', async () => {
    const template = await json<Obj>(await send(s, '/api/v1/templates', 'POST', { displayName: 'zz-export-template', description: 'before' }), 201);
    await json(await s.call(`/api/v1/templates/${template.id}/content?lang=en`, { key: s.adminKey, method: 'PUT', body: Buffer.from('%PDF-1 bytes'), headers: { 'Content-Type': 'application/octet-stream' } }));
    const before = await state(s);
    const { bytes, file } = await exportOf(s, undefined, '?includeHistory=true');

    await json(await s.call(`/api/v1/templates/${template.id}`, { key: s.adminKey, method: 'DELETE' }));
    await json(await send(s, '/api/v1/taggroups/region', 'PUT', { displayName: 'Region (renamed)', definedBy: 'user', tags: ['EMEA'] }));
    expect(await state(s)).not.toEqual(before);

    const preparedRes = await prepare(s, bytes);
    const info = await json<Obj>(preparedRes);
    expect(preparedRes.headers.get('x-flowmock-archive-sha256')).toMatch(/^[0-9a-f]{64}$/);
    expect(info.archive).toEqual(file.archive);
    expect(info.topLevelItems).toEqual(expect.arrayContaining([{ id: template.id, displayName: 'zz-export-template', type: 'template' }]));
    expect(info).toMatchObject({ suggestedMappings: [], missingConnectors: [], missingConnectorTypes: [] });

    const skipping = await json<Obj>(await execute(s, { includeType: 'all' }));
    expect(skipping.imported.resources).toBe(1); // only the deleted template: the rest exists
    expect(skipping.skipped).toEqual(expect.arrayContaining([{ id: 'region', displayName: 'Region', type: 'tagGroup' }]));
    const result = await json<Obj>(await execute(s, { includeType: 'all', overwriteExisting: true }));
    expect(result.imported.resources).toBe(file.content.resources.length);
    expect(result.skipped).toEqual([]);
    expect(await state(s)).toEqual(before);
    expect(Buffer.from(await (await s.call(`/api/v1/templates/${template.id}/content?lang=en`, { key: s.adminKey })).arrayBuffer()).toString()).toBe('%PDF-1 bytes');
  });

  it('another installation takes in a selection; a dependency mapped to one of its own is not imported and the references follow', async () => {
    const group = await json<Obj>(await send(s, '/api/v1/taggroups', 'POST', { displayName: 'zz-export-group', definedBy: 'user', tags: ['x'] }), 201);
    const dataset = await json<Obj>(await send(s, '/api/v1/datasets', 'POST', {
      displayName: 'zz-export-dataset', datasources: [{ id: 'crm-accounts', type: 'datasource' }], tagGroups: [{ group: { id: group.id, type: 'tagGroup' }, tags: ['x'] }],
    }), 201);
    const { bytes } = await exportOf(s, [{ id: dataset.id, type: 'dataset' }]);

    const info = await json<Obj>(await prepare(other, bytes));
    expect(info.topLevelItems).toEqual([{ id: dataset.id, displayName: 'zz-export-dataset', type: 'dataset' }]);
    await expectProblem(await execute(other, { dependenciesMap: [{ source: { id: group.id }, target: { id: 'nope' } }] }), 400,
      { field: { in: 'body', pointer: '/dependenciesMap/0/target/id', rule: 'reference' } });
    const done = await json<Obj>(await execute(other, { includeType: 'listed', listedItems: [{ id: dataset.id }], dependenciesMap: [{ source: { id: group.id, type: 'tagGroup' }, target: { id: 'department' } }] }));
    expect(done.imported.resources).toBe(1); // the data set; its data source exists there, the group is mapped
    const there = await json<Obj>(await other.call(`/api/v1/datasets/${dataset.id}`, { key: other.adminKey }));
    expect(there.tagGroups[0].group.id).toBe('department');
    expect((await other.call(`/api/v1/taggroups/${group.id}`, { key: other.adminKey })).status).toBe(404);
    const deps = await json<Obj>(await other.call(`/api/v1/dependencies/tagGroup/department`, { key: other.adminKey }));
    expect(JSON.stringify(deps.inbound)).toContain(dataset.id);
  });

  it('bad input is a 400 naming the field; PrepareImport needs no credentials, ExecuteImport write:system', async () => {
    await expectProblem(await prepare(s, 'not an archive'), 400, { field: { in: 'body', pointer: '', rule: 'archive' } });
    const backup = Buffer.from(await (await s.call('/api/v1/system/backup', { key: s.adminKey, method: 'POST' })).arrayBuffer());
    await expectProblem(await prepare(s, backup), 400, { field: { in: 'body', pointer: '/format', rule: 'archive' } });
    await expectProblem(await execute(s, { archive: backup.toString('base64') }), 400, { field: { in: 'body', pointer: '/archive/format', rule: 'archive' } });
    const { bytes } = await exportOf(s, [{ id: 'crm-records', type: 'dataset' }]);
    await json(await prepare(s, bytes));
    await expectProblem(await execute(s, { includeType: 'listed', listedItems: [{ id: 'not-in-it' }] }), 400, { field: { in: 'body', pointer: '/listedItems/0/id', rule: 'reference' } });
    await expectProblem(await execute(s, { includeType: 'sideways' }), 400, { field: { in: 'body', pointer: '/includeType' } });
    await expectProblem(await execute(s, {}, s.integratorKey), 403, { detail: 'write:system' });
    await expectProblem(await execute(other, { archive: bytes.toString('base64'), includeType: 'listed', listedItems: [{ id: 'crm-records' }] }, other.integratorKey), 403);
  });

  it('an import whose object uses one that neither this server nor the archive has is a 400 naming the reference, and imports nothing', async () => {
    const group = await json<Obj>(await send(s, '/api/v1/taggroups', 'POST', { displayName: 'zz-lonely-group', definedBy: 'user', tags: ['y'] }), 201);
    const dataset = await json<Obj>(await send(s, '/api/v1/datasets', 'POST', { displayName: 'zz-lonely-dataset', tagGroups: [{ group: { id: group.id, type: 'tagGroup' }, tags: ['y'] }] }), 201);
    const { file } = await exportOf(s, [{ id: dataset.id, type: 'dataset' }]);
    // An archive someone trimmed: the group the data set uses is gone from it.
    file.content.resources = file.content.resources.filter((o: Obj) => o.record.id !== group.id);
    file.archive.items = file.archive.items.filter((it: Obj) => it.identifier.id !== group.id);
    const trimmed = gzipSync(JSON.stringify(file));
    await json(await prepare(other, trimmed));
    await expectProblem(await execute(other, {}), 400, { field: { in: 'body', pointer: '/archive/content/resources/0/references/0', rule: 'dependency' }, detail: group.id });
    expect((await other.call(`/api/v1/datasets/${dataset.id}`, { key: other.adminKey })).status).toBe(404);
  });

  it('an imported object may not take a unique name another object has there: a 400 naming the field, nothing imported', async () => {
    const mine = await json<Obj>(await send(s, '/api/v1/taggroups', 'POST', { displayName: 'zz-twin-group', definedBy: 'user', tags: ['t'] }), 201);
    await json(await send(other, '/api/v1/taggroups', 'POST', { displayName: 'zz-twin-group', definedBy: 'user', tags: ['u'] }), 201);
    const { bytes } = await exportOf(s, [{ id: mine.id, type: 'tagGroup' }]);
    await expectProblem(await execute(other, { archive: bytes.toString('base64') }), 400,
      { field: { in: 'body', pointer: '/archive/content/resources/0/record/body/displayName', rule: 'unique' } });
    expect((await other.call(`/api/v1/taggroups/${mine.id}`, { key: other.adminKey })).status).toBe(404);
  });
});
