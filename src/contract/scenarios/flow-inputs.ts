/** Smart Flows: XML and plug-in input, and what a start with the wrong input answers. */
import type { Scenario } from '../context.js';
import { apiKey, documentIdOf, ensure, expectStatus, mustStatus, needsUserKey, randomId, waitForExecution } from '../scenario-kit.js';

const xmlBody = (xml: string, mediaType: 'application/xml' | 'text/xml') => ({
  body: xml as never,
  bodySerializer: (b: unknown) => b as string,
  headers: { 'Content-Type': mediaType },
});

export const flowInputsScenario: Scenario = {
  name: 'smartflows: XML and plug-in input, wrong input',
  api: 'smartflows',
  skip: needsUserKey,
  async run(ctx) {
    const fx = ctx.main.fixtures;
    const user = ctx.main.strict.as(apiKey(fx.keys.user));
    const xmlFlow = { params: { query: { flowId: fx.flows.xml } } };

    for (const media of ['application/xml', 'text/xml'] as const) {
      const r = await user.POST('/api/v1/flows/executions', { ...xmlFlow, ...xmlBody(fx.xml.valid, media) });
      mustStatus(ctx, r.response, 200, `ExecuteFlow with ${media} input`);
      const done = await waitForExecution(ctx, user, r.data!.id, (s) => s === 'Success', `XML flow (${media})`);
      ensure(ctx, 'behaves_as_documented', !!documentIdOf(done.model), `the XML flow (${media}) produced a document`, 'GetFlowExecutionProgress');
      const exec = await user.GET('/api/v1/flows/executions/{execution}', { params: { path: { execution: r.data!.id } } });
      if (expectStatus(ctx, exec.response, 200, 'GetFlowExecution of the XML run')) {
        const ref = exec.data!.state.inputData;
        const data = ref ? await user.GET('/api/v1/data/{dataId}/content', { params: { path: { dataId: ref.id } }, parseAs: 'text' }) : null;
        ensure(ctx, 'behaves_as_documented', ref?.type === 'data' && data?.response.status === 200 && data.data === fx.xml.valid,
          'state.inputData names a Data object whose content is the XML as sent', 'GetDataContent');
      }
    }
    const missing = await user.POST('/api/v1/flows/executions', { ...xmlFlow, ...xmlBody(fx.xml.missingElement, 'application/xml') });
    expectStatus(ctx, missing.response, 400, 'ExecuteFlow with XML missing a required element');
    const malformed = await user.POST('/api/v1/flows/executions/start', { params: { query: { flow: fx.flows.xml } }, ...xmlBody('<order><customer>ACME</customer>', 'application/xml') });
    expectStatus(ctx, malformed.response, 400, 'StartFlow with malformed XML');
    const doctype = await user.POST('/api/v1/flows/executions', {
      ...xmlFlow, ...xmlBody('<?xml version="1.0"?><!DOCTYPE order [<!ENTITY x "y">]><order><customer>&x;</customer><amount>1</amount></order>', 'application/xml'),
    });
    expectStatus(ctx, doctype.response, 400, 'ExecuteFlow with a DOCTYPE (entity definitions are refused)');
    const pluginToXml = await user.POST('/api/v1/flows/executions', { ...xmlFlow, body: { id: ['r1'], entity: 'account' } });
    expectStatus(ctx, pluginToXml.response, 400, 'ExecuteFlow with plug-in JSON to an XML flow');

    const plugin = await user.POST('/api/v1/flows/executions', {
      params: { query: { flowId: fx.flows.plugin, datasetId: 'contract-dataset' } },
      body: { id: ['6f1e5a52-1c2b-4f0e-9c55-3d8e1f0b7a10', 'rec-2'], entity: 'account', userId: 'plugin-user' },
    });
    mustStatus(ctx, plugin.response, 200, 'ExecuteFlow with plug-in JSON');
    const pdone = await waitForExecution(ctx, user, plugin.data!.id, (s) => s === 'Success', 'plug-in flow');
    ensure(ctx, 'behaves_as_documented', !!documentIdOf(pdone.model), 'the plug-in flow produced a document', 'GetFlowExecutionProgress');
    const xmlToPlugin = await user.POST('/api/v1/flows/executions/start', { params: { query: { flow: fx.flows.plugin } }, ...xmlBody(fx.xml.valid, 'text/xml') });
    expectStatus(ctx, xmlToPlugin.response, 400, 'StartFlow with XML to a plug-in flow');

    // flowId is optional (the vendor's flow picker): the execution waits in SelectFlow, offering the flows that fit.
    const noFlow = await user.POST('/api/v1/flows/executions');
    if (expectStatus(ctx, noFlow.response, 200, 'ExecuteFlow without flowId')) {
      const offered = ((noFlow.data!.schema as { properties?: { flow?: { enum?: string[] } } } | undefined)?.properties?.flow?.enum) ?? [];
      ensure(ctx, 'behaves_as_documented', noFlow.data!.status === 'SelectFlow' && offered.includes(fx.flows.success),
        `ExecuteFlow without flowId waits in SelectFlow offering the flows without input (${noFlow.data!.status}, ${offered.length} offered)`, 'ExecuteFlow');
      const chosen = await user.POST('/api/v1/flows/executions/{execution}/progress', {
        params: { path: { execution: noFlow.data!.id } }, body: { flow: fx.flows.success },
      });
      if (expectStatus(ctx, chosen.response, 200, 'ContinueFlowExecution choosing a flow')) {
        await waitForExecution(ctx, user, noFlow.data!.id, (s) => s === 'Success', 'the chosen flow');
      }
    }
    // Prism answers a missing required query itself (422): the server's 400 through the lenient proxy.
    const lenientUser = ctx.main.lenient.as(apiKey(fx.keys.user));
    expectStatus(ctx, (await lenientUser.POST('/api/v1/flows/executions/start', { params: { query: {} as never } })).response, 400, 'StartFlow without flow');
    expectStatus(ctx, (await user.POST('/api/v1/flows/executions', { params: { query: { flowId: randomId() } } })).response, 404, 'ExecuteFlow of an unknown flow');
    expectStatus(ctx, (await user.POST('/api/v1/flows/executions/start', { params: { query: { flow: randomId() } } })).response, 404, 'StartFlow of an unknown flow');
    const start = await user.POST('/api/v1/flows/executions/start', { params: { query: { flow: fx.flows.success } } });
    if (expectStatus(ctx, start.response, 200, 'StartFlow without input')) {
      ensure(ctx, 'behaves_as_documented', start.data!.mode === 'batch' && start.data!.flow?.id === fx.flows.success,
        'StartFlow answers the FlowExecution, in batch mode', 'StartFlow');
      await waitForExecution(ctx, user, start.data!.id, (s) => s === 'Success', 'StartFlow run');
    }

    // A media type the operation does not take: Prism would refuse it, so through the lenient proxy.
    const lenient = ctx.main.lenient.as(apiKey(fx.keys.user));
    for (const path of ['/api/v1/flows/executions', '/api/v1/flows/executions/start'] as const) {
      const r = await lenient.POST(path, {
        params: { query: { flowId: fx.flows.plugin, flow: fx.flows.plugin } as never }, body: 'id=1' as never, bodySerializer: (b: unknown) => b as string,
        headers: { 'Content-Type': 'text/csv' },
      });
      expectStatus(ctx, r.response, 415, `${path} with text/csv`);
    }
  },
};
