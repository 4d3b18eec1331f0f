/** `fail`: ends the execution Error, Warning or Interrupted (inside a try, Error goes to the catch). */
import { stepSchema, template } from '../definitions/schema-parts.js';
import { endBlock, raisePercentage, startBlock } from '../flows/execution-state.js';
import type { DoStepModule } from './types.js';

export const failStep: DoStepModule<'fail'> = {
  type: 'fail',
  kind: 'do',
  info: { displayName: 'Fail', description: 'Ends the execution Error, Warning or Interrupted (inside a try, Error goes to the catch).', vendorType: 'postprocess', group: 'steps' },
  schema: stepSchema(
    'fail',
    {
      status: { enum: ['Error', 'Warning', 'Interrupted'] },
      message: { ...template, minLength: 1, description: 'Message the execution ends with (template).' },
    },
    ['status', 'message'],
  ),

  async run(ctx, step, zone, rec) {
    const message = (await ctx.text(step, 'message', ctx.context(rec))) || step.status;
    const fresh = await ctx.live();
    if (!fresh) return false;
    const at = ctx.iso();
    startBlock(fresh, step, zone, at);
    // An Error inside a try goes to its catch; Warning and Interrupted end the execution as written.
    if (step.status === 'Error' && (await ctx.caught(fresh, step.id, message))) return true;
    endBlock(fresh, step.id, 'Error', at, { output: { message } });
    raisePercentage(fresh, step.percentage);
    await ctx.end(fresh, step.status, message);
    return false;
  },
};
