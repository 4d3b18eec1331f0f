/**
 * PhixFlow, Wait for result: the 11.1.1 URL, the version-10 URL (unique name, URL alias, ambiguous
 * name), anonymous endpoints, query-string parameters, 201 from the endpoint's settings, the
 * request/response log, unknown actionflows.
 */
import type { Scenario } from '../context.js';
import { bearer, ensure, type Envelope, expectStatus, mustStatus, needsPrivilegedToken } from '../scenario-kit.js';

const customers = [
  { name: 'Ada Lovelace', email: 'ada@example.com' },
  { name: 'Alan Turing', email: 'alan@example.org' },
];

export const phixflowSyncScenario: Scenario = {
  name: 'phixflow: synchronous trigger, version-10 URL, alias, parameters, logs',
  api: 'phixflow',
  skip: needsPrivilegedToken,
  async run(ctx) {
    const fx = ctx.main.fixtures;
    const af = fx.phixflow.actionflows;
    const api = ctx.main.strict.as(bearer(fx.phixflow.tokens.privileged));
    const anon = ctx.main.strict.as(null);

    const r = await api.POST('/phixflow/api/1/action/{application}/{actionflow}/trigger', {
      params: { path: { application: af.sync.application, actionflow: af.sync.name } }, body: customers,
    });
    mustStatus(ctx, r.response, 200, 'TriggerActionflow (Wait for result)');
    const env = r.data as Envelope;
    const out = env.data?.[fx.phixflow.syncOutput] as Array<Record<string, unknown>> | undefined;
    ensure(ctx, 'behaves_as_documented', env.status === 'Success' && out?.length === customers.length,
      `Success with ${out?.length} records under data.${fx.phixflow.syncOutput}`, 'TriggerActionflow');
    ensure(ctx, 'behaves_as_documented', !!out && out.every((o, i) => o.email === customers[i].email && o.domain === customers[i].email.split('@')[1]),
      'each record came back, enriched', 'TriggerActionflow');

    const text = await api.POST('/phixflow/api/1/action/{application}/{actionflow}/trigger', {
      params: { path: { application: af.sync.application, actionflow: af.sync.name } },
      body: 'hello' as never, bodySerializer: (b: unknown) => b as string, headers: { 'Content-Type': 'text/plain' },
    });
    expectStatus(ctx, text.response, 200, 'TriggerActionflow with a text/plain body');
    const xml = await api.POST('/phixflow/api/1/action/{application}/{actionflow}/trigger', {
      params: { path: { application: af.sync.application, actionflow: af.sync.name } },
      body: '<customer><name>Ada</name></customer>' as never, bodySerializer: (b: unknown) => b as string, headers: { 'Content-Type': 'application/xml' },
    });
    expectStatus(ctx, xml.response, 200, 'TriggerActionflow with an application/xml body');
    const nobody = await api.POST('/phixflow/api/1/action/{application}/{actionflow}/trigger', { params: { path: { application: af.sync.application, actionflow: af.sync.name } } });
    expectStatus(ctx, nobody.response, 200, 'TriggerActionflow without a body');

    const v10 = await api.POST('/phixflow/api/1/action/{actionflow}/trigger', { params: { path: { actionflow: af.v10Unique } }, body: [{ id: 1 }] });
    expectStatus(ctx, v10.response, 200, 'TriggerActionflowV10 with a unique name');
    const alias = await api.POST('/phixflow/api/1/action/{actionflow}/trigger', { params: { path: { actionflow: af.alias } }, body: customers });
    expectStatus(ctx, alias.response, [200, 201], 'TriggerActionflowV10 with a URL alias');
    const created = await api.POST('/phixflow/api/1/action/{application}/{actionflow}/trigger', {
      params: { path: { application: af.created.application, actionflow: af.created.name } }, body: customers,
    });
    expectStatus(ctx, created.response, 201, 'TriggerActionflow of an endpoint answering 201');
    const ambiguous = await api.POST('/phixflow/api/1/action/{actionflow}/trigger', { params: { path: { actionflow: af.v10Ambiguous } }, body: [] });
    expectStatus(ctx, ambiguous.response, 409, 'TriggerActionflowV10 with a name two applications use');

    const ping = await anon.POST('/phixflow/api/1/action/{application}/{actionflow}/trigger', {
      params: { path: { application: af.anonymous.application, actionflow: af.anonymous.name } },
    });
    expectStatus(ctx, ping.response, 200, 'TriggerActionflow of an anonymous endpoint without a token');

    const paramsPath = { application: af.params.application, actionflow: af.params.name };
    const priced = await api.POST('/phixflow/api/1/action/{application}/{actionflow}/trigger', {
      params: { path: paramsPath, query: { region: 'US', currency: 'USD', limit: '1' } as never },
    });
    if (expectStatus(ctx, priced.response, 200, 'TriggerActionflow with query-string parameters')) {
      const rows = Object.values((priced.data as Envelope).data ?? {})[0] as Array<Record<string, unknown>> | undefined;
      ensure(ctx, 'behaves_as_documented', rows?.length === 1 && rows[0].currency === 'USD' && rows[0].region === 'US',
        `parameters reach the actionflow (${JSON.stringify(rows)})`, 'TriggerActionflow');
    }
    const missing = await api.POST('/phixflow/api/1/action/{application}/{actionflow}/trigger', { params: { path: paramsPath, query: { region: 'US' } as never } });
    if (expectStatus(ctx, missing.response, 200, 'TriggerActionflow without a parameter that has no default (unavailable, not a 400)')) {
      const rows = (missing.data as { data?: Record<string, Array<{ currency?: unknown }>> } | undefined)?.data?.Prices;
      ensure(ctx, 'behaves_as_documented', !!rows?.length && rows.every((r) => r.currency === null),
        `a left-out parameter is unavailable (null) in the actionflow (${JSON.stringify(rows)})`, 'TriggerActionflow');
    }

    expectStatus(ctx, (await api.POST('/phixflow/api/1/action/{application}/{actionflow}/trigger', { params: { path: { application: af.sync.application, actionflow: 'No such actionflow' } }, body: [] })).response, 404,
      'TriggerActionflow of an unknown actionflow');
    expectStatus(ctx, (await api.POST('/phixflow/api/1/action/{actionflow}/trigger', { params: { path: { actionflow: 'No such actionflow' } }, body: [] })).response, 404,
      'TriggerActionflowV10 of an unknown name');
    expectStatus(ctx, (await api.GET('/phixflow/api/1/action/{application}/{actionflow}/status/{processId}', { params: { path: { application: 'No such application', actionflow: af.sync.name, processId: 'x' } } })).response, 404,
      'GetActionflowStatus of an unknown actionflow');

    if (fx.keys.admin) {
      const ctxAdmin = ctx.main.strict.as({ apiKey: fx.keys.admin });
      const logs = await ctxAdmin.GET('/__flowmock/phixflow/logs', { params: { query: { processId: env.processId } } });
      if (expectStatus(ctx, logs.response, 200, 'GetActionflowLogs of the run')) {
        const kinds = logs.data!.content.map((e) => e.kind).sort();
        ensure(ctx, 'behaves_as_documented', kinds.includes('request') && kinds.includes('response') && logs.data!.content.every((e) => e.processId === env.processId),
          `the run's request and response are logged (${kinds.join(', ')})`, 'GetActionflowLogs');
        const redacted = JSON.stringify(logs.data!.content);
        ensure(ctx, 'behaves_as_documented', !redacted.includes(fx.phixflow.tokens.privileged!), 'the log does not show the token', 'GetActionflowLogs');
      }
      const byName = await ctxAdmin.GET('/__flowmock/phixflow/logs', { params: { query: { application: af.sync.application, actionflow: af.sync.name, page: 0, size: 5 } } });
      expectStatus(ctx, byName.response, 200, 'GetActionflowLogs by application and actionflow');
    }
  },
};
