/** Smart Flows: the other end states: Warning (document made, post-processing failed) and Error. */
import type { Scenario } from '../context.js';
import { apiKey, documentIdOf, ensure, executeFlow, expectStatus, needsUserKey, waitForExecution } from '../scenario-kit.js';

export const outcomesScenario: Scenario = {
  name: 'smartflows: Warning and Error outcomes',
  api: 'smartflows',
  skip: needsUserKey,
  async run(ctx) {
    const fx = ctx.main.fixtures;
    const user = ctx.main.strict.as(apiKey(fx.keys.user));
    for (const [flowId, end] of [[fx.flows.warning, 'Warning'], [fx.flows.error, 'Error']] as const) {
      const { id } = await executeFlow(ctx, user, flowId, `ExecuteFlow (to end ${end})`);
      const done = await waitForExecution(ctx, user, id, (s) => s === end, `run to ${end}`);
      ensure(ctx, 'behaves_as_documented', typeof done.message === 'string' && done.message.length > 0, `${end} carries a message (${done.message})`, 'GetFlowExecutionProgress');
      const exec = await user.GET('/api/v1/flows/executions/{execution}', { params: { path: { execution: id } } });
      if (expectStatus(ctx, exec.response, 200, `GetFlowExecution of a ${end} execution`)) {
        // Warning: the caught failure or the warning is in state.warnings; Error: what ended it is in state.errors.
        const entries = (end === 'Warning' ? exec.data!.state.warnings : exec.data!.state.errors) ?? [];
        ensure(ctx, 'behaves_as_documented', entries.length > 0 && entries.every((x) => typeof x.message === 'string'), `state.${end === 'Warning' ? 'warnings' : 'errors'} has a FlowException`, 'GetFlowExecution');
      }
      if (end === 'Warning') {
        const documentId = documentIdOf(done.model);
        if (ensure(ctx, 'behaves_as_documented', !!documentId, 'a Warning execution still has its document', 'GetFlowExecutionProgress')) {
          const c = await user.GET('/api/v1/documents/{documentId}/content', { params: { path: { documentId: documentId! } }, parseAs: 'arrayBuffer' });
          expectStatus(ctx, c.response, 200, 'GetDocumentContent of a Warning execution', 'not_ready_before_success');
        }
      }
    }
  },
};
