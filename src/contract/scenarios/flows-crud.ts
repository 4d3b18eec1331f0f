/**
 * Smart Flows: a flow created over the API round-trips through the validating proxy: CreateFlow
 * (200) -> GetFlow -> GetFlows -> ExecuteFlow runs it (report = the body's blocks) -> UpdateFlow
 * (200) -> DeleteFlow (200) -> GetFlow 404; a body that cannot run is a 400 naming the block.
 */
import type { Scenario } from '../context.js';
import { apiKey, asAdmin, ensure, expectStatus, mustStatus, waitForExecution } from '../scenario-kit.js';

const needsAdminKey = (ctx: Parameters<NonNullable<Scenario['skip']>>[0]): string | null =>
  (ctx.main.fixtures.keys.admin ? null : 'needs keys.admin (write:flows, delete:flows)');

/** A runnable flow: a progress step, a condition on the constant `true`, a fail-free end. */
const body = (displayName: string) => ({
  displayName,
  description: 'Created by the contract suite',
  input: { type: 'none' as const },
  body: {
    preZones: [{
      id: 'main', displayName: 'Main',
      blocks: [
        { id: 'first', step: { stepId: 'progress', parameters: { durationMs: 10, percentage: 50 } } },
        {
          id: 'always',
          condition: {
            conditions: { type: 'and' as const, nodes: [{ id: 'yes', condition: { type: 'expression' as const, expression: 'true' } }] },
            bodyIfTrue: [{ id: 'always.then', blocks: [{ id: 'inner', step: { stepId: 'progress', parameters: { durationMs: 10 } } }] }],
            bodyIfFalse: [],
          },
        },
      ],
    }],
  },
});

export const flowsCrudScenario: Scenario = {
  name: 'smartflows: a flow created over the API round-trips (create, get, list, run, update, delete)',
  api: 'smartflows',
  skip: needsAdminKey,
  async run(ctx) {
    const admin = asAdmin(ctx);
    const name = `Contract flow ${Date.now()}`;
    const created = await admin.POST('/api/v1/flows', { body: body(name) });
    mustStatus(ctx, created.response, 200, 'CreateFlow of a runnable flow');
    const id = created.data!.id!;
    try {
      const got = await admin.GET('/api/v1/flows/{flow}', { params: { path: { flow: id } } });
      if (expectStatus(ctx, got.response, 200, 'GetFlow of the created flow')) {
        ensure(ctx, 'behaves_as_documented', got.data!.displayName === name && got.data!.body?.preZones?.[0]?.blocks?.length === 2,
          'GetFlow answers the flow as created', 'GetFlow');
      }
      const list = await admin.GET('/api/v1/flows', { params: { query: { size: 100, filter: `id:${id}` } } });
      if (expectStatus(ctx, list.response, 200, 'GetFlows filtered by the created id')) {
        ensure(ctx, 'behaves_as_documented', list.data!.length === 1 && list.data![0].id === id, 'GetFlows lists the created flow', 'GetFlows');
      }

      const started = await admin.POST('/api/v1/flows/executions', { params: { query: { flowId: id } } });
      mustStatus(ctx, started.response, 200, 'ExecuteFlow of the created flow');
      await waitForExecution(ctx, admin, started.data!.id, (s) => s === 'Success', 'the created flow');
      const exec = await admin.GET('/api/v1/flows/executions/{execution}', { params: { path: { execution: started.data!.id } } });
      if (expectStatus(ctx, exec.response, 200, 'GetFlowExecution of the created flow\'s run')) {
        const blocks = exec.data!.state.report?.[0]?.blocks ?? [];
        ensure(ctx, 'behaves_as_documented', blocks.map((b) => b.id).join(',') === 'first,always' && blocks[1].condition?.result === true,
          'the execution report is the created body\'s blocks, the condition true', 'GetFlowExecution');
      }

      const bad = await admin.PUT('/api/v1/flows/{flow}', {
        params: { path: { flow: id } },
        body: { ...body(name), body: { preZones: [{ id: 'main', blocks: [{ id: 'x', step: { stepId: 'no-such-step' } }] }] } },
      });
      if (expectStatus(ctx, bad.response, 400, 'UpdateFlow with a step type that does not run')) {
        const errors = (bad.error as { errors?: Array<{ pointer: string; rule?: string }> } | undefined)?.errors ?? [];
        ensure(ctx, 'behaves_as_documented', errors.some((e) => e.pointer === '/body/preZones/0/blocks/0/step/stepId' && e.rule === 'runnableStep'),
          'the 400 names the block\'s stepId and the rule', 'UpdateFlow');
      }
      const updated = await admin.PUT('/api/v1/flows/{flow}', { params: { path: { flow: id } }, body: body(`${name} v2`) });
      if (expectStatus(ctx, updated.response, 200, 'UpdateFlow of the created flow')) {
        ensure(ctx, 'behaves_as_documented', updated.data!.displayName === `${name} v2` && updated.data!.id === id, 'UpdateFlow answers the changed flow', 'UpdateFlow');
      }
    } finally {
      const deleted = await admin.DELETE('/api/v1/flows/{flow}', { params: { path: { flow: id } } });
      expectStatus(ctx, deleted.response, 200, 'DeleteFlow of the created flow');
    }
    expectStatus(ctx, (await admin.GET('/api/v1/flows/{flow}', { params: { path: { flow: id } } })).response, 404, 'GetFlow after DeleteFlow');
  },
};
