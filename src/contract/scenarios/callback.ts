/**
 * Smart Flows: a flow produces a PDF, then waits for a callback. While it waits the PDF is not
 * downloadable (409); a callback with the wrong id is a 409; the right one resumes it to Success,
 * and then the PDF is there.
 */
import type { Scenario } from '../context.js';
import { apiKey, documentIdOf, ensure, executeFlow, expectStatus, must, mustStatus, needsUserKey, waitForExecution } from '../scenario-kit.js';
import { checkBinary } from '../binary.js';

export const callbackScenario: Scenario = {
  name: 'smartflows: callback resume (document not ready before Success)',
  api: 'smartflows',
  skip: needsUserKey,
  async run(ctx) {
    const fx = ctx.main.fixtures;
    const creds = apiKey(fx.keys.user);
    const user = ctx.main.strict.as(creds);
    const { id } = await executeFlow(ctx, user, fx.flows.callback, 'ExecuteFlow of the callback flow');
    const waiting = await waitForExecution(ctx, user, id, (s) => s === 'Waiting', 'callback flow');
    ensure(ctx, 'behaves_as_documented', waiting.percentage < 100, `Waiting is not finished (${waiting.percentage}%)`, 'GetFlowExecutionProgress');

    const exec = await user.GET('/api/v1/flows/executions/{execution}', { params: { path: { execution: id } } });
    mustStatus(ctx, exec.response, 200, 'GetFlowExecution while Waiting');
    // waitingFor is text: the callback URL /api/v1/flows/callback/<callbackId>?executionId=<id> (flowmock choice).
    const waitingFor = exec.data!.state.waitingFor;
    const callbackId = /\/callback\/([^?]+)/.exec(waitingFor ?? '')?.[1];
    must(ctx, typeof callbackId === 'string', `waitingFor names the callback (${JSON.stringify(waitingFor)})`, 'GetFlowExecution');
    const wf = { callbackId: decodeURIComponent(callbackId!) };
    const handled = await ctx.main.strict.as(null).GET('/api/v1/flows/callback/{callbackId}', { params: { path: { callbackId: wf.callbackId } } });
    if (expectStatus(ctx, handled.response, 200, 'GetFlowCallback without credentials')) {
      ensure(ctx, 'behaves_as_documented', (handled.data as { handled?: boolean } | undefined)?.handled === true, 'GetFlowCallback: the callback is handled', 'GetFlowCallback');
    }
    const documentId = documentIdOf(exec.data!.state.output?.model as Record<string, unknown> | undefined);
    if (ensure(ctx, 'behaves_as_documented', !!documentId, 'the document made before the wait is in the output model', 'GetFlowExecution')) {
      const meta = await user.GET('/api/v1/documents/{documentId}', { params: { path: { documentId: documentId! } } });
      expectStatus(ctx, meta.response, 200, 'GetDocument while the execution waits');
      const early = await user.GET('/api/v1/documents/{documentId}/content', { params: { path: { documentId: documentId! } }, parseAs: 'arrayBuffer' });
      expectStatus(ctx, early.response, 409, 'GetDocumentContent while the execution waits', 'not_ready_before_success');
      const earlyAlt = await user.GET('/api/v1/documents/content/{documentId}', { params: { path: { documentId: documentId! } }, parseAs: 'arrayBuffer' });
      expectStatus(ctx, earlyAlt.response, 409, 'GetDocumentContentAlt while the execution waits', 'not_ready_before_success');
      const headPath = { params: { path: { documentId: documentId! } } };
      expectStatus(ctx, (await user.HEAD('/api/v1/documents/{documentId}/content', headPath)).response, 409, 'HeadDocumentContent while the execution waits', 'not_ready_before_success');
      expectStatus(ctx, (await user.HEAD('/api/v1/documents/content/{documentId}', headPath)).response, 409, 'HeadDocumentContentAlt while the execution waits', 'not_ready_before_success');
    }
    expectStatus(ctx, (await user.POST('/api/v1/flows/executions/{execution}/progress', { params: { path: { execution: id } }, body: {} })).response, 409,
      'ContinueFlowExecution while Waiting for a callback');
    const wrong = await user.POST('/api/v1/flows/callback/{callbackId}', { params: { path: { callbackId: `${wf.callbackId}-other` }, query: { executionId: id } }, body: { signed: true }, parseAs: 'text' });
    expectStatus(ctx, wrong.response, 404, 'PostFlowCallback with another callback id');

    // The vendor's definition needs no credentials for the callback, nor the execution id.
    const resumed = await ctx.main.strict.as(null).POST('/api/v1/flows/callback/{callbackId}', {
      params: { path: { callbackId: wf.callbackId } }, body: { signed: true, signer: 'jane.doe@example.com' }, parseAs: 'text',
    });
    mustStatus(ctx, resumed.response, 200, 'PostFlowCallback with the right callback id');
    const done = await waitForExecution(ctx, user, id, (s) => s === 'Success', 'resumed callback flow');
    ensure(ctx, 'behaves_as_documented', done.status === 'Success', 'the callback resumed the execution to Success', 'PostFlowCallback');
    expectStatus(ctx, (await user.POST('/api/v1/flows/callback/{callbackId}', { params: { path: { callbackId: wf.callbackId }, query: { executionId: id } }, parseAs: 'text' })).response, 404,
      'PostFlowCallback again after Success');
    if (documentId) {
      const late = await user.GET('/api/v1/documents/{documentId}/content', { params: { path: { documentId } }, parseAs: 'arrayBuffer' });
      expectStatus(ctx, late.response, 200, 'GetDocumentContent after Success', 'not_ready_before_success');
      await checkBinary(ctx, ctx.main, late.response, creds, 'pdf', 'PDF after the callback');
    }
    const after = await user.GET('/api/v1/flows/executions/{execution}', { params: { path: { execution: id } } });
    if (expectStatus(ctx, after.response, 200, 'GetFlowExecution after the callback')) {
      const stages = after.data!.state.stages ?? [];
      ensure(ctx, 'behaves_as_documented', stages.length >= 2 && JSON.stringify(stages[stages.length - 1].input ?? null).includes('jane.doe@example.com'),
        'the callback data is the input of the new stage', 'GetFlowExecution');
      ensure(ctx, 'behaves_as_documented', after.data!.state.waitingFor == null, 'waitingFor is null once finished', 'GetFlowExecution');
    }
  },
};
