/** Smart Flows: health, login methods, the current user, flows and their thumbnails. */
import type { Scenario } from '../context.js';
import { apiKey, ensure, expectStatus, mustStatus, needsUserKey, randomId } from '../scenario-kit.js';
import { checkBinary } from '../binary.js';

/** The operations anyone may call: they need no fixtures, so they run against every target. */
export const anonymousScenario: Scenario = {
  name: 'smartflows: health and login methods without credentials',
  api: 'smartflows',
  skip: () => null,
  async run(ctx) {
    const anon = ctx.main.strict.as(null);
    const health = await anon.GET('/__flowmock/health');
    expectStatus(ctx, health.response, 200, 'GetHealth without credentials');

    const methods = await anon.GET('/api/v1/authenticate');
    mustStatus(ctx, methods.response, 200, 'AuthenticateGet without credentials');
    ensure(ctx, 'behaves_as_documented', methods.data?.login?.enabled === true && !!methods.data?.methods?.some((m) => m.methodType === 'password'),
      'AuthenticateGet lists password login', 'AuthenticateGet');
  },
};

export const catalogScenario: Scenario = {
  name: 'smartflows: current user, flows, thumbnails',
  api: 'smartflows',
  skip: needsUserKey,
  async run(ctx) {
    const fx = ctx.main.fixtures;
    const user = ctx.main.strict.as(apiKey(fx.keys.user));

    const me = await user.GET('/api/v1/users/me');
    mustStatus(ctx, me.response, 200, 'GetCurrentUser with a user key');
    ensure(ctx, 'behaves_as_documented', me.data?.userName === fx.usernames.user,
      `GetCurrentUser names the key's user (${me.data?.userName} = ${fx.usernames.user})`, 'GetCurrentUser');

    const page = await user.GET('/api/v1/flows', { params: { query: { page: 0, size: 2 } } });
    mustStatus(ctx, page.response, 200, 'GetFlows page 0 size 2');
    const p = page.data!;
    ensure(ctx, 'behaves_as_documented', p.content.length <= 2 && p.size === 2 && p.totalPages === Math.ceil(p.totalElements / 2),
      `GetFlows paging: ${p.content.length} items, size ${p.size}, ${p.totalElements} elements, ${p.totalPages} pages`, 'GetFlows');
    const all = await user.GET('/api/v1/flows', { params: { query: { size: 100 } } });
    mustStatus(ctx, all.response, 200, 'GetFlows size 100');
    const names = all.data!.content.map((f) => f.displayName);
    ensure(ctx, 'behaves_as_documented', names.every((n, i) => i === 0 || names[i - 1].localeCompare(n) <= 0),
      'GetFlows is ordered by display name', 'GetFlows');
    ensure(ctx, 'behaves_as_documented', all.data!.content.some((f) => f.id === fx.flows.success), `GetFlows lists flow ${fx.flows.success}`, 'GetFlows');
    const beyond = await user.GET('/api/v1/flows', { params: { query: { page: 1000, size: 100 } } });
    if (expectStatus(ctx, beyond.response, 200, 'GetFlows beyond the last page')) {
      ensure(ctx, 'behaves_as_documented', beyond.data!.content.length === 0, 'GetFlows beyond the last page is empty', 'GetFlows');
    }

    const flow = await user.GET('/api/v1/flows/{flow}', { params: { path: { flow: fx.flows.success } } });
    if (expectStatus(ctx, flow.response, 200, 'GetFlow of a known flow')) {
      ensure(ctx, 'behaves_as_documented', flow.data!.id === fx.flows.success && flow.data!.type === 'flow', 'GetFlow answers the flow asked for', 'GetFlow');
    }
    const unknown = randomId();
    expectStatus(ctx, (await user.GET('/api/v1/flows/{flow}', { params: { path: { flow: unknown } } })).response, 404, 'GetFlow of an unknown flow');

    const thumb = await user.GET('/api/v1/flows/{flow}/thumbnail', { params: { path: { flow: fx.flows.success } }, parseAs: 'arrayBuffer' });
    expectStatus(ctx, thumb.response, 200, 'GetFlowThumbnail of a known flow');
    await checkBinary(ctx, ctx.main, thumb.response, apiKey(fx.keys.user), 'png', 'GetFlowThumbnail');
    expectStatus(ctx, (await user.GET('/api/v1/flows/{flow}/thumbnail', { params: { path: { flow: unknown } }, parseAs: 'arrayBuffer' })).response, 404,
      'GetFlowThumbnail of an unknown flow');
    expectStatus(ctx, (await user.GET('/api/v1/flows/{flow}/executions', { params: { path: { flow: unknown } } })).response, 404,
      'GetFlowExecutions of an unknown flow');
  },
};
