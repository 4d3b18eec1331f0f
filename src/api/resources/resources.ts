/**
 * The one handler of every operation the spec binds to the resource engine
 * (`x-flowmock-resource: {collection, action}`; the collections are `components.x-flowmock-resources`).
 * It reads the binding, turns the request into the engine's terms (the shared list query for
 * paging, sort and filters) and presents the records as the collection's model. A new family is a
 * spec change and seed data: no code here names a collection.
 */
import { principalOf, type RequestContext, type OperationId } from '../../handler-contract/handler-types.js';
import { ProblemError, invalidField } from '../../handler-contract/problem.js';
import type { Services } from '../../handler-contract/services.js';
import type { ResourceCollection } from '../../engine/resources/collections.js';
import type { DependencyNode, ResourceView } from '../../engine/resources/resource-engine.js';
import type { ResourceContentRecord, StoreCollections } from '../../store/types.js';
import { checkFilterGroup, listPaging, queryFilter, type ListSpec } from '../list-query/list-query.js';
import { withUserMemo } from '../lists/user-memo.js';
import { userRef } from '../users/presenters.js';

type Obj = Record<string, unknown>;
interface AnyReply { status: number; body?: unknown; headers?: Record<string, string>; contentType?: string }
type Ctx = RequestContext<OperationId>;

/** The list query's view of a collection: its properties, sortable and filterable alike. */
export function listSpecOf(c: ResourceCollection): ListSpec {
  return {
    filter: Object.fromEntries(Object.entries(c.properties).map(([k, p]) => [k, { kind: p.kind === 'enum' ? 'text' : p.kind }])),
    sort: Object.keys(c.properties),
    defaultSort: c.defaultSort,
  };
}

/** The collection's model: the stored fields, what the server computes, and the server's fields the model has. */
export async function present(store: StoreCollections, c: ResourceCollection, v: ResourceView, extra: Obj = {}): Promise<Obj> {
  const r = v.record;
  const server: Obj = {
    createdAt: r.createdAt, createdBy: await userRef(store, r.createdBy),
    modifiedAt: r.modifiedAt, modifiedBy: await userRef(store, r.modifiedBy),
  };
  return { id: r.id, ...r.body, ...v.computed, ...extra, ...Object.fromEntries(c.serverFields.map((f) => [f, server[f]])) };
}

async function presentVersion(store: StoreCollections, c: ResourceContentRecord): Promise<Obj> {
  return {
    id: String(c.revision), ...(c.description !== null ? { description: c.description } : {}),
    createdAt: c.createdAt, createdBy: await userRef(store, c.createdBy), revision: c.revision,
  };
}

async function presentNode(store: StoreCollections, n: DependencyNode): Promise<Obj> {
  return { loaded: n.loaded, target: n.target, children: await Promise.all(n.children.map((x) => presentNode(store, x))) };
}

/** What a list the vendor does not page returns at most: everything a test or a user could hold. */
const UNPAGED_SIZE = 100_000;

const HISTORY_LIST: ListSpec = { filter: {}, sort: ['revision', 'createdAt'], defaultSort: { field: 'revision', direction: 'desc' } };

/** The id of the object an operation names: its first path parameter. */
const objectId = (ctx: Ctx): string => String(Object.values(ctx.path as Obj)[0]);

