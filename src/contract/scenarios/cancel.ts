/** Smart Flows: cancel live executions (both URL forms); a canceled one stays Canceled and cannot be canceled again. */
import type { Scenario } from '../context.js';
import { apiKey, ensure, executeFlow, expectStatus, mustStatus, needsUserKey, waitForExecution } from '../scenario-kit.js';

export const cancelScenario: Scenario = {
  name: 'smartflows: cancel',
  api: 'smartflows',
  skip: needsUserKey,
  async run(ctx) {
    const fx = ctx.main.fixtures;
    const user = ctx.main.strict.as(apiKey(fx.keys.user));
    const forms = [
      { flowId: fx.flows.userInput, live: 'UserInput', path: '/api/v1/flows/executions/{execution}/progress' as const, op: 'CancelFlowExecution' },
      { flowId: fx.flows.callback, live: 'Waiting', path: '/api/v1/flows/executions/{execution}' as const, op: 'CancelFlowExecutionById' },
    ];
    for (const f of forms) {
      const { id } = await executeFlow(ctx, user, f.flowId, `ExecuteFlow (to cancel in ${f.live})`);
      await waitForExecution(ctx, user, id, (s) => s === f.live, `run to ${f.live}`);
      const canceled = await user.DELETE(f.path, { params: { path: { execution: id } } });
      mustStatus(ctx, canceled.response, 200, `${f.op} of a ${f.live} execution`);
      ensure(ctx, 'behaves_as_documented', canceled.data!.status === 'Canceled', `${f.op} answers Canceled (${canceled.data!.status})`, f.op);
      const again = await user.GET('/api/v1/flows/executions/{execution}/progress', { params: { path: { execution: id }, query: { timeout: 0 } } });
      expectStatus(ctx, again.response, 200, 'progress after cancel');
      const exec = await user.GET('/api/v1/flows/executions/{execution}', { params: { path: { execution: id } } });
      expectStatus(ctx, exec.response, 200, 'GetFlowExecution after cancel');
      expectStatus(ctx, (await user.DELETE(f.path, { params: { path: { execution: id } } })).response, 409, `${f.op} of a Canceled execution`);
      expectStatus(ctx, (await user.POST('/api/v1/flows/executions/{execution}/progress', { params: { path: { execution: id } }, body: fx.form.valid })).response, 409,
        'ContinueFlowExecution of a Canceled execution');
    }
  },
};
