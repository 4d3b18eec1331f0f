/**
 * ownership_not_leaked: another plain user's executions and documents answer exactly like unknown
 * ones (404, same detail apart from the id) on every operation that takes their id, and stay out
 * of lists, filters and statistics. A user with read:flowExecutions does see them.
 */
import type { Scenario, ScenarioContext } from '../context.js';
import type { ApiClient } from '../harness/client.js';
import { exchangeOf } from '../harness/response-checks.js';
import { answerText, apiKey, asAdmin, documentIdOf, ensure, expectStatus, mustStatus, randomId, waitForExecution } from '../scenario-kit.js';

/** Two answers alike: same status, same detail once the ids are replaced. */
function sameAnswer(ctx: ScenarioContext, what: string, foreign: Response, foreignId: string, unknown: Response, unknownId: string): void {
  const a = answerText(foreign).split(foreignId).join('<id>');
  const b = answerText(unknown).split(unknownId).join('<id>');
  const ok = foreign.status === 404 && unknown.status === 404 && a === b;
  ctx.recorder.record('ownership_not_leaked', ok,
    ok ? `${what}: 404 like an unknown id` : `${what}: ${foreign.status} "${a}" for another user's id, ${unknown.status} "${b}" for an unknown id`,
    { operationId: exchangeOf(foreign).operationId, status: foreign.status });
}

