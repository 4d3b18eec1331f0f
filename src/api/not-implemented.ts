/**
 * The vendor operations flowmock's spec declares (issue 13: all 166 Smart Flows operations) that no
 * handler serves yet. Each answers the spec-declared 501 problem (components/responses/NotImplemented)
 * through one generic handler, after the dispatcher has checked credentials, permission and the
 * request (so a 501 goes only to a caller who may call the operation, with a valid request).
 *
 * To implement one: write its handler in src/api/<area>/, bind it in src/api/handlers.ts, delete its
 * id here and remove the `"501"` response from its operation in the spec. test/vendor/not-implemented.test.ts
 * holds this list to the spec (an operation is here exactly when it declares the 501) and to the
 * real handlers (none is both).
 */
import type { Handler, OperationId } from '../handler-contract/handler-types.js';
import { ProblemError } from '../handler-contract/problem.js';

export const NOT_IMPLEMENTED = [
  // /api/v1/connectors
  'SetupConnector',
  'SetupConnectorCancel',
  'SetupConnectorCurrent',
  'SetupConnectorFinish',
  'SetupConnectorNext',
  'SetupConnectorPrevious',
  // /api/v1/datasets
  'GetDatasetLayout',
  'GetPluginDatasets',
  'GetPluginOutputDatasets',
  'GetDatasetDatas',
  'CreateDatasetData',
  'GetDatasetEntityReferences',
  // /api/v1/datasources
  'GetDatasourceTypes',
  'GetDatasourceType',
  'GetDatasourceLayout',
  'GetDatasourceEntityLayout',
  // /api/v1/plugins
  'GetPlugins',
  // /api/v1/taggroups
  'GetPluginTagGroups',
  'SyncPluginTagGroups',
] as const satisfies readonly OperationId[];

export type NotImplementedOperationId = (typeof NOT_IMPLEMENTED)[number];

/** The one handler of every operation in NOT_IMPLEMENTED: the 501 problem naming the operation. */
export function notImplemented(ctx: { operationId: string; req: { method: string; path: string } }): never {
  throw new ProblemError(
    501,
    `${ctx.operationId} (${ctx.req.method} ${ctx.req.path}) is not implemented in flowmock yet; its parameters and models are the vendor's.`,
  );
}

function bindAll(): { [K in NotImplementedOperationId]: Handler<K> } {
  const table = {} as Record<NotImplementedOperationId, typeof notImplemented>;
  for (const id of NOT_IMPLEMENTED) table[id] = notImplemented;
  return table;
}

export const notImplementedHandlers = bindAll();
