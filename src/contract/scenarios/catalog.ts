/** Smart Flows: health, login methods, the current user, flows and their thumbnails. */
import type { Scenario } from '../context.js';
import { apiKey, asAdmin, ensure, expectStatus, mustStatus, needsUserKey, randomId } from '../scenario-kit.js';
import { checkBinary, checkHeadOfGet } from '../binary.js';

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
    ensure(ctx, 'behaves_as_documented', Array.isArray(page.data) && page.data.length <= 2,
      `GetFlows answers a plain array of at most size items (${Array.isArray(page.data) ? page.data.length : typeof page.data})`, 'GetFlows');
    const all = await user.GET('/api/v1/flows', { params: { query: { size: 100 } } });
    mustStatus(ctx, all.response, 200, 'GetFlows size 100');
    const names = all.data!.map((f) => f.displayName ?? '');
    ensure(ctx, 'behaves_as_documented', names.every((n, i) => i === 0 || names[i - 1].localeCompare(n) <= 0),
      'GetFlows is ordered by display name', 'GetFlows');
    ensure(ctx, 'behaves_as_documented', all.data!.some((f) => f.id === fx.flows.success), `GetFlows lists flow ${fx.flows.success}`, 'GetFlows');
    const beyond = await user.GET('/api/v1/flows', { params: { query: { page: 1000, size: 100 } } });
    if (expectStatus(ctx, beyond.response, 200, 'GetFlows beyond the last page')) {
      ensure(ctx, 'behaves_as_documented', beyond.data!.length === 0, 'GetFlows beyond the last page is empty', 'GetFlows');
    }

    const flow = await user.GET('/api/v1/flows/{flow}', { params: { path: { flow: fx.flows.success } } });
    if (expectStatus(ctx, flow.response, 200, 'GetFlow of a known flow')) {
      const f = flow.data!;
      ensure(ctx, 'behaves_as_documented', f.id === fx.flows.success && (f.type === 'simple' || f.type === 'advanced') && Array.isArray(f.body?.preZones),
        'GetFlow answers the flow asked for as the vendor Flow (type simple|advanced, body zones)', 'GetFlow');
    }
    const steps = await user.GET('/api/v1/flows/steps');
    if (expectStatus(ctx, steps.response, 200, 'GetFlowSteps')) {
      ensure(ctx, 'behaves_as_documented', steps.data!.some((st) => st.id === 'document'), 'GetFlowSteps lists the document step', 'GetFlowSteps');
    }
    const contract = await user.POST('/api/v1/flows/{flow}/contract', { params: { path: { flow: fx.flows.success } }, body: {} });
    if (expectStatus(ctx, contract.response, 200, 'GetFlowContract of a known flow')) {
      ensure(ctx, 'behaves_as_documented', contract.data!.id === fx.flows.success, 'GetFlowContract names the flow', 'GetFlowContract');
    }
    const unknown = randomId();
    expectStatus(ctx, (await user.GET('/api/v1/flows/{flow}', { params: { path: { flow: unknown } } })).response, 404, 'GetFlow of an unknown flow');
    expectStatus(ctx, (await user.POST('/api/v1/flows/{flow}/contract', { params: { path: { flow: unknown } }, body: {} })).response, 404, 'GetFlowContract of an unknown flow');

    const docStep = await user.GET('/api/v1/flows/steps/{step}', { params: { path: { step: 'document' } } });
    if (expectStatus(ctx, docStep.response, 200, 'GetFlowStep document')) {
      ensure(ctx, 'behaves_as_documented', docStep.data!.id === 'document' && docStep.data!.type === 'gendoc', 'GetFlowStep answers the step type asked for', 'GetFlowStep');
    }
    expectStatus(ctx, (await user.GET('/api/v1/flows/steps/{step}', { params: { path: { step: 'no-such-step' } } })).response, 404, 'GetFlowStep of an unknown step type');
    const settings = await user.POST('/api/v1/flows/steps/{step}', { params: { path: { step: 'fail' }, query: { property: 'status' } }, body: {} });
    if (expectStatus(ctx, settings.response, 200, 'GetFlowSettings fail/status')) {
      ensure(ctx, 'behaves_as_documented', (settings.data as { property?: string }).property === 'status', 'GetFlowSettings names the property', 'GetFlowSettings');
    }
    expectStatus(ctx, (await user.POST('/api/v1/flows/steps/{step}', { params: { path: { step: 'no-such-step' }, query: { property: 'x' } }, body: {} })).response, 404,
      'GetFlowSettings of an unknown step type');

    // Flows of definition files change through their files: over the API a documented 409 (flows-crud.ts covers API flows).
    if (fx.keys.admin) {
      const admin = asAdmin(ctx);
      expectStatus(ctx, (await admin.POST('/api/v1/flows', { body: { id: fx.flows.success, displayName: 'Same id as a file flow', type: 'simple' } })).response, 409,
        'CreateFlow with the id of a file-defined flow');
      expectStatus(ctx, (await admin.PUT('/api/v1/flows/{flow}', { params: { path: { flow: fx.flows.success } }, body: { displayName: 'Renamed' } })).response, 409,
        'UpdateFlow of a file-defined flow');
      expectStatus(ctx, (await admin.PUT('/api/v1/flows/{flow}', { params: { path: { flow: unknown } }, body: {} })).response, 404, 'UpdateFlow of an unknown flow');
      expectStatus(ctx, (await admin.DELETE('/api/v1/flows/{flow}', { params: { path: { flow: fx.flows.success } } })).response, 409, 'DeleteFlow of a file-defined flow');
      expectStatus(ctx, (await admin.DELETE('/api/v1/flows/{flow}', { params: { path: { flow: unknown } } })).response, 404, 'DeleteFlow of an unknown flow');
    }

    const thumb = await user.GET('/api/v1/flows/{flow}/thumbnail', { params: { path: { flow: fx.flows.success } }, parseAs: 'arrayBuffer' });
    expectStatus(ctx, thumb.response, 200, 'GetFlowThumbnail of a known flow');
    await checkBinary(ctx, ctx.main, thumb.response, apiKey(fx.keys.user), 'png', 'GetFlowThumbnail');
    const thumbHead = await user.HEAD('/api/v1/flows/{flow}/thumbnail', { params: { path: { flow: fx.flows.success } } });
    if (expectStatus(ctx, thumbHead.response, 200, 'HeadFlowThumbnail of a known flow')) await checkHeadOfGet(ctx, ctx.main, thumbHead.response, thumb.response, apiKey(fx.keys.user), 'HeadFlowThumbnail');
    expectStatus(ctx, (await user.HEAD('/api/v1/flows/{flow}/thumbnail', { params: { path: { flow: unknown } } })).response, 404, 'HeadFlowThumbnail of an unknown flow');
    expectStatus(ctx, (await user.GET('/api/v1/flows/{flow}/thumbnail', { params: { path: { flow: unknown } }, parseAs: 'arrayBuffer' })).response, 404,
      'GetFlowThumbnail of an unknown flow');
    expectStatus(ctx, (await user.GET('/api/v1/flows/{flow}/executions', { params: { path: { flow: unknown } } })).response, 404,
      'GetFlowExecutions of an unknown flow');
  },
};
