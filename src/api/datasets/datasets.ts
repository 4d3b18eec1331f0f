/**
 * The data set operations beyond the regular collection: a data set's data objects
 * (CreateDatasetData stores one, GetDatasetDatas lists them; src/engine/resources/dataset-data.ts).
 * A data object is visible as every data object is (its creator, or a holder of read:flowExecutions).
 */
import { principalOf, type Handlers } from '../../handler-contract/handler-types.js';
import type { Services } from '../../handler-contract/services.js';
import { DatasetData } from '../../engine/resources/dataset-data.js';
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
