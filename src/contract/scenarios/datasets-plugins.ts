/**
 * Data set data and layouts, data source types and layouts, and plugins: a data set the scenario creates gets
 * data (CreateDatasetData: 201, listed by GetDatasetDatas; a read-only one 409; unknown 404), a
 * definition's layout (GetDatasetLayout; an unknown data source 400) and a stored one's entity
 * references (GetDatasetEntityReferences; unknown 404), the
 * data source type catalogue (404 for another id), the seeded CRM accounts' layout and one entity
 * (404 for another), the plugin catalogue, the plugins' tag groups synced twice (the same answer)
 * and refused while a user's group has one's name (409), and the plugins' data sets. What the
 * scenario creates is deleted at the end.
 */
import type { Scenario } from '../context.js';
import { apiKey, asAdmin, ensure, expectStatus, needsAdminKey, randomId } from '../scenario-kit.js';

type Obj = Record<string, any>;

export const datasetsPluginsScenario: Scenario = {
  name: 'smartflows: data set data, data source types and layouts, plugins and their tag groups and data sets',
  api: 'smartflows',
  skip: needsAdminKey,
  async run(ctx) {
    const api = asAdmin(ctx);
    const tag = randomId().slice(-8);

    // Data set data.
    const ds = await api.POST('/api/v1/datasets', { body: { displayName: `contract-data-${tag}`, readOnly: false } });
    const ro = await api.POST('/api/v1/datasets', { body: { displayName: `contract-readonly-${tag}`, readOnly: true } });
    if (expectStatus(ctx, ds.response, 201, 'CreateDataset for data') && expectStatus(ctx, ro.response, 201, 'CreateDataset read-only') && ds.data?.id && ro.data?.id) {
      const p = { params: { path: { datasetId: ds.data.id } } };
      const made = await api.POST('/api/v1/datasets/{datasetId}/data', { ...p, body: { displayName: 'contract data', value: { content: { n: 1 } } } as Obj });
      if (expectStatus(ctx, made.response, 201, 'CreateDatasetData')) {
        ensure(ctx, 'behaves_as_documented', made.data?.dataset?.id === ds.data.id, 'the data names its data set', 'CreateDatasetData');
      }
      const listed = await api.GET('/api/v1/datasets/{datasetId}/data', { params: { path: { datasetId: ds.data.id }, query: { sort: 'displayName,asc', size: 5 } } });
      if (expectStatus(ctx, listed.response, 200, 'GetDatasetDatas')) {
        ensure(ctx, 'behaves_as_documented', (listed.data ?? []).some((d) => d.id === made.data?.id), 'the data set lists the data created in it', 'GetDatasetDatas');
      }
      expectStatus(ctx, (await api.POST('/api/v1/datasets/{datasetId}/data', { params: { path: { datasetId: ro.data.id } }, body: { value: { content: 1 } } as Obj })).response, 409, 'CreateDatasetData in a read-only data set');
      expectStatus(ctx, (await api.POST('/api/v1/datasets/{datasetId}/data', { ...p, body: { type: 'reference', value: { content: 1 } } as Obj })).response, 400, 'CreateDatasetData of a reference');
      const ghost = { params: { path: { datasetId: randomId() } } };
      expectStatus(ctx, (await api.POST('/api/v1/datasets/{datasetId}/data', { ...ghost, body: { value: { content: 1 } } as Obj })).response, 404, 'CreateDatasetData in an unknown data set');
      expectStatus(ctx, (await api.GET('/api/v1/datasets/{datasetId}/data', ghost)).response, 404, 'GetDatasetDatas of an unknown data set');
      await api.DELETE('/api/v1/datasets/{datasetId}', { params: { path: { datasetId: ds.data.id }, query: { deleteInbound: true } } });
      await api.DELETE('/api/v1/datasets/{datasetId}', { params: { path: { datasetId: ro.data.id } } });
    }

    // Data set layouts: of a definition sent, and the entity references of a stored one.
    const lay = await api.POST('/api/v1/datasets/layout', { params: { query: { primaryOnly: false } }, body: { displayName: `contract-layout-${tag}`, datasources: [{ id: 'crm-accounts' }] } });
    if (expectStatus(ctx, lay.response, 200, 'GetDatasetLayout')) {
      ensure(ctx, 'behaves_as_documented', lay.data?.[0]?.name === 'account' && lay.data[0].canBePrimary === true, 'a data set on CRM accounts has the account entity, primary', 'GetDatasetLayout');
    }
    expectStatus(ctx, (await api.POST('/api/v1/datasets/layout', { body: { displayName: 'x', datasources: [{ id: randomId() }] } })).response, 400, 'GetDatasetLayout on a data source that does not exist');
    const refs = await api.GET('/api/v1/datasets/{datasetId}/entityrefs', { params: { path: { datasetId: 'crm-records' }, query: { sort: 'id,asc' } } });
    if (expectStatus(ctx, refs.response, 200, 'GetDatasetEntityReferences')) {
      ensure(ctx, 'behaves_as_documented', (refs.data ?? []).some((r) => r.id === 'account' && r.type === 'entityReference'), 'CRM records names its account entity', 'GetDatasetEntityReferences');
    }
    expectStatus(ctx, (await api.GET('/api/v1/datasets/{datasetId}/entityrefs', { params: { path: { datasetId: randomId() } } })).response, 404, 'GetDatasetEntityReferences of an unknown data set');

    // Data source types and layouts.
    const types = await api.GET('/api/v1/datasources/types');
    if (expectStatus(ctx, types.response, 200, 'GetDatasourceTypes')) ensure(ctx, 'behaves_as_documented', (types.data ?? []).some((t) => t.id === 'rest-entity'), 'the catalogue has rest-entity', 'GetDatasourceTypes');
    expectStatus(ctx, (await api.GET('/api/v1/datasources/types/{datasourceTypeId}', { params: { path: { datasourceTypeId: 'rest-entity' } } })).response, 200, 'GetDatasourceType');
    expectStatus(ctx, (await api.GET('/api/v1/datasources/types/{datasourceTypeId}', { params: { path: { datasourceTypeId: `odbc-${tag}` } } })).response, 404, 'GetDatasourceType of an unknown type');
    const layout = await api.GET('/api/v1/datasources/{datasourceId}/layout', { params: { path: { datasourceId: 'crm-accounts' }, query: { full: true } } });
    if (expectStatus(ctx, layout.response, 200, 'GetDatasourceLayout')) {
      ensure(ctx, 'behaves_as_documented', layout.data?.entities?.[0]?.name === 'account', 'the CRM accounts layout is its account entity', 'GetDatasourceLayout');
    }
    expectStatus(ctx, (await api.GET('/api/v1/datasources/{datasourceId}/layout', { params: { path: { datasourceId: randomId() } } })).response, 404, 'GetDatasourceLayout of an unknown data source');
    expectStatus(ctx, (await api.GET('/api/v1/datasources/{datasourceId}/layout/{entityName}', { params: { path: { datasourceId: 'crm-accounts', entityName: 'account' } } })).response, 200, 'GetDatasourceEntityLayout');
    expectStatus(ctx, (await api.GET('/api/v1/datasources/{datasourceId}/layout/{entityName}', { params: { path: { datasourceId: 'crm-accounts', entityName: `nothing${tag}` } } })).response, 404, 'GetDatasourceEntityLayout of an unknown entity');

    // Plugins, their tag groups and data sets.
    const plugins = await api.GET('/api/v1/plugins');
    if (expectStatus(ctx, plugins.response, 200, 'GetPlugins')) ensure(ctx, 'behaves_as_documented', (plugins.data ?? []).some((x) => x.id === 'crm'), 'the CRM plugin is listed', 'GetPlugins');
    const provided = await api.GET('/api/v1/taggroups/plugin');
    expectStatus(ctx, provided.response, 200, 'GetPluginTagGroups');
    const first = await api.POST('/api/v1/taggroups/plugin');
    const second = await api.POST('/api/v1/taggroups/plugin');
    if (expectStatus(ctx, first.response, 200, 'SyncPluginTagGroups') && expectStatus(ctx, second.response, 200, 'SyncPluginTagGroups again')) {
      ensure(ctx, 'behaves_as_documented', JSON.stringify(first.data) === JSON.stringify(second.data), 'a second sync changes nothing', 'SyncPluginTagGroups');
      const group = (first.data ?? [])[0];
      if (group?.id && group.displayName) {
        await api.DELETE('/api/v1/taggroups/{tagGroupId}', { params: { path: { tagGroupId: group.id } } });
        const clash = await api.POST('/api/v1/taggroups', { body: { displayName: group.displayName, tags: ['x'], definedBy: 'user' } });
        expectStatus(ctx, (await api.POST('/api/v1/taggroups/plugin')).response, 409, 'SyncPluginTagGroups while a user\'s group has a plugin group\'s name');
        if (clash.data?.id) await api.DELETE('/api/v1/taggroups/{tagGroupId}', { params: { path: { tagGroupId: clash.data.id } } });
        expectStatus(ctx, (await api.POST('/api/v1/taggroups/plugin')).response, 200, 'SyncPluginTagGroups after the clash is gone');
      }
    }
    const pds = await api.GET('/api/v1/datasets/plugin');
    if (expectStatus(ctx, pds.response, 200, 'GetPluginDatasets')) ensure(ctx, 'behaves_as_documented', (pds.data ?? []).every((d) => typeof d.plugin?.id === 'string'), 'every plugin data set names its plugin', 'GetPluginDatasets');
    const out = await api.GET('/api/v1/datasets/plugin/output');
    if (expectStatus(ctx, out.response, 200, 'GetPluginOutputDatasets')) ensure(ctx, 'behaves_as_documented', (out.data ?? []).every((d) => (d.purpose ?? []).includes('output')), 'every output data set has the purpose output', 'GetPluginOutputDatasets');
  },
};
