/**
 * The client is typed from the spec: mistakes a spec-typed client must catch are compile errors.
 * `npm test` runs `tsc -p tsconfig.json`, which checks this file: each `@ts-expect-error` below
 * fails the typecheck ("Unused '@ts-expect-error' directive") on the day the types stop
 * catching that mistake, e.g. because the client went back to hand-written or `any` types.
 * The runtime part checks, with expectTypeOf, that the helpers' types are the generated ones.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  createPhixFlowClient, createSmartFlowsClient,
  type ActionflowEnvelope, type FlowRun, type FlowExecutionProgress, type TriggerResult, type components,
} from '../../src/client/index.js';

/** Never called: only compiled. */
export async function mistakesTheTypesCatch(): Promise<void> {
  const sf = createSmartFlowsClient({ baseUrl: 'http://x', apiKey: 'k' });
  const px = createPhixFlowClient({ baseUrl: 'http://x' });

  // @ts-expect-error a path the spec does not have
  await sf.api.GET('/api/v1/no-such-path');
  // @ts-expect-error flowId is a string (uuid) in the spec, not a number
  await sf.api.POST('/api/v1/flows/executions', { params: { query: { flowId: 42 } } });
  // @ts-expect-error the path parameter is called `execution`, not `id`
  await sf.api.GET('/api/v1/flows/executions/{execution}', { params: { path: { id: 'x' } } });
  // @ts-expect-error the long-poll `timeout` is a number of seconds
  await sf.api.GET('/api/v1/flows/executions/{execution}/progress', { params: { path: { execution: 'x' }, query: { timeout: 'soon' } } });
  // @ts-expect-error GetFlowExecution has no DELETE-less twin: PUT is not an operation of this path
  await sf.api.PUT('/api/v1/flows/executions/{execution}', { params: { path: { execution: 'x' } } });
  // @ts-expect-error PhixFlow paths are not on the Smart Flows client (X-API-Key would be the wrong credential)
  await sf.api.GET('/phixflow/api/1/action/{application}/{actionflow}/status/{processId}');
  // @ts-expect-error Smart Flows paths are not on the PhixFlow client
  await px.api.GET('/api/v1/flows');
  // @ts-expect-error plug-in JSON needs `entity` (PluginInput)
  await sf.runFlow('11111111-1111-4111-8111-111111111103', { id: ['a'] });
  // @ts-expect-error a printer needs a displayName (PrinterInput)
  await sf.api.POST('/api/v1/printers', { body: { flavor: 'jps' } });
  // @ts-expect-error an API key and a bearer token together
  createSmartFlowsClient({ baseUrl: 'http://x', apiKey: 'k', bearerToken: 't' });

  const run = await sf.runFlow('11111111-1111-4111-8111-111111111101');
  // @ts-expect-error 'Done' is not an execution status of the spec
  if (run.status === 'Done') return;
  // @ts-expect-error runFlow only returns stable statuses, never Running
  if (run.status === 'Running') return;
  // @ts-expect-error the progress model has `percentage`, not `percent`
  void run.progress.percent;

  const { envelope } = await px.trigger('Demo', 'Echo and enrich', []);
  // @ts-expect-error envelope status is Success | Fail | Running
  if (envelope.status === 'Ok') return;
  // @ts-expect-error `timeout` (ms, server-side) is a number
  await px.trigger('Demo', 'Slow import', [], { query: { timeout: [1] } });
}

describe('types come from the generated spec types', () => {
  it('the helpers return the generated models (FlowExecution, FlowExecutionProgress, ActionflowEnvelope)', () => {
    expectTypeOf<FlowRun['execution']>().toEqualTypeOf<components['schemas']['FlowExecution']>();
    expectTypeOf<FlowRun['progress']>().toEqualTypeOf<components['schemas']['FlowExecutionProgress']>();
    expectTypeOf<FlowExecutionProgress['status']>().toEqualTypeOf<components['schemas']['ExecutionStatus']>();
    expectTypeOf<TriggerResult['envelope']>().toEqualTypeOf<ActionflowEnvelope>();
    expectTypeOf<ActionflowEnvelope>().toEqualTypeOf<components['schemas']['ActionflowEnvelope']>();
    expectTypeOf<FlowRun['status']>().toEqualTypeOf<'Success' | 'Warning' | 'Error' | 'Interrupted' | 'Canceled'>();
    expect(typeof mistakesTheTypesCatch).toBe('function');
  });
});
