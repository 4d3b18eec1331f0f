/**
 * The data source operations beyond the regular collection: the catalogue of data source types
 * and a data source's layout derived from its configuration (src/engine/resources/datasource-layouts.ts).
 */
import type { Handlers } from '../../handler-contract/handler-types.js';
import { DATASOURCE_TYPES, datasourceEntityLayout, datasourceLayout, datasourceType } from '../../engine/resources/datasource-layouts.js';

export const datasourceHandlers: Pick<Handlers, 'GetDatasourceTypes' | 'GetDatasourceType' | 'GetDatasourceLayout' | 'GetDatasourceEntityLayout'> = {
  GetDatasourceTypes: () => ({ status: 200, body: DATASOURCE_TYPES.map((t) => structuredClone(t)) }),

  GetDatasourceType: (ctx) => ({ status: 200, body: structuredClone(datasourceType(ctx.path.datasourceTypeId)) }),

  async GetDatasourceLayout(ctx) {
    const { resources } = ctx.services;
    const { record } = await resources.get(resources.collection('datasources'), ctx.path.datasourceId);
    return { status: 200, body: datasourceLayout(record, ctx.query.full === true) };
  },

  async GetDatasourceEntityLayout(ctx) {
    const { resources } = ctx.services;
    const { record } = await resources.get(resources.collection('datasources'), ctx.path.datasourceId);
    return { status: 200, body: datasourceEntityLayout(record, ctx.path.entityName) };
  },
};
