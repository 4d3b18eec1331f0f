/** `progress`: does work for durationMs (× speed), then raises the percentage. */
import { durationMs, stepSchema } from '../definitions/schema-parts.js';
import { endBlock, raisePercentage, startBlock } from '../flows/execution-state.js';
import type { DoStepModule } from './types.js';

export const progressStep: DoStepModule<'progress'> = {
  type: 'progress',
  kind: 'do',
  info: { displayName: 'Progress', description: 'Does work for durationMs and raises the percentage.', vendorType: 'data', group: 'steps' },
  schema: stepSchema('progress', { durationMs }, ['durationMs']),

  /** Message, wait, then percentage. */
  async run(ctx, step, zone, rec) {
    const message = (await ctx.text(step, 'message', ctx.context(rec))) ?? step.displayName ?? step.id;
    let fresh = await ctx.live();
    if (!fresh) return false;
    startBlock(fresh, step, zone, ctx.iso());
    fresh.progress.message = message;
    await ctx.persist(fresh);
    await ctx.sleep(step.durationMs);
    fresh = await ctx.live();
    if (!fresh) return false;
    endBlock(fresh, step.id, 'Output', ctx.iso());
    raisePercentage(fresh, step.percentage);
    await ctx.advance(fresh);
    return true;
  },
};
