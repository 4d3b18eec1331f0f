/**
 * Smart Flows: the input an execution receives is a Data object (state.inputData names it):
 * GetData, ExistsData, GetDataContent, GetDataPreview, GetDataMetadata, UpdateData, DeleteData;
 * and GetFlowExecutionStatus with its outputs.
 */
import type { Scenario } from '../context.js';
import { apiKey, asAdmin, ensure, expectStatus, mustStatus, needsAdminAndUserKeys, randomId, waitForExecution } from '../scenario-kit.js';
import { checkHeadOfGet } from '../binary.js';

export const dataObjectsScenario: Scenario = {
  name: 'smartflows: data objects (the stored input) and execution status with outputs',
  api: 'smartflows',
  skip: needsAdminAndUserKeys,
  async run(ctx) {
    const fx = ctx.main.fixtures;
    const user = ctx.main.strict.as(apiKey(fx.keys.user));
    const admin = asAdmin(ctx);
    const started = await user.POST('/api/v1/flows/executions', {
      params: { query: { flowId: fx.flows.xml } },
      body: fx.xml.valid as never, bodySerializer: (b: unknown) => b as string, headers: { 'Content-Type': 'application/xml' },
    });
    mustStatus(ctx, started.response, 200, 'ExecuteFlow with XML input');
    const id = started.data!.id;
    await waitForExecution(ctx, user, id, (s) => s === 'Success', 'XML flow');

    const status = await user.GET('/api/v1/flows/executions/{executionId}/status', { params: { path: { executionId: id } } });
    mustStatus(ctx, status.response, 200, 'GetFlowExecutionStatus');
    const outputs = status.data!.outputs ?? [];
    ensure(ctx, 'behaves_as_documented', outputs.length >= 1, `GetFlowExecutionStatus lists the outputs (${outputs.length})`, 'GetFlowExecutionStatus');
    expectStatus(ctx, (await user.GET('/api/v1/flows/executions/{executionId}/status', { params: { path: { executionId: id }, query: { output: 'no-such-output' } } })).response,
      404, 'GetFlowExecutionStatus of an unknown output');
    expectStatus(ctx, (await user.GET('/api/v1/flows/executions/{executionId}/status', { params: { path: { executionId: randomId() } } })).response,
      404, 'GetFlowExecutionStatus of an unknown execution');

    const dataId = status.data!.state.inputData?.id;
    if (!ensure(ctx, 'behaves_as_documented', typeof dataId === 'string', 'state.inputData names the stored input', 'GetFlowExecutionStatus')) return;
    const path = { params: { path: { dataId: dataId! } } };
    const unknown = { params: { path: { dataId: randomId() } } };

    const data = await user.GET('/api/v1/data/{dataId}', path);
    if (expectStatus(ctx, data.response, 200, 'GetData')) {
      ensure(ctx, 'behaves_as_documented', data.data!.usage === 'flowExecutionInput' && data.data!.contentType === 'application/xml',
        `GetData: the execution's XML input (${data.data!.usage}, ${data.data!.contentType})`, 'GetData');
    }
    expectStatus(ctx, (await user.GET('/api/v1/data/{dataId}', unknown)).response, 404, 'GetData of an unknown id');
    expectStatus(ctx, (await user.HEAD('/api/v1/data/{dataId}', path)).response, 200, 'ExistsData');
    expectStatus(ctx, (await user.HEAD('/api/v1/data/{dataId}', unknown)).response, 404, 'ExistsData of an unknown id');
    const preview = await user.GET('/api/v1/data/{dataId}/preview', { ...path, parseAs: 'text' });
    if (expectStatus(ctx, preview.response, 200, 'GetDataPreview')) {
      ensure(ctx, 'behaves_as_documented', preview.data === fx.xml.valid, 'GetDataPreview of XML data is the XML', 'GetDataPreview');
    }
    expectStatus(ctx, (await user.GET('/api/v1/data/{dataId}/preview', { ...unknown, parseAs: 'text' })).response, 404, 'GetDataPreview of an unknown id');
    expectStatus(ctx, (await user.GET('/api/v1/data/{dataId}/content', { ...unknown, parseAs: 'text' })).response, 404, 'GetDataContent of an unknown id');
    const dataContent = await user.GET('/api/v1/data/{dataId}/content', { ...path, parseAs: 'text' });
    const contentHead = await user.HEAD('/api/v1/data/{dataId}/content', path);
    if (expectStatus(ctx, contentHead.response, 200, 'HeadDataContent')) await checkHeadOfGet(ctx, ctx.main, contentHead.response, dataContent.response, apiKey(fx.keys.user), 'HeadDataContent');
    const previewHead = await user.HEAD('/api/v1/data/{dataId}/preview', path);
    if (expectStatus(ctx, previewHead.response, 200, 'HeadDataPreview')) await checkHeadOfGet(ctx, ctx.main, previewHead.response, preview.response, apiKey(fx.keys.user), 'HeadDataPreview');
    expectStatus(ctx, (await user.HEAD('/api/v1/data/{dataId}/content', unknown)).response, 404, 'HeadDataContent of an unknown id');
    expectStatus(ctx, (await user.HEAD('/api/v1/data/{dataId}/preview', unknown)).response, 404, 'HeadDataPreview of an unknown id');
    const meta = await user.GET('/api/v1/data/meta', { parseAs: 'text' });
    if (expectStatus(ctx, meta.response, 200, 'GetDataMetadata')) {
      ensure(ctx, 'behaves_as_documented', (meta.data ?? '').includes(dataId!), 'GetDataMetadata lists the data object', 'GetDataMetadata');
    }

    // Changing and deleting take write:data / delete:data (administrators).
    const renamed = await admin.PUT('/api/v1/data/{dataId}', { ...path, body: { displayName: 'Contract order' } });
    if (expectStatus(ctx, renamed.response, 200, 'UpdateData')) {
      ensure(ctx, 'behaves_as_documented', renamed.data!.displayName === 'Contract order', 'UpdateData renames it', 'UpdateData');
    }
    expectStatus(ctx, (await admin.PUT('/api/v1/data/{dataId}', { ...unknown, body: { displayName: 'x' } })).response, 404, 'UpdateData of an unknown id');
    expectStatus(ctx, (await admin.DELETE('/api/v1/data/{dataId}', { ...path, params: { ...path.params, query: { deleteInbound: true } } })).response, 204, 'DeleteData');
    expectStatus(ctx, (await admin.DELETE('/api/v1/data/{dataId}', unknown)).response, 404, 'DeleteData of an unknown id');
    expectStatus(ctx, (await user.GET('/api/v1/data/{dataId}', path)).response, 404, 'GetData after DeleteData');
  },
};
