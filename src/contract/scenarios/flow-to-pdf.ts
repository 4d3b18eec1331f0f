/**
 * Smart Flows: run a flow to Success and download its PDF; then everything a finished execution
 * answers (it stays Success, cannot be canceled, continued or called back; lists and statistics
 * count it), and unknown executions and documents are 404.
 */
import type { Scenario } from '../context.js';
import { apiKey, documentIdOf, ensure, executeFlow, expectStatus, must, mustStatus, needsUserKey, randomId, waitForExecution } from '../scenario-kit.js';
import { checkBinary, checkHeadOfGet } from '../binary.js';

export const flowToPdfScenario: Scenario = {
  name: 'smartflows: run a flow to Success and download its PDF',
  api: 'smartflows',
  skip: needsUserKey,
  async run(ctx) {
    const fx = ctx.main.fixtures;
    const creds = apiKey(fx.keys.user);
    const user = ctx.main.strict.as(creds);

    const first = await executeFlow(ctx, user, fx.flows.success, 'ExecuteFlow without input');
    ensure(ctx, 'behaves_as_documented', first.percentage === 0 && (first.status === 'Running' || first.status === 'Queued'),
      `ExecuteFlow answers the first progress (percentage ${first.percentage}, ${first.status})`, 'ExecuteFlow');

    const done = await waitForExecution(ctx, user, first.id, (s) => s === 'Success', 'run to Success');
    ensure(ctx, 'behaves_as_documented', done.percentage === 100, `a Success execution is at 100% (${done.percentage})`, 'GetFlowExecutionProgress');
    const documentId = documentIdOf(done.model);
    must(ctx, documentId, 'the Success progress names the produced document in its model', 'GetFlowExecutionProgress');

    // Stable: asked again, in every form, it stays Success (stable_status_sticky is checked on each answer).
    await user.GET('/api/v1/flows/executions/{execution}/progress', { params: { path: { execution: first.id }, query: { timeout: 0 } } });
    const exec = await user.GET('/api/v1/flows/executions/{execution}', { params: { path: { execution: first.id } } });
    mustStatus(ctx, exec.response, 200, 'GetFlowExecution of a finished execution');
    ensure(ctx, 'behaves_as_documented', exec.data!.flow?.id === fx.flows.success && (exec.data!.state.stages?.length ?? 0) >= 1,
      'GetFlowExecution carries the flow and at least one stage', 'GetFlowExecution');

    const meta = await user.GET('/api/v1/documents/{documentId}', { params: { path: { documentId } } });
    if (expectStatus(ctx, meta.response, 200, 'GetDocument of the produced PDF')) {
      ensure(ctx, 'behaves_as_documented', meta.data!.finished === true && meta.data!.contentType === 'application/pdf' && meta.data!.usage === 'flowExecutionOutput' && meta.data!.origin?.type === 'flow' && meta.data!.flowExecution?.id === first.id,
        `GetDocument: finished ${meta.data!.finished}, ${meta.data!.contentType}, origin ${meta.data!.origin?.type}, flowExecution ${meta.data!.flowExecution?.id}`, 'GetDocument');
    }
    const content = await user.GET('/api/v1/documents/{documentId}/content', { params: { path: { documentId } }, parseAs: 'arrayBuffer' });
    expectStatus(ctx, content.response, 200, 'GetDocumentContent after Success', 'not_ready_before_success');
    const pdf = await checkBinary(ctx, ctx.main, content.response, creds, 'pdf', 'GetDocumentContent');
    void pdf;
    ensure(ctx, 'binary_is_real', /filename/.test(content.response.headers.get('content-disposition') ?? ''),
      `GetDocumentContent has a Content-Disposition with a file name (${content.response.headers.get('content-disposition')})`, 'GetDocumentContent');
    const alt = await user.GET('/api/v1/documents/content/{documentId}', { params: { path: { documentId } }, parseAs: 'arrayBuffer' });
    expectStatus(ctx, alt.response, 200, 'GetDocumentContentAlt after Success', 'not_ready_before_success');
    await checkBinary(ctx, ctx.main, alt.response, creds, 'pdf', 'GetDocumentContentAlt');
    // HEAD: the GET's headers (type, size, file name) without the bytes.
    const head = await user.HEAD('/api/v1/documents/{documentId}/content', { params: { path: { documentId } } });
    if (expectStatus(ctx, head.response, 200, 'HeadDocumentContent after Success')) await checkHeadOfGet(ctx, ctx.main, head.response, content.response, creds, 'HeadDocumentContent');
    const headAlt = await user.HEAD('/api/v1/documents/content/{documentId}', { params: { path: { documentId } } });
    if (expectStatus(ctx, headAlt.response, 200, 'HeadDocumentContentAlt after Success')) await checkHeadOfGet(ctx, ctx.main, headAlt.response, alt.response, creds, 'HeadDocumentContentAlt');

    // A stable execution cannot be canceled, continued or called back.
    const path = { params: { path: { execution: first.id } } };
    expectStatus(ctx, (await user.DELETE('/api/v1/flows/executions/{execution}/progress', path)).response, 409, 'CancelFlowExecution of a Success execution');
    expectStatus(ctx, (await user.DELETE('/api/v1/flows/executions/{execution}', path)).response, 409, 'CancelFlowExecutionById of a Success execution');
    expectStatus(ctx, (await user.POST('/api/v1/flows/executions/{execution}/progress', { ...path, body: { approver: 'x' } })).response, 409,
      'ContinueFlowExecution of a Success execution');
    expectStatus(ctx, (await user.POST('/api/v1/flows/callback/{callbackId}', { params: { path: { callbackId: 'contract-callback' }, query: { executionId: first.id } }, body: { signed: true }, parseAs: 'text' })).response, 404,
      'PostFlowCallback to a Success execution');

    // Lists, filter and statistics count it.
    const mine = await user.GET('/api/v1/flows/executions', { params: { query: { size: 100 } } });
    if (expectStatus(ctx, mine.response, 200, 'GetAllFlowExecutions')) {
      ensure(ctx, 'behaves_as_documented', mine.data!.some((e) => e.id === first.id), 'GetAllFlowExecutions lists the execution', 'GetAllFlowExecutions');
    }
    const ofFlow = await user.GET('/api/v1/flows/{flow}/executions', { params: { path: { flow: fx.flows.success }, query: { size: 100 } } });
    if (expectStatus(ctx, ofFlow.response, 200, 'GetFlowExecutions of the flow')) {
      ensure(ctx, 'behaves_as_documented', ofFlow.data!.some((e) => e.id === first.id) && ofFlow.data!.every((e) => e.flow?.id === fx.flows.success),
        'GetFlowExecutions lists it and only executions of that flow', 'GetFlowExecutions');
    }
    const group = { type: 'and' as const, nodes: [
      { condition: { key: 'status' as const, operator: 'in' as const, values: ['Success'] } },
      { condition: { key: 'flowId' as const, operator: 'equalTo' as const, values: [fx.flows.success] } },
    ] };
    const filtered = await user.POST('/api/v1/flows/executions/filter', { body: { group }, params: { query: { size: 100, sort: 'createdAt,asc' } } });
    if (expectStatus(ctx, filtered.response, 200, 'GetFilteredFlowExecutions status in [Success] and flowId')) {
      ensure(ctx, 'behaves_as_documented', filtered.data!.some((e) => e.id === first.id) && filtered.data!.every((e) => e.status === 'Success'),
        'GetFilteredFlowExecutions lists it, and only Success executions', 'GetFilteredFlowExecutions');
    }
    const stats = await user.POST('/api/v1/flows/executions/statistics', { body: { group } });
    if (expectStatus(ctx, stats.response, 200, 'GetFlowExecutionStatistics')) {
      const perStatus = (stats.data!.perTime ?? []).flatMap((t) => t.perStatus ?? []);
      const total = perStatus.reduce((n, p) => n + (p.count ?? 0), 0);
      ensure(ctx, 'behaves_as_documented', total >= 1 && perStatus.every((p) => p.status === 'Success'),
        `GetFlowExecutionStatistics counts it (total ${total}, all Success)`, 'GetFlowExecutionStatistics');
    }

    // Unknown ids.
    const none = randomId();
    const unknownPath = { params: { path: { execution: none } } };
    expectStatus(ctx, (await user.GET('/api/v1/flows/executions/{execution}', unknownPath)).response, 404, 'GetFlowExecution of an unknown id');
    expectStatus(ctx, (await user.GET('/api/v1/flows/executions/{execution}/progress', unknownPath)).response, 404, 'GetFlowExecutionProgress of an unknown id');
    expectStatus(ctx, (await user.DELETE('/api/v1/flows/executions/{execution}/progress', unknownPath)).response, 404, 'CancelFlowExecution of an unknown id');
    expectStatus(ctx, (await user.DELETE('/api/v1/flows/executions/{execution}', unknownPath)).response, 404, 'CancelFlowExecutionById of an unknown id');
    expectStatus(ctx, (await user.POST('/api/v1/flows/executions/{execution}/progress', { ...unknownPath, body: {} })).response, 404, 'ContinueFlowExecution of an unknown id');
    expectStatus(ctx, (await user.POST('/api/v1/flows/callback/{callbackId}', { params: { path: { callbackId: 'x' }, query: { executionId: none } }, parseAs: 'text' })).response, 404,
      'PostFlowCallback for an unknown execution');
    const docPath = { params: { path: { documentId: none } } };
    expectStatus(ctx, (await user.GET('/api/v1/documents/{documentId}', docPath)).response, 404, 'GetDocument of an unknown id');
    expectStatus(ctx, (await user.GET('/api/v1/documents/{documentId}/content', { ...docPath, parseAs: 'arrayBuffer' })).response, 404, 'GetDocumentContent of an unknown id');
    expectStatus(ctx, (await user.GET('/api/v1/documents/content/{documentId}', { ...docPath, parseAs: 'arrayBuffer' })).response, 404, 'GetDocumentContentAlt of an unknown id');
    expectStatus(ctx, (await user.HEAD('/api/v1/documents/{documentId}/content', docPath)).response, 404, 'HeadDocumentContent of an unknown id');
    expectStatus(ctx, (await user.HEAD('/api/v1/documents/content/{documentId}', docPath)).response, 404, 'HeadDocumentContentAlt of an unknown id');
  },
};
