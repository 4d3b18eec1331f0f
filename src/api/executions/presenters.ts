/** Execution records as the vendor's models: FlowExecutionProgress and FlowExecution. */
import type { ExecutionRecord, ProgressSnapshot, Store } from '../../store/types.js';
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

export function presentExecution(store: Store, e: ExecutionRecord): Schemas['FlowExecution'] {
  const inUserInput = e.status === 'UserInput';
  return {
    id: e.id,
    createdAt: e.createdAt,
    createdBy: userRef(store, e.createdBy),
    modifiedAt: e.modifiedAt,
    modifiedBy: userRef(store, e.modifiedBy),
    status: e.status,
    flow: { id: e.flowId, displayName: e.flowName, type: 'flow' },
    state: {
      inputData: e.inputData ?? null,
      output: {
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
      warnings: e.warnings,
      errors: e.errors,
      waitingFor: e.waitingFor,
    },
  };
}
