/** PhixFlow tokens over the flowmock extension: issued to administrators only, for known users, with an expiry. */
import type { Scenario } from '../context.js';
import { apiKey, asAdmin, bearer, ensure, expectStatus, mustStatus, needsAdminAndUserKeys } from '../scenario-kit.js';

export const phixflowTokensScenario: Scenario = {
  name: 'phixflow: tokens (CreatePhixFlowToken) and privileges',
  api: 'phixflow',
  skip: needsAdminAndUserKeys,
  async run(ctx) {
    const fx = ctx.main.fixtures;
    const admin = asAdmin(ctx);
    const user = ctx.main.strict.as(apiKey(fx.keys.user));
    const af = fx.phixflow.actionflows.sync;
    const path = { application: af.application, actionflow: af.name };

    const issued = await admin.POST('/__flowmock/phixflow/tokens', { body: { user: fx.phixflow.users.privileged, expiresIn: '90s' } });
    mustStatus(ctx, issued.response, 201, 'CreatePhixFlowToken with an expiry');
    const t = issued.data!;
    const ttl = t.expiresAt ? Date.parse(t.expiresAt) - Date.now() : NaN;
    ensure(ctx, 'behaves_as_documented', t.user === fx.phixflow.users.privileged && ttl > 0 && ttl <= 91_000, `the token expires in about 90 s (${Math.round(ttl / 1000)} s)`, 'CreatePhixFlowToken');
    const run = await ctx.main.strict.as(bearer(t.token)).POST('/phixflow/api/1/action/{application}/{actionflow}/trigger', { params: { path }, body: [] });
    expectStatus(ctx, run.response, 200, 'TriggerActionflow with the new token');
    const forever = await admin.POST('/__flowmock/phixflow/tokens', { body: { user: fx.phixflow.users.privileged } });
    if (expectStatus(ctx, forever.response, 201, 'CreatePhixFlowToken without an expiry')) {
      ensure(ctx, 'behaves_as_documented', forever.data!.expiresAt == null, 'no expiresIn: the token does not expire', 'CreatePhixFlowToken');
    }
    expectStatus(ctx, (await admin.POST('/__flowmock/phixflow/tokens', { body: { user: 'no-such-user-contract' } })).response, 404, 'CreatePhixFlowToken for an unknown user');
    expectStatus(ctx, (await user.POST('/__flowmock/phixflow/tokens', { body: { user: fx.usernames.user } })).response, 403, 'CreatePhixFlowToken by a user without write:users', 'auth_enforced');

    const unprivileged = await admin.POST('/__flowmock/phixflow/tokens', { body: { user: fx.phixflow.users.unprivileged } });
    if (expectStatus(ctx, unprivileged.response, 201, 'CreatePhixFlowToken for a user without the PhixFlow privileges')) {
      const denied = await ctx.main.strict.as(bearer(unprivileged.data!.token)).POST('/phixflow/api/1/action/{application}/{actionflow}/trigger', { params: { path }, body: [] });
      expectStatus(ctx, denied.response, 403, 'TriggerActionflow by a user without "Use API Key" and "Run Actions"', 'auth_enforced');
      const anonymous = fx.phixflow.actionflows.anonymous;
      const open = await ctx.main.strict.as(bearer(unprivileged.data!.token)).POST('/phixflow/api/1/action/{application}/{actionflow}/trigger', {
        params: { path: { application: anonymous.application, actionflow: anonymous.name } },
      });
      expectStatus(ctx, open.response, 200, 'TriggerActionflow of an anonymous endpoint needs no privileges');
    }
    // A Smart Flows API key is no PhixFlow token.
    const wrongKind = await asAdmin(ctx).POST('/phixflow/api/1/action/{application}/{actionflow}/trigger', { params: { path }, body: [] });
    expectStatus(ctx, wrongKind.response, 401, 'TriggerActionflow with a Smart Flows API key instead of a token', 'auth_enforced');
  },
};
