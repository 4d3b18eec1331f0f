/**
 * The engine clock (flowmock extension): GET answers its mode and time; POST moves a virtual
 * clock on (409 with the real clock). See src/engine/clock.ts.
 */
import type { Handlers } from '../../handler-contract/handler-types.js';
import { conflict, invalidField } from '../../handler-contract/problem.js';
import { ClockRangeError, VirtualClock, type Clock } from '../../engine/clock.js';

function state(clock: Clock) {
  return {
    mode: clock.mode,
    now: clock.now().toISOString(),
    ...(clock instanceof VirtualClock ? { pendingTimers: clock.pending() } : {}),
  };
}

export const clockHandlers: Pick<Handlers, 'GetClock' | 'AdvanceClock'> = {
  GetClock(ctx) {
    return { status: 200, body: state(ctx.services.clock) };
  },

  async AdvanceClock(ctx) {
    const { clock } = ctx.services;
    if (!(clock instanceof VirtualClock)) {
      throw conflict('The engine clock is real; only a virtual clock (--clock virtual, FLOWMOCK_CLOCK=virtual) can be advanced.');
    }
    const body = ctx.body!;
    try {
      const { fired } = body.advanceMs !== undefined ? await clock.advance(body.advanceMs) : await clock.advanceTo(new Date(body.to!));
      return { status: 200, body: { ...state(clock), fired } };
    } catch (err) {
      if (err instanceof ClockRangeError) throw invalidField('body', body.advanceMs !== undefined ? '/advanceMs' : '/to', 'minimum', err.message);
      throw err;
    }
  },
};
