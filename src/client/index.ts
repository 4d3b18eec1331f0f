/**
 * `flowmock/client`: typed clients for the Smart Flows flow-execution API and the PhixFlow
 * actionflow API endpoints, generated from `spec/openapi.yaml` (`npm run generate`).
 *
 * - `createSmartFlowsClient({ baseUrl, apiKey } | { baseUrl, bearerToken })`: `.api` (raw typed
 *   openapi-fetch client), `.runFlow(...)`, `.downloadDocument(...)`.
 * - `runFlow(clientOptions, flowId, input?, options?)`: the two in one call.
 * - `createPhixFlowClient({ baseUrl, token? })`: `.api`, `.trigger(...)`.
 * - `unwrap(result)`: data of a raw `.api` call, or a thrown `FlowmockApiError`.
 */
export { createSmartFlowsClient, documentsOf, isStableStatus } from './smartflows.js';
export { runFlow } from './run-flow.js';
export type {
  CommonClientOptions,
  DownloadedDocument,
  FlowDocumentRef,
  FlowRun,
  RunFlowOptions,
  SmartFlowsClient,
  SmartFlowsClientOptions,
} from './smartflows.js';
export { createPhixFlowClient } from './phixflow.js';
export type { PhixFlowClient, PhixFlowClientOptions, TriggerOptions, TriggerResult } from './phixflow.js';
export { FlowmockAbortError, FlowmockApiError, UserInputRequiredError } from './errors.js';
export type { FlowmockAbortErrorInit, FlowmockApiErrorInit } from './errors.js';
export { unwrap } from './internal.js';
export type { DataOf } from './internal.js';
export { STABLE_STATUSES } from './types.js';
export type {
  ActionflowEnvelope,
  DocumentMetadata,
  ExecutionStatus,
  FieldError,
  FlowExecution,
  FlowExecutionProgress,
  FlowInput,
  PhixFlowPaths,
  PluginInput,
  Problem,
  SmartFlowsPaths,
  StableStatus,
  TriggerQuery,
  UserInputAnswer,
  components,
  operations,
  paths,
} from './types.js';
