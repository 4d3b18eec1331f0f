/**
 * The data set operations beyond the regular collection: a data set's data objects
 * (CreateDatasetData stores one, GetDatasetDatas lists them; src/engine/resources/dataset-data.ts).
 * A data object is visible as every data object is (its creator, or a holder of read:flowExecutions).
 * And the layout of a data set's definition (src/engine/resources/dataset-layouts.ts): its entities
 * (GetDatasetLayout, of a definition sent) and their names (GetDatasetEntityReferences, of a stored one).
 */
import { principalOf, type Handlers } from '../../handler-contract/handler-types.js';
import type { Services } from '../../handler-contract/services.js';
import { DatasetData } from '../../engine/resources/dataset-data.js';
import { datasetLayout } from '../../engine/resources/dataset-layouts.js';
import { listPage } from '../lists/object-list.js';
import { presentData } from '../data/data.js';
import { seesAll } from '../executions/access.js';

type Obj = Record<string, unknown>;

/** What GetDatasetDatas sorts and filters by (fields of the vendor's Data). */
const DATA_PROPERTIES = ['id', 'displayName', 'description', 'createdAt', 'modifiedAt', 'createdBy', 'modifiedBy', 'contentType', 'usage', 'expiration'] as const;

const datasetData = (s: Services) => new DatasetData({ store: s.store, datasets: s.resources.collection('datasets'), now: s.now });

export const datasetHandlers: Pick<Handlers, 'CreateDatasetData' | 'GetDatasetDatas'> = {
  async CreateDatasetData(ctx) {
    const body = (ctx.body ?? {}) as Obj;
    const d = await datasetData(ctx.services).create(ctx.path.datasetId, body, principalOf(ctx).user.id);
    return { status: 201, headers: { Location: `/api/v1/data/${encodeURIComponent(d.id)}` }, body: await presentData(ctx.services.store, d) };
  },

  async GetDatasetDatas(ctx) {
    const p = principalOf(ctx);
    const { store } = ctx.services;
    const all = (await datasetData(ctx.services).list(ctx.path.datasetId)).filter((d) => d.createdBy === p.user.id || seesAll(p));
    const rows = await Promise.all(all.map((d) => presentData(store, d)));
    return { status: 200, body: listPage(rows, DATA_PROPERTIES, ctx.query, 'createdAt,desc') };
  },
};

/** GetDatasetEntityReferences sorts and filters by these (IdWithName). */
const REF_PROPERTIES = ['id', 'displayName'] as const;

const datasourceLookup = (s: Services) => async (id: string) => {
  const c = s.resources.collection('datasources');
  return (await s.store.resources.byId(c.objectType, id));
};

export const datasetLayoutHandlers: Pick<Handlers, 'GetDatasetLayout' | 'GetDatasetEntityReferences'> = {
  async GetDatasetLayout(ctx) {
    const entities = await datasetLayout((ctx.body ?? {}) as Obj, ctx.query.primaryOnly === true, datasourceLookup(ctx.services));
    return { status: 200, body: entities };
  },

  async GetDatasetEntityReferences(ctx) {
    const s = ctx.services;
    const { record } = await s.resources.get(s.resources.collection('datasets'), ctx.path.datasetId);
    const entities = await datasetLayout(record.body, false, datasourceLookup(s));
    const refs = entities.map((e) => ({ id: e.name, displayName: e.displayName, type: 'entityReference' as const }));
    return { status: 200, body: listPage(refs, REF_PROPERTIES, ctx.query, 'displayName,asc') };
  },
};
