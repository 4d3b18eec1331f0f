/** Execution records as the vendor's models: FlowExecutionProgress and FlowExecution. */
import type { ExecutionRecord, ProgressSnapshot, StoreCollections } from '../../store/types.js';
import type { components } from '../../../generated/openapi-types.js';
import { userRef } from '../users/presenters.js';

type Schemas = components['schemas'];

export function presentProgress(id: string, p: ProgressSnapshot): Schemas['FlowExecutionProgress'] {
  return {
    id,
    percentage: p.percentage,
    message: p.message,
    status: p.status,
    ...(p.currentData ? { currentData: p.currentData } : {}),
    ...(p.schema ? { schema: p.schema } : {}),
    ...(p.model ? { model: p.model } : {}),
    ...(p.form ? { form: p.form as Schemas['FormField'][] } : {}),
  };
}

/** `state.waitingFor` as the vendor's string (flowmock choice, see the spec's FlowExecutionState). */
function waitingForText(e: ExecutionRecord): string | null {
  if (e.status === 'SelectFlow') return 'flowSelection';
  if (!e.waitingFor) return null;
  return e.waitingFor.type === 'callback' ? (e.waitingFor.callbackUrl ?? e.waitingFor.callbackId ?? 'callback') : 'userInput';
}

/** One output per document the execution produced, under its block key. */
function outputsOf(e: ExecutionRecord): Schemas['FlowExecutionOutput'][] {
  return Object.entries(e.output.model ?? {}).map(([key, content]) => {
    const doc = (content as { document?: { displayName?: string } } | null)?.document;
    return { output: { id: key, displayName: doc?.displayName ?? key }, content };
  });
}

export async function presentExecution(store: StoreCollections, e: ExecutionRecord): Promise<Schemas['FlowExecution']> {
  const inUserInput = e.status === 'UserInput' || e.status === 'SelectFlow';
  const input = (await store.data.inputOf(e.id));
  const creator = await userRef(store, e.createdBy);
  return {
    id: e.id,
    mode: e.skipUserInput ? 'batch' : 'interactive',
    createdAt: e.createdAt,
    createdBy: creator,
    createdFor: creator,
    modifiedAt: e.modifiedAt,
    modifiedBy: await userRef(store, e.modifiedBy),
    priority: 0,
    status: e.status,
    ...(e.flowId ? { flow: { id: e.flowId, displayName: e.flowName, type: 'flow' } } : {}),
    state: {
      inputData: input ? { id: input.id, displayName: input.displayName, type: 'data' } : null,
      output: {
        parts: [],
        model: e.output.model,
        // While waiting for form data the output carries the form, as the execution panel shows it.
        ...(inUserInput && e.progress.schema ? { schema: e.progress.schema } : {}),
        ...(inUserInput && e.progress.form ? { form: e.progress.form as Schemas['FormField'][] } : {}),
      },
      stages: e.stages.map((s) => ({
        start: s.start,
        end: s.end,
        input: s.input ?? null,
        ...(s.lastProgress ? { lastProgress: presentProgress(e.id, s.lastProgress) } : {}),
      })),
      iterations: e.iterations,
      report: e.report,
      waitingFor: waitingForText(e),
      languageCode: 'en',
      timeZoneId: 'UTC',
      warnings: e.warnings,
      errors: e.errors,
    },
    outputs: outputsOf(e),
  };
}