export async function handleResource(ctx: Ctx): Promise<AnyReply> {
  const services: Services = ctx.services;
  const binding = services.resourceBindings.get(ctx.operationId);
  if (!binding) throw new Error(`${ctx.operationId} is not bound to the resource engine`);
  const engine = services.resources;
  const { store } = services;
  const query = ctx.query as Obj;
  const body = (ctx.body ?? {}) as Obj;

  if (binding.action === 'dependencies') {
    const path = ctx.path as Obj;
    const depthText = query.depth === undefined ? '1' : String(query.depth);
    const depth = Number(depthText);
    if (!/^\d+$/.test(depthText) || depth < 1 || depth > 10) throw invalidField('query', '/depth', 'range', 'depth is a whole number from 1 to 10');
    const direction = (query.direction ?? 'both') as 'inbound' | 'outbound' | 'both';
    if (!['inbound', 'outbound', 'both'].includes(direction)) throw invalidField('query', '/direction', 'enum', 'direction is inbound, outbound or both');
    const tree = await engine.dependencies(String(path.objectType), String(path.objectId), { direction, depth });
    return {
      status: 200,
      body: {
        object: tree.object,
        inbound: await Promise.all(tree.inbound.map((n) => presentNode(store, n))),
        outbound: await Promise.all(tree.outbound.map((n) => presentNode(store, n))),
        users: await Promise.all(tree.users.map((u) => userRef(store, u))),
      },
    };
  }

  const c = engine.collection(binding.collection);
  const userId = () => principalOf(ctx).user.id;
  switch (binding.action) {
    case 'list':
    case 'filter': {
      const spec = listSpecOf(c);
      const paging = binding.paged
        ? listPaging(query as { page?: number; size?: number; sort?: string }, spec)
        : { page: 0, size: UNPAGED_SIZE, sort: c.defaultSort };
      const filter = binding.action === 'filter'
        ? (body.group ? checkFilterGroup(body.group as Parameters<typeof checkFilterGroup>[0], spec, 'body', '') : undefined)
        : queryFilter(query.filter as string | undefined, spec);
      const page = await engine.list(c, { filter, ...paging });
      const named = withUserMemo(store); // each user the page names is read once
      return { status: 200, headers: { 'X-Total-Count': String(page.totalElements) }, body: await Promise.all(page.content.map((v) => present(named, c, v))) };
    }
    case 'get': {
      const v = await engine.get(c, objectId(ctx));
      const inline = c.content?.inlineField;
      const extra: Obj = {};
      if (inline && query.includeContent === true) {
        const slots = await engine.contentSlots(c, v.record.id);
        if (slots.includes('')) extra[inline] = (await engine.content(c, v.record.id, '')).content.toString('base64');
      }
      return { status: 200, body: await present(store, c, v, extra) };
    }
    case 'create': {
      const v = await engine.create(c, body, userId());
      return { status: 201, headers: { Location: `${c.path}/${encodeURIComponent(v.record.id)}` }, body: await present(store, c, v) };
    }
    case 'update':
      return { status: 200, body: await present(store, c, await engine.update(c, objectId(ctx), body, userId())) };
    case 'delete': {
      const flag = 'deleteInbound' in query || !('force' in query) ? 'deleteInbound' : 'force';
      await engine.delete(c, objectId(ctx), { removeInbound: query.deleteInbound === true || query.force === true, flag }, userId());
      return { status: 200, body: {} };
    }
    case 'default-get':
      return { status: 200, body: await present(store, c, await engine.getDefault(c)) };
    case 'default-set': {
      if (typeof body.id !== 'string' || !body.id) throw invalidField('body', '/id', 'required', `name the ${c.objectType} to make the default by its id`);
      return { status: 200, body: await present(store, c, await engine.setDefault(c, body.id, userId())) };
    }
    case 'content-get': {
      const slot = await engine.slotFor(c, query.lang as string | undefined);
      const found = await engine.content(c, objectId(ctx), slot, query.version as string | undefined);
      return { status: 200, body: found.content, contentType: 'application/octet-stream' };
    }
    case 'content-put': {
      const slot = await engine.slotFor(c, query.lang as string | undefined);
      const bytes = ctx.rawBody ?? Buffer.alloc(0);
      const stored = await engine.putContent(c, objectId(ctx), slot, bytes, {
        description: typeof query.description === 'string' ? query.description : null,
        contentType: ctx.contentType ?? 'application/octet-stream',
      }, userId());
      return { status: 200, body: await presentVersion(store, stored) };
    }
    case 'content-delete': {
      const slot = await engine.slotFor(c, query.lang as string | undefined);
      await engine.deleteContent(c, objectId(ctx), slot, userId());
      return { status: 200, body: {} };
    }
    case 'history': {
      const slot = await engine.slotFor(c, query.lang as string | undefined);
      const paging = listPaging(query as { page?: number; size?: number; sort?: string }, HISTORY_LIST);
      const all = await engine.history(c, objectId(ctx), slot); // newest first: revision and time agree
      const ordered = paging.sort.direction === 'desc' ? all : [...all].reverse();
      const page = ordered.slice(paging.page * paging.size, (paging.page + 1) * paging.size);
      return { status: 200, headers: { 'X-Total-Count': String(all.length) }, body: await Promise.all(page.map((r) => presentVersion(store, r))) };
    }
    case 'content-language': {
      const id = objectId(ctx);
      const lang = String((ctx.path as Obj).lang ?? query.lang ?? '');
      const slots = await engine.contentSlots(c, id);
      const fallback = await engine.slotFor(c, undefined);
      return {
        status: 200,
        body: {
          template: id, language: lang, isDefault: lang === fallback, hasContent: slots.includes(lang),
          contentLink: `${c.path}/${encodeURIComponent(id)}/content?lang=${encodeURIComponent(lang)}`,
        },
      };
    }
    default:
      throw new ProblemError(500, `action ${binding.action} is not handled`);
  }
}
