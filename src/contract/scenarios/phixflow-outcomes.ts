/**
 * PhixFlow run outcomes: a synchronous run over its timeout is aborted (504, Fail, state kept);
 * per-record failures leave the other records' results; stop() fails the run.
 */
import type { Scenario } from '../context.js';
import { bearer, ensure, type Envelope, expectStatus, mustStatus, needsPrivilegedToken } from '../scenario-kit.js';

export const phixflowTimeoutScenario: Scenario = {
  name: 'phixflow: synchronous timeout (504)',
  api: 'phixflow',
  skip: needsPrivilegedToken,
  async run(ctx) {
    const fx = ctx.main.fixtures;
    const af = fx.phixflow.actionflows.timeout;
    const api = ctx.main.strict.as(bearer(fx.phixflow.tokens.privileged));
    const path = { application: af.application, actionflow: af.name };
    const r = await api.POST('/phixflow/api/1/action/{application}/{actionflow}/trigger', { params: { path, query: { timeout: 100 } }, body: [{ n: 1 }, { n: 2 }, { n: 3 }] });
    mustStatus(ctx, r.response, 504, 'TriggerActionflow over its timeout (timeout=100 ms)');
    const env = (r.data ?? r.error) as unknown as Envelope; // openapi-fetch puts a 504 body under `error`
    ensure(ctx, 'behaves_as_documented', env.status === 'Fail' && /time/i.test(env.message ?? ''), `504 carries a Fail envelope (${env.status}: ${env.message})`, 'TriggerActionflow');
    const st = await api.GET('/phixflow/api/1/action/{application}/{actionflow}/status/{processId}', { params: { path: { ...path, processId: env.processId } } });
    if (expectStatus(ctx, st.response, 200, 'GetActionflowStatus of the aborted run')) {
      ensure(ctx, 'behaves_as_documented', (st.data as Envelope).status === 'Fail', 'an aborted run is Fail at its status URL', 'GetActionflowStatus');
    }
    const v10 = await api.POST('/phixflow/api/1/action/{actionflow}/trigger', { params: { path: { actionflow: af.name }, query: { timeout: 50 } }, body: [{ n: 1 }, { n: 2 }] });
    expectStatus(ctx, v10.response, 504, 'TriggerActionflowV10 over its timeout');
    const enough = await api.POST('/phixflow/api/1/action/{application}/{actionflow}/trigger', { params: { path, query: { timeout: 5000 } }, body: [{ n: 1 }] });
    expectStatus(ctx, enough.response, 200, 'TriggerActionflow with a timeout long enough');
  },
};

export const phixflowFailuresScenario: Scenario = {
  name: 'phixflow: per-record failures and stop()',
  api: 'phixflow',
  skip: needsPrivilegedToken,
  async run(ctx) {
    const fx = ctx.main.fixtures;
    const api = ctx.main.strict.as(bearer(fx.phixflow.tokens.privileged));
    const v = fx.phixflow.actionflows.failures;
    const records = [{ name: 'ok', email: 'ok@example.com' }, { name: 'no email' }, { name: 'bad', email: 'not-an-address' }];
    const r = await api.POST('/phixflow/api/1/action/{application}/{actionflow}/trigger', { params: { path: { application: v.application, actionflow: v.name } }, body: records });
    mustStatus(ctx, r.response, 200, 'TriggerActionflow with records that fail individually');
    const env = r.data as Envelope;
    const idx = (env.failures ?? []).map((f) => f.index).sort();
    const kept = Object.values(env.data ?? {})[0] ?? [];
    ensure(ctx, 'behaves_as_documented', env.status === 'Fail' && JSON.stringify(idx) === '[1,2]', `Fail with failures at records 1 and 2 (${env.status}, ${JSON.stringify(idx)})`, 'TriggerActionflow');
    ensure(ctx, 'behaves_as_documented', kept.length === 1, `the record that passed stays in data (${kept.length})`, 'TriggerActionflow');
    ensure(ctx, 'behaves_as_documented', (env.failures ?? []).every((f) => f.message.includes(String(f.index))), 'each failure message names its record index', 'TriggerActionflow');
    const clean = await api.POST('/phixflow/api/1/action/{application}/{actionflow}/trigger', { params: { path: { application: v.application, actionflow: v.name } }, body: [records[0]] });
    if (expectStatus(ctx, clean.response, 200, 'TriggerActionflow with valid records')) {
      ensure(ctx, 'behaves_as_documented', (clean.data as Envelope).status === 'Success' && !(clean.data as Envelope).failures?.length, 'no failures: Success', 'TriggerActionflow');
    }

    const s = fx.phixflow.actionflows.stop;
    const stopped = await api.POST('/phixflow/api/1/action/{application}/{actionflow}/trigger', {
      params: { path: { application: s.application, actionflow: s.name } }, body: [{ id: 1, amount: 10 }, { id: 2, amount: 5000 }, { id: 3, amount: 1 }],
    });
    mustStatus(ctx, stopped.response, 200, 'TriggerActionflow that calls stop()');
    const senv = stopped.data as Envelope;
    const approved = Object.values(senv.data ?? {})[0] ?? [];
    ensure(ctx, 'behaves_as_documented', senv.status === 'Fail' && /1/.test(senv.message ?? ''), `stop() fails the run and names the record (${senv.status}: ${senv.message})`, 'TriggerActionflow');
    ensure(ctx, 'behaves_as_documented', approved.length === 1, `records after the stop are not processed (${approved.length} kept)`, 'TriggerActionflow');
  },
};
