/**
 * Types of the client, all taken from the generated spec types (`npm run generate`): nothing here
 * restates a model by hand, so a spec change reaches every signature.
 */
import type { components, operations, paths } from '../../generated/openapi-types.js';

export type { components, operations, paths };

type Schemas = components['schemas'];

export type Problem = Schemas['Problem'];
export type FieldError = Schemas['FieldError'];
export type ExecutionStatus = Schemas['ExecutionStatus'];
export type FlowExecutionProgress = Schemas['FlowExecutionProgress'];
export type FlowExecution = Schemas['FlowExecution'];
export type DocumentMetadata = Schemas['Document'];
export type PluginInput = Schemas['PluginInput'];
export type ActionflowEnvelope = Schemas['ActionflowEnvelope'];

/** The paths a Smart Flows client may call: `/api/v1/...` and the flowmock extensions `/__flowmock/...`. */
export type SmartFlowsPaths = {
  [P in keyof paths as P extends `/api/v1/${string}` | `/__flowmock/${string}` ? P : never]: paths[P];
};

/** The paths a PhixFlow client may call: the actionflow API endpoints `/phixflow/...`. */
export type PhixFlowPaths = {
  [P in keyof paths as P extends `/phixflow/${string}` ? P : never]: paths[P];
};

/** The body `ContinueFlowExecution` takes: form field key → value. */
export type UserInputAnswer = NonNullable<operations['ContinueFlowExecution']['requestBody']>['content']['application/json'];

/** The query `TriggerActionflow` declares (`timeout`), plus the actionflow's own parameters. */
export type TriggerQuery = NonNullable<operations['TriggerActionflow']['parameters']['query']> &
  Record<string, string | number | boolean | undefined>;

/**
 * Input of a flow execution, as `ExecuteFlow`'s request body allows: none (`undefined`), XML
 * (a string, sent as `application/xml`) or plug-in JSON (an object, sent as `application/json`).
 */
export type FlowInput = undefined | NonNullable<operations['ExecuteFlow']['requestBody']>['content']['application/xml'] | PluginInput;

/** The five statuses that never change again. */
export const STABLE_STATUSES = ['Success', 'Warning', 'Error', 'Interrupted', 'Canceled'] as const satisfies readonly ExecutionStatus[];
export type StableStatus = (typeof STABLE_STATUSES)[number];