export const ownershipScenario: Scenario = {
  name: 'smartflows: ownership (404 for other users\' executions and documents)',
  api: 'smartflows',
  skip: (ctx) => (ctx.main.fixtures.keys.user && ctx.main.fixtures.keys.otherUser ? null : 'needs keys.user and keys.otherUser (two plain users)'),
  async run(ctx) {
    const fx = ctx.main.fixtures;
    const owner = ctx.main.strict.as(apiKey(fx.keys.otherUser));
    const viewer = ctx.main.strict.as(apiKey(fx.keys.user));

    const start = async (api: ApiClient, flowId: string, until: string) => {
      const r = await api.POST('/api/v1/flows/executions', { params: { query: { flowId } } });
      mustStatus(ctx, r.response, 200, 'ExecuteFlow by the owner');
      return waitForExecution(ctx, api, r.data!.id, (s) => s === until, `owner's run to ${until}`);
    };
    const done = await start(owner, fx.flows.success, 'Success');
    const live = await start(owner, fx.flows.userInput, 'UserInput');
    const waiting = await start(owner, fx.flows.callback, 'Waiting');
    const documentId = documentIdOf(done.model)!;
    const unknownExec = randomId();
    const unknownDoc = randomId();

    const pairs: Array<[string, (id: string) => Promise<{ response: Response }>]> = [
      ['GetFlowExecution', (id) => viewer.GET('/api/v1/flows/executions/{execution}', { params: { path: { execution: id } } })],
      ['GetFlowExecutionProgress', (id) => viewer.GET('/api/v1/flows/executions/{execution}/progress', { params: { path: { execution: id }, query: { timeout: 0 } } })],
      ['ContinueFlowExecution', (id) => viewer.POST('/api/v1/flows/executions/{execution}/progress', { params: { path: { execution: id } }, body: fx.form.valid })],
      ['CancelFlowExecution', (id) => viewer.DELETE('/api/v1/flows/executions/{execution}/progress', { params: { path: { execution: id } } })],
      ['CancelFlowExecutionById', (id) => viewer.DELETE('/api/v1/flows/executions/{execution}', { params: { path: { execution: id } } })],
    ];
    for (const [what, call] of pairs) {
      for (const target of [live.id, done.id]) sameAnswer(ctx, `${what} of another user's execution`, (await call(target)).response, target, (await call(unknownExec)).response, unknownExec);
    }
    const cb = (id: string) => viewer.POST('/api/v1/flows/callback/{callbackId}', { params: { path: { callbackId: 'not-a-callback' }, query: { executionId: id } }, body: {}, parseAs: 'text' });
    sameAnswer(ctx, "PostFlowCallback to another user's execution", (await cb(waiting.id)).response, waiting.id, (await cb(unknownExec)).response, unknownExec);
    const docs: Array<[string, (id: string) => Promise<{ response: Response }>]> = [
      ['GetDocument', (id) => viewer.GET('/api/v1/documents/{documentId}', { params: { path: { documentId: id } } })],
      ['GetDocumentContent', (id) => viewer.GET('/api/v1/documents/{documentId}/content', { params: { path: { documentId: id } }, parseAs: 'arrayBuffer' })],
      ['GetDocumentContentAlt', (id) => viewer.GET('/api/v1/documents/content/{documentId}', { params: { path: { documentId: id } }, parseAs: 'arrayBuffer' })],
    ];
    for (const [what, call] of docs) sameAnswer(ctx, `${what} of another user's document`, (await call(documentId)).response, documentId, (await call(unknownDoc)).response, unknownDoc);

    // The owner's executions are still live and untouched by the viewer's attempts.
    const still = await owner.GET('/api/v1/flows/executions/{execution}/progress', { params: { path: { execution: live.id }, query: { timeout: 0 } } });
    if (expectStatus(ctx, still.response, 200, "the owner's own execution")) {
      ensure(ctx, 'ownership_not_leaked', still.data!.status === 'UserInput', `the viewer's cancel did not touch it (${still.data!.status})`, 'GetFlowExecutionProgress');
    }

    const foreign = new Set([done.id, live.id, waiting.id]);
    const lists: Array<[string, Promise<{ data?: Array<{ id: string }>; response: Response }>]> = [
      ['GetAllFlowExecutions', viewer.GET('/api/v1/flows/executions', { params: { query: { size: 100 } } })],
      ['GetFlowExecutions', viewer.GET('/api/v1/flows/{flow}/executions', { params: { path: { flow: fx.flows.success }, query: { size: 100 } } })],
      ['GetFilteredFlowExecutions', viewer.POST('/api/v1/flows/executions/filter', { body: { group: { type: 'and', nodes: [] } }, params: { query: { size: 100 } } })],
    ];
    for (const [what, p] of lists) {
      const r = await p;
      if (expectStatus(ctx, r.response, 200, what)) {
        const leaked = r.data!.filter((e) => foreign.has(e.id)).map((e) => e.id);
        ensure(ctx, 'ownership_not_leaked', leaked.length === 0, `${what} as another user: ${leaked.length ? `lists ${leaked.join(', ')}` : 'none of the owner\'s executions'}`, what);
      }
    }
    const stats = async (api: ApiClient) => {
      const r = await api.POST('/api/v1/flows/executions/statistics', { body: { group: { type: 'and', nodes: [] } } });
      return r.data ? (r.data.perTime ?? []).reduce((n, t) => n + (t.totalCount ?? 0), 0) : -1;
    };
    const before = await stats(viewer);
    await start(owner, fx.flows.success, 'Success');
    const afterwards = await stats(viewer);
    ensure(ctx, 'ownership_not_leaked', before === afterwards && before >= 0, `statistics of the viewer do not count the owner's runs (${before} → ${afterwards})`, 'GetFlowExecutionStatistics');

    // read:flowExecutions sees them all.
    if (fx.keys.admin) {
      const admin = asAdmin(ctx);
      expectStatus(ctx, (await admin.GET('/api/v1/flows/executions/{execution}', { params: { path: { execution: done.id } } })).response, 200,
        "GetFlowExecution of another user's execution with read:flowExecutions");
      expectStatus(ctx, (await admin.GET('/api/v1/documents/{documentId}', { params: { path: { documentId } } })).response, 200,
        "GetDocument of another user's document with read:flowExecutions");
      const canceled = await admin.DELETE('/api/v1/flows/executions/{execution}/progress', { params: { path: { execution: live.id } } });
      expectStatus(ctx, canceled.response, 200, "CancelFlowExecution of another user's execution with read:flowExecutions");
    }
    await owner.DELETE('/api/v1/flows/executions/{execution}', { params: { path: { execution: waiting.id } } });
  },
};
