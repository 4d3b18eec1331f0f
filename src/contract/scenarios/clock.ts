/**
 * flowmock extension: the engine clock. GET answers its mode and time; POST moves a virtual clock
 * (200) and is a 409 on the real clock, which the main reference server of a contract run uses
 * (the queue scenario answers the 200: its server runs on the virtual clock). Also
 * checks that a start with `Prefer: scenario=` passes the proxy and is echoed.
 */
import type { Scenario } from '../context.js';
import { apiKey, asAdmin, ensure, expectStatus, mustStatus, needsAdminAndUserKeys, waitForExecution } from '../scenario-kit.js';

export const clockScenario: Scenario = {
  name: 'flowmock: engine clock and Prefer: scenario',
  api: 'smartflows',
  skip: needsAdminAndUserKeys,
  async run(ctx) {
    const fx = ctx.main.fixtures;
    const admin = asAdmin(ctx);
    const user = ctx.main.strict.as(apiKey(fx.keys.user));

    const clock = await admin.GET('/__flowmock/clock');
    mustStatus(ctx, clock.response, 200, 'GetClock');
    const before = Date.parse(clock.data!.now);
    ensure(ctx, 'behaves_as_documented', Number.isFinite(before), `GetClock answers a time (${clock.data!.now}, ${clock.data!.mode})`, 'GetClock');
    const moved = await admin.POST('/__flowmock/clock', { body: { advanceMs: 0 } });
    if (clock.data!.mode === 'real') {
      expectStatus(ctx, moved.response, 409, 'AdvanceClock with the real clock');
    } else if (expectStatus(ctx, moved.response, 200, 'AdvanceClock with a virtual clock')) {
      ensure(ctx, 'behaves_as_documented', Date.parse(moved.data!.now) >= before, 'AdvanceClock never moves the time back', 'AdvanceClock');
    }

    const started = await user.POST('/api/v1/flows/executions', {
      params: { query: { flowId: fx.flows.success }, header: { Prefer: 'scenario=error-at-100' } },
    });
    mustStatus(ctx, started.response, 200, 'ExecuteFlow with Prefer: scenario=error-at-100');
    ensure(ctx, 'behaves_as_documented', started.response.headers.get('preference-applied') === 'scenario=error-at-100',
      'the scenario in effect is echoed in Preference-Applied', 'ExecuteFlow');
    if (clock.data!.mode === 'real') {
      const last = await waitForExecution(ctx, user, started.data!.id, (s) => s === 'Error' || s === 'Success', 'scenario run');
      ensure(ctx, 'behaves_as_documented', last.status === 'Error', `error-at-100 ends Error instead of Success (${last.status})`, 'ExecuteFlow');
    }
  },
};
