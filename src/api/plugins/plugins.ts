/**
 * The plugin operations (src/engine/plugins/plugin-catalog.ts): flowmock's built-in plugins, the
 * tag groups they provide (listed, and synced into the tag groups collection), and the data sets
 * they provide (the data sets collection's objects whose `plugin` names one of them).
 */
import { principalOf, type Handlers } from '../../handler-contract/handler-types.js';
import type { Services } from '../../handler-contract/services.js';
import type { components } from '../../../generated/openapi-types.js';
import { PLUGINS, pluginTagGroups } from '../../engine/plugins/plugin-catalog.js';
import { present } from '../resources/resources.js';

type Dataset = components['schemas']['Dataset'];
type TagGroup = components['schemas']['TagGroup'];

/** The data sets at most a plugin list answers (the collection is the installation's, not a user's). */
const PLUGIN_DATASETS_MAX = 1000;

async function pluginDatasets(s: Services, output: boolean): Promise<Dataset[]> {
  const c = s.resources.collection('datasets');
  const ids = PLUGINS.map((p) => p.id);
  const page = await s.resources.list(c, {
    filter: { type: 'or', nodes: ids.map((id) => ({ condition: { key: 'plugin.id', operator: 'equalTo', values: [id] } })) },
    sort: c.defaultSort, page: 0, size: PLUGIN_DATASETS_MAX,
  });
  const views = page.content.filter((v) => !output || (Array.isArray(v.record.body.purpose) && v.record.body.purpose.includes('output')));
  return Promise.all(views.map(async (v) => (await present(s.store, c, v)) as Dataset));
}

export const pluginHandlers: Pick<Handlers, 'GetPlugins' | 'GetPluginTagGroups' | 'SyncPluginTagGroups' | 'GetPluginDatasets' | 'GetPluginOutputDatasets'> = {
  GetPlugins: () => ({
    status: 200,
    body: PLUGINS.map((p) => ({
      id: p.id, displayName: p.displayName, description: p.description,
      ...(p.connectorType ? { connectorType: { ...p.connectorType } } : {}),
      ...(p.inputDataset ? { inputDataset: { ...p.inputDataset } } : {}),
      flowSteps: p.flowSteps.map((f) => ({ ...f })),
    })),
  }),

  GetPluginTagGroups: () => ({
    status: 200,
    body: pluginTagGroups().map((g) => ({ id: g.id, ...g.body }) as TagGroup),
  }),

  async SyncPluginTagGroups(ctx) {
    const s = ctx.services;
    const c = s.resources.collection('tagGroups');
    const synced = await s.resources.sync(c, pluginTagGroups(), principalOf(ctx).user.id);
    return { status: 200, body: await Promise.all(synced.map(async (r) => (await present(s.store, c, r.view)) as TagGroup)) };
  },

  GetPluginDatasets: async (ctx) => ({ status: 200, body: await pluginDatasets(ctx.services, false) }),
  GetPluginOutputDatasets: async (ctx) => ({ status: 200, body: await pluginDatasets(ctx.services, true) }),
};
