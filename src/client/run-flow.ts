/**
 * `runFlow(client, flowId, input?, options?)`: one call for scripts and tests that run one flow —
 * a Smart Flows client for `client` (base URL and API key or bearer token), then its `runFlow`.
 */
import { createSmartFlowsClient, type FlowRun, type RunFlowOptions, type SmartFlowsClientOptions } from './smartflows.js';
import type { FlowInput } from './types.js';

export function runFlow(client: SmartFlowsClientOptions, flowId: string, input?: FlowInput, options?: RunFlowOptions): Promise<FlowRun> {
  return createSmartFlowsClient(client).runFlow(flowId, input, options);
}
