/**
 * RunCleanup (src/engine/system/cleanup.ts): runs the named cleanup actions (or every configured
 * one) and answers the vendor's CleanupActionStatus of each that ran; how many executions each
 * action touched is in the X-Flowmock-Cleanup-Affected header (the vendor's model has no count).
 */
import type { Handlers } from '../../handler-contract/handler-types.js';
import { invalidField } from '../../handler-contract/problem.js';
import { CleanupError, parseActions, runCleanup } from '../../engine/system/cleanup.js';

export const cleanupHandlers: Pick<Handlers, 'RunCleanup'> = {
  async RunCleanup(ctx) {
    const { store, flows, clock } = ctx.services;
    try {
      const results = await runCleanup(
        { store, now: clock.now(), interrupt: (id, status, message) => flows.interrupt(id, status, message) },
        parseActions(ctx.query.action),
      );
      return {
        status: 200,
        headers: { 'X-Flowmock-Cleanup-Affected': results.map((r) => `${r.action}=${r.affected}`).join(', ') },
        body: results.map(({ action, settings }) => ({ action, settings })),
      };
    } catch (err) {
      if (err instanceof CleanupError) throw invalidField('query', '/action', err.rule, err.message);
      throw err;
    }
  },
};
