/**
 * The two connector operations beyond the regular collection: TestConnector says whether the
 * connector would work (flowmock connects to nothing: an active connector of a known type passes,
 * an inactive one fails, saying why) and RefreshConnector, which has nothing to re-read and says
 * so by answering the empty object. Both need the connector to exist (404).
 */
import type { Handlers } from '../../handler-contract/handler-types.js';

export const connectorHandlers: Pick<Handlers, 'TestConnector' | 'RefreshConnector'> = {
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
};
