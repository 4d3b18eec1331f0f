/**
 * The regular collections (assets, connectors, data sets, data sources, languages, tag groups,
 * templates), walked from the spec: each collection of `components.x-flowmock-resources` and each
 * operation bound to it (`x-flowmock-resource`). A new object is made from the collection's first
 * seed (its unique field made unique), read, listed, filtered, updated, given content, renamed
 * onto another's name (409), deleted; unknown ids are 404; a seeded object others use (found with
 * GetDependencies) refuses a delete without deleteInbound (409, nothing removed). The negative
 * sweep covers 400/413/415 and the auth sweep 401/403.
 */
import type { Scenario, ScenarioContext } from '../context.js';
import type { ApiClient } from '../harness/client.js';
import type { OperationSpec } from '../spec-index.js';
import { apiKey, asAdmin, ensure, expectStatus, needsAdminKey, randomId } from '../scenario-kit.js';
import { callOperation, type RawRequest } from '../generic-call.js';

type Obj = Record<string, any>;

interface Bound { op: OperationSpec; action: string }

function boundOps(ctx: ScenarioContext, collection: string): Map<string, Bound> {
  const out = new Map<string, Bound>();
  for (const [path, item] of Object.entries<Obj>(ctx.spec.doc.paths ?? {})) {
    for (const [method, raw] of Object.entries<Obj>(item)) {
      const b = raw?.['x-flowmock-resource'];
      if (b?.collection === collection) out.set(b.action, { op: ctx.spec.find(method, path)!, action: b.action });
    }
  }
  return out;
}

const pathParams = (op: OperationSpec, id: string, extra: Record<string, string> = {}): Record<string, string> => {
  const names = op.parameters.filter((p) => p.in === 'path').map((p) => p.name);
  return Object.fromEntries(names.map((n, i) => [n, i === 0 ? id : extra[n] ?? 'en']));
};

async function call(api: ApiClient, b: Bound | undefined, req: RawRequest) {
  return b ? callOperation(api, b.op, req) : null;
}

/** The JSON of an answer (callOperation reads bodies as text). */
const parse = (r: { data?: unknown; error?: unknown }): Obj | null => {
  const t = r.data ?? r.error;
  if (typeof t !== 'string') return (t as Obj) ?? null;
  try { return JSON.parse(t) as Obj; } catch { return null; }
};

