/** Smart Flows: a flow stops in UserInput, the form is posted (a bad one first), the run resumes to Success. */
import type { Scenario } from '../context.js';
import { apiKey, documentIdOf, ensure, executeFlow, expectStatus, mustStatus, needsUserKey, waitForExecution } from '../scenario-kit.js';
import { checkBinary } from '../binary.js';

export const userInputScenario: Scenario = {
  name: 'smartflows: user input, then resume',
  api: 'smartflows',
  skip: needsUserKey,
  async run(ctx) {
    const fx = ctx.main.fixtures;
    const creds = apiKey(fx.keys.user);
    const user = ctx.main.strict.as(creds);
    const { id } = await executeFlow(ctx, user, fx.flows.userInput, 'ExecuteFlow of the user-input flow');
    const waiting = await waitForExecution(ctx, user, id, (s) => s === 'UserInput', 'user-input flow');
    ensure(ctx, 'behaves_as_documented', !!waiting.schema && Array.isArray(waiting.form) && !!waiting.model,
      'in UserInput the progress carries schema, form and model', 'GetFlowExecutionProgress');
    const keys = (waiting.form ?? []).map((f) => f.key);
    ensure(ctx, 'behaves_as_documented', Object.keys(fx.form.valid).every((k) => keys.includes(k)), `the form has the fields ${keys.join(', ')}`, 'GetFlowExecutionProgress');

    const exec = await user.GET('/api/v1/flows/executions/{execution}', { params: { path: { execution: id } } });
    if (expectStatus(ctx, exec.response, 200, 'GetFlowExecution in UserInput')) {
      const wf = exec.data!.state.waitingFor;
      ensure(ctx, 'behaves_as_documented', wf === 'userInput', `waitingFor is userInput (${JSON.stringify(wf)})`, 'GetFlowExecution');
    }
    const filter = 'status:UserInput';
    const listed = await user.GET('/api/v1/flows/executions', { params: { query: { filter, size: 100 } } });
    if (expectStatus(ctx, listed.response, 200, 'GetAllFlowExecutions with a filter on UserInput')) {
      ensure(ctx, 'behaves_as_documented', listed.data!.some((e) => e.id === id) && listed.data!.every((e) => e.status === 'UserInput'),
        'the filtered list holds the execution and only UserInput ones', 'GetAllFlowExecutions');
    }
    // Not waiting for a callback: the same 404 as an unknown callback (the call needs no credentials). Not the id "contract": POST /flows/callback/contract also matches GetFlowContract's path.
    expectStatus(ctx, (await user.POST('/api/v1/flows/callback/{callbackId}', { params: { path: { callbackId: 'not-a-callback' }, query: { executionId: id } }, parseAs: 'text' })).response, 404,
      'PostFlowCallback to an execution in UserInput');

    const bad = await user.POST('/api/v1/flows/executions/{execution}/progress', { params: { path: { execution: id } }, body: fx.form.invalid });
    if (expectStatus(ctx, bad.response, 400, 'ContinueFlowExecution with a value breaking the form schema')) {
      const errors = (bad.error as { errors?: Array<{ pointer: string }> } | undefined)?.errors ?? [];
      const field = Object.keys(fx.form.invalid)[0];
      ensure(ctx, 'behaves_as_documented', errors.some((e) => e.pointer.includes(field)), `the 400 names the field ${field}`, 'ContinueFlowExecution');
    }
    const ok = await user.POST('/api/v1/flows/executions/{execution}/progress', { params: { path: { execution: id } }, body: fx.form.valid });
    mustStatus(ctx, ok.response, 200, 'ContinueFlowExecution with valid form values');
    ensure(ctx, 'behaves_as_documented', ok.data!.status !== 'UserInput', `after the form the execution moves on (${ok.data!.status})`, 'ContinueFlowExecution');
    expectStatus(ctx, (await user.POST('/api/v1/flows/executions/{execution}/progress', { params: { path: { execution: id } }, body: fx.form.valid })).response,
      409, 'ContinueFlowExecution a second time (no longer in UserInput)');
    const done = await waitForExecution(ctx, user, id, (s) => s === 'Success', 'resumed user-input flow');
    const documentId = documentIdOf(done.model);
    if (ensure(ctx, 'behaves_as_documented', !!documentId, 'the resumed run produced a document', 'GetFlowExecutionProgress')) {
      const content = await user.GET('/api/v1/documents/{documentId}/content', { params: { path: { documentId: documentId! } }, parseAs: 'arrayBuffer' });
      await checkBinary(ctx, ctx.main, content.response, creds, 'pdf', 'PDF of the resumed run');
    }
    const stages = await user.GET('/api/v1/flows/executions/{execution}', { params: { path: { execution: id } } });
    if (expectStatus(ctx, stages.response, 200, 'GetFlowExecution after resuming')) {
      ensure(ctx, 'behaves_as_documented', (stages.data!.state.stages?.length ?? 0) >= 2, `resuming opened a new stage (${stages.data!.state.stages?.length} stages)`, 'GetFlowExecution');
    }

    // StartFlow skips user input: it never stops in UserInput.
    const skipped = await user.POST('/api/v1/flows/executions/start', { params: { query: { flow: fx.flows.userInput } } });
    mustStatus(ctx, skipped.response, 200, 'StartFlow of the user-input flow');
    const end = await waitForExecution(ctx, user, skipped.data!.id, (s) => s === 'Success', 'StartFlow skipping the form');
    ensure(ctx, 'behaves_as_documented', end.status === 'Success', 'StartFlow skipped the form and ended Success', 'StartFlow');
  },
};
