/**
 * The connector operations beyond the regular collection: TestConnector says whether the
 * connector would work (flowmock connects to nothing: an active connector of a known type passes,
 * an inactive one fails, saying why), RefreshConnector, which has nothing to re-read and says
 * so by answering the empty object, and the setup wizard (src/engine/connectors/connector-setup.ts:
 * start, current, next, previous, finish, cancel). All need the connector to exist (404).
 */
import { principalOf, type Handlers } from '../../handler-contract/handler-types.js';
import type { Services } from '../../handler-contract/services.js';
import type { components } from '../../../generated/openapi-types.js';
import { ConnectorSetup } from '../../engine/connectors/connector-setup.js';
import { present } from '../resources/resources.js';

type Obj = Record<string, unknown>;

/** The wizard over the services' store (it keeps no state of its own: a setup lives in the store). */
const setupOf = (s: Services) => new ConnectorSetup({ store: s.store, connectors: s.resources.collection('connectors'), now: s.now });

/** The connector as the vendor's Connector (the resource engine's presenter; the server validates every answer against the spec). */
async function connectorModel(s: Services, id: string): Promise<components['schemas']['Connector']> {
  const c = s.resources.collection('connectors');
  return present(s.store, c, await s.resources.get(c, id)) as Promise<components['schemas']['Connector']>;
}

const bodyOf = (b: unknown): Obj => (typeof b === 'object' && b !== null && !Array.isArray(b) ? b as Obj : {});

type ConnectorOps = 'TestConnector' | 'RefreshConnector' | 'SetupConnector' | 'SetupConnectorCurrent' | 'SetupConnectorNext'
  | 'SetupConnectorPrevious' | 'SetupConnectorFinish' | 'SetupConnectorCancel';

export const connectorHandlers: Pick<Handlers, ConnectorOps> = {
  async TestConnector(ctx) {
    const { resources } = ctx.services;
    const c = resources.collection('connectors');
    const { record } = await resources.get(c, ctx.path.connectorId);
    const type = (record.body.connectorType as { id?: string; displayName?: string } | undefined) ?? {};
    const active = record.body.active !== false;
    return {
      status: 200,
      body: active
        ? { status: 'successful', hasWarnings: true, messages: [{ type: 'warning', code: 'sandbox', message: `flowmock connects to nothing: connector ${record.id} (${type.displayName ?? type.id ?? 'no type'}) was not contacted.` }] }
        : { status: 'failed', hasWarnings: false, messages: [{ type: 'error', code: 'inactive', message: `Connector ${record.id} is not active.` }] },
    };
  },

  async RefreshConnector(ctx) {
    const { resources } = ctx.services;
    await resources.get(resources.collection('connectors'), ctx.path.connectorId);
    return { status: 200, body: {} };
  },

  async SetupConnector(ctx) {
    return { status: 200, body: await setupOf(ctx.services).start(ctx.path.connectorId, principalOf(ctx).user.id) };
  },

  async SetupConnectorCurrent(ctx) {
    return { status: 200, body: await setupOf(ctx.services).current(ctx.path.connectorId) };
  },

  async SetupConnectorNext(ctx) {
    return { status: 200, body: await setupOf(ctx.services).next(ctx.path.connectorId, bodyOf(ctx.body), principalOf(ctx).user.id) };
  },

  async SetupConnectorPrevious(ctx) {
    return { status: 200, body: await setupOf(ctx.services).previous(ctx.path.connectorId, bodyOf(ctx.body), principalOf(ctx).user.id) };
  },

  async SetupConnectorFinish(ctx) {
    await setupOf(ctx.services).finish(ctx.path.connectorId, bodyOf(ctx.body), principalOf(ctx).user.id);
    return { status: 200, body: await connectorModel(ctx.services, ctx.path.connectorId) };
  },

  async SetupConnectorCancel(ctx) {
    await setupOf(ctx.services).cancel(ctx.path.connectorId, bodyOf(ctx.body));
    return { status: 200, body: await connectorModel(ctx.services, ctx.path.connectorId) };
  },
};