async function oneCollection(ctx: ScenarioContext, api: ApiClient, name: string, spec: Obj, tag: string): Promise<void> {
  const ops = boundOps(ctx, name);
  const unique: string = (spec.unique ?? ['displayName'])[0];
  const { id: _seedId, ...seed } = (spec.seed?.[0] ?? {}) as Obj;
  const make = (suffix: string): Obj => ({ ...seed, [unique]: `${String(seed[unique] ?? name)}-${tag}-${suffix}`, ...(spec.defaultFlag ? { [spec.defaultFlag]: false } : {}) });
  const none = randomId();

  // Reads of what the collection holds, and unknown ids.
  for (const action of ['list', 'filter']) {
    const b = ops.get(action);
    if (!b) continue;
    const r = await call(api, b, action === 'filter'
      ? { query: { size: 5 }, body: { group: { type: 'and', nodes: [{ condition: { key: 'id', operator: 'isNotNull' } }] } } }
      : { query: b.op.parameters.some((p) => p.name === 'size') ? { size: 5 } : {} });
    expectStatus(ctx, r!.response, 200, `${b.op.operationId} of ${name}`);
  }
  for (const action of ['get', 'update', 'delete', 'content-get', 'content-put', 'content-delete', 'history', 'content-language']) {
    const b = ops.get(action);
    if (!b) continue;
    const body = action === 'update' ? make('ghost') : action === 'content-put' ? 'contract bytes' : undefined;
    const r = await call(api, b, { path: pathParams(b.op, none), ...(body !== undefined ? { body } : {}), ...(action === 'content-put' ? { contentType: 'application/octet-stream' } : {}) });
    expectStatus(ctx, r!.response, 404, `${b.op.operationId} of an unknown ${name} object`);
  }
  const seededGet = ops.get('get');
  if (seededGet && spec.seed?.[0]?.id) {
    expectStatus(ctx, (await callOperation(api, seededGet.op, { path: pathParams(seededGet.op, spec.seed[0].id) })).response, 200, `${seededGet.op.operationId} of the seeded ${spec.seed[0].id}`);
  }
  if (ops.has('default-get')) expectStatus(ctx, (await call(api, ops.get('default-get'), {}))!.response, 200, `${ops.get('default-get')!.op.operationId}`);
  if (ops.has('default-set')) {
    expectStatus(ctx, (await call(api, ops.get('default-set'), { body: { id: none, ...make('ghost-default') } }))!.response, 404, `${ops.get('default-set')!.op.operationId} of an unknown object`);
    const current = parse((await call(api, ops.get('default-get'), {}))!);
    const update = ops.get('update');
    if (current?.id && update && spec.defaultFlag) {
      // No default for a moment (the default object updated to be none), then the same one again.
      const off = await callOperation(api, update.op, { path: pathParams(update.op, current.id), body: { ...current, [spec.defaultFlag]: false } });
      if (expectStatus(ctx, off.response, 200, `${update.op.operationId} of the default to be no default`)) {
        expectStatus(ctx, (await call(api, ops.get('default-get'), {}))!.response, 404, `${ops.get('default-get')!.op.operationId} while none is the default`);
      }
    }
    if (current?.id) expectStatus(ctx, (await call(api, ops.get('default-set'), { body: current }))!.response, 200, `${ops.get('default-set')!.op.operationId} of the former default`);
  }

  // A seeded object in use: a delete without deleteInbound is refused and removes nothing.
  const del = ops.get('delete');
  if (del) {
    for (const s of (spec.seed ?? []) as Obj[]) {
      const deps = await callOperation(api, ctx.spec.op('GetDependencies'), { path: { objectType: spec.objectType, objectId: s.id }, query: { direction: 'inbound' } });
      const tree = deps.response.status === 200 ? parse(deps) : null;
      if (!tree?.inbound?.length) continue;
      expectStatus(ctx, (await callOperation(api, del.op, { path: pathParams(del.op, s.id) })).response, 409, `${del.op.operationId} of ${s.id}, which ${tree.inbound[0].target.type} ${tree.inbound[0].target.id} uses`);
      break;
    }
  }

  // A new object's life.
  const create = ops.get('create');
  if (!create) return;
  const created = await callOperation(api, create.op, { body: make('a') });
  if (!expectStatus(ctx, created.response, 201, `${create.op.operationId}`)) return;
  const obj = parse(created);
  if (typeof obj?.id !== 'string') return; // a stateless target (Prism's mock) answers an example
  ensure(ctx, 'behaves_as_documented', created.response.headers.get('location')?.endsWith(`/${obj.id}`) === true, `${create.op.operationId} answers Location naming the new object`, create.op.operationId);
  expectStatus(ctx, (await callOperation(api, create.op, { body: make('a') })).response, 409, `${create.op.operationId} with a ${unique} in use`);
  const get = ops.get('get');
  if (get) expectStatus(ctx, (await callOperation(api, get.op, { path: pathParams(get.op, obj.id) })).response, 200, `${get.op.operationId} of the new object`);
  const update = ops.get('update');
  if (update) {
    expectStatus(ctx, (await callOperation(api, update.op, { path: pathParams(update.op, obj.id), body: { ...make('a'), description: 'updated by the contract tests' } })).response, 200, `${update.op.operationId}`);
    const other = await callOperation(api, create.op, { body: make('b') });
    if (expectStatus(ctx, other.response, 201, `${create.op.operationId} (a second one)`)) {
      expectStatus(ctx, (await callOperation(api, update.op, { path: pathParams(update.op, obj.id), body: make('b') })).response, 409, `${update.op.operationId} onto another's ${unique}`);
      const otherId = parse(other)?.id;
      if (del && typeof otherId === 'string') await callOperation(api, del.op, { path: pathParams(del.op, otherId) });
    }
  }
  const put = ops.get('content-put');
  if (put) {
    const lang = put.op.parameters.some((p) => p.name === 'lang') ? { lang: 'en' } : {};
    expectStatus(ctx, (await callOperation(api, put.op, { path: pathParams(put.op, obj.id), query: lang, body: 'contract bytes', contentType: 'application/octet-stream' })).response, 200, `${put.op.operationId}`);
    const down = ops.get('content-get');
    if (down) {
      const r = await callOperation(api, down.op, { path: pathParams(down.op, obj.id), query: lang });
      if (expectStatus(ctx, r.response, 200, `${down.op.operationId}`)) {
        ensure(ctx, 'behaves_as_documented', r.data === 'contract bytes', `${down.op.operationId} answers the bytes uploaded`, down.op.operationId);
      }
      if (down.op.parameters.some((p) => p.name === 'version')) {
        expectStatus(ctx, (await callOperation(api, down.op, { path: pathParams(down.op, obj.id), query: { ...lang, version: 'not-a-revision' } })).response, 400, `${down.op.operationId} of a version that is not a revision number`);
      }
    }
    for (const action of ['history', 'content-language', 'content-delete']) {
      const b = ops.get(action);
      if (b) expectStatus(ctx, (await callOperation(api, b.op, { path: pathParams(b.op, obj.id), query: b.op.parameters.some((p) => p.name === 'lang' && p.in === 'query') ? lang : {} })).response, 200, `${b.op.operationId}`);
    }
  }
  if (del) {
    expectStatus(ctx, (await callOperation(api, del.op, { path: pathParams(del.op, obj.id) })).response, 200, `${del.op.operationId} of an unused object`);
    if (get) expectStatus(ctx, (await callOperation(api, get.op, { path: pathParams(get.op, obj.id) })).response, 404, `${get.op.operationId} after the delete`);
  }
}

