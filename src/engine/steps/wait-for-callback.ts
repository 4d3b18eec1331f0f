/** `waitForCallback`: stops in Waiting until POST /flows/callback/{callbackId} (the engine's callback resumes it). */
import { randomUUID } from 'node:crypto';
import { stepSchema } from '../definitions/schema-parts.js';
import { endBlock, startBlock } from '../flows/execution-state.js';
import type { DoStepModule } from './types.js';

export const waitForCallbackStep: DoStepModule<'waitForCallback'> = {
  type: 'waitForCallback',
  kind: 'do',
  info: { displayName: 'Wait for callback', description: 'Stops in Waiting until POST /flows/callback/{callbackId}.', vendorType: 'other', group: 'steps' },
  schema: stepSchema('waitForCallback', {}, []),

  async run(ctx, step, zone, rec) {
    const message = (await ctx.text(step, 'message', ctx.context(rec))) ?? step.displayName ?? 'Waiting for an external event';
    const fresh = await ctx.live();
    if (!fresh) return false;
    const at = ctx.iso();
    const callbackId = randomUUID();
    startBlock(fresh, step, zone, at);
    endBlock(fresh, step.id, 'Waiting', at);
    ctx.pauseRunning(fresh, at);
    fresh.status = 'Waiting';
    fresh.progress = { percentage: fresh.progress.percentage, message, status: 'Waiting' };
    fresh.waitingFor = {
      type: 'callback',
      callbackId,
      callbackUrl: `/api/v1/flows/callback/${callbackId}?executionId=${encodeURIComponent(fresh.id)}`,
      since: at,
    };
    await ctx.persist(fresh);
    await ctx.drainQueue();
    return false;
  },
};
