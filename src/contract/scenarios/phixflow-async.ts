/**
 * PhixFlow, Poll for result: a 202 with Running and a Location (location_resolves), polled to
 * Success; a run ending within the async timeout answers 200 at once; the status URL of another
 * user's run answers like an unknown process (ownership_not_leaked).
 */
import type { Scenario } from '../context.js';
import { exchangeOf } from '../harness/response-checks.js';
import { answerText, bearer, ensure, type Envelope, expectStatus, mustStatus, needsPrivilegedToken, pollProcess } from '../scenario-kit.js';
import { followLocation } from '../location.js';

export const phixflowAsyncScenario: Scenario = {
  name: 'phixflow: asynchronous trigger, then poll the Location',
  api: 'phixflow',
  skip: needsPrivilegedToken,
  async run(ctx) {
    const fx = ctx.main.fixtures;
    const af = fx.phixflow.actionflows.async;
    const api = ctx.main.strict.as(bearer(fx.phixflow.tokens.privileged));
    const path = { application: af.application, actionflow: af.name };

    // Three runs overlap (each record takes a while): this user's on both URL forms, another user's.
    const admin = fx.phixflow.tokens.admin ? ctx.main.strict.as(bearer(fx.phixflow.tokens.admin)) : null;
    const [accepted, v10, theirs] = await Promise.all([
      api.POST('/phixflow/api/1/action/{application}/{actionflow}/trigger', { params: { path, query: { timeout: 1 } }, body: [{ n: 1 }, { n: 2 }] }),
      api.POST('/phixflow/api/1/action/{actionflow}/trigger', { params: { path: { actionflow: af.name }, query: { timeout: 1 } }, body: [{ n: 1 }] }),
      admin?.POST('/phixflow/api/1/action/{application}/{actionflow}/trigger', { params: { path, query: { timeout: 1 } }, body: [{ n: 1 }] }),
    ]);
    mustStatus(ctx, accepted.response, 202, 'TriggerActionflow (Poll for result), timeout=1 ms');
    const first = accepted.data as Envelope;
    ensure(ctx, 'behaves_as_documented', first.status === 'Running' && !!first.processId, `202 answers Running with a processId (${first.status})`, 'TriggerActionflow');
    const loc = await followLocation(ctx, api, accepted.response, 'TriggerActionflow 202');
    if (loc) ensure(ctx, 'behaves_as_documented', (loc.data as Envelope).processId === first.processId, 'the Location is the status URL of this run', 'GetActionflowStatus');
    if (expectStatus(ctx, v10.response, 202, 'TriggerActionflowV10 (Poll for result)')) await followLocation(ctx, api, v10.response, 'TriggerActionflowV10 202');
    const end = await pollProcess(ctx, api, af, first.processId);
    const rows = Object.values(end.data ?? {})[0];
    ensure(ctx, 'behaves_as_documented', end.status === 'Success' && rows?.length === 2, `the run ended Success with 2 records (${end.status}, ${rows?.length})`, 'GetActionflowStatus');
    // Asked again, it stays as it ended.
    await api.GET('/phixflow/api/1/action/{application}/{actionflow}/status/{processId}', { params: { path: { ...path, processId: first.processId } } });
    if (v10.response.status === 202) await pollProcess(ctx, api, af, (v10.data as Envelope).processId);

    const quick = await api.POST('/phixflow/api/1/action/{application}/{actionflow}/trigger', { params: { path }, body: [] });
    if (expectStatus(ctx, quick.response, 200, 'TriggerActionflow (Poll for result) ending within the async timeout')) {
      ensure(ctx, 'behaves_as_documented', (quick.data as Envelope).status === 'Success', 'the full envelope comes with 200', 'TriggerActionflow');
    }

    const unknown = '00000000-0000-4000-8000-000000000000';
    const status = (api2: typeof api, processId: string) => api2.GET('/phixflow/api/1/action/{application}/{actionflow}/status/{processId}', { params: { path: { ...path, processId } } });
    expectStatus(ctx, (await status(api, unknown)).response, 404, 'GetActionflowStatus of an unknown process');
    // Another user's run: 404, the same answer as an unknown process.
    if (admin && theirs && expectStatus(ctx, theirs.response, [200, 202], 'TriggerActionflow by another user')) {
      const pid = (theirs.data as Envelope).processId;
      const a = await status(api, pid);
      const b = await status(api, unknown);
      const same = answerText(a.response).split(pid).join('<id>') === answerText(b.response).split(unknown).join('<id>');
      ctx.recorder.record('ownership_not_leaked', a.response.status === 404 && same,
        `GetActionflowStatus of another user's process: ${a.response.status} "${answerText(a.response)}"`, { operationId: exchangeOf(a.response).operationId, status: a.response.status });
      expectStatus(ctx, (await status(admin, first.processId)).response, 200, "GetActionflowStatus of another user's process with read:users");
      await pollProcess(ctx, admin, af, pid);
    }
  },
};