export const resourcesScenario: Scenario = {
  name: 'smartflows: the regular collections (create, Location, read, lists, update, content, conflicts, delete, dependencies)',
  api: 'smartflows',
  skip: needsAdminKey,
  async run(ctx) {
    const api = asAdmin(ctx);
    const tag = `${ctx.seed}-${Date.now()}`;
    const collections = (ctx.spec.doc.components?.['x-flowmock-resources'] ?? {}) as Record<string, Obj>;
    for (const [name, spec] of Object.entries(collections)) await oneCollection(ctx, api, name, spec, tag);
    const test = await api.GET('/api/v1/connectors/{connectorId}/test', { params: { path: { connectorId: 'crm-connector' } } });
    if (expectStatus(ctx, test.response, 200, 'TestConnector of the seeded connector')) ensure(ctx, 'behaves_as_documented', test.data?.status === 'successful', 'an active connector tests successful', 'TestConnector');
    expectStatus(ctx, (await api.GET('/api/v1/connectors/{connectorId}/test', { params: { path: { connectorId: randomId() } } })).response, 404, 'TestConnector of an unknown connector');
    expectStatus(ctx, (await api.POST('/api/v1/connectors/{connectorId}/refresh', { params: { path: { connectorId: 'crm-connector' } } })).response, 200, 'RefreshConnector of the seeded connector');
    expectStatus(ctx, (await api.POST('/api/v1/connectors/{connectorId}/refresh', { params: { path: { connectorId: randomId() } } })).response, 404, 'RefreshConnector of an unknown connector');
    const deps = ctx.spec.op('GetDependencies');
    const anon = ctx.main.strict.as(null);
    expectStatus(ctx, (await callOperation(anon, deps, { path: { objectType: 'template', objectId: 'invoice' }, query: { depth: '2' } })).response, 200, 'GetDependencies of a seeded template (no credentials)');
    expectStatus(ctx, (await callOperation(anon, deps, { path: { objectType: 'template', objectId: randomId() } })).response, 404, 'GetDependencies of an unknown template');
    const schema = await api.GET('/api/v1/templates/{templateId}/schema', { params: { path: { templateId: 'crm-letter' }, query: { format: 'json' } }, parseAs: 'text' });
    if (expectStatus(ctx, schema.response, 200, 'GetTemplateSchema of the seeded CRM letter')) {
      let sets: string[] = [];
      try { sets = Object.keys(JSON.parse(String(schema.data)).properties.templateData.properties); } catch { /* reported below */ }
      ensure(ctx, 'behaves_as_documented', sets.join() === 'CRMRecords', 'GetTemplateSchema has one element per data set of the template', 'GetTemplateSchema');
    }
    expectStatus(ctx, (await api.GET('/api/v1/templates/{templateId}/schema', { params: { path: { templateId: randomId() } }, parseAs: 'text' })).response, 404, 'GetTemplateSchema of an unknown template');
    // The portal lists follow the templates of type portal and the form data sets.
    const lib = { id: `lib-${tag}`, displayName: `Library ${tag}`, type: 'portalLibrary' as const };
    const portal = await api.POST('/api/v1/templates', { body: {
      displayName: `Portal ${tag}`, type: 'portal',
      portalContent: { connector: { id: 'crm-connector', displayName: 'CRM', type: 'connector' }, templates: [{ language: 'en', library: lib, group: { id: `group-${tag}`, displayName: `Group ${tag}`, type: 'portalGroup' }, template: { id: `tpl-${tag}`, displayName: `Template ${tag}`, type: 'portalTemplate' } }] },
    } });
    const form = await api.POST('/api/v1/datasets', { body: { displayName: `Form ${tag}`, content: { type: 'form', formContent: { form: { id: `form-${tag}`, displayName: `Form ${tag}` }, library: lib } } } });
    if (expectStatus(ctx, portal.response, 201, 'CreateTemplate of a portal template') && expectStatus(ctx, form.response, 201, 'CreateDataset of a form data set')) {
      const query = { connectorid: 'crm-connector', filter: `id:${tag}` };
      const lists = [
        ['GetPortalTemplates', await api.GET('/api/v1/portal/templates', { params: { query } }), `tpl-${tag}`],
        ['GetPortalTemplateLibraries', await api.GET('/api/v1/portal/libraries', { params: { query } }), `lib-${tag}`],
        ['GetPortalTemplateGroups', await api.GET('/api/v1/portal/groups', { params: { query } }), `group-${tag}`],
        ['GetPortalForms', await api.GET('/api/v1/portal/forms', { params: { query } }), `form-${tag}`],
      ] as const;
      for (const [op, r, id] of lists) {
        if (expectStatus(ctx, r.response, 200, op)) ensure(ctx, 'behaves_as_documented', (r.data ?? []).map((x) => x.id).join() === id, `${op} lists ${id} of the new portal template`, op);
      }
      expectStatus(ctx, (await api.GET('/api/v1/portal/templates', { params: { query: { connectorid: randomId() } } })).response, 400, 'GetPortalTemplates of a connector that does not exist');
      if (portal.data?.id) expectStatus(ctx, (await api.DELETE('/api/v1/templates/{templateId}', { params: { path: { templateId: portal.data.id } } })).response, 200, 'DeleteTemplate of the portal template');
      if (form.data?.id) expectStatus(ctx, (await api.DELETE('/api/v1/datasets/{datasetId}', { params: { path: { datasetId: form.data.id } } })).response, 200, 'DeleteDataset of the form data set');
    }
  },
};
